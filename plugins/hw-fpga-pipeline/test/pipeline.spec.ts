import { expect } from 'chai';
import { chainCnn } from '@coex/kit-chain-cnn';
import {
  bufferNeeds,
  createFpgaPipelineModel,
  FPGA_PARTS,
  fpgaLayersOf,
  layerCycles,
  MODEL_NAME,
  stageResources,
  type FpgaPipelineDesign,
} from '../src';

describe('fpga-pipeline: pipeline metrics', () => {
  // 8x8x3 -> conv3x3 f8 s1 (8x8x8) -> conv3x3 f16 s2 (4x4x16) -> dense 256 -> 10
  const net = chainCnn([[3, 8, 1], [3, 16, 2]], { height: 8, width: 8, channels: 3 }, 10);
  const layers = fpgaLayersOf(net);
  const model = createFpgaPipelineModel({});
  const t0 = { Tm: 8, Tn: 3, Tr: 8, Tc: 8, Ip: 6, Wp: 5, Op: 5 };
  const t1 = { Tm: 16, Tn: 4, Tr: 4, Tc: 4, Ip: 4, Wp: 2, Op: 2 };
  const design: FpgaPipelineDesign = {
    model: MODEL_NAME,
    stages: [
      { part: 'XC7Z020', layers: [0, 0], tiling: t0 },
      { part: 'XC7A50T', layers: [1, 2], tiling: t1 },
    ],
  };
  const m = model.evaluate(net, design);

  it('sees the chain CNN as conv layers plus a 1x1 dense head', () => {
    expect(layers.map((l) => [l.M, l.N, l.R, l.Kh, l.S])).to.deep.equal([[8, 3, 8, 3, 1], [16, 8, 4, 3, 2], [10, 256, 1, 1, 1]]);
    // MACs: 8*8*9*3*8 + 4*4*9*8*16 + 256*10
    expect(m.macs).to.equal(13_824 + 18_432 + 2_560);
  });

  it('stage latency is the sum of its layers at the clock; throughput is 1 / the slowest stage or link', () => {
    const ddr0 = (FPGA_PARTS.XC7Z020.ddrGBps * 1e9) / 100e6;
    const ddr1 = (FPGA_PARTS.XC7A50T.ddrGBps * 1e9) / 100e6;
    const c0 = layerCycles(layers[0], t0, { bits: 16, batch: 1, edgeTiles: 'full' }, ddr0).cycles;
    const c1 = [1, 2].map((i) => layerCycles(layers[i], t1, { bits: 16, batch: 1, edgeTiles: 'full' }, ddr1).cycles);
    expect(m.stages.map((s) => s.cycles)).to.deep.equal([c0, c1[0] + c1[1]]);
    expect(m.stages[0].latency).to.be.closeTo(c0 / 100e6, 1e-15);
    // stage 0 sends 8*8*8 = 512 16-bit words over a 10 Gb/s link: 8192 bits / 1e10 = 0.8192 us
    expect(m.stages[0].transfer).to.be.closeTo(8192 / 1e10, 1e-18);
    expect(m.stages[1].transfer).to.equal(0);
    const slowest = Math.max(m.stages[0].latency, m.stages[1].latency, m.stages[0].transfer);
    expect(m.throughput).to.be.closeTo(1 / slowest, 1e-9);
    expect(m.latency).to.be.closeTo(m.stages[0].latency + m.stages[1].latency + 8192 / 1e10, 1e-15);
    expect(m.stages[1].layerCycles.map((l) => l.cycles)).to.deep.equal(c1);
  });

  it('GOPS, power and energy efficiency follow from the stages', () => {
    expect(m.gops).to.be.closeTo((2 * m.macs * m.throughput!) / 1e9, 1e-12);
    // stage 1 (XC7A50T): static 0.1 W + (DSP*3 mW + BRAM18*1.5 mW) at 100 MHz + traffic bits * 40 pJ * images/s
    const r1 = stageResources(t1, bufferNeeds(layers.slice(1), t1), 16);
    expect(m.stages[1].dsp).to.equal(64);
    expect(m.stages[1].bram18).to.equal(r1.bram18);
    const base1 = 0.1 + 0.003 * r1.dsp + 0.0015 * r1.bram18;
    expect(m.stages[1].basePower).to.be.closeTo(base1, 1e-12);
    expect(m.stages[1].power).to.be.closeTo(base1 + m.stages[1].trafficBytes * 8 * 40e-12 * m.throughput!, 1e-12);
    expect(m.power).to.be.closeTo(m.stages[0].power + m.stages[1].power, 1e-12);
    expect(m.energyEfficiency).to.be.closeTo(m.gops! / m.power!, 1e-12);
    expect(m.feasible).to.equal(true);
  });

  it('a faster clock shortens every stage in proportion and raises dynamic power', () => {
    const fast = createFpgaPipelineModel({ clockMHz: 200 }).evaluate(net, design);
    // no layer here is DDR-bound at 200 MHz, so cycles stay the same
    expect(fast.stages.map((s) => s.cycles)).to.deep.equal(m.stages.map((s) => s.cycles));
    expect(fast.stages[1].latency).to.be.closeTo(m.stages[1].latency / 2, 1e-15);
    expect(fast.stages[1].basePower - 0.1).to.be.closeTo(2 * (m.stages[1].basePower - 0.1), 1e-12);
  });

  it('reports a malformed design as infeasible with the reason', () => {
    const bad = model.evaluate(net, { model: MODEL_NAME, stages: [{ part: 'XC7Z020', layers: [0, 1], tiling: t0 }] });
    expect(bad.feasible).to.equal(false);
    expect(bad.infeasible!.join(' ')).to.match(/cover layers 0\.\.1 but the network has 3 layers/);
    expect(model.evaluate(net, { model: 'systolic-array' }).infeasible![0]).to.match(/not a fpga-pipeline/);
  });
});
