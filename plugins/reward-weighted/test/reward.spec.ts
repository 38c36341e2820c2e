import { expect } from 'chai';
import * as path from 'node:path';
import { PluginError, UserError, definePlugin, isUserError, type HardwareMetrics, type PluginEntry, type Trial } from '@coex/core';
import { createTestPipeline, fakePluginPath } from '@coex/testing';
import weighted, { WeightedReward, boundsFromSpec, defaultGoal, normalize, type WeightedRewardSettings } from '../src';

const TINY = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');
const FAKE_HARDWARE = './' + path.relative(process.cwd(), fakePluginPath('fake-hardware'));

const SETTINGS: WeightedRewardSettings = {
  mode: 'weighted',
  alpha: 0.8,
  accuracyBounds: [0.1, 1.0],
  efficiency: 'throughput',
  efficiencyGoal: 'max',
  efficiencyBounds: [100, 1000],
  efficiencyScale: 'linear',
  penalty: -1,
};

function trial(metrics: Trial['metrics'], over: Partial<Trial> = {}): Trial {
  const hardware: HardwareMetrics | undefined = metrics.throughput === undefined ? undefined : { feasible: true, throughput: metrics.throughput };
  return {
    seq: 3, batch: 0, seed: 1, status: 'done', timings: {},
    candidate: { tokens: { arch: [], hw: [] }, architecture: { kind: 'test' } },
    metrics, ...(hardware ? { hardware } : {}), ...over,
  };
}
const reward = (t: Trial, over: Partial<WeightedRewardSettings> = {}) => new WeightedReward({ ...SETTINGS, ...over }).compute(t);

describe('reward-weighted: the formula, checked by hand', () => {
  it('R = alpha*norm(accuracy) + (1-alpha)*norm(efficiency), each on [-1, 1]', () => {
    // accuracy 0.82 in [0.1, 1]: 2*0.72/0.9 - 1 = 0.6; throughput 550 in [100, 1000]: 2*450/900 - 1 = 0.
    expect(reward(trial({ accuracy: 0.82, throughput: 550 }))).to.be.closeTo(0.8 * 0.6 + 0.2 * 0, 1e-12);
    // accuracy 1 -> 1; throughput 1000 -> 1: R = 1. Lower bounds: R = -1.
    expect(reward(trial({ accuracy: 1, throughput: 1000 }))).to.be.closeTo(1, 1e-12);
    expect(reward(trial({ accuracy: 0.1, throughput: 100 }))).to.be.closeTo(-1, 1e-12);
    // alpha 0.5: accuracy 0.55 -> 0; throughput 775 -> 2*675/900 - 1 = 0.5: R = 0.25.
    expect(reward(trial({ accuracy: 0.55, throughput: 775 }), { alpha: 0.5 })).to.be.closeTo(0.25, 1e-12);
  });

  it('clamps outside the bounds', () => {
    // accuracy 0.05 -> -1 (below 0.1); throughput 5000 -> 1: R = 0.8*(-1) + 0.2*1 = -0.6.
    expect(reward(trial({ accuracy: 0.05, throughput: 5000 }))).to.be.closeTo(-0.6, 1e-12);
    expect(normalize(-3, [0, 1])).to.equal(-1);
    expect(normalize(Infinity, [0, 1])).to.equal(1);
  });

  it('log scale: equal ratios count equally; minimised metrics map their lower bound to +1', () => {
    expect(normalize(1000, [100, 10000], 'max', 'log')).to.be.closeTo(0, 1e-12);
    expect(normalize(100 * 10 ** 1.5, [100, 10000], 'max', 'log')).to.be.closeTo(0.5, 1e-12);
    expect(normalize(0, [100, 10000], 'max', 'log')).to.equal(-1);
    // latency 0.002 s in [0.001, 0.011]: t = 0.1, 2t - 1 = -0.8, turned around for 'min': 0.8.
    expect(normalize(0.002, [0.001, 0.011], 'min')).to.be.closeTo(0.8, 1e-12);
    const latency = trial({ accuracy: 0.82, latency: 0.002 }, { hardware: { feasible: true, latency: 0.002 } });
    expect(reward(latency, { efficiency: 'latency', efficiencyGoal: 'min', efficiencyBounds: [0.001, 0.011] })).to.be.closeTo(0.8 * 0.6 + 0.2 * 0.8, 1e-12);
  });

  it('pruned and failed trials get the penalty', () => {
    expect(reward(trial({ throughput: 50 }, { status: 'pruned' }))).to.equal(-1);
    expect(reward(trial({ throughput: 900 }, { status: 'failed' }))).to.equal(-1);
    expect(reward(trial({ throughput: 900 }, { status: 'failed' }), { penalty: -2 })).to.equal(-2);
    expect(reward(trial({ throughput: 900 }, { status: 'pruned' }), { mode: 'hardware' })).to.equal(-1);
  });

  it('a child stopped early is scored like a trained one, on its last intermediate accuracy', () => {
    const metrics = { accuracy: 0.55, throughput: 900 };
    expect(reward(trial(metrics, { status: 'stopped' }))).to.equal(reward(trial(metrics)));
    expect(reward(trial(metrics, { status: 'stopped' }))).to.be.above(-1);
  });

  it('accuracy-only NAS (no hardware metrics): the reward is norm(accuracy)', () => {
    expect(reward(trial({ accuracy: 0.82 }))).to.be.closeTo(0.6, 1e-12);
    expect(reward(trial({ accuracy: 0.82 }), { efficiencyBounds: undefined })).to.be.closeTo(0.6, 1e-12);
  });

  it("mode 'hardware' scores the efficiency alone, trained or not", () => {
    expect(reward(trial({ throughput: 550 }, { status: 'pending' }), { mode: 'hardware' })).to.be.closeTo(0, 1e-12);
    expect(reward(trial({ accuracy: 0.99, throughput: 325 }), { mode: 'hardware' })).to.be.closeTo(-0.5, 1e-12);
  });

  it('derives efficiency bounds from the spec: one order of magnitude beyond the limit', () => {
    expect(boundsFromSpec('throughput', { minThroughput: 200 })).to.deep.equal([200, 2000]);
    expect(boundsFromSpec('energyEfficiency', { minEnergyEfficiency: 5 })).to.deep.equal([5, 50]);
    expect(boundsFromSpec('latency', { maxLatency: 0.01 })).to.deep.equal([0.001, 0.01]);
    expect(boundsFromSpec('throughput', { maxLatency: 0.01 })).to.equal(undefined);
    expect(boundsFromSpec('gops', { minThroughput: 1 })).to.equal(undefined);
  });

  it('an efficiency metric the hardware does not report is a user error listing what it does report', () => {
    const t = trial({ accuracy: 0.5, throughput: 300, latency: 0.1 }, { hardware: { feasible: true, throughput: 300, latency: 0.1 } });
    expect(() => reward(t, { efficiency: 'area' })).to.throw(UserError, /reward.efficiency "area" is not among trial 3's metrics \(accuracy, throughput, latency\)/);
    expect(() => reward(trial({ accuracy: 0.5 }), { mode: 'hardware' })).to.throw(UserError, /reward.mode=hardware needs a hardware model/);
  });

  it('options: defaults, goal by metric, and errors naming the option', () => {
    const plugin = weighted({}, { prefix: 'reward' });
    expect(plugin.options).to.deep.include({ mode: 'weighted', alpha: 0.8, accuracyBounds: [0.1, 1.0], efficiency: 'throughput', efficiencyScale: 'linear', penalty: -1 });
    expect([defaultGoal('latency'), defaultGoal('power'), defaultGoal('throughput'), defaultGoal('energyEfficiency'), defaultGoal('gops')])
      .to.deep.equal(['min', 'min', 'max', 'max', 'max']);
    expect(() => weighted({ alpha: 1.5 }, { prefix: 'reward' })).to.throw(UserError, /option reward.alpha/);
    expect(() => weighted({ efficiencyBounds: [10, 1] }, { prefix: 'reward' })).to.throw(UserError, /option reward.efficiencyBounds: expected \[lo, hi\] with finite lo < hi/);
    expect(() => weighted({ efficiencyScale: 'log', efficiencyBounds: [0, 10] }, { prefix: 'reward' })).to.throw(UserError, /reward.efficiencyBounds: a log scale needs positive bounds/);
    expect(() => weighted({ alfa: 0.5 }, { prefix: 'reward' })).to.throw(UserError, /did you mean reward.alpha/);
  });
});

describe('reward-weighted: in an engine run', () => {
  const norm = (v: number, lo: number, hi: number) => Math.min(1, Math.max(-1, (2 * (v - lo)) / (hi - lo) - 1));

  async function run(entries: PluginEntry[], sets: string[] = [], extra: ReturnType<ReturnType<typeof definePlugin>>[] = []) {
    const pipeline = createTestPipeline({ preset: TINY, budget: 24, sets, plugins: ['!store-sqlite', ...entries, ...extra] });
    const { summary, trials } = await pipeline.execute();
    return { summary, trials, run: pipeline.run };
  }

  it('scores every trial by the formula, and a plugin tapping the reward hook adjusts it', async () => {
    // A community plugin: +0.05 for every candidate over 1000 images/s, after the reward role computed the reward.
    const bonus = definePlugin({ name: 'coex-plugin-fast-bonus', version: '0.1.0', apply(ctx) {
      ctx.hooks.reward.tap('coex-plugin-fast-bonus', (r, t) => ((t.metrics.throughput ?? 0) > 1000 ? r + 0.05 : r));
    } })();
    const { trials, summary, run: r } = await run([['reward-weighted', { efficiencyBounds: [100, 5000] }]], [], [bonus]);
    expect(r.roleProviders().reward).to.equal('@coex/plugin-reward-weighted');
    expect(summary.counts.trained).to.equal(24);
    const fast = trials.filter((t) => t.metrics.throughput! > 1000);
    expect(fast.length).to.be.within(1, 23); // both sides of the bonus are exercised
    expect(trials.some((t) => t.metrics.throughput! < 100) && trials.some((t) => t.metrics.throughput! > 5000)).to.equal(true); // and the clamps
    for (const t of trials) {
      const base = 0.8 * norm(t.metrics.accuracy!, 0.1, 1) + 0.2 * norm(t.metrics.throughput!, 100, 5000);
      expect(t.reward).to.be.closeTo(base + (t.metrics.throughput! > 1000 ? 0.05 : 0), 1e-12);
    }
  });

  it('derives the bounds from spec.minThroughput; pruned trials get the penalty', async () => {
    const { trials, summary } = await run(['reward-weighted'], ['spec.minThroughput=200']);
    expect(summary.counts.pruned).to.be.above(0);
    for (const t of trials) {
      const expected = t.status === 'pruned' ? -1 : 0.8 * norm(t.metrics.accuracy!, 0.1, 1) + 0.2 * norm(t.metrics.throughput!, 200, 2000);
      expect(t.reward).to.be.closeTo(expected, 1e-12);
    }
  });

  it('without a hardware model the reward is norm(accuracy); the hardware mode ranks by efficiency', async () => {
    const accuracyOnly = await run(['reward-weighted', `!${FAKE_HARDWARE}`]);
    for (const t of accuracyOnly.trials) expect(t.reward).to.be.closeTo(norm(t.metrics.accuracy!, 0.1, 1), 1e-12);
    const hardware = await run([['reward-weighted', { mode: 'hardware', efficiency: 'energyEfficiency', efficiencyBounds: [0.05, 0.2] }]]);
    for (const t of hardware.trials) expect(t.reward).to.be.closeTo(norm(t.metrics.energyEfficiency!, 0.05, 0.2), 1e-12);
  });

  it('with hardware but neither bounds nor a spec limit, the run stops before the first trial with a user error', async () => {
    let error: unknown;
    await run(['reward-weighted']).catch((e) => { error = e; });
    expect(error).to.be.instanceOf(PluginError);
    expect(isUserError(error)).to.equal(true);
    expect((error as Error).message).to.match(
      /plugin @coex\/plugin-reward-weighted, hook apply: option reward.efficiencyBounds is needed to normalise throughput: give \[lo, hi\].* or set spec.minThroughput/,
    );
  });
});
