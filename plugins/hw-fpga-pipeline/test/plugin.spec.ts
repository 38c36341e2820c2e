import { expect } from 'chai';
import { checkSpec, UserError, type PluginContext, type RoleTypes } from '@coex/core';
import { chainCnn, RELEASED_NETS } from '@coex/kit-chain-cnn';
import plugin, { createFpgaPipelineModel, FpgaPipelineModel, PLUGIN_NAME } from '../src';

const net = chainCnn(RELEASED_NETS[1].layers, { height: 32, width: 32, channels: 3 }, 10); // 6 conv + dense = 7 layers

/** Applies the plugin with a minimal context and returns the hardware role it provides. */
async function applied(options: unknown): Promise<RoleTypes['hardware']> {
  let factory: (() => unknown) | undefined;
  const ctx = { provide: (role: string, f: () => unknown) => role === 'hardware' && (factory = f) } as unknown as PluginContext;
  await plugin(options).apply(ctx);
  return (await factory!()) as RoleTypes['hardware'];
}

describe('fpga-pipeline: plugin and options', () => {
  it('provides the hardware role; list options accept "A,B" strings as --set gives them', async () => {
    expect(plugin.meta.name).to.equal(PLUGIN_NAME);
    expect(plugin.meta.role).to.equal('hardware');
    const model = await applied({ pool: 'XC7Z020, XC7A50T', maxStages: '2', bits: '32', clockMHz: '150' });
    expect(model).to.be.instanceOf(FpgaPipelineModel);
    const s = (model as FpgaPipelineModel).settings;
    expect(s.pool).to.deep.equal(['XC7Z020', 'XC7A50T']);
    expect([s.maxStages, s.config.bits, s.config.clockMHz]).to.deep.equal([2, 32, 150]);
  });

  it('defaults: sample mode, the paper pool, 4 stages, 16 bit, 100 MHz, 10 Gb/s links', () => {
    const s = createFpgaPipelineModel().settings;
    expect([s.mode, s.pool, s.maxStages, s.config.bits, s.config.clockMHz, s.config.linkGbps, s.objective]).to.deep.equal(
      ['sample', ['XC7Z015', 'XC7Z020', 'XC7A50T'], 4, 16, 100, 10, 'throughput']);
  });

  it('an unknown part names the option and suggests the closest part', async () => {
    expect(() => createFpgaPipelineModel({ pool: ['XC7Z015', 'XC7Z02'] })).to.throw(UserError, /hardware\.pool\[1\]: unknown FPGA part "XC7Z02" \(did you mean XC7Z020\?\)/);
    let error: unknown;
    await applied({ pool: 'XC7A5OT' }).catch((e) => (error = e));
    expect(error).to.be.instanceOf(UserError);
    expect((error as Error).message).to.match(/hardware\.pool\[0\].*did you mean XC7A50T/);
  });

  it('rejects negative or impossible numbers with the option path', () => {
    expect(() => createFpgaPipelineModel({ clockMHz: -5 })).to.throw(UserError, /hardware\.clockMHz/);
    expect(() => createFpgaPipelineModel({ bits: 24 })).to.throw(UserError, /hardware\.bits/);
    expect(() => createFpgaPipelineModel({ tmChoices: '8,-4' })).to.throw(UserError, /hardware\.tmChoices\.1/);
    expect(() => createFpgaPipelineModel({ parts: { XC7Z020: { dsp: -220 } } })).to.throw(UserError, /hardware\.parts\.XC7Z020\.dsp/);
    expect(() => createFpgaPipelineModel({ maxStage: 3 })).to.throw(UserError, /unknown option hardware\.maxStage \(did you mean hardware\.maxStages\?\)/);
  });

  it('adds a part by option (all fields) and overrides fields of a known one', () => {
    const mine = { dsp: 400, bram18: 400, portBits: 256, ddrGBps: 6.4, staticW: 0.3, maxClockMHz: 200 };
    const model = createFpgaPipelineModel({ parts: { MYPART: mine, XC7Z020: { ddrGBps: 2.1 } }, pool: 'MYPART,XC7Z020' });
    expect(model.settings.config.parts.MYPART).to.deep.equal(mine);
    expect(model.settings.config.parts.XC7Z020.ddrGBps).to.equal(2.1);
    expect(model.settings.config.parts.XC7Z020.dsp).to.equal(220);
    expect(model.tune(net, {})!.design.stages.some((s) => s.part === 'MYPART')).to.equal(true);
    expect(() => createFpgaPipelineModel({ parts: { MYPART: { dsp: 400 } } })).to.throw(UserError, /hardware\.parts\.MYPART: a new part needs .*missing bram18, portBits/);
  });

  it('sample mode: designSpace gives the hardware decisions, propose decodes tokens', () => {
    const model = createFpgaPipelineModel({ retuneSteps: 0 });
    const decisions = model.designSpace({ maxLayers: 6 });
    expect(decisions.map((d) => d.name).slice(0, 6)).to.deep.equal(['stages', 'cut1', 'cut2', 'cut3', 'stage0.part', 'stage0.Tm']);
    expect(decisions).to.have.length(4 + 4 * 5);
    expect(decisions[1].choices).to.deep.equal([1, 2, 3, 4, 5, 6]);
    // 2 stages cut at layer 3: stage 0 = XC7Z020 Tm 16 Tn 4 tile 8 weight ports; stage 1 = first choices
    const tokens = decisions.map(() => 0);
    tokens[0] = 1; // 2 stages
    tokens[1] = 2; // cut1 = 3
    tokens.splice(4, 5, 1, 3, 3, 1, 2);
    const design = model.propose(net, tokens, {});
    expect(design.origin).to.equal('sampled');
    expect(design.stages).to.deep.equal([
      { part: 'XC7Z020', layers: [0, 2], tiling: { Tm: 16, Tn: 4, Tr: 8, Tc: 8, Ip: 4, Wp: 8, Op: 4 } },
      { part: 'XC7Z015', layers: [3, 6], tiling: { Tm: 4, Tn: 1, Tr: 4, Tc: 4, Ip: 6, Wp: 5, Op: 5 } },
    ]);
    expect(() => model.propose(net, [0, 1], {})).to.throw(/expected 24 hardware tokens, got 2/);
  });

  it('sample mode re-tunes a sampled design that misses the spec, within retuneSteps', () => {
    const model = createFpgaPipelineModel();
    const decisions = model.designSpace({ maxLayers: 6 });
    const slow = decisions.map(() => 0); // one stage, Tm 4 Tn 1: very slow
    const spec = { minThroughput: model.tune(net, {})!.metrics.throughput! * 0.9 };
    expect(model.evaluate(net, createFpgaPipelineModel({ retuneSteps: 0 }).propose(net, slow, spec)).throughput).to.be.below(spec.minThroughput);
    const fixedUp = model.propose(net, slow, spec);
    expect(fixedUp.origin).to.match(/^sampled, re-tuned \((tilings|parts|full)\)$/);
    expect(checkSpec(model.evaluate(net, fixedUp), spec)).to.deep.equal([]);
    // only one step (re-tile the single XC7Z015 stage) cannot reach 90 % of the 4-FPGA optimum
    const oneStep = createFpgaPipelineModel({ retuneSteps: 1 });
    oneStep.designSpace({ maxLayers: 6 });
    expect(oneStep.propose(net, slow, spec).origin).to.equal('sampled');
  });

  it('propose without tokens tunes (sample and tune modes); designSpace is empty in tune and fixed modes', () => {
    const sample = createFpgaPipelineModel().propose(net, [], {});
    expect(sample.origin).to.equal('tuned');
    const tune = createFpgaPipelineModel({ mode: 'tune' });
    expect(tune.designSpace({ maxLayers: 6 })).to.deep.equal([]);
    expect(tune.propose(net, [1, 2, 3], {}).stages).to.deep.equal(sample.stages);
    const impossible = tune.propose(net, [], { minThroughput: 1e9 });
    expect(impossible.origin).to.equal('tuned (spec not met)');
    expect(createFpgaPipelineModel({ mode: 'fixed', design: 'XC7Z020' }).designSpace({ maxLayers: 6 })).to.deep.equal([]);
  });

  it('fixed mode: a full design, parts and split only, or parts only', () => {
    const full = createFpgaPipelineModel({
      mode: 'fixed',
      design: { stages: [{ part: 'XC7Z020', layers: [0, 3], tiling: { Tm: 16, Tn: 8, Tr: 8, Tc: 8 } }, { part: 'XC7A50T', layers: [4, -1], tiling: { Tm: 8, Tn: 8, Tr: 8, Tc: 8, Ip: 4, Wp: 2, Op: 2 } }] },
    }).propose(net, [], {});
    expect(full.origin).to.equal('fixed');
    expect(full.stages.map((s) => [s.part, s.layers])).to.deep.equal([['XC7Z020', [0, 3]], ['XC7A50T', [4, 6]]]);
    expect(full.stages[0].tiling).to.deep.equal({ Tm: 16, Tn: 8, Tr: 8, Tc: 8, Ip: 6, Wp: 5, Op: 5 }); // balanced ports

    const split = createFpgaPipelineModel({ mode: 'fixed', design: 'XC7Z020:0-3,XC7A50T:4-' }).propose(net, [], {});
    expect(split.origin).to.equal('fixed, tuned');
    expect(split.stages.map((s) => [s.part, s.layers])).to.deep.equal([['XC7Z020', [0, 3]], ['XC7A50T', [4, 6]]]);

    const parts = createFpgaPipelineModel({ mode: 'fixed', design: 'XC7Z020,XC7Z020,XC7A50T' }).propose(net, [], {});
    expect(parts.stages.map((s) => s.part)).to.deep.equal(['XC7Z020', 'XC7Z020', 'XC7A50T']);
  });

  it('a bad fixed design is a UserError naming the field', () => {
    const fixed = (design: unknown) => createFpgaPipelineModel({ mode: 'fixed', design });
    expect(() => createFpgaPipelineModel({ mode: 'fixed' })).to.throw(UserError, /hardware\.design: required when hardware\.mode is "fixed"/);
    expect(() => fixed('XC7Z02O:0-3,XC7A50T:4-')).to.throw(UserError, /hardware\.design\.stages\[0\]\.part: unknown FPGA part "XC7Z02O" \(did you mean XC7Z020\?\)/);
    expect(() => fixed('XC7Z020:0-3,XC7A50T:5-')).to.throw(UserError, /hardware\.design\.stages\[1\]\.layers: stage should start at layer 4/);
    expect(() => fixed('XC7Z020:0-3,XC7A50T')).to.throw(UserError, /give layers for every stage or for none/);
    expect(() => fixed({ stages: [{ part: 'XC7Z020', tiling: { Tm: 32, Tn: 8, Tr: 8, Tc: 8 } }] })).to.throw(UserError, /hardware\.design\.stages\[0\]\.tiling: Tm·Tn = 32·8 needs 256 DSPs.*XC7Z020 has 220/);
    expect(() => fixed({ stages: [{ part: 'XC7Z020', tiling: { Tm: 0, Tn: 8, Tr: 8, Tc: 8 } }] })).to.throw(UserError, /hardware\.design\.stages\.0\.tiling\.Tm/);
    // checked against the network when proposing
    const tooBig = fixed({ stages: [{ part: 'XC7Z020', layers: [0, -1], tiling: { Tm: 128, Tn: 1, Tr: 8, Tc: 8 } }] });
    expect(() => tooBig.propose(net, [], {})).to.throw(UserError, /hardware\.design\.stages\[0\]\.tiling\.Tm: 128 is larger than every layer of the stage \(most output channels: 64\)/);
    expect(() => fixed('XC7Z020:0-3').propose(net, [], {})).to.throw(UserError, /hardware\.design\.stages\[0\]\.layers: the design ends at layer 3 but the network's last layer is 6/);
  });
});
