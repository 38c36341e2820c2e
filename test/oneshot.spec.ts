// One-shot co-exploration end to end through the CLI: the supernet trains once in the run folder,
// survives kill -9 (resume continues from its checkpoint), candidates get supernet scores that
// `coex show` labels, and the front's best is retrained stand-alone (finalizeTopK, coex finalize).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '@coex/core/host';
import { readCheckpoint } from '@coex/plugin-trainer-supernet';
import { coex, coexAsync, tempDir } from './helpers/cli';

describe('co-exploration-oneshot presets', function () {
  this.timeout(600_000);

  it('resolve to NSGA-II over network and hardware, designs tuned per network, supernet scoring, no worker pool', () => {
    for (const preset of ['co-exploration-oneshot', 'co-exploration-oneshot-quick']) {
      const { config } = resolveConfig({ preset });
      const role = (r: string) => config.plugins.find((p) => p.role === r);
      expect(role('controller')!.options, preset).to.include({ algorithm: 'nsga2' });
      expect(role('hardware')!.options, preset).to.include({ mode: 'tune' });
      expect(role('trainer')!.name, preset).to.equal('@coex/plugin-trainer-supernet');
      expect(role('trainer')!.options.finalizeTopK, preset).to.be.at.least(1);
      expect(config.plugins.map((p) => p.name), preset).to.not.include('@coex/plugin-executor-pool');
    }
    expect(resolveConfig({ preset: 'co-exploration-oneshot-quick' }).config.plugins.find((p) => p.role === 'dataset')!.name).to.equal('@coex/plugin-dataset-mnist');
  });

  it('survive kill -9 during supernet training, score with labelled supernet scores, and retrain the front stand-alone', async () => {
    const dir = path.join(tempDir('coex-oneshot-'), 'run');
    const args = ['--preset', 'co-exploration-oneshot-quick', '--seed', '3', '--budget', '6', '--set', 'budget.trained=6', '--set', 'space.depth=2',
      '--set', 'dataset.subset=192', '--set', 'dataset.validationSize=64', '--set', 'dataset.downscale=4', '--set', 'trainer.batchSize=4', '--set', 'trainer.epochs=2',
      '--set', 'trainer.checkpointEvery=3', '--set', 'trainer.scoreImages=32', '--set', 'trainer.standAlone.batchSize=32', '--out', dir];
    const checkpoint = path.join(dir, 'supernet', 'checkpoint.bin');
    const child = coexAsync(['run', ...args]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('close', resolve));
    // Kill it hard once a checkpoint exists, well before the 96 steps end.
    while (!fs.existsSync(checkpoint) && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    expect(fs.existsSync(checkpoint), stderr).to.equal(true);
    const killedAt = readCheckpoint(checkpoint)!.meta;
    expect(killedAt.complete).to.equal(false);

    const resumed = coex(['resume', dir, '--json']);
    expect(resumed.status, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(/resuming supernet training at step \d+ of 96/);
    const finished = readCheckpoint(checkpoint)!.meta;
    expect(finished).to.include({ complete: true, step: 96 });

    const shown = coex(['show', dir, '--json']);
    const summary = JSON.parse(shown.stdout);
    expect(summary.counts.trained).to.be.at.least(1);
    expect(summary.accuracySource).to.equal('supernet');
    const trials = JSON.parse(coex(['export', dir, '--format', 'json']).stdout);
    const done = trials.filter((t: { status: string }) => t.status === 'done');
    expect(done.length).to.equal(summary.counts.trained);
    const text = coex(['show', dir]).stdout;
    expect(text).to.include('supernet scores').and.to.include('stand-alone accuracies (finalize.json)');

    // finalizeTopK=1: the front's most accurate candidate was retrained stand-alone at the end.
    const finalized = JSON.parse(fs.readFileSync(path.join(dir, 'finalize.json'), 'utf8'));
    expect(finalized.results).to.have.length(1);
    expect(finalized.results[0].final.accuracy).to.be.within(0, 1);
    expect(finalized.results[0].final.source).to.equal(undefined);
    expect(finalized.results[0].final.epochs).to.equal(1);

    // coex finalize retrains stand-alone too (not a supernet score).
    const fin = coex(['finalize', dir, '--top', '1', '--epochs', '1', '--json']);
    expect(fin.status, fin.stderr).to.equal(0);
    const [first] = JSON.parse(fin.stdout).results;
    expect(first.final.source).to.equal(undefined);
    expect(first.final.steps).to.be.above(0);
    expect(fs.existsSync(path.join(dir, 'models', `trial-${first.trial}`, 'model.json'))).to.equal(true);
  });
});
