// Replication of Zhang et al., "Optimizing FPGA-based Accelerator Design for Deep Convolutional
// Neural Networks" (FPGA 2015): AlexNet's five conv layers on a Virtex-7 VX485T (VC707), 32-bit
// float, 100 MHz, one accelerator with <Tm, Tn> = <64, 7>. They report 61.62 GFLOPS (1.33 GFLOP
// in 21.61 ms), 2,240 DSPs.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readScaleSimTopology, type ConvLayerShape, type ConvLayersArchitecture } from '@coex/kit-chain-cnn';
import { createFpgaPipelineModel } from '../src';

const REPORTED_GFLOPS = 61.62;
const SCALESIM_ALEXNET = path.join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'scalesim', 'alexnet.csv');

const zhangSetup = (tiling: { Tm: number; Tn: number; Tr: number; Tc: number }, edgeTiles: 'full' | 'partial') =>
  createFpgaPipelineModel({
    mode: 'fixed',
    bits: 32,
    clockMHz: 100,
    edgeTiles,
    pool: ['XC7VX485T'],
    design: { stages: [{ part: 'XC7VX485T', layers: [0, -1], tiling }] },
  });

/** A valid (unpadded) conv layer on an already padded input. */
function conv(name: string, ifmap: number, k: number, s: number, channels: number, filters: number): ConvLayerShape {
  const out = Math.floor((ifmap - k) / s) + 1;
  return { name, kind: 'conv', ifmapHeight: ifmap, ifmapWidth: ifmap, filterHeight: k, filterWidth: k, channels, filters,
    stride: s, padding: 'valid', ofmapHeight: out, ofmapWidth: out };
}

describe('fpga-pipeline: Zhang et al. (FPGA 2015) replication', () => {
  it('SCALE-Sim AlexNet topology (unpadded, ungrouped) lands near the reported 61.62 GFLOPS', function () {
    expect(existsSync(SCALESIM_ALEXNET), `${SCALESIM_ALEXNET}: the shared/ fixture beside the repository`).to.equal(true);
    const alexnet = readScaleSimTopology(readFileSync(SCALESIM_ALEXNET, 'utf8'), 'alexnet.csv');
    // One tiling for all layers; Tr = Tc = 27 divides conv1's 54x54 output and covers conv2's 23x23
    // and conv3-5's 11x11 in one (clamped) tile, so the formula counts no partial tiles.
    const model = zhangSetup({ Tm: 64, Tn: 7, Tr: 27, Tc: 27 }, 'full');
    const m = model.evaluate(alexnet, model.propose(alexnet, [], {}));
    // Every layer is compute bound (L1 = tC), so cycles = ceil(M/64)*ceil(N/7)*R*C*K^2:
    //   conv1 2*1*54*54*121 = 705,672    conv2 4*14*23*23*25 = 740,600   conv3 6*37*11*11*9 = 241,758
    //   conv4 6*55*11*11*9 = 359,370     conv5 4*55*11*11*9 = 239,580    total 2,286,980 cycles = 22.87 ms
    expect(m.stages[0].layerCycles.map((l) => l.cycles)).to.deep.equal([705_672, 740_600, 241_758, 359_370, 239_580]);
    expect(m.stages[0].layerCycles.every((l) => l.bound === 'compute')).to.equal(true);
    expect(m.stages[0].dsp).to.equal(2240); // 5 DSPs per float lane x 64 x 7, as Zhang et al. report
    expect(m.feasible).to.equal(true);
    // 801.4 M MACs (1.60 GFLOP) / 22.87 ms = 70.08 GFLOPS: 13.7 % above the reported figure. The
    // topology is not Zhang's network: without padding and groups it has 20 % more work, and its
    // ungrouped conv2/4/5 (N = 96, 384) fill Tn = 7 better than the grouped halves (N = 48, 192),
    // so lane utilisation is 78 % instead of 74 % (+5.5 %); the other 7.7 % is what the model leaves
    // out (see the next test). Tolerance: at least the reported figure (the model has no overheads)
    // and at most 15 % above it.
    expect(m.gops).to.be.closeTo(70.08, 0.01);
    expect(m.gops).to.be.within(REPORTED_GFLOPS, REPORTED_GFLOPS * 1.15);
  });

  it("Zhang's own network (padded, 2 groups) is within 10 % above the reported 61.62 GFLOPS", () => {
    // Caffe AlexNet as Zhang ran it: 227x227 input; conv2, conv4, conv5 in two groups (two
    // independent convs of half the channels); padding 2 (conv2) and 1 (conv3-5) applied to the inputs.
    const alexnet: ConvLayersArchitecture = {
      kind: 'conv-layers',
      layers: [
        conv('conv1', 227, 11, 4, 3, 96),
        conv('conv2a', 31, 5, 1, 48, 128), conv('conv2b', 31, 5, 1, 48, 128),
        conv('conv3', 15, 3, 1, 256, 384),
        conv('conv4a', 15, 3, 1, 192, 192), conv('conv4b', 15, 3, 1, 192, 192),
        conv('conv5a', 15, 3, 1, 192, 128), conv('conv5b', 15, 3, 1, 192, 128),
      ],
    };
    // 55, 27 and 13 share no tile size, so edge tiles cost only their rows and columns, as in
    // Zhang's loops (edgeTiles 'partial'); Tr = Tc = 14 fits the BRAM.
    const model = zhangSetup({ Tm: 64, Tn: 7, Tr: 14, Tc: 14 }, 'partial');
    const m = model.evaluate(alexnet, model.propose(alexnet, [], {}));
    // conv1 2*1*55*55*121 = 732,050; conv2 2 x 2*7*27*27*25 = 2 x 255,150; conv3 6*37*13*13*9 = 337,662;
    // conv4 2 x 3*28*1,521 = 2 x 127,764; conv5 2 x 2*28*1,521 = 2 x 85,176: 2,005,892 cycles = 20.06 ms
    expect(m.cycles).to.equal(2_005_892);
    const gflop = (2 * m.macs) / 1e9;
    expect(gflop).to.be.closeTo(1.331, 0.001); // Zhang et al.: 1.33 GFLOP
    // 66.38 GFLOPS, 7.7 % above the 61.62 measured on the board (21.61 ms). The model counts
    // steady-state tile cycles only: no pipeline fill and drain of the tile loops, no first load
    // before compute starts, no per-layer host overhead. So it can only be optimistic, and by
    // little: at least the reported figure, at most 10 % above it.
    expect(m.gops).to.be.closeTo(66.38, 0.01);
    expect(m.gops).to.be.within(REPORTED_GFLOPS, REPORTED_GFLOPS * 1.1);
  });
});
