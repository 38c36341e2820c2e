// Whole runs of the engine with the tests' tiny preset, the fake trainer swapped for this plugin.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PluginError, isUserError, type Trial } from '@coex/core';
import { Run, resolveConfig } from '@coex/core/host';
import { Scratch } from './helpers';

const TINY = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');
const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'train_random.js');
const { pseudoAccuracy } = require(EXAMPLE) as { pseudoAccuracy: (architecture: unknown, seed: number) => number };

async function runWith(dir: string, command: string, budget?: number) {
  const { config, plugins } = resolveConfig({ preset: TINY, budget, plugins: ['!store-sqlite', ['trainer-command', { command }]] });
  const run = new Run({ dir, config, plugins });
  const trials: Trial[] = [];
  run.events$.subscribe((e) => e.type === 'trial-end' && trials.push(e.trial));
  const summary = await run.execute();
  return { summary, trials: trials.sort((a, b) => a.seq - b.seq), run };
}

describe('trainer-command in a run', () => {
  let scratch: Scratch;
  beforeEach(() => { scratch = new Scratch(); });
  afterEach(() => scratch.remove());

  it('replaces the fake trainer and finishes the budget with the accuracies the command printed', async () => {
    const { summary, trials, run } = await runWith(scratch.dir, `node ${EXAMPLE} {arch}`);
    expect(run.roleProviders().trainer).to.equal('@coex/plugin-trainer-command');
    expect(summary.status).to.equal('finished');
    expect(summary.counts).to.deep.equal({ sampled: 12, pruned: 0, trained: 12, failed: 0, stopped: 0 });
    for (const trial of trials) {
      // Computed from what the engine holds, so the trial file carried the right architecture and seed.
      expect(trial.metrics.accuracy).to.equal(pseudoAccuracy(trial.candidate.architecture, trial.seed));
      expect(trial.reward).to.equal(trial.metrics.accuracy);
      expect(trial.training?.backend).to.equal('command');
      const file = JSON.parse(fs.readFileSync(path.join(scratch.dir, 'trials', String(trial.seq), 'arch.json'), 'utf8'));
      expect(file.seq).to.equal(trial.seq);
    }
    expect(new Set(trials.map((t) => t.metrics.accuracy)).size).to.be.greaterThan(1);
  });

  it('a failing command fails its trial and the run goes on', async () => {
    const script = scratch.script('flaky.js', `
      if (process.env.COEX_SEQ === '2') { console.error('CUDA error: out of memory'); process.exit(3); }
      console.log(JSON.stringify({ accuracy: 0.5 }));
    `);
    const { summary, trials } = await runWith(scratch.dir, `node ${script}`, 6);
    expect(summary.status).to.equal('finished');
    expect(summary.counts).to.deep.equal({ sampled: 6, pruned: 0, trained: 5, failed: 1, stopped: 0 });
    expect(trials[2].status).to.equal('failed');
    expect(trials[2].reward).to.equal(-1);
    expect(trials[2].error).to.match(/^command exited with code 3: node .*flaky\.js\n.*\n {2}\| CUDA error: out of memory$/);
  });

  it('the preflight refuses a command whose program is not found, and passes one that is', async () => {
    const preflight = async (command: string) => {
      const { config, plugins } = resolveConfig({ preset: TINY, plugins: ['!store-sqlite', ['trainer-command', { command }]] });
      return new Run({ dir: scratch.dir, config, plugins }).preflight();
    };
    const error = await preflight('OMP_NUM_THREADS=1 coex-no-such-trainer-xyz {arch}').catch((e: unknown) => e);
    expect(isUserError(error), String(error)).to.equal(true);
    expect((error as Error).message).to.match(/trainer\.command: the program "coex-no-such-trainer-xyz" is not found on this machine/);
    await preflight(`node ${EXAMPLE} {arch}`);
    expect(fs.readdirSync(scratch.dir)).to.deep.equal([]); // nothing was created
  });

  it('a command the shell cannot find ends the run with a user error', async () => {
    let error: unknown;
    await runWith(scratch.dir, 'coex-no-such-trainer-xyz {arch}').catch((e) => { error = e; });
    expect(error).to.be.instanceOf(PluginError);
    expect(isUserError(error)).to.equal(true);
    expect((error as Error).message).to.match(/^plugin @coex\/plugin-trainer-command, role method trainer\.train, trial 0: the shell could not find the command/);
  });
});
