import { expect } from 'chai';
import {
  bramBlocks,
  bufferNeeds,
  evaluatePipeline,
  FPGA_PARTS,
  layerCycles,
  MODEL_NAME,
  resourceViolations,
  splitPorts,
  stageResources,
  type FpgaLayer,
  type PipelineConfig,
  type Tiling,
  type TilingParams,
} from '../src';

const layer = (M: number, N: number, R: number, K: number, S = 1): FpgaLayer => ({
  name: `M${M}N${N}R${R}K${K}S${S}`, M, N, R, C: R, Kh: K, Kw: K, S, macs: R * R * K * K * M * N, outWords: R * R * M,
});
const p16: TilingParams = { bits: 16, batch: 1, edgeTiles: 'full' };
const tiling = (Tm: number, Tn: number, T: number, Ip: number, Wp: number, Op: number): Tiling => ({ Tm, Tn, Tr: T, Tc: T, Ip, Wp, Op });

describe('fpga-pipeline: Zhang et al. tiling model, hand-computed', () => {
  it('compute-bound 3x3 layer', () => {
    // M=64 N=32 R=C=16 K=3 S=1, Tm=16 Tn=8 Tr=Tc=8, Ip=Wp=Op=4:
    //   Tr' = (8-1)*1+3 = 10; tI = ceil(8*10*10/4) = 200; tW = ceil(16*8*9/4) = 288;
    //   tC = 9*8*8 = 576; tO = ceil(16*64/4) = 256; L1 = max(200,288,576) = 576;
    //   L2 = max(ceil(32/8)*576, 256) = 2304; cycles = ceil(16/8)^2 * ceil(64/16) * 2304 = 16 * 2304 = 36,864
    //   (= MACs / lanes = 16*16*9*32*64 / (16*8): every lane busy every cycle)
    const cost = layerCycles(layer(64, 32, 16, 3), tiling(16, 8, 8, 4, 4, 4), p16);
    expect(cost.cycles).to.equal(36_864);
    expect(cost.bound).to.equal('compute');
    // traffic per tile: 4*(800 + 1152) + 16*64 = 8832 words; 16 tiles
    expect(cost.trafficWords).to.equal(16 * 8832);
  });

  it('weight-bound 7x7 layer on a small map', () => {
    // M=64 N=64 R=C=4 K=7, Tm=32 Tn=16 Tr=Tc=4, Ip=Wp=Op=2:
    //   Tr' = 3+7 = 10; tI = 16*100/2 = 800; tW = 32*16*49/2 = 12,544; tC = 49*16 = 784;
    //   L1 = 12,544 (weights); L2 = max(4*12,544, 32*16/2 = 256) = 50,176; cycles = 1*1*2*50,176
    const cost = layerCycles(layer(64, 64, 4, 7), tiling(32, 16, 4, 2, 2, 2), p16);
    expect(cost.cycles).to.equal(100_352);
    expect(cost.bound).to.equal('weight');
  });

  it('stride-2 halo, clamped tiles, and full versus partial edge tiles', () => {
    // M=10 N=3 R=C=5 K=3 S=2, Tm=16 Tn=4 Tr=Tc=4, ports 2/2/2; tm = 10, tn = 3 (clamped):
    //   full tile: Tr' = 3*2+3 = 9; tI = ceil(3*81/2) = 122; tW = ceil(10*3*9/2) = 135; tC = 9*16 = 144;
    //   tO = ceil(10*16/2) = 80; L2 = 144; 'full': ceil(5/4)^2 = 4 tiles -> 576 cycles
    const l = layer(10, 3, 5, 3, 2);
    const t = tiling(16, 4, 4, 2, 2, 2);
    expect(layerCycles(l, t, p16).cycles).to.equal(576);
    //   'partial': tiles 4x4 (144), 4x1 and 1x4 (Tc' = 3: tI = ceil(81/2) = 41, tW = 135, tC = 36: 135 each),
    //   1x1 (tI = 14, tW = 135, tC = 9: 135) -> 144 + 3*135 = 549
    expect(layerCycles(l, t, { ...p16, edgeTiles: 'partial' }).cycles).to.equal(549);
  });

  it('a tile larger than the layer costs only the layer (the dense head as a 1x1 layer)', () => {
    // dense 144 -> 10 as M=10 N=144 R=C=1 K=1; Tm=16 Tn=8 Tr=Tc=8, ports 6/5/5:
    //   tr = tc = 1; tI = ceil(8/6) = 2; tW = ceil(10*8/5) = 16; tC = 1; L1 = 16 (weights);
    //   L2 = max(18*16, ceil(10/5) = 2) = 288; one tile -> 288 cycles
    const cost = layerCycles(layer(10, 144, 1, 1), tiling(16, 8, 8, 6, 5, 5), p16);
    expect(cost.cycles).to.equal(288);
  });

  it('caps a layer at the board DDR bandwidth (roofline)', () => {
    // Case 1 moves 141,312 words = 282,624 bytes; at 4 bytes/cycle that takes 70,656 cycles > 36,864
    const cost = layerCycles(layer(64, 32, 16, 3), tiling(16, 8, 8, 4, 4, 4), p16, 4);
    expect(cost.tilingCycles).to.equal(36_864);
    expect(cost.ddrCycles).to.equal(70_656);
    expect(cost.cycles).to.equal(70_656);
    expect(cost.bound).to.equal('ddr');
  });

  it('counts DSPs, BRAM18s and port bits', () => {
    // needs for case 1: input tile 10*10 = 100 words, kernel 9, output tile 64 (16-bit: 1024 words per BRAM18)
    // input 8 banks * ceil(200/1024) = 8; weights 128 banks * ceil(18/1024) = 128; output 2*16*ceil(64/1024) = 32
    const t = tiling(16, 8, 8, 4, 4, 4);
    const needs = bufferNeeds([layer(64, 32, 16, 3)], t);
    expect(needs).to.deep.equal({ inWords: 100, wWords: 9, outWords: 64 });
    expect(stageResources(t, needs, 16)).to.deep.equal({ dsp: 128, bram18: 168, portBits: 192 });
    // 32-bit float: 5 DSPs per lane, 512 words per BRAM18
    expect(stageResources(t, needs, 32)).to.deep.equal({ dsp: 640, bram18: 168, portBits: 384 });
    // a 60x60 input tile per bank: 3600 words double-buffered in 16-bit = ceil(7200/1024) = 8 blocks per bank
    expect(bramBlocks(1, 2, { inWords: 3600, wWords: 1, outWords: 1 }, 16)).to.equal(2 * 8 + 2 * 1 + 2 * 1);
  });

  it('splits a part port by ratio', () => {
    // XC7Z020: 256 bits = 16 words at 16 bit; balanced 5/5/5 + 1 leftover to the first share
    expect(splitPorts(FPGA_PARTS.XC7Z020, 16, [1, 1, 1])).to.deep.equal({ Ip: 6, Wp: 5, Op: 5 });
    expect(splitPorts(FPGA_PARTS.XC7Z020, 16, [1, 2, 1])).to.deep.equal({ Ip: 4, Wp: 8, Op: 4 });
    // XC7A50T at 32 bit: 128 bits = 4 words -> 1/1/1 + 1; a 64-bit port cannot feed three 32-bit streams
    expect(splitPorts(FPGA_PARTS.XC7A50T, 32, [1, 1, 1])).to.deep.equal({ Ip: 2, Wp: 1, Op: 1 });
    expect(splitPorts({ ...FPGA_PARTS.XC7A50T, portBits: 64 }, 32, [1, 1, 1])).to.equal(undefined);
  });
});

describe('fpga-pipeline: resource limits', () => {
  const config: PipelineConfig = {
    parts: FPGA_PARTS, bits: 16, batch: 1, edgeTiles: 'full', clockMHz: 100, linkGbps: 10,
    power: { dspWatts: 0.003, bramWatts: 0.0015, ddrPicojoulesPerBit: 40 },
  };
  const layers = [layer(64, 32, 16, 3)];
  const one = (part: string, t: Tiling) => evaluatePipeline(layers, { model: MODEL_NAME, stages: [{ part, layers: [0, 0], tiling: t }] }, config);

  it('a tiling within the part is feasible', () => {
    expect(one('XC7Z020', tiling(16, 8, 8, 6, 5, 5)).feasible).to.equal(true);
  });

  it('a tiling needing more DSPs than the part has is infeasible', () => {
    // Tm*Tn = 16*14 = 224 DSPs > 220; its 224 + 14 + 32 = 270 BRAM18s still fit the 280
    const m = one('XC7Z020', tiling(16, 14, 8, 6, 5, 5));
    expect(m.feasible).to.equal(false);
    expect(m.infeasible).to.deep.equal(['stage 0 (XC7Z020): DSP 224 > 220']);
  });

  it('a tiling needing more BRAM than the part has is infeasible', () => {
    // XC7A50T: 120 DSPs fit Tm*Tn = 24*5 lanes, but the banks do not fit 150 BRAM18s: input 5*ceil(2*100/1024) = 5,
    // weights 120*ceil(18/1024) = 120, output 2*24*ceil(64/1024) = 48 -> 173 > 150
    const m = one('XC7A50T', tiling(24, 5, 8, 4, 2, 2));
    expect(m.feasible).to.equal(false);
    expect(m.infeasible).to.deep.equal(['stage 0 (XC7A50T): BRAM18 173 > 150']);
  });

  it('ports wider than the part and clocks above its limit are infeasible', () => {
    expect(resourceViolations({ dsp: 1, bram18: 1, portBits: 512 }, FPGA_PARTS.XC7Z020, 100)).to.deep.equal(['port 512 bits > 256']);
    expect(resourceViolations({ dsp: 1, bram18: 1, portBits: 16 }, FPGA_PARTS.XC7Z020, 400)).to.deep.equal(['clock 400 MHz > 200 MHz']);
  });
});
