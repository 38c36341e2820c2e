// A hardware model's view of a network: the list of convolution-shaped layers it must run.
// Chain CNNs become same-padded conv layers plus the dense head (as a 1x1 "conv" over the
// flattened input); SCALE-Sim topology files give unpadded ("valid") conv layers directly.
import { UserError, type Architecture } from '@coex/core';
import { describeChainCnn, isChainCnn } from './chain-cnn';

export interface ConvLayerShape {
  name: string;
  kind: 'conv' | 'dense';
  ifmapHeight: number;
  ifmapWidth: number;
  filterHeight: number;
  filterWidth: number;
  channels: number;
  filters: number;
  stride: number;
  padding: 'same' | 'valid';
  ofmapHeight: number;
  ofmapWidth: number;
}

/** An architecture given directly as layer shapes (e.g. a SCALE-Sim topology file). */
export interface ConvLayersArchitecture extends Architecture {
  kind: 'conv-layers';
  layers: ConvLayerShape[];
}

/** Multiply-accumulates of one layer. */
export function layerMacs(l: ConvLayerShape): number {
  return l.ofmapHeight * l.ofmapWidth * l.filterHeight * l.filterWidth * l.channels * l.filters;
}

/** The conv-shaped layers of any architecture kind a hardware model can cost. */
export function convLayersOf(arch: Architecture): ConvLayerShape[] {
  if (arch.kind === 'conv-layers') return (arch as ConvLayersArchitecture).layers;
  if (isChainCnn(arch)) {
    return describeChainCnn(arch).layers.map((l) =>
      l.kind === 'conv'
        ? { name: `conv${l.index}`, kind: 'conv', ifmapHeight: l.inHeight, ifmapWidth: l.inWidth, filterHeight: l.kernel,
            filterWidth: l.kernel, channels: l.inChannels, filters: l.outChannels, stride: l.stride, padding: 'same',
            ofmapHeight: l.outHeight, ofmapWidth: l.outWidth }
        : { name: 'dense', kind: 'dense', ifmapHeight: 1, ifmapWidth: 1, filterHeight: 1, filterWidth: 1,
            channels: l.inChannels, filters: l.outChannels, stride: 1, padding: 'valid', ofmapHeight: 1, ofmapWidth: 1 },
    );
  }
  throw new UserError(`hardware models cost architectures of kind "chain-cnn" or "conv-layers", not "${arch.kind}"`);
}

const TOPOLOGY_COLUMNS = ['Layer name', 'IFMAP Height', 'IFMAP Width', 'Filter Height', 'Filter Width', 'Channels', 'Num Filter', 'Strides'];

/**
 * Reads SCALE-Sim's topology CSV (`Layer name, IFMAP Height, IFMAP Width, Filter Height,
 * Filter Width, Channels, Num Filter, Strides`, trailing commas allowed). Layers are unpadded.
 * Lines starting with `#` (e.g. the source of the table) are comments; line numbers count them.
 */
export function readScaleSimTopology(text: string, file = 'topology'): ConvLayersArchitecture {
  const numbered = text.split(/\r?\n/).map((l, i) => ({ text: l.trim(), line: i + 1 })).filter((l) => l.text.length > 0 && !l.text.startsWith('#'));
  const lines = numbered.map((l) => l.text);
  if (lines.length < 2) throw new UserError(`${file}: expected a header line and at least one layer`);
  const header = lines[0].split(',').map((c) => c.trim()).filter(Boolean);
  TOPOLOGY_COLUMNS.forEach((col, i) => {
    if ((header[i] ?? '').toLowerCase() !== col.toLowerCase()) {
      throw new UserError(`${file}:${numbered[0].line}: column ${i + 1} should be "${col}", found "${header[i] ?? ''}" (SCALE-Sim topology format: ${TOPOLOGY_COLUMNS.join(', ')})`);
    }
  });
  const layers = lines.slice(1).map((line, i): ConvLayerShape => {
    const cells = line.split(',').map((c) => c.trim());
    const nums = cells.slice(1, 8).map(Number);
    if (nums.length < 7 || nums.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new UserError(`${file}:${numbered[i + 1].line}: expected a name and 7 positive integers, got "${line}"`);
    }
    const [ih, iw, fh, fw, channels, filters, stride] = nums;
    if (fh > ih || fw > iw) throw new UserError(`${file}:${numbered[i + 1].line}: filter ${fh}x${fw} is larger than the ${ih}x${iw} input`);
    return { name: cells[0], kind: 'conv', ifmapHeight: ih, ifmapWidth: iw, filterHeight: fh, filterWidth: fw, channels, filters,
      stride, padding: 'valid', ofmapHeight: Math.floor((ih - fh) / stride) + 1, ofmapWidth: Math.floor((iw - fw) / stride) + 1 };
  });
  return { kind: 'conv-layers', layers };
}
