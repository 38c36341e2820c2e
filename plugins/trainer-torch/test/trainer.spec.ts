import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError, isUserError } from '@coex/core';
import { chainCnn, describeChainCnn } from '@coex/kit-chain-cnn';
import torchPlugin, { TorchTrainer, resolveInterpreter, type CurvePoint, type TorchTrainerOptionsInput, type TorchTrainingResult } from '../src/index';
import { isAlive as alive, requireTorch, templateDataset, until } from './helpers';
import { rejectionOf } from '@coex/testing';

const ARCH = chainCnn([[3, 8, 1], [3, 8, 2]], { height: 8, width: 8, channels: 3 }, 4);

describe('trainer-torch', function () {
  this.timeout(180_000);
  requireTorch();
  let dir: string;
  const trainers: TorchTrainer[] = [];
  const trainer = (options: TorchTrainerOptionsInput = {}, onCurve?: (seq: number, p: CurvePoint) => void) => {
    const t = new TorchTrainer(templateDataset(), torchPlugin.parse({ epochs: 2, batchSize: 32, ...options }), { dataSeed: 1, baseDir: dir, onCurve });
    trainers.push(t);
    return t;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-trainer-torch-'));
  });
  after(async () => {
    await Promise.all(trainers.map((t) => t.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('learns a synthetic task far above chance and reports what it did, with a learning curve', async () => {
    const points: CurvePoint[] = [];
    const t = trainer({ epochs: 3, reportEvery: 4 }, (_seq, p) => points.push(p));
    const result = await t.train({ seq: 0, seed: 1, architecture: ARCH });
    expect(result.accuracy, 'validation accuracy (chance is 0.25)').to.be.above(0.8);
    expect(result.testAccuracy).to.be.a('number').and.above(0.8);
    expect(result.backend).to.equal('torch');
    expect(result.params).to.equal(describeChainCnn(ARCH).params);
    expect(result.epochs).to.equal(3);
    expect(result.steps).to.equal(3 * 8);
    expect(result.lossCurve).to.have.length(3);
    expect(result.lossCurve[2]).to.be.below(result.lossCurve[0]);
    expect(result.imagesPerSecond).to.be.above(0);
    expect(result.seconds).to.be.above(0);
    // A point every 4 steps and one per epoch (8 steps an epoch): steps 4, 8, 12, ..., 24.
    expect(result.curve.map((p) => p.step)).to.deep.equal([4, 8, 12, 16, 20, 24]);
    expect(result.curve.map((p) => p.epoch)).to.deep.equal([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(result.curve[5].accuracy).to.equal(result.accuracy);
    expect(points, 'reported as they came').to.deep.equal(result.curve);
  });

  it('is deterministic for a seed, another seed trains differently, and one Python process trains them all', async () => {
    const t = trainer();
    const runs: TorchTrainingResult[] = [];
    for (const seed of [5, 5, 6]) runs.push(await t.train({ seq: seed, seed, architecture: ARCH }));
    const outcome = (r: (typeof runs)[number]) => ({ ...r, seconds: 0, imagesPerSecond: 0, cpuSeconds: 0 });
    expect(outcome(runs[1])).to.deep.equal(outcome(runs[0]));
    expect(runs[2].lossCurve).to.not.deep.equal(runs[0].lossCurve);
    expect(new Set(runs.map((r) => r.pid)).size, 'one Python process').to.equal(1);
    expect(t.pids()).to.deep.equal([runs[0].pid]);
  });

  it('charges each child the CPU seconds its process used for it (start-up to the first); together they are the process\'s CPU time', async function () {
    if (!fs.existsSync('/proc/self/stat')) this.skip();
    const t = trainer({ epochs: 2 });
    // The same small child twice, then one with 16x the filters (about 100x the convolution work).
    const wide = chainCnn([[3, 64, 1], [3, 64, 2]], { height: 8, width: 8, channels: 3 }, 4);
    const runs: TorchTrainingResult[] = [];
    for (const [seq, architecture] of [ARCH, ARCH, wide].entries()) runs.push(await t.train({ seq, seed: 1, architecture }));
    expect(new Set(runs.map((r) => r.pid)).size, 'one Python process').to.equal(1);
    const [first, second, third] = runs.map((r) => r.cpuSeconds);
    for (const cpu of [first, second, third]) expect(cpu).to.be.a('number').and.above(0);
    expect(first, 'the first child pays the start-up (importing torch)').to.be.above(second);
    expect(third, 'the wider child').to.be.above(second);
    // utime + stime of the process, in USER_HZ (100 a second on Linux): the idle process has used no CPU since its last reply.
    const fields = fs.readFileSync(`/proc/${runs[0].pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const processCpu = (Number(fields[11]) + Number(fields[12])) / 100;
    expect(first + second + third).to.be.closeTo(processCpu, 0.1);
  });

  it('an abort mid-training ends the child and its process; the next child trains in a new one', async () => {
    const abort = new AbortController();
    let pid = 0;
    const t = trainer({ epochs: 20, reportEvery: 1 }, (seq) => {
      if (seq !== 1 || abort.signal.aborted) return;
      [pid] = t.pids();
      abort.abort();
    });
    const error = await rejectionOf(t.train({ seq: 1, seed: 1, architecture: ARCH, signal: abort.signal }));
    expect(error.name).to.equal('AbortError');
    expect(error.message).to.match(/training aborted \(trial 1\)/);
    expect(pid).to.be.above(0);
    expect(t.pids()).to.deep.equal([]);
    await until(() => !alive(pid));
    const next = await t.train({ seq: 2, seed: 2, architecture: ARCH });
    expect(next.epochs).to.equal(20);
    expect(next.accuracy).to.be.above(0.8);
    expect(next.pid).to.not.equal(pid);
  });

  it('a scheduler\'s stop ends the child at that point with stopped: true; the next child trains in a new process', async () => {
    const t = trainer({ epochs: 3 });
    const asked: number[] = [];
    const stopped = await t.train({ seq: 5, seed: 1, architecture: ARCH, report: async (p) => (asked.push(p.epoch), p.epoch >= 1) });
    expect(stopped.stopped).to.equal(true);
    expect(stopped.curve.map((p) => p.epoch)).to.deep.equal([1]);
    expect(stopped.accuracy).to.equal(stopped.curve[0].accuracy);
    expect(stopped.cpuSeconds, 'charged up to the stop').to.be.a('number').and.above(0);
    expect(asked[0]).to.equal(1);
    const next = await t.train({ seq: 6, seed: 1, architecture: ARCH });
    expect(next.stopped).to.equal(undefined);
    expect(next.curve.map((p) => p.epoch)).to.deep.equal([1, 2, 3]);
  });

  it('a trial over trainer.timeLimit fails with a TimeLimitError; its process stays for the next child', async () => {
    const t = trainer({ timeLimit: 1e-6 });
    const error = await rejectionOf(t.train({ seq: 5, seed: 1, architecture: ARCH }));
    expect(error.name).to.equal('TimeLimitError');
    expect(error.message).to.match(/training exceeded trainer.timeLimit \(1e-06 s\) at epoch 1, step 1, after/);
    const pids = t.pids();
    expect(pids).to.have.length(1);
    expect(alive(pids[0])).to.equal(true);
  });

  it('a NaN loss fails the trial with the epoch and step', async () => {
    const data = templateDataset();
    const poisoned = { ...data, load: async (o: { seed: number }) => {
      const splits = await data.load(o);
      return { ...splits, train: { ...splits.train, x: new Float32Array(splits.train.x.length).fill(Number.NaN) } };
    } };
    const t = new TorchTrainer(poisoned, torchPlugin.parse({}), { dataSeed: 1, baseDir: dir });
    trainers.push(t);
    const error = await rejectionOf(t.train({ seq: 7, seed: 1, architecture: ARCH }));
    expect(error.name).to.equal('NonFiniteLossError');
    expect(error.message).to.equal('NaN loss at epoch 1, step 1');
  });

  it('close() ends the processes and removes the data files it wrote', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'close-'));
    const t = new TorchTrainer(templateDataset(), torchPlugin.parse({}), { dataSeed: 1, baseDir: sub });
    const { pid } = await t.train({ seq: 0, seed: 1, architecture: ARCH });
    expect(fs.readdirSync(path.join(sub, 'tmp', 'trainer-torch'))).to.have.length(1);
    await t.close();
    // Exited and reaped by the time close() returns (a thread that ends next leaves no zombie).
    expect(fs.existsSync(`/proc/${pid}`)).to.equal(false);
    expect(fs.readdirSync(sub)).to.deep.equal([]);
  });

  it('an architecture that does not fit the data is a UserError', async () => {
    const wrong = chainCnn([[3, 8, 1]], { height: 8, width: 8, channels: 1 }, 4);
    const error = await rejectionOf(trainer().train({ seq: 0, seed: 1, architecture: wrong }));
    expect(isUserError(error)).to.equal(true);
    expect(error.message).to.match(/input is 8x8x1 but dataset templates has 8x8x3/);
  });
});

describe('trainer-torch interpreter', () => {
  it('names every interpreter it tried when none imports torch', function () {
    this.timeout(30_000);
    const missing = path.join(os.tmpdir(), 'no-such-python3');
    const error = (() => {
      try {
        resolveInterpreter(missing);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).to.be.instanceOf(UserError);
    expect(error!.message).to.include(`tried ${missing} (trainer.python): not found`);
    const fromEnv = (() => {
      try {
        resolveInterpreter(undefined, { COEX_PYTHON: process.execPath });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(fromEnv).to.be.instanceOf(UserError);
    expect(fromEnv!.message).to.match(new RegExp(`tried ${process.execPath} \\(COEX_PYTHON\\): exit \\d+`));
    expect(fromEnv!.message).to.match(/apt install python3-torch/);
  });
});
