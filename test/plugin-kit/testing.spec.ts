// @coex/testing: the pipeline with role overrides, the fakes, the hook runner and fixture folders.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PluginError, UserError, definePlugin, z, type ChainCnnArchitecture, type Trial } from '@coex/core';
import { chainCnn, describeChainCnn, isChainCnn } from '@coex/kit-chain-cnn';
import randomController from '@coex/plugin-controller-random';
import {
  createTestPipeline,
  fakeController,
  fakeDataset,
  fakeHardware,
  fakeSpace,
  fakeTrainer,
  hookHarness,
  loadHookFixtures,
  runHook,
  runHookFixture,
  testCandidate,
} from '@coex/testing';
import { TINY_PRESET, tempDir } from '../helpers/cli';

const input = { height: 8, width: 8, channels: 1 };
const chainOf = (t: Trial) => t.candidate.architecture as ChainCnnArchitecture;
const macsOf = (t: Trial) => describeChainCnn(chainOf(t)).macs;

describe('@coex/testing: createTestPipeline', () => {
  it('runs with fakes in every required role when given nothing, trials in order, store in memory', async () => {
    const pipeline = createTestPipeline({ budget: 6, seed: 2 });
    const { summary, trials, events } = await pipeline.execute();
    expect(summary.counts).to.deep.equal({ sampled: 6, pruned: 0, trained: 6, failed: 0, stopped: 0 });
    expect(trials.map((t) => t.seq)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(events[events.length - 1].type).to.equal('run-end');
    expect(pipeline.run.roleProviders()).to.deep.include({
      controller: '@coex/testing:controller',
      space: '@coex/testing:space',
      trainer: '@coex/testing:trainer',
      store: '@coex/testing:store',
      reward: 'coex (default)',
    });
    expect((await pipeline.role('store')).location).to.equal(':memory:');
  });

  it('replaces the preset\'s plugin of an overridden role and keeps the others', async () => {
    const trainer = fakeTrainer({ accuracy: (arch) => (isChainCnn(arch) ? arch.layers[0].filters / 100 : 0) });
    const pipeline = createTestPipeline({ preset: TINY_PRESET, overrides: { trainer }, budget: 5 });
    const providers = pipeline.run.roleProviders();
    const { trials } = await pipeline.execute();
    expect(pipeline.config.plugins.map((p) => p.name)).to.not.include('coex-plugin-fake-trainer');
    expect(pipeline.run.roleProviders()).to.deep.include({
      controller: '@coex/plugin-controller-random',
      space: '@coex/plugin-space-chain-cnn',
      hardware: 'coex-plugin-fake-hardware',
      trainer: '@coex/testing:trainer',
      store: '@coex/testing:store',
    });
    expect(providers).to.deep.equal({}); // nothing is bound before the plugins are applied
    expect(trainer.requests.map((r) => r.seq)).to.deep.equal([0, 1, 2, 3, 4]);
    for (const t of trials) expect(t.metrics.accuracy).to.equal(chainOf(t).layers[0].filters / 100);
    // the preset's space (depth 2, 8x8x1, 4 classes) is the one decoding
    expect(trials[0].candidate.architecture).to.deep.include({ classes: 4, input });
  });

  it('keeps the preset\'s store when a folder is given', async () => {
    const dir = tempDir();
    const pipeline = createTestPipeline({ preset: TINY_PRESET, dir, budget: 2 });
    await pipeline.execute();
    expect(pipeline.run.roleProviders().store).to.equal('@coex/plugin-store-sqlite');
    expect(fs.existsSync(path.join(dir, 'coex.db'))).to.equal(true);
  });

  it('a scripted controller proposes exactly its list, is told in trial order, and ends the run when it runs out', async () => {
    const controller = fakeController({ proposals: [[0, 0, 0, 0], { arch: [1, 1, 1, 1], hw: [] }, [1, 0, 1, 0]], batchSize: 2 });
    const { summary, trials } = await createTestPipeline({ overrides: { controller }, budget: 10 }).execute();
    expect(summary.counts.sampled).to.equal(3);
    expect(trials.map((t) => t.candidate.tokens.arch)).to.deep.equal([[0, 0, 0, 0], [1, 1, 1, 1], [1, 0, 1, 0]]);
    expect(trials[1].candidate.architecture).to.deep.include({ layers: [{ kernel: 3, filters: 16, stride: 1 }, { kernel: 3, filters: 16, stride: 1 }] });
    expect(controller.told.map((f) => f.seq)).to.deep.equal([0, 1, 2]);
    expect(controller.told.map((f) => f.reward)).to.deep.equal(trials.map((t) => t.reward));
  });

  it('a seeded controller, and so the whole run, is reproducible; another seed differs', async () => {
    const tokens = async (seed: number) =>
      (await createTestPipeline({ overrides: { controller: fakeController({ seed }) }, budget: 8 }).execute()).trials.map((t) => [t.candidate.tokens, t.metrics.accuracy]);
    expect(await tokens(1)).to.deep.equal(await tokens(1));
    expect(await tokens(1)).to.not.deep.equal(await tokens(2));
  });

  it('fake hardware: throughput falls with MACs, the spec prunes slow nets, infeasible designs are pruned for resources', async () => {
    const hardware = fakeHardware({ opsPerSecond: 1e9, feasible: (arch) => !(isChainCnn(arch) && arch.layers.every((l) => l.kernel === 3)), reason: 'all-3x3 nets do not fit' });
    const pipeline = createTestPipeline({ overrides: { hardware }, sets: ['spec.minThroughput=20000'], budget: 16, seed: 5 });
    const { trials } = await pipeline.execute();
    expect(pipeline.config.objectives.map((o) => o.metric)).to.deep.equal(['accuracy', 'throughput', 'energyEfficiency']);
    expect(hardware.evaluations).to.equal(16);
    for (const t of trials) expect(t.metrics.throughput).to.be.closeTo(1e9 / macsOf(t), 1e-6);
    const statuses = trials.map((t) => t.status);
    expect(statuses).to.include('done').and.to.include('pruned');
    for (const t of trials) {
      const all3 = chainOf(t).layers.every((l) => l.kernel === 3);
      const slow = (t.metrics.throughput as number) < 20000;
      expect(t.status === 'pruned', `trial ${t.seq}`).to.equal(all3 || slow);
      if (all3) expect(t.prunedReason).to.include('does not fit the hardware: all-3x3 nets do not fit');
    }
  });

  it('a role factory reaches the other roles (a trainer reading the dataset)', async () => {
    const dataset = fakeDataset({ shape: '4x4x1', classes: 2, train: 6, validation: 4 });
    const { trials } = await createTestPipeline({
      overrides: {
        dataset,
        trainer: async (roles) => {
          const splits = await (await roles.get('dataset')).load({ seed: 1 });
          return { train: async () => ({ accuracy: splits.validation.count / 10 }) };
        },
      },
      budget: 3,
    }).execute();
    expect(trials.map((t) => t.metrics.accuracy)).to.deep.equal([0.4, 0.4, 0.4]);
    expect(dataset.loads).to.equal(1);
  });

  it('a plugin under test replaces the default fake of its role and takes --set options by its role', async () => {
    const pipeline = createTestPipeline({ plugins: [randomController], sets: ['controller.batchSize=3'], budget: 7 });
    const { events } = await pipeline.execute();
    expect(pipeline.run.roleProviders().controller).to.equal('@coex/plugin-controller-random');
    expect(events.flatMap((e) => (e.type === 'controller-update' ? [e.size] : []))).to.deep.equal([3, 3, 1]);
  });

  it('failing trainings are failed trials; the run finishes', async () => {
    const { summary, trials } = await createTestPipeline({ overrides: { trainer: fakeTrainer({ failSeqs: [1, 3] }) }, budget: 4 }).execute();
    expect(summary.status).to.equal('finished');
    expect(trials.map((t) => t.status)).to.deep.equal(['done', 'failed', 'done', 'failed']);
    expect(trials[1].error).to.equal('fake training failed on trial 1');
  });

  it('refuses what cannot be composed, with messages that say what to change', () => {
    expect(() => createTestPipeline({ plugins: [randomController], overrides: { controller: fakeController() } }))
      .to.throw(/the controller role is filled both by @coex\/plugin-controller-random and by overrides.controller/);
    expect(() => createTestPipeline({ overrides: { trainr: fakeTrainer() } as never })).to.throw(/overrides.trainr is not a role/);
    expect(() => createTestPipeline({ overrides: { trainer: fakeTrainer() }, sets: ['trainer.epochs=2'] })).to.throw(/the trainer role is overridden/);
    const future = definePlugin({ name: 'coex-plugin-future', version: '2.0.0', role: 'reward', coex: '^9.0.0', apply() {} });
    expect(() => createTestPipeline({ plugins: [future] })).to.throw(UserError, /coex-plugin-future@2.0.0 .* requires @coex\/core \^9.0.0, but this is @coex\/core/);
  });

  it('a pipeline runs once', async () => {
    const pipeline = createTestPipeline({ budget: 1 });
    await pipeline.execute();
    let error: unknown;
    await pipeline.execute().catch((e) => (error = e));
    expect(String(error)).to.match(/a pipeline runs once/);
  });
});

describe('@coex/testing: fakes', () => {
  it('fakeSpace decodes tokens into its chain CNN and rejects bad tokens', () => {
    const space = fakeSpace({ depth: 3, kernels: [1, 3, 5], filters: [4], input: '6x6x2', classes: 3 });
    expect(space.decisions()).to.have.length(6);
    expect(space.decode([2, 0, 1, 0, 0, 0])).to.deep.equal(chainCnn([[5, 4, 1], [3, 4, 1], [1, 4, 1]], { height: 6, width: 6, channels: 2 }, 3));
    expect(() => space.decode([0, 0])).to.throw(/expects 6 tokens, got 2/);
    expect(() => space.decode([3, 0, 0, 0, 0, 0])).to.throw(/token 0 \(layer0.kernel\) is 3, expected 0..2/);
  });

  it('fakeDataset gives the requested splits, the same for a seed', async () => {
    const ds = fakeDataset({ shape: '3x3x1', classes: 3, train: 9, validation: 6 });
    const a = await ds.load({ seed: 1 });
    expect([a.train.count, a.validation.count]).to.deep.equal([9, 6]);
    expect(a.train.x).to.have.length(81);
    expect([...(await ds.load({ seed: 1 })).validation.y]).to.deep.equal([...a.validation.y]);
    expect(ds.info()).to.deep.equal({ name: 'fake', shape: { height: 3, width: 3, channels: 1 }, classes: 3 });
  });

  it('fakeTrainer is deterministic, grows with capacity, and honours the abort signal', async () => {
    const trainer = fakeTrainer({ delayMs: 1000 });
    const small = chainCnn([[1, 8, 1]], input, 4);
    const big = chainCnn([[7, 64, 1]], input, 4);
    const fast = fakeTrainer();
    const r1 = await fast.train({ seq: 0, seed: 5, architecture: small });
    expect(r1).to.deep.equal(await fast.train({ seq: 0, seed: 5, architecture: small }));
    expect((await fast.train({ seq: 0, seed: 5, architecture: big })).accuracy).to.be.greaterThan(r1.accuracy);
    const abort = new AbortController();
    const pending = trainer.train({ seq: 0, seed: 1, architecture: small, signal: abort.signal });
    abort.abort();
    let error: unknown;
    await pending.catch((e) => (error = e));
    expect(String(error)).to.match(/aborted/);
  });
});

describe('@coex/testing: hooks', () => {
  const areaLimit = definePlugin({
    name: 'coex-plugin-area-limit',
    version: '1.0.0',
    options: z.object({ maxFilters: z.number().int().positive().default(32) }),
    apply(ctx, options) {
      ctx.hooks.prune.tap({ name: 'coex-plugin-area-limit', stage: 10 }, (candidate, _evaluation, trial) => {
        const arch = candidate.architecture;
        if (!isChainCnn(arch)) throw new Error(`trial ${trial.seq}: not a chain CNN`);
        const most = Math.max(...arch.layers.map((l) => l.filters));
        return most > options.maxFilters ? { reason: `${most} filters, over ${options.maxFilters}` } : undefined;
      });
      ctx.hooks.reward.tap('coex-plugin-area-limit', (reward) => reward - ctx.spec.minThroughput! / 1e6);
      ctx.hooks.trialStart.tap('coex-plugin-area-limit', (t) => ctx.log(`trial ${t.seq} seed ${t.seed}`));
    },
  });
  const candidate = (filters: number) => testCandidate(chainCnn([[3, filters, 1]], input, 4));

  it('runHook applies one plugin and calls one hook; the trial context may be left out', async () => {
    expect(await runHook(areaLimit, 'prune', candidate(64), {})).to.deep.equal({ reason: '64 filters, over 32' });
    expect(await runHook(areaLimit({ maxFilters: 64 }), 'prune', candidate(64), {})).to.equal(undefined);
  });

  it('a throwing tap becomes a PluginError naming plugin, hook and trial', async () => {
    const harness = await hookHarness(areaLimit);
    let error: unknown;
    await harness.call('prune', testCandidate({ kind: 'other' }), {}, harness.context(7)).catch((e) => (error = e));
    expect(error).to.be.instanceOf(PluginError);
    expect((error as Error).message).to.equal('plugin coex-plugin-area-limit, hook prune, trial 7: trial 7: not a chain CNN');
  });

  it('the harness gives the plugin the seed and spec, records timings and logs, and calls sync hooks', async () => {
    const harness = await hookHarness(areaLimit, { seed: 3, spec: { minThroughput: 200000 } });
    expect(await harness.call('reward', 0.9, {} as Trial)).to.be.closeTo(0.7, 1e-12);
    await harness.call('trialStart');
    expect(harness.logs).to.deep.equal([`trial 0 seed ${harness.context(0).seed}`]);
    expect(harness.timings['coex-plugin-area-limit']).to.have.keys('reward', 'trialStart');
    expect(harness.provided).to.deep.equal([]);
  });

  it('fixture folders run through one shared runner', async () => {
    const dir = tempDir('coex-fixtures-');
    const write = (name: string, inputJson: unknown, expected: unknown) => {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'input.json'), JSON.stringify(inputJson));
      fs.writeFileSync(path.join(dir, name, 'expected.json'), JSON.stringify(expected));
    };
    write('b-big', { hook: 'prune', args: [candidate(64), {}] }, { reason: '64 filters, over 32' });
    write('a-allowed', { hook: 'prune', options: { maxFilters: 64 }, args: [candidate(64), {}] }, null);
    write('c-error', { hook: 'prune', args: [testCandidate({ kind: 'x' }), {}] }, { $error: 'not a chain CNN' });
    write('d-wrong', { hook: 'prune', args: [candidate(16), {}] }, { reason: 'something else' });
    const fixtures = loadHookFixtures(dir);
    expect(fixtures.map((f) => f.name)).to.deep.equal(['a-allowed', 'b-big', 'c-error', 'd-wrong']);
    const results = await Promise.all(fixtures.map((f) => runHookFixture(areaLimit, f)));
    for (const r of results.slice(0, 3)) expect(r.actual).to.deep.equal(r.expected);
    expect(results[3].actual).to.equal(null); // a failing case shows what the hook really returned
    write('e-bad', { hook: 'prun', args: [] }, null);
    expect(() => loadHookFixtures(dir)).to.throw(UserError, /e-bad.input.json: "hook" must be one of .* \(did you mean prune\?\)/);
  });
});
