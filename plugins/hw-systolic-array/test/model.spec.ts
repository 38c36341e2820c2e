import { expect } from 'chai';
import { isUserError, UserError, type PluginContext } from '@coex/core';
import { chainCnn, type ConvLayersArchitecture } from '@coex/kit-chain-cnn';
import systolicArrayPlugin, {
  createSystolicArrayModel,
  layerCycles,
  layerTraffic,
  SystolicArrayModel,
  toDesign,
  type ArrayShape,
  type Dataflow,
} from '../src';

// One 4x4x2 input, 3x3 kernel, 3 filters, stride 1, unpadded: 2x2x3 output, 4*18*3 = 216 MACs.
const layer = {
  name: 'tiny', kind: 'conv' as const, ifmapHeight: 4, ifmapWidth: 4, filterHeight: 3, filterWidth: 3, channels: 2,
  filters: 3, stride: 1, padding: 'valid' as const, ofmapHeight: 2, ofmapWidth: 2,
};
const tiny: ConvLayersArchitecture = { kind: 'conv-layers', layers: [layer] };
const shape = (dataflow: Dataflow, kb = 64): ArrayShape => ({ rows: 2, cols: 2, dataflow, ifmapSramKB: kb, filterSramKB: kb, ofmapSramKB: kb });
const flatEnergy = { sramSizeScaling: false };

describe('systolic array: hand-computed layer', () => {
  // Window T = 3*3*2 = 18 words, 4 output pixels, 3 filters; array 2 x 2.
  const cases = [
    // OS: Sr = 4 pixels, Sc = 3 filters, T = 18; 2 x 2 folds of 2 + 2 + 18 - 2 = 20 cycles.
    { dataflow: 'os' as const, sr: 4, sc: 3, t: 18, folds: 4, foldCycles: 20, ifmap: 2 * 4 * 18, filter: 2 * 3 * 18, ofmapW: 12, ofmapR: 0 },
    // WS: Sr = 18, Sc = 3, T = 4 pixels; 9 x 2 folds of 2*2 + 2 + 4 - 2 = 8 cycles.
    { dataflow: 'ws' as const, sr: 18, sc: 3, t: 4, folds: 18, foldCycles: 8, ifmap: 2 * 4 * 18, filter: 18 * 3, ofmapW: 9 * 4 * 3, ofmapR: 8 * 4 * 3 },
    // IS: Sr = 18, Sc = 4 pixels, T = 3 filters; 9 x 2 folds of 2*2 + 2 + 3 - 2 = 7 cycles.
    { dataflow: 'is' as const, sr: 18, sc: 4, t: 3, folds: 18, foldCycles: 7, ifmap: 18 * 4, filter: 2 * 3 * 18, ofmapW: 9 * 3 * 4, ofmapR: 8 * 3 * 4 },
  ];
  for (const c of cases) {
    it(`${c.dataflow.toUpperCase()}: folds, cycles and SRAM reads/writes`, () => {
      const compute = layerCycles(layer, 2, 2, c.dataflow);
      expect([compute.sr, compute.sc, compute.t]).to.deep.equal([c.sr, c.sc, c.t]);
      expect(compute.folds).to.equal(c.folds);
      expect(compute.foldCycles).to.equal(c.foldCycles);
      expect(compute.computeCycles).to.equal(c.folds * c.foldCycles - 1);
      const traffic = layerTraffic(layer, compute, shape(c.dataflow), 1);
      expect(traffic.ifmap.sramReads).to.equal(c.ifmap);
      expect(traffic.filter.sramReads).to.equal(c.filter);
      expect(traffic.ofmap.sramWrites).to.equal(c.ofmapW);
      expect(traffic.ofmap.sramReads).to.equal(c.ofmapR);
      // Big buffers: every operand comes from DRAM once (ifmap 32, filters 54), outputs go once (12).
      expect(traffic.ifmap.dramReads + traffic.filter.dramReads + traffic.ofmap.dramReads).to.equal(32 + 54);
      expect(traffic.ofmap.dramWrites).to.equal(12);
    });
  }

  it('OS: mapping efficiency, per-layer report and energy from the per-access costs', () => {
    const model = createSystolicArrayModel({ rows: 2, cols: 2, dataflow: 'os', ...flatEnergy, clockMHz: 100 });
    const m = model.evaluate(tiny, model.propose(tiny, [], {}));
    const l = m.layers[0];
    expect(l.mappingEfficiency).to.equal(12 / 16);
    expect(l.macs).to.equal(216);
    expect(l.cycles).to.equal(79);
    expect(l.utilisation).to.equal(216 / (4 * 79));
    // SRAM: array reads 144 + 108, drain of 12 outputs; writes: 12 outputs + 86 DRAM fills.
    expect(l.sramReads).to.equal(144 + 108 + 12);
    expect(l.sramWrites).to.equal(12 + 86);
    expect([l.dramReads, l.dramWrites]).to.deep.equal([86, 12]);
    // 216 MACs x (1 + 3 register accesses) + 362 SRAM x 6 pJ + 98 DRAM x 200 pJ = 22,636 pJ.
    expect(l.energy).to.be.closeTo(22_636e-12, 1e-18);
    expect(m.latency).to.be.closeTo(79 / 100e6, 1e-15);
    expect(m.throughput).to.be.closeTo(100e6 / 79, 1e-6);
    expect(m.power).to.be.closeTo(22_636e-12 * (100e6 / 79), 1e-12);
    expect(m.energyEfficiency).to.be.closeTo((2 * 216 * (100e6 / 79)) / 1e9 / m.power, 1e-9);
  });

  it('refetches what a small buffer cannot keep between passes', () => {
    // OS streams the 32-word ifmap once per column fold (2); an 8-byte buffer keeps 4 words resident.
    const compute = layerCycles(layer, 2, 2, 'os');
    const traffic = layerTraffic(layer, compute, { ...shape('os'), ifmapSramKB: 8 / 1024 }, 1);
    expect(traffic.ifmap.dramReads).to.equal(32 + (32 - 4));
    // WS partial sums: 2 column blocks of 6 outputs, 8 extra row folds, a 2-word buffer keeps 1 word.
    const ws = layerTraffic(layer, layerCycles(layer, 2, 2, 'ws'), { ...shape('ws'), ofmapSramKB: 2 / 1024 }, 1);
    expect(ws.ofmap.dramReads).to.equal(2 * 8 * (6 - 1));
    expect(ws.ofmap.dramWrites).to.equal(12 + 2 * 8 * (6 - 1));
  });
});

describe('systolic array: bandwidth stalls', () => {
  it('stall when DRAM is too slow for a layer and vanish with unlimited bandwidth', () => {
    const slow = createSystolicArrayModel({ rows: 2, cols: 2, dataflow: 'os', bandwidth: 0.5 });
    const fast = createSystolicArrayModel({ rows: 2, cols: 2, dataflow: 'os' });
    const s = slow.evaluate(tiny, slow.propose(tiny, [], {}));
    const f = fast.evaluate(tiny, fast.propose(tiny, [], {}));
    // 98 DRAM words at 0.5 words/cycle take 196 cycles against 79 compute cycles.
    expect(s.layers[0].stallCycles).to.equal(196 - 79);
    expect(s.cycles).to.equal(196);
    expect(f.stallCycles).to.equal(0);
    expect(f.cycles).to.equal(79);
  });

  it('on a chain CNN: fewer words per cycle, more stalls; enough bandwidth, none', () => {
    const net = chainCnn([[3, 24, 1], [5, 36, 2], [1, 64, 1]], { height: 32, width: 32, channels: 3 }, 10);
    const stalls = [0.25, 1, 4, undefined].map((bandwidth) => {
      const model = createSystolicArrayModel({ bandwidth });
      return model.evaluate(net, model.propose(net, [], {})).stallCycles;
    });
    expect(stalls[0]).to.be.greaterThan(stalls[1]);
    expect(stalls[1]).to.be.greaterThan(0);
    expect(stalls[3]).to.equal(0);
  });
});

describe('systolic array: options and designs', () => {
  const bad: [unknown, RegExp][] = [
    [{ rows: 0 }, /hardware\.rows/],
    [{ cols: -4 }, /hardware\.cols/],
    [{ ifmapSramKB: -1 }, /hardware\.ifmapSramKB/],
    [{ bandwidth: 0 }, /hardware\.bandwidth/],
    [{ dataflow: 'wss' }, /hardware\.dataflow: unknown dataflow "wss" \(did you mean "ws"\?\)/],
    [{ config: 'tpu-256x256' }, /hardware\.config: unknown config "tpu-256x256" \(did you mean "tpu-256x256-ws"\?\)/],
    [{ mode: 'tunes' }, /hardware\.mode: .*did you mean "tune"/],
    [{ dataflowChoices: 'os,xs' }, /hardware\.dataflowChoices\.1/],
    [{ row: 8 }, /hardware\.row .*did you mean hardware\.rows/],
  ];
  for (const [options, message] of bad) {
    it(`rejects ${JSON.stringify(options)} with a UserError naming the option`, () => {
      expect(() => systolicArrayPlugin(options)).to.throw(UserError, message);
    });
  }

  it('lets explicit options override the named config', () => {
    const model = createSystolicArrayModel({ config: 'eyeriss-12x14-ws', ofmapSramKB: 100 });
    expect(model.propose(tiny, [], {})).to.deep.equal(
      { model: 'systolic-array', rows: 12, cols: 14, dataflow: 'ws', ifmapSramKB: 36, filterSramKB: 36, ofmapSramKB: 100 },
    );
  });

  it('rejects a malformed design record naming the field', () => {
    const model = createSystolicArrayModel({});
    const design = toDesign(shape('os'));
    expect(() => model.evaluate(tiny, { ...design, rows: 0 })).to.throw(UserError, /design\.rows/);
    expect(() => model.evaluate(tiny, { ...design, dataflow: 'is2' })).to.throw(UserError, /did you mean "is"/);
    expect(() => model.evaluate(tiny, { model: 'fpga-pipeline' })).to.throw(UserError, /design\.model/);
  });

  it('marks designs over the PE or SRAM caps infeasible, saying why', () => {
    const model = createSystolicArrayModel({ maxPEs: 512, maxSramKB: 100 });
    const m = model.evaluate(tiny, model.propose(tiny, [], {}));
    expect(m.feasible).to.equal(false);
    expect(m.infeasible).to.deep.equal(['32x32 = 1024 PEs exceeds maxPEs 512', '192 KB of SRAM exceeds maxSramKB 100']);
  });

  it('fills the hardware role through the plugin factory', async () => {
    let factory: (() => unknown) | undefined;
    const ctx = { provide: (role: string, f: () => unknown) => { expect(role).to.equal('hardware'); factory = f; } };
    await systolicArrayPlugin({ config: 'tpu-256x256-ws' }).apply(ctx as unknown as PluginContext);
    const model = factory!() as SystolicArrayModel;
    expect(model).to.be.instanceOf(SystolicArrayModel);
    expect(model.propose(tiny, [], {}).rows).to.equal(256);
  });

  it('a network of an unknown kind is a user error', () => {
    const model = createSystolicArrayModel({});
    try {
      model.evaluate({ kind: 'nb201-cell' }, model.propose(tiny, [], {}));
      expect.fail('should throw');
    } catch (error) {
      expect(isUserError(error)).to.equal(true);
    }
  });
});

describe('systolic array: modes and tuning', () => {
  const net = chainCnn([[3, 16, 1], [1, 32, 2]], { height: 16, width: 16, channels: 3 }, 10);
  const small = { rowChoices: [4, 8, 16], colChoices: [4, 8], sramKBChoices: [1, 8], maxPEs: 64 };

  it('fixed and tune modes have no hardware decisions and propose without tokens', () => {
    for (const mode of ['fixed', 'tune']) {
      const model = createSystolicArrayModel({ mode, ...small });
      expect(model.designSpace({ maxLayers: 2 })).to.deep.equal([]);
      expect(model.propose(net, [], {}).model).to.equal('systolic-array');
    }
  });

  it('sample mode offers shape, dataflow and buffer decisions and decodes tokens', () => {
    const model = createSystolicArrayModel({ mode: 'sample', ...small });
    const decisions = model.designSpace({ maxLayers: 2 });
    expect(decisions.map((d) => d.name)).to.deep.equal(['rows', 'cols', 'dataflow', 'ifmapSramKB', 'filterSramKB', 'ofmapSramKB']);
    expect(model.propose(net, [2, 0, 1, 1, 0, 1], {})).to.deep.equal(
      { model: 'systolic-array', rows: 16, cols: 4, dataflow: 'ws', ifmapSramKB: 8, filterSramKB: 1, ofmapSramKB: 8 },
    );
    expect(() => model.propose(net, [3, 0, 0, 0, 0, 0], {})).to.throw(/out of range for decision rows/);
  });

  for (const objective of ['throughput', 'energyEfficiency'] as const) {
    it(`tune (${objective}) is never worse than any design of its space that fits`, () => {
      const model = createSystolicArrayModel({ mode: 'tune', objective, ...small, staticPowerW: 0.01 });
      const tuned = model.tune(net, {})!;
      let checked = 0;
      for (const rows of small.rowChoices) for (const cols of small.colChoices) for (const dataflow of ['os', 'ws', 'is'] as const)
        for (const i of small.sramKBChoices) for (const f of small.sramKBChoices) for (const o of small.sramKBChoices) {
          const m = model.evaluate(net, toDesign({ rows, cols, dataflow, ifmapSramKB: i, filterSramKB: f, ofmapSramKB: o }));
          if (!m.feasible) continue;
          checked++;
          expect(tuned.metrics[objective]).to.be.at.least(m[objective]);
        }
      expect(checked).to.equal(5 * 3 * 8); // 16x8 is over maxPEs
      expect(tuned.metrics.pes).to.be.at.most(64);
      expect(model.evaluate(net, tuned.design)[objective]).to.equal(tuned.metrics[objective]);
    });
  }

  it('tune meets the spec when it can, and returns undefined when no design can', () => {
    const model = createSystolicArrayModel({ mode: 'tune', objective: 'energyEfficiency', ...small });
    const fastest = createSystolicArrayModel({ mode: 'tune', ...small }).tune(net, {})!.metrics.throughput;
    const unconstrained = model.tune(net, {})!;
    const spec = { minThroughput: fastest * 0.99 };
    expect(unconstrained.metrics.throughput).to.be.below(spec.minThroughput);
    const constrained = model.tune(net, spec)!;
    expect(constrained.metrics.throughput).to.be.at.least(spec.minThroughput);
    expect(model.tune(net, { minThroughput: fastest * 2 })).to.equal(undefined);
    // propose still returns a design (the best one ignoring the spec) so the prune stage can report the miss.
    expect(model.propose(net, [], { minThroughput: fastest * 2 }).model).to.equal('systolic-array');
  });
});
