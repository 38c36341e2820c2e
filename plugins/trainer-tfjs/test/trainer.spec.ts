import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError, type PluginContext, type RoleResolver, type Trainer } from '@coex/core';
import { chainCnn, describeChainCnn } from '@coex/kit-chain-cnn';
import plugin, { AbortError, NonFiniteLossError, TfjsTrainer, TimeLimitError, loadSavedModel, resolveTrainerOptions, trainOnce, type TfjsTrainingResult } from '../src/index';
import { MODEL_FILE, WEIGHTS_FILE } from '../src/save';
import { selectBackend } from '../src/backend';
import { syntheticDataset, syntheticSplits, useBackend } from './helpers';

const data = syntheticSplits(1, { noise: 1 });
const ARCH = chainCnn([[3, 8, 1], [3, 8, 2]], data.shape, data.classes);
const FAST = { epochs: 2, batchSize: 32, learningRate: 3e-3, backend: 'wasm' as const };

/** Runs `body` and checks that it leaves the tensor count as it found it. */
async function expectNoLeak<T>(body: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  try {
    return await body();
  } finally {
    expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('trainer-tfjs training', function () {
  this.timeout(60_000);
  let tmp: string;

  useBackend('wasm');
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-trainer-tfjs-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('learns a learnable synthetic task far above chance and reports what it did', async () => {
    const result = await expectNoLeak(() => trainOnce(ARCH, data, { ...FAST, epochs: 3, seed: 1 }));
    expect(result.accuracy, 'validation accuracy (chance is 0.25)').to.be.above(0.8);
    expect(result.testAccuracy).to.be.a('number').and.above(0.8);
    expect(result.lossCurve).to.have.length(3);
    expect(result.lossCurve[2]).to.be.below(result.lossCurve[0]);
    expect(result.loss).to.equal(result.lossCurve[2]);
    expect(result.params).to.equal(describeChainCnn(ARCH).params);
    expect(result.backend).to.equal('wasm');
    expect(result.epochs).to.equal(3);
    expect(result.steps).to.equal(3 * Math.ceil(256 / 32));
    expect(result.imagesPerSecond).to.be.above(0);
    expect(result.seconds).to.be.above(0);
  });

  it('is deterministic for a seed, and another seed trains differently', async () => {
    const runs: TfjsTrainingResult[] = [];
    for (const seed of [5, 5, 6]) runs.push(await trainOnce(ARCH, data, { ...FAST, seed }));
    // Everything but the wall-clock figures must be identical.
    const outcome = (r: (typeof runs)[number]) => ({ ...r, seconds: 0, imagesPerSecond: 0 });
    expect(outcome(runs[1])).to.deep.equal(outcome(runs[0]));
    expect(runs[2].lossCurve).to.not.deep.equal(runs[0].lossCurve);
  });

  it('plots the loss every N steps when lossEvery is set', async () => {
    const result = await trainOnce(ARCH, data, { ...FAST, seed: 1, lossEvery: 3 });
    expect(result.steps).to.equal(16);
    expect(result.lossCurve).to.have.length(Math.ceil(16 / 3));
  });

  it('rejects a NaN loss with the epoch and step, and frees its tensors', async () => {
    const poisoned = syntheticSplits(1);
    poisoned.train.x.fill(Number.NaN);
    const error = await expectNoLeak(() => rejection(trainOnce(ARCH, poisoned, { ...FAST, seed: 1 })));
    expect(error).to.be.instanceOf(NonFiniteLossError);
    expect(error.message).to.equal('NaN loss at epoch 1, step 1');
    const diverged = await expectNoLeak(() => rejection(trainOnce(ARCH, data, { ...FAST, seed: 1, optimizer: 'sgd', learningRate: 1e10 })));
    expect(diverged.message).to.match(/^NaN loss at epoch 1, step \d+/);
  });

  it('stops between batches when the signal aborts, with an AbortError', async () => {
    const long = syntheticSplits(2, { train: 4000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('run cancelled')), 30);
    const error = await expectNoLeak(() => rejection(trainOnce(ARCH, long, { ...FAST, batchSize: 8, seed: 1, signal: controller.signal })));
    expect(error).to.be.instanceOf(AbortError);
    expect(error.name).to.equal('AbortError');
    expect(error.message).to.match(/^training aborted at epoch 1, step \d+$/);
    expect((error as AbortError & { cause: Error }).cause.message).to.equal('run cancelled');
    const early = await rejection(trainOnce(ARCH, data, { ...FAST, seed: 1, signal: AbortSignal.abort() }));
    expect(early.message).to.equal('training aborted before it started');
  });

  it('rejects a trial that exceeds timeLimit with a TimeLimitError saying so', async () => {
    const long = syntheticSplits(2, { train: 4000 });
    const error = await expectNoLeak(() => rejection(trainOnce(ARCH, long, { ...FAST, batchSize: 8, seed: 1, timeLimit: 0.05 })));
    expect(error).to.be.instanceOf(TimeLimitError);
    expect(error.message).to.match(/^training exceeded trainer\.timeLimit \(0\.05 s\) at epoch 1, step \d+, after [\d.]+ s$/);
  });

  it('stops early when validation accuracy stops improving', async () => {
    const result = await trainOnce(ARCH, data, { ...FAST, epochs: 6, seed: 1, optimizer: 'sgd', learningRate: 1e-9, earlyStopping: 1 });
    // A rate this small changes nothing: epoch 2 is no better than epoch 1.
    expect(result.epochs).to.equal(2);
    expect(result.stoppedEarly).to.equal(true);
    expect(result.accuracyCurve).to.have.length(2);
    expect(result.accuracyCurve![1]).to.equal(result.accuracyCurve![0]);
    expect(result.accuracy).to.equal(result.accuracyCurve![1]);
  });

  it('saves model.json + weights.bin that reload and score as reported', async () => {
    const dir = path.join(tmp, 'saved');
    const result = await trainOnce(ARCH, data, { ...FAST, seed: 3, saveDir: dir });
    expect(result.savedTo).to.equal(path.join(dir, MODEL_FILE));
    expect(fs.statSync(path.join(dir, WEIGHTS_FILE)).size).to.equal(4 * (describeChainCnn(ARCH).params + 2 * 16));
    const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_FILE), 'utf8'));
    expect(json.format).to.equal('layers-model');
    expect(json.weightsManifest[0].paths).to.deep.equal([`./${WEIGHTS_FILE}`]);
    const model = await loadSavedModel(dir);
    try {
      const x = tf.tensor4d(data.validation.x, [data.validation.count, 8, 8, 3]);
      const predicted = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1));
      const labels = Array.from(predicted.dataSync());
      predicted.dispose();
      x.dispose();
      const hits = labels.reduce((n, p, i) => n + (p === data.validation.y[i] ? 1 : 0), 0);
      expect(hits / data.validation.count).to.be.closeTo(result.accuracy, 1e-9);
    } finally {
      model.dispose();
    }
  });

  it('rejects a network that does not fit the dataset with a UserError', async () => {
    const wrongInput = chainCnn([[3, 4, 1]], { height: 32, width: 32, channels: 3 }, 4);
    expect(await rejection(trainOnce(wrongInput, data, { ...FAST, seed: 1 }))).to.be.instanceOf(UserError).with.property('message').match(/input is 32x32x3 but dataset synthetic-test has 8x8x3/);
    const wrongClasses = chainCnn([[3, 4, 1]], data.shape, 10);
    expect((await rejection(trainOnce(wrongClasses, data, { ...FAST, seed: 1 }))).message).to.match(/10 classes but dataset synthetic-test has 4/);
    expect((await rejection(trainOnce({ kind: 'nb201-cell' }, data, { ...FAST, seed: 1 }))).message).to.match(/"chain-cnn" only/);
  });

  it('trains on its backend without changing the one the rest of the process uses', async () => {
    await tf.setBackend('cpu');
    const seen = new Set<string>();
    const watcher = setInterval(() => seen.add(tf.getBackend()), 1);
    try {
      const result = await trainOnce(ARCH, data, { ...FAST, seed: 1 });
      expect(result.backend).to.equal('wasm');
      expect(result.accuracy).to.be.above(0.5);
    } finally {
      clearInterval(watcher);
    }
    expect(tf.getBackend()).to.equal('cpu');
    expect([...seen]).to.deep.equal(['cpu']);
    await selectBackend('wasm');
  });

  it('trains on the cpu backend too and records it', async () => {
    const tiny = syntheticSplits(1, { train: 32, validation: 16, test: 0 });
    const result = await trainOnce(chainCnn([[3, 4, 2]], tiny.shape, tiny.classes), tiny, { epochs: 1, batchSize: 16, backend: 'cpu', seed: 1 });
    expect(result.backend).to.equal('cpu');
    expect(result.testAccuracy).to.equal(undefined);
    await selectBackend('wasm');
  });
});

describe('trainer-tfjs plugin', function () {
  this.timeout(60_000);
  useBackend('wasm');

  function applyPlugin(options: unknown, roles: Partial<Record<string, unknown>>): Promise<Trainer> {
    let factory: ((roles: RoleResolver) => unknown) | undefined;
    const ctx = {
      seed: 42,
      dir: os.tmpdir(),
      outDir: os.tmpdir(),
      log: () => {},
      provide: (role: string, f: (roles: RoleResolver) => unknown) => {
        expect(role).to.equal('trainer');
        factory = f;
      },
    } as unknown as PluginContext;
    plugin(options).apply(ctx);
    const resolver: RoleResolver = { get: async (role) => roles[role] as never, has: (role) => role in roles };
    return Promise.resolve(factory!(resolver)) as Promise<Trainer>;
  }

  it('fills the trainer role, loads the dataset once with the run seed and reuses it', async () => {
    const dataset = syntheticDataset({ train: 64, validation: 32 });
    const seeds: number[] = [];
    const load = dataset.load;
    dataset.load = (o) => (seeds.push(o.seed), load(o));
    const trainer = await applyPlugin({ epochs: 1, batchSize: 32, backend: 'wasm' }, { dataset });
    expect(trainer).to.be.instanceOf(TfjsTrainer);
    const arch = chainCnn([[3, 4, 1]], { height: 8, width: 8, channels: 3 }, 4);
    const [a, b] = await Promise.all([trainer.train({ seq: 0, seed: 1, architecture: arch }), trainer.train({ seq: 1, seed: 2, architecture: arch })]);
    expect(a.accuracy).to.be.within(0, 1);
    expect(b.accuracy).to.be.within(0, 1);
    expect(seeds).to.deep.equal([42]);
    await trainer.close?.();
  });

  it('validates options with messages naming trainer.<option>', () => {
    expect(() => plugin({ optimizer: 'adagrad' })).to.throw(UserError, /trainer\.optimizer/);
    expect(() => plugin({ epoch: 2 })).to.throw(UserError, /unknown option trainer\.epoch \(did you mean trainer\.epochs\?\)/);
    expect(() => resolveTrainerOptions({ batchSize: 0 })).to.throw(UserError, /trainer\.batchSize/);
    expect(resolveTrainerOptions({})).to.include({ epochs: 1, batchSize: 64, optimizer: 'adam', learningRate: 3e-3, schedule: 'cosine', batchNormMomentum: 0.9, earlyStopping: 0, backend: 'auto' });
  });

  it("uses wasm under 'auto' here (tfjs-node is absent) and explains an explicit 'tensorflow'", async () => {
    const choice = await selectBackend('auto');
    expect(choice.name).to.equal('wasm');
    expect(choice.notes.join(' ')).to.match(/@tensorflow\/tfjs-node is not available .*npm install @tensorflow\/tfjs-node/);
    expect(await rejection(selectBackend('tensorflow'))).to.be.instanceOf(UserError).with.property('message').match(/needs @tensorflow\/tfjs-node/);
  });
});
