import { expect } from 'chai';
import * as path from 'node:path';
import { PluginError, UserError, definePlugin, z, type CoexEvent, type Trial } from '../src';
import { Run, resolveConfig, trainingSpent } from '../src/host';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');
const TINY = path.join(FIXTURES, 'presets', 'tiny.ts');

function tinyRun(extra: { sets?: string[]; plugins?: unknown[]; budget?: number } = {}) {
  const { config, plugins } = resolveConfig({
    preset: TINY,
    sets: extra.sets,
    budget: extra.budget,
    plugins: ['!store-sqlite', ...((extra.plugins ?? []) as never[])],
  });
  return new Run({ dir: '/nonexistent', config, plugins });
}

/** A plugin built inline that taps hooks, to test the hooks' kinds. */
function hookPlugin(name: string, apply: Parameters<typeof definePlugin>[0]['apply']) {
  return definePlugin({ name, version: '0.1.0', apply })();
}

async function runWith(plugin: ReturnType<typeof hookPlugin>, sets: string[] = []) {
  const { config, plugins } = resolveConfig({ preset: TINY, sets, plugins: ['!store-sqlite'] });
  const run = new Run({ dir: '/nonexistent', config, plugins: [...plugins, { plugin, resolved: { name: plugin.name, version: '0.1.0', module: 'inline', options: {} } }] });
  const trials: Trial[] = [];
  run.events$.subscribe((e: CoexEvent) => e.type === 'trial-end' && trials.push(e.trial));
  const summary = await run.execute();
  return { summary, trials: trials.sort((a, b) => a.seq - b.seq), run };
}

describe('engine: hooks and the loop', () => {
  it('runs the whole budget, in trial order, with per-plugin timings', async () => {
    const run = tinyRun();
    const ends: number[] = [];
    run.events$.subscribe((e) => e.type === 'trial-end' && ends.push(e.trial.seq));
    const summary = await run.execute();
    expect(summary.status).to.equal('finished');
    expect(summary.counts).to.deep.equal({ sampled: 12, pruned: 0, trained: 12, failed: 0, stopped: 0 });
    expect([...ends].sort((a, b) => a - b)).to.deep.equal([...Array(12).keys()]);
    expect(run.pluginTimings['coex:core'].prune.calls).to.equal(12);
  });

  it('prune is a bail hook: the first verdict prunes and later taps are not called', async () => {
    let laterCalls = 0;
    const { trials, summary } = await runWith(hookPlugin('pruner', (ctx) => {
      ctx.hooks.prune.tap({ name: 'pruner', stage: 10 }, (_c, _e, t) => (t.seq % 2 === 0 ? { reason: 'even trials are out' } : undefined));
      ctx.hooks.prune.tap({ name: 'pruner', stage: 20 }, () => { laterCalls += 1; return undefined; });
    }));
    expect(summary.counts.pruned).to.equal(6);
    expect(trials.filter((t) => t.status === 'pruned').map((t) => t.seq)).to.deep.equal([0, 2, 4, 6, 8, 10]);
    expect(trials[0].prunedReason).to.equal('even trials are out');
    expect(trials[0].reward).to.equal(-1);
    expect(laterCalls).to.equal(6);
  });

  it('the core spec check prunes with the limit and the amount', async () => {
    const { trials } = await runWith(hookPlugin('noop', () => undefined), ['spec.minThroughput=500']);
    const pruned = trials.filter((t) => t.status === 'pruned');
    expect(pruned.length).to.be.greaterThan(0);
    for (const t of pruned) {
      expect(t.metrics.throughput).to.be.below(500);
      expect(t.violations?.[0].limit).to.equal('minThroughput');
      expect(t.prunedReason).to.match(/throughput [\d.]+ images\/s is below minThroughput 500 images\/s by [\d.]+%/);
    }
    for (const t of trials.filter((x) => x.status === 'done')) expect(t.metrics.throughput).to.be.at.least(500);
  });

  it('sample and reward are waterfalls: each tap sees the previous value', async () => {
    const { trials } = await runWith(hookPlugin('shaper', (ctx) => {
      ctx.hooks.sample.tap('shaper', (candidate) => ({ ...candidate, architecture: { ...candidate.architecture, tagged: 1 } }));
      ctx.hooks.reward.tap({ name: 'shaper', stage: 1 }, (r) => r + 10);
      ctx.hooks.reward.tap({ name: 'shaper', stage: 2 }, (r) => r * 2);
    }));
    for (const t of trials) {
      expect(t.candidate.architecture.tagged).to.equal(1);
      expect(t.reward).to.be.closeTo(((t.metrics.accuracy as number) + 10) * 2, 1e-12);
    }
  });

  it('train is a bail hook: a tap returning a result replaces training', async () => {
    const { trials } = await runWith(hookPlugin('cache', (ctx) => {
      ctx.hooks.train.tapPromise('cache', async (_c, t) => (t.seq === 3 ? { accuracy: 0.123, backend: 'cache' } : undefined));
    }));
    expect(trials[3].training?.backend).to.equal('cache');
    expect(trials[3].metrics.accuracy).to.equal(0.123);
    expect(trials[2].training?.backend).to.equal('fake');
  });

  it('report is a bail hook in the main process: a verdict stops the trial (status stopped, its last point), later taps are not asked; events$ carries each point', async () => {
    const asked: number[] = [];
    const plugin = hookPlugin('stopper', (ctx) => {
      ctx.hooks.report.tapPromise({ name: 'stopper', stage: -1 }, async (point, trial) =>
        trial.seq === 2 && point.epoch === 2 ? { reason: 'enough', resource: point.epoch } : undefined);
      ctx.hooks.report.tapPromise({ name: 'later', stage: 1 }, async (_p, trial) => { asked.push(trial.seq); return undefined; });
    });
    const { config, plugins } = resolveConfig({ preset: TINY, sets: ['trainer.epochs=3'], plugins: ['!store-sqlite'] });
    const run = new Run({ dir: '/nonexistent', config, plugins: [...plugins, { plugin, resolved: { name: plugin.name, version: '0.1.0', module: 'inline', options: {} } }] });
    const reports: { seq: number; epoch: number; stopped: boolean }[] = [];
    run.events$.subscribe((e: CoexEvent) => e.type === 'trial-report' && reports.push({ seq: e.seq, epoch: e.point.epoch, stopped: e.stopped }));
    const summary = await run.execute();
    const trials = run.trialList();
    expect(summary.counts).to.include({ trained: 11, stopped: 1 });
    expect(trials[2]).to.include({ status: 'stopped', stoppedReason: 'enough', resource: 2 });
    expect(trials[2].curve!.map((p) => p.epoch)).to.deep.equal([1, 2]);
    expect(trials[2].metrics.accuracy).to.equal(trials[2].curve![1].accuracy);
    expect(trials[3].curve!.map((p) => p.epoch)).to.deep.equal([1, 2, 3]);
    expect(reports.filter((r) => r.seq === 2)).to.deep.equal([{ seq: 2, epoch: 1, stopped: false }, { seq: 2, epoch: 2, stopped: true }]);
    expect(reports.filter((r) => r.stopped)).to.have.length(1);
    expect(asked.filter((s) => s === 2)).to.have.length(1); // asked at epoch 1 only: the bail skipped it at epoch 2
    expect(asked).to.have.length(12 * 3 - 2);
  });

  it('lifecycle hooks fire in order: runStart, trialStart/End per trial, controllerUpdate per batch, runEnd', async () => {
    const seen: string[] = [];
    await runWith(hookPlugin('observer', (ctx) => {
      ctx.hooks.runStart.tap('observer', () => { seen.push('runStart'); });
      ctx.hooks.trialStart.tap('observer', () => { seen.push('trialStart'); });
      ctx.hooks.trialEnd.tap('observer', () => { seen.push('trialEnd'); });
      ctx.hooks.controllerUpdate.tap('observer', (u) => { seen.push(`update${u.batch}:${u.feedback.length}`); });
      ctx.hooks.runEnd.tap('observer', (s) => { seen.push(`runEnd:${s.status}`); });
    }));
    expect(seen[0]).to.equal('runStart');
    expect(seen.filter((s) => s === 'trialStart')).to.have.length(12);
    expect(seen.filter((s) => s === 'trialEnd')).to.have.length(12);
    expect(seen.filter((s) => s.startsWith('update'))).to.deep.equal(['update0:4', 'update1:4', 'update2:4']);
    expect(seen[seen.length - 1]).to.equal('runEnd:finished');
  });

  it('a throwing tap ends the run with an error naming plugin, hook and trial', async () => {
    let error: unknown;
    try {
      await runWith(hookPlugin('broken', (ctx) => {
        ctx.hooks.fastEvaluate.tap('coex-plugin-broken', (e, _c, t) => { if (t.seq === 5) throw new Error('boom'); return e; });
      }));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(PluginError);
    expect((error as PluginError).message).to.equal('plugin coex-plugin-broken, hook fastEvaluate, trial 5: boom');
  });

  it('failed trainings are results, not run failures', async () => {
    const run = tinyRun({ sets: ['trainer.failSeqs=[1,6]', 'trainer.nanSeqs=[2]'] });
    const trials: Trial[] = [];
    run.events$.subscribe((e) => e.type === 'trial-end' && trials.push(e.trial));
    const summary = await run.execute();
    expect(summary.status).to.equal('finished');
    expect(summary.counts.failed).to.equal(3);
    const byseq = new Map(trials.map((t) => [t.seq, t]));
    expect(byseq.get(1)?.error).to.equal('worker crashed on trial 1');
    expect(byseq.get(2)?.error).to.match(/NaN loss/);
    expect(byseq.get(2)?.reward).to.equal(-1);
  });

  it('budget.trained caps trained children, in trial order', async () => {
    const run = tinyRun({ sets: ['budget.trained=5'] });
    const summary = await run.execute();
    expect(summary.counts.trained).to.equal(5);
  });

  it('budget.trainCpuSeconds ends the run between batches once the trainers\' CPU seconds pass it', async () => {
    // Every child costs 3 CPU seconds, a batch of 4 costs 12: 12 < 20 after batch 1, 24 >= 20 after batch 2.
    const { summary, trials } = await runWith(hookPlugin('cpu', (ctx) => {
      ctx.hooks.train.tapPromise('cpu', async () => ({ accuracy: 0.5, cpuSeconds: 3, backend: 'cpu' }));
    }), ['budget.trainCpuSeconds=20', 'budget.candidates=40']);
    expect(summary.counts.trained).to.equal(8);
    expect(trainingSpent(trials).cpuSeconds).to.equal(24);
  });

  it('trainingSpent counts a trial without CPU seconds by its train-stage wall seconds', () => {
    const trial = (train: number, training?: Trial['training']) => ({ timings: { train }, training, metrics: {} }) as unknown as Trial;
    expect(trainingSpent([trial(2000, { accuracy: 0.5, cpuSeconds: 7 }), trial(1500), trial(500, { accuracy: 0.4 })]))
      .to.deep.equal({ seconds: 4, cpuSeconds: 9, images: 0 });
  });

  it('cancellation stops cleanly and keeps what finished', async () => {
    const run = tinyRun({ sets: ['trainer.delayMs=30'] });
    run.events$.subscribe((e) => { if (e.type === 'trial-end' && e.trial.seq === 4) run.cancel(); });
    const summary = await run.execute();
    expect(summary.status).to.equal('interrupted');
    expect(summary.counts.trained).to.be.within(5, 8);
  });

  it('is deterministic for a seed and differs for another', async () => {
    const tokens = async (seed: number) => {
      const { config, plugins } = resolveConfig({ preset: TINY, seed, plugins: ['!store-sqlite'] });
      const run = new Run({ dir: '/x', config, plugins });
      const t: Trial[] = [];
      run.events$.subscribe((e) => e.type === 'trial-end' && t.push(e.trial));
      await run.execute();
      return t.sort((a, b) => a.seq - b.seq).map((x) => [x.candidate.tokens, x.metrics.accuracy]);
    };
    expect(await tokens(3)).to.deep.equal(await tokens(3));
    expect(await tokens(3)).to.not.deep.equal(await tokens(4));
  });

  it('hooks are frozen: plugins cannot add or replace them', () => {
    const run = tinyRun();
    expect(Object.isFrozen(run.hooks)).to.equal(true);
    expect(() => { (run.hooks as unknown as Record<string, unknown>).sample = null; }).to.throw(TypeError);
  });

  it('a plugin may fill only the role it declared, and only once', async () => {
    const rogue = definePlugin({ name: 'rogue', version: '0.1.0', role: 'reward', apply(ctx) {
      ctx.provide('controller' as 'reward', () => ({ compute: () => 0 }));
    } })();
    const { config, plugins } = resolveConfig({ preset: TINY, plugins: ['!store-sqlite'] });
    const run = new Run({ dir: '/x', config, plugins: [...plugins, { plugin: rogue, resolved: { name: 'rogue', version: '0.1.0', module: 'x', options: {} } }] });
    let error: unknown;
    await run.applyPlugins().catch((e) => { error = e; });
    expect((error as Error).message).to.match(/plugin rogue, hook apply: it declared role reward but tried to fill the controller role/);
  });

  it('option errors name the plugin, the option path and what was expected', () => {
    expect(() => resolveConfig({ preset: TINY, sets: ['trainer.delayMs="slow"'] })).to.throw(UserError,
      /plugin coex-plugin-fake-trainer: option trainer.delayMs: Invalid input: expected number, received string/);
    expect(() => resolveConfig({ preset: TINY, sets: ['space.dept=3'] })).to.throw(UserError,
      /unknown option space.dept \(did you mean space.depth\?\)/);
    expect(() => resolveConfig({ preset: TINY, sets: ['trainr.epochs=3'] })).to.throw(UserError, /did you mean "trainer"/);
  });

  it('z is re-exported so plugins share core\'s schema library', () => {
    expect(z.object({ a: z.number() }).safeParse({ a: 1 }).success).to.equal(true);
  });
});
