// The pipeline's view of a network: each conv-shaped layer in the loop-tiling notation of Zhang
// et al. (FPGA 2015): M output channels, N input channels, R x C output, Kh x Kw kernel, stride S.
import { type Architecture } from '@coex/core';
import { convLayersOf, layerMacs, type ConvLayerShape } from '@coex/kit-chain-cnn';

export interface FpgaLayer {
  name: string;
  M: number;
  N: number;
  R: number;
  C: number;
  Kh: number;
  Kw: number;
  S: number;
  /** Multiply-accumulates of one image. */
  macs: number;
  /** Words of the output feature map of one image (what the next stage receives). */
  outWords: number;
}

export function toFpgaLayer(l: ConvLayerShape): FpgaLayer {
  return {
    name: l.name,
    M: l.filters,
    N: l.channels,
    R: l.ofmapHeight,
    C: l.ofmapWidth,
    Kh: l.filterHeight,
    Kw: l.filterWidth,
    S: l.stride,
    macs: layerMacs(l),
    outWords: l.ofmapHeight * l.ofmapWidth * l.filters,
  };
}

// evaluate() is called thousands of times per search, mostly on the same architecture objects.
const cache = new WeakMap<Architecture, FpgaLayer[]>();

/** The layers of an architecture (chain-CNN layers are same-padded; the dense head is a 1x1 layer). */
export function fpgaLayersOf(arch: Architecture): FpgaLayer[] {
  let layers = cache.get(arch);
  if (!layers) {
    layers = convLayersOf(arch).map(toFpgaLayer);
    cache.set(arch, layers);
  }
  return layers;
}
