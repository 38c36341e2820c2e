import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type CurvePoint } from '@coex/core';
import { chainCnn } from '@coex/kit-chain-cnn';
import { TfjsTrainer, resolveTrainerOptions, type TfjsTrainingResult } from '../src/index';
import { WEIGHTS_FILE } from '../src/save';
import { syntheticDataset, useBackend } from './helpers';

// 256 training images, batch 32: 8 steps per epoch; reportEvery 3 reports at steps 3, 6, 9, ... of the run and at every epoch end.
const ARCH = chainCnn([[3, 8, 1], [3, 8, 2]], { height: 8, width: 8, channels: 3 }, 4);

describe('trainer-tfjs learning curves and continuing from a saved state', function () {
  this.timeout(120_000);
  useBackend('wasm');
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-curves-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const trainerFor = (optimizer: 'adam' | 'momentum', saveDir: string) =>
    new TfjsTrainer(syntheticDataset({ train: 256, validation: 64, test: 64, noise: 1 }), resolveTrainerOptions({
      epochs: 3, batchSize: 32, reportEvery: 3, optimizer, schedule: 'cosine', backend: 'wasm', saveDir,
    }), { dataSeed: 1, baseDir: tmp });

  it('reports validation accuracy and loss every reportEvery steps and at every epoch end', async () => {
    const seen: CurvePoint[] = [];
    const trainer = trainerFor('adam', 'curve');
    const result = await trainer.train({ seq: 0, seed: 3, architecture: ARCH, report: async (p) => (seen.push(p), false) });
    expect(seen.map((p) => p.step)).to.deep.equal([3, 6, 8, 9, 12, 15, 16, 18, 21, 24]);
    expect(seen.map((p) => p.epoch)).to.deep.equal([3 / 8, 6 / 8, 1, 9 / 8, 12 / 8, 15 / 8, 2, 18 / 8, 21 / 8, 3]);
    expect(seen.at(-1)!.images).to.equal(3 * 256);
    expect(seen[0].images).to.equal(96);
    for (const p of seen) expect(p.accuracy).to.be.within(0, 1) && expect(p.loss).to.be.above(0);
    expect(result.curve).to.deep.equal(seen);
    expect(result.accuracy).to.equal(seen.at(-1)!.accuracy);
    expect(result.stopped).to.equal(undefined);
  });

  for (const optimizer of ['adam', 'momentum'] as const) {
    it(`a child stopped mid-epoch and continued from its checkpoint ends with the same weights as one trained straight through (${optimizer})`, async () => {
      const straight = await trainerFor(optimizer, `straight-${optimizer}`).train({ seq: 1, seed: 7, architecture: ARCH, report: async () => false });
      const before = tf.memory().numTensors;
      const checkpointDir = path.join(tmp, `ckpt-${optimizer}`);
      const first = await trainerFor(optimizer, `split-${optimizer}`).train({
        seq: 1, seed: 7, architecture: ARCH, checkpointDir, report: async (p) => p.step === 12,
      });
      expect(first.stopped).to.equal(true);
      expect(first.steps).to.equal(12);
      expect(first.checkpoint).to.equal(path.join(checkpointDir, 'step-12'));
      expect(first.accuracy).to.equal(straight.curve![4].accuracy);
      expect(first.testAccuracy, 'a stopped child is not scored on the test split').to.equal(undefined);
      const second: TfjsTrainingResult = await trainerFor(optimizer, `split-${optimizer}`).train({
        seq: 1, seed: 7, architecture: ARCH, resumeFrom: first.checkpoint, report: async () => false,
      });
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      expect(second.curve).to.deep.equal(straight.curve);
      expect(second.accuracy).to.equal(straight.accuracy);
      expect(second.testAccuracy).to.equal(straight.testAccuracy);
      expect(second.lossCurve).to.deep.equal(straight.lossCurve);
      const weights = (name: string) => fs.readFileSync(path.join(tmp, name, 'trial-1', WEIGHTS_FILE));
      expect(weights(`split-${optimizer}`).equals(weights(`straight-${optimizer}`)), 'weights.bin byte for byte').to.equal(true);
    });
  }
});
