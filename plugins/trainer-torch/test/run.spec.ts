import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isUserError, type PluginEntry } from '@coex/core';
import { createTestPipeline } from '@coex/testing';
import { isAlive, requireTorch } from './helpers';

const PLUGINS: PluginEntry[] = [
  'controller-random',
  ['space-chain-cnn', { depth: 2, input: '8x8x1', classes: 4 }],
  ['dataset-synthetic', { input: '8x8x1', classes: 4, trainSize: 128, validationSize: 64, testSize: 0 }],
  ['trainer-torch', { epochs: 1, batchSize: 32 }],
  'store-sqlite',
];

async function search(outDir: string, extra: PluginEntry[], budget = 3) {
  // The run folder holds the SQLite store, as a real run's does.
  return createTestPipeline({ plugins: [...PLUGINS, ...extra], seed: 3, budget, dir: outDir, cwd: outDir }).execute();
}

describe('trainer-torch in a search', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-torch-run-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('with torch', () => {
    requireTorch();

    it('an executor-pool slot keeps one Python process for all its children, which ends with the run', async () => {
      const { summary, trials } = await search(path.join(dir, 'pool'), [['executor-pool', { workers: 1 }]]);
      expect(summary.counts).to.deep.equal({ sampled: 3, pruned: 0, trained: 3, failed: 0, stopped: 0 });
      const pids = new Set(trials.map((t) => t.training?.pid as number));
      expect(pids.size, 'one Python process for the one slot').to.equal(1);
      expect(trials.every((t) => t.training?.backend === 'torch')).to.equal(true);
      const [pid] = pids;
      // The pool closed the thread's trainer before ending the thread: Python exited and was
      // reaped (no zombie left in /proc), and its data files are gone from the run folder.
      expect(isAlive(pid)).to.equal(false);
      expect(fs.existsSync(`/proc/${pid}`), `process ${pid} left as a zombie`).to.equal(false);
      expect(fs.existsSync(path.join(dir, 'pool', 'tmp')), 'data files left in the run folder').to.equal(false);
    });
  });

  it('a run stops at its start with a UserError naming the interpreter when it lacks torch', async () => {
    const missing = path.join(dir, 'no-python');
    const error = await search(path.join(dir, 'missing'), [['trainer-torch', { python: missing }]]).then(() => undefined, (e: Error) => e);
    expect(error, 'the run should fail').to.be.instanceOf(Error);
    expect(isUserError(error)).to.equal(true);
    expect(error!.message).to.include(`tried ${missing} (trainer.python): not found`);
  });
});
