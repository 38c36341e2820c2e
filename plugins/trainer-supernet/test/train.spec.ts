import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chainCnn } from '@coex/kit-chain-cnn';
import { fakeDataset } from '@coex/testing';
import { readCheckpoint } from '../src/checkpoint';
import { resolveSupernetOptions } from '../src';
import { buildSupernet, disposeSupernet } from '../src/supernet';
import { trainSupernet } from '../src/train';
import { SupernetTrainer } from '../src/trainer';
import { TINY, useWasm } from './helpers';

const dataset = fakeDataset({ shape: TINY.input, classes: TINY.classes, train: 48, validation: 24 });
// 48 images in batches of 8: 6 steps per epoch, 12 in all; a checkpoint every 4 steps.
const OPTIONS = resolveSupernetOptions({ epochs: 2, batchSize: 8, kernels: [1, 3, 5], filters: [2, 4, 6], randomSubnets: 1, checkpointEvery: 4, distillation: true, progressiveShrinking: true });

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'coex-supernet-'));
}

const PER_WIDTH = resolveSupernetOptions({ ...OPTIONS, batchNorm: 'per-width' });

/** Trains a fresh supernet into `dir`; `stopAtStep` interrupts it as a kill would (after its last checkpoint). */
async function train(dir: string, seed: number, stopAtStep?: number, options = OPTIONS) {
  const data = await dataset.load({ seed: 1 });
  const shape = options.batchNorm === 'recalibrate' ? TINY : { ...TINY, perWidthNorm: options.filters };
  const supernet = buildSupernet(shape, seed, options.batchNormEpsilon);
  try {
    return await trainSupernet({ supernet, data, options, seed, backend: 'wasm', checkpointFile: path.join(dir, 'checkpoint.bin'), fingerprint: 'test', stopAtStep });
  } finally {
    disposeSupernet(supernet);
  }
}

const weightsOf = (dir: string) => readCheckpoint(path.join(dir, 'checkpoint.bin'))!.tensors;

describe('trainer-supernet: training, checkpoints and resume', function () {
  this.timeout(60_000);
  useWasm();

  it('resumed from a checkpoint after an interruption, reaches the weights of an uninterrupted run; the same seed gives the same weights', async () => {
    const whole = tempDir();
    const again = tempDir();
    const interrupted = tempDir();
    const summary = await train(whole, 5);
    expect(summary).to.include({ steps: 12, totalSteps: 12, complete: true, resumedFrom: 0 });
    await train(again, 5);
    expect(weightsOf(again)).to.deep.equal(weightsOf(whole));

    const stopped = await train(interrupted, 5, 10);
    expect(stopped.complete).to.equal(false);
    // The last checkpoint on disk is the one of step 8: steps 9 and 10 are lost, as after kill -9.
    expect(readCheckpoint(path.join(interrupted, 'checkpoint.bin'))!.meta).to.include({ step: 8, complete: false });
    const resumed = await train(interrupted, 5);
    expect(resumed).to.include({ resumedFrom: 8, steps: 12, complete: true });
    const names = weightsOf(whole).map((t) => t.name);
    expect(names).to.include('supernet/conv0/kernel').and.to.include('supernet/conv0/kernel/m');
    expect(weightsOf(interrupted)).to.deep.equal(weightsOf(whole));
  });

  it('with per-width BatchNorm, trains each width\'s moving statistics, saves them, and resumes to the same checkpoint', async () => {
    const whole = tempDir();
    const interrupted = tempDir();
    await train(whole, 5, undefined, PER_WIDTH);
    await train(interrupted, 5, 10, PER_WIDTH);
    await train(interrupted, 5, undefined, PER_WIDTH);
    const saved = weightsOf(whole);
    expect(saved).to.deep.equal(weightsOf(interrupted));
    const variance = saved.find((t) => t.name === 'supernet/bn1/w2/moving_variance')!;
    const mean = saved.find((t) => t.name === 'supernet/bn2/w6/moving_mean')!;
    // Moved from their initial values (variance 1, mean 0) by the training batches.
    expect([...variance.values].some((v) => Math.abs(v - 1) > 1e-3)).to.equal(true);
    expect([...mean.values].some((v) => Math.abs(v) > 1e-3)).to.equal(true);
  });

  it('another seed gives other weights', async () => {
    const a = tempDir();
    const b = tempDir();
    await train(a, 5);
    await train(b, 6);
    expect(weightsOf(a)[0].values).to.not.deep.equal(weightsOf(b)[0].values);
  });

  it('refuses a checkpoint made with other settings, naming the file', async () => {
    const dir = tempDir();
    await train(dir, 5, 4);
    const data = await dataset.load({ seed: 1 });
    const supernet = buildSupernet(TINY, 5, OPTIONS.batchNormEpsilon);
    try {
      const file = path.join(dir, 'checkpoint.bin');
      const error = await trainSupernet({ supernet, data, options: OPTIONS, seed: 5, backend: 'wasm', checkpointFile: file, fingerprint: 'other' }).catch((e) => e);
      expect(error.name).to.equal('UserError');
      expect(error.message).to.include(file).and.to.include('other settings');
    } finally {
      disposeSupernet(supernet);
    }
  });

  it('scores candidates with source "supernet", trains once per run folder and reuses the finished checkpoint', async () => {
    const outDir = tempDir();
    const arch = chainCnn([[3, 4, 2], [5, 6, 1], [1, 2, 2]], TINY.input, TINY.classes);
    const other = chainCnn([[1, 2, 1], [3, 2, 2], [5, 6, 1]], TINY.input, TINY.classes);
    const options = resolveSupernetOptions({ ...OPTIONS, recalibrationBatches: 2, backend: 'wasm' });
    const first = new SupernetTrainer(dataset, options, { seed: 1, outDir });
    const a = await first.train({ seq: 1, seed: 9, architecture: arch });
    const b = await first.train({ seq: 2, seed: 9, architecture: other });
    await first.close();
    expect(a).to.include({ source: 'supernet', backend: 'wasm' });
    expect(a.accuracy).to.be.within(0, 1);
    expect(a.seconds).to.be.above(0);
    expect(a.supernet.steps).to.equal(12);
    expect(fs.existsSync(path.join(outDir, 'supernet', 'checkpoint.bin'))).to.equal(true);
    const logs: string[] = [];
    const second = new SupernetTrainer(dataset, options, { seed: 1, outDir, log: (m) => logs.push(m) });
    const again = await second.train({ seq: 1, seed: 9, architecture: arch });
    await second.close();
    expect(logs.join('\n')).to.not.include('supernet trained');
    expect(again.accuracy).to.equal(a.accuracy);
    expect(again.loss).to.equal(a.loss);
    expect(b.loss).to.not.equal(a.loss);
    expect(tf.memory().numTensors).to.be.below(10_000);
  });

  it('with per-width BatchNorm, scores with the stored statistics, or recalibrated ones with per-width-recalibrate', async () => {
    const arch = chainCnn([[3, 4, 2], [5, 6, 1], [1, 2, 2]], TINY.input, TINY.classes);
    const score = async (batchNorm: string, outDir: string) => {
      const trainer = new SupernetTrainer(dataset, resolveSupernetOptions({ ...OPTIONS, batchNorm, recalibrationBatches: 2, backend: 'wasm' }), { seed: 1, outDir });
      try {
        return await trainer.train({ seq: 1, seed: 9, architecture: arch });
      } finally {
        await trainer.close();
      }
    };
    const outDir = tempDir();
    const stored = await score('per-width', outDir);
    // The same folder: per-width-recalibrate reuses the per-width supernet (the same weights), and only scoring differs.
    const logs: string[] = [];
    const trainer = new SupernetTrainer(dataset, resolveSupernetOptions({ ...OPTIONS, batchNorm: 'per-width-recalibrate', recalibrationBatches: 2, backend: 'wasm' }), { seed: 1, outDir, log: (m) => logs.push(m) });
    const recalibrated = await trainer.train({ seq: 1, seed: 9, architecture: arch });
    await trainer.close();
    expect(logs.join('\n')).to.not.include('supernet trained');
    expect(stored.source).to.equal('supernet');
    expect(recalibrated.loss).to.not.equal(stored.loss);
    expect(await score('per-width', outDir)).to.deep.include({ loss: stored.loss, accuracy: stored.accuracy });
  });

  it('names the option when a candidate is larger than the supernet', async () => {
    const trainer = new SupernetTrainer(dataset, OPTIONS, { seed: 1, outDir: tempDir() });
    const error = await trainer.train({ seq: 1, seed: 1, architecture: chainCnn([[7, 6, 1], [3, 4, 1], [3, 4, 1]], TINY.input, TINY.classes) }).catch((e) => e);
    await trainer.close();
    expect(error.name).to.equal('UserError');
    expect(error.message).to.include('trainer.kernels');
  });
});
