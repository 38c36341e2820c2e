import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PluginError, UserError, isUserError, type DataSplit, type Dataset } from '@coex/core';
import { describeChainCnn } from '@coex/kit-chain-cnn';
import plugin, { LOG_FILE, TRIAL_FORMAT, type TrialFile } from '../src/index';
import { ARCH, Scratch, alive, trainerFor, until } from './helpers';

const request = (seq = 3, seed = 99) => ({ seq, seed, architecture: ARCH });
const REGISTER = path.resolve(__dirname, '..', '..', '..', 'scripts', 'register.js');

/**
 * A command that starts a child and writes both pids to `pidFile`. The child ignores SIGTERM, so
 * stopping it takes the SIGKILL that follows killAfter.
 */
const treeScript = (pidFile: string) => `
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'inherit' });
  child.on('spawn', () => require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, JSON.stringify([process.pid, child.pid])));
  setInterval(() => {}, 1000);
`;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the trial to fail');
}

describe('trainer-command: running a command per trial', () => {
  let scratch: Scratch;
  beforeEach(() => { scratch = new Scratch(); });
  afterEach(() => scratch.remove());

  /** A trainer for `node <script> <args>` with the run folder in the scratch folder. */
  const nodeTrainer = (script: string, options: Record<string, unknown> = {}, args = '{arch}') =>
    trainerFor({ command: `node ${script} ${args}`, ...options }, scratch.folder('run'));

  it('substitutes placeholders and env vars, reads the last metrics line and keeps extra keys', async () => {
    const script = scratch.script('echo.js', `
      const fs = require('node:fs');
      const trial = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
      console.log('epoch 1: loss 0.9');
      console.log(JSON.stringify({ accuracy: 0.1, note: 'an earlier metrics line loses' }));
      console.error('a warning on stderr');
      console.log(JSON.stringify({ progress: 0.5 }));
      const env = Object.fromEntries(['COEX_ARCH', 'COEX_SEQ', 'COEX_SEED', 'COEX_TRIAL_DIR', 'EXTRA', 'THREADS'].map((k) => [k, process.env[k]]));
      console.log(JSON.stringify({ accuracy: 0.75, testAccuracy: 0.7, loss: 0.5, params: 123, argv: process.argv.slice(2), env, cwd: process.cwd(), trial }));
      console.log('done');
    `);
    const cwd = scratch.folder('work dir');
    const workDir = path.join(scratch.dir, "trials with 'quotes' and spaces");
    const trainer = await nodeTrainer(script, { workDir, cwd, env: { EXTRA: 'x', THREADS: 2 } }, '{arch} {seq} {seed} {dir}');
    const result = await trainer.train(request());

    const trialDir = path.join(workDir, '3');
    const archFile = path.join(trialDir, 'arch.json');
    expect(result.accuracy).to.equal(0.75);
    expect(result).to.include({ testAccuracy: 0.7, loss: 0.5, params: 123, backend: 'command', cwd });
    expect(result.seconds).to.be.a('number').and.at.least(0);
    expect(result.argv).to.deep.equal([archFile, '3', '99', trialDir]);
    expect(result.env).to.deep.equal({ COEX_ARCH: archFile, COEX_SEQ: '3', COEX_SEED: '99', COEX_TRIAL_DIR: trialDir, EXTRA: 'x', THREADS: '2' });
    const trial = result.trial as TrialFile;
    expect(trial).to.deep.equal({ format: TRIAL_FORMAT, seq: 3, seed: 99, architecture: ARCH, dir: trialDir, params: describeChainCnn(ARCH).params });
    const log = fs.readFileSync(path.join(trialDir, LOG_FILE), 'utf8');
    expect(log).to.contain('epoch 1: loss 0.9').and.contain('a warning on stderr').and.contain('done');
  });

  it('reads intermediate results (NNI-style report lines) as the learning curve, and stops the command on a verdict', async () => {
    const script = scratch.script('curve.js', `
      for (let epoch = 1; epoch <= 3; epoch++) console.log(JSON.stringify({ intermediate: { epoch, step: epoch * 10, images: epoch * 640, accuracy: epoch / 4, loss: 1 / epoch } }));
      console.log(JSON.stringify({ intermediate: { epoch: 4 } }));
      setTimeout(() => console.log(JSON.stringify({ accuracy: 0.9 })), 300);
    `);
    const trainer = await nodeTrainer(script);
    const straight = await trainer.train(request());
    expect(straight.accuracy).to.equal(0.9);
    expect(straight.stopped).to.equal(undefined);
    expect(straight.curve).to.deep.equal([1, 2, 3].map((epoch) => ({ step: epoch * 10, epoch, images: epoch * 640, accuracy: epoch / 4, loss: 1 / epoch })));
    const seen: number[] = [];
    const stopped = await trainer.train({ ...request(4), report: async (p) => (seen.push(p.epoch), p.epoch === 2) });
    expect(seen).to.deep.equal([1, 2]);
    expect(stopped).to.include({ accuracy: 0.5, loss: 0.5, stopped: true, backend: 'command' });
    expect(stopped.curve).to.have.length(2);
    expect(stopped.checkpoint).to.equal(path.join(scratch.dir, 'run', 'trials', '4'));
  });

  it('a non-zero exit fails the trial with the exit code and the last 20 lines of output', async () => {
    const script = scratch.script('fail.js', `
      for (let i = 0; i < 30; i++) console.error('line ' + i);
      process.exit(3);
    `);
    const error = await failure((await nodeTrainer(script)).train(request()));
    expect(error).to.not.be.instanceOf(PluginError);
    expect(error.message).to.match(/^command exited with code 3: node .*fail\.js .*arch\.json/);
    expect(error.message).to.contain('last 20 lines of output');
    const quoted = error.message.split('\n').filter((l) => l.startsWith('  | ')).map((l) => l.slice(4));
    expect(quoted).to.deep.equal(Array.from({ length: 20 }, (_, i) => `line ${i + 10}`));
  });

  it('a command killed by a signal fails the trial naming the signal', async () => {
    const script = scratch.script('killed.js', `process.kill(process.pid, 'SIGKILL');`);
    const error = await failure((await nodeTrainer(script)).train(request()));
    expect(error.message).to.match(/command was killed by signal SIGKILL \(out of memory\?\)(, exit 137 from the shell)?: node /);
  });

  it('a command that runs past the timeout is stopped and fails the trial', async () => {
    const script = scratch.script('sleep.js', `console.log('started'); setTimeout(() => console.log(JSON.stringify({ accuracy: 1 })), 60000);`);
    const error = await failure((await nodeTrainer(script, { timeout: 1 })).train(request()));
    expect(error.message).to.match(/^command timed out after 1 s \(trainer\.timeout\)/);
    expect(error.message).to.contain('  | started');
  });

  for (const [what, line, expected] of [
    ['bad JSON (NaN)', '{"accuracy": NaN}', /printed no metrics line.*stdout line 2 is not valid JSON: .*\(NaN and Infinity are not JSON; a diverged loss\?\)/],
    ['a missing accuracy', '{"acc": 0.9, "loss": 1}', /printed no metrics line.*stdout line 2 is a JSON object without "accuracy" \(keys: acc, loss\)/],
    ['a string accuracy', '{"accuracy": "0.9"}', /stdout line 2 has accuracy "0.9", not a number/],
    ['an accuracy in percent', '{"accuracy": 87.5}', /stdout line 2: accuracy 87.5 is outside 0..1; print it as a fraction \(a percentage\? print 0.875\)/],
    ['a negative accuracy', '{"accuracy": -0.1}', /stdout line 2: accuracy -0.1 is outside 0..1/],
    ['a test accuracy out of range', '{"accuracy": 0.5, "testAccuracy": 2}', /testAccuracy 2 is outside 0..1/],
    ['a non-numeric loss', '{"accuracy": 0.5, "loss": "high"}', /stdout line 2: loss "high" should be a finite number/],
  ] as const) {
    it(`${what} fails the trial with a clear message`, async () => {
      const script = scratch.script('metrics.js', `console.log('training...'); console.log(${JSON.stringify(line)});`);
      const error = await failure((await nodeTrainer(script)).train(request()));
      expect(error.message).to.match(expected);
      expect(error.message).to.contain('  | training...');
    });
  }

  it('no output at all is a missing metrics line', async () => {
    const script = scratch.script('silent.js', '');
    const error = await failure((await nodeTrainer(script)).train(request()));
    expect(error.message).to.match(/^the command printed no metrics line: expected a JSON object with a numeric "accuracy" \(0..1\)/);
    expect(error.message).to.contain('it printed nothing');
  });

  it('abort stops the whole process group, children of the command included', async () => {
    const pidFile = path.join(scratch.dir, 'pids.json');
    const script = scratch.script('tree.js', treeScript(pidFile));
    const trainer = await nodeTrainer(script, { killAfter: 0.5 });
    const controller = new AbortController();
    const training = failure(trainer.train({ ...request(), signal: controller.signal }));
    await until(() => fs.existsSync(pidFile), 'the command to start');
    const pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as number[];
    expect(pids.every(alive)).to.equal(true);
    controller.abort();
    const error = await training;
    expect(error.message).to.match(/^trial 3 aborted; stopped the process group of the command/);
    await until(() => !pids.some(alive), 'the command and its child to die');
  });

  it('when Coex itself dies (a second Ctrl-C, a terminated worker thread), the command\'s processes die too', async () => {
    const pidFile = path.join(scratch.dir, 'pids.json');
    const script = scratch.script('tree.js', treeScript(pidFile));
    // A separate Node process runs the command and is then killed without a chance to clean up.
    const driver = scratch.script('driver.js', `
      require(${JSON.stringify(REGISTER)});
      const { runCommand } = require(${JSON.stringify(path.resolve(__dirname, '..', 'src', 'process-group.ts'))});
      runCommand({ command: ${JSON.stringify(`node ${script}`)}, cwd: process.cwd(), env: process.env, killAfter: 0.5, tailLines: 5 });
    `);
    const coex = spawn(process.execPath, [driver], { stdio: 'ignore' });
    try {
      await until(() => fs.existsSync(pidFile), 'the command to start', 30);
      const pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as number[];
      expect(pids.every(alive)).to.equal(true);
      coex.kill('SIGKILL');
      await until(() => !pids.some(alive), 'the command and its child to die');
    } finally {
      coex.kill('SIGKILL');
    }
  });

  it('an already aborted signal starts nothing', async () => {
    const marker = path.join(scratch.dir, 'ran');
    const script = scratch.script('mark.js', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`);
    const error = await failure((await nodeTrainer(script)).train({ ...request(), signal: AbortSignal.abort() }));
    expect(error.message).to.match(/aborted before the command started/);
    expect(fs.existsSync(marker)).to.equal(false);
  });

  it('a command the shell cannot find stops the run with a user error', async () => {
    const trainer = await trainerFor({ command: 'coex-no-such-trainer-xyz {arch}' }, scratch.folder('run'));
    const error = await failure(trainer.train(request()));
    expect(error).to.be.instanceOf(PluginError);
    expect(isUserError(error)).to.equal(true);
    expect(error.message).to.match(/trial 3: the shell could not find the command \(exit 127\): coex-no-such-trainer-xyz .*arch\.json/);
    expect(error.message).to.match(/coex-no-such-trainer-xyz: not found/);
    expect(error.message).to.match(/check trainer\.command$/);
  });

  it('a script that is not executable stops the run with a user error', async () => {
    const script = scratch.script('train.sh', 'echo \'{"accuracy": 0.5}\'\n');
    fs.chmodSync(script, 0o644);
    const trainer = await trainerFor({ command: `${script} {arch}` }, scratch.folder('run'));
    const error = await failure(trainer.train(request()));
    expect(isUserError(error)).to.equal(true);
    expect(error.message).to.match(/the command is not executable \(exit 126\): make it executable or run it through its interpreter/);
  });

  it('rejects bad options where the plugin is created, naming the option', async () => {
    const run = scratch.folder('run');
    const reject = async (options: Record<string, unknown>) => failure(trainerFor(options, run));
    expect((await reject({})).message).to.match(/option trainer\.command: required: the command to run per trial/);
    expect((await reject({ command: '  ' })).message).to.match(/option trainer\.command: must not be empty/);
    expect((await reject({ command: 'x', timeout: 0 })).message).to.match(/option trainer\.timeout/);
    expect((await reject({ command: 'x', env: { 'BAD-NAME': 1 } })).message).to.match(/option trainer\.env\.BAD-NAME: not an environment variable name/);
    expect((await reject({ command: 'x', comand: 'y' })).message).to.match(/unknown option trainer\.comand \(did you mean trainer\.command\?\)/);
    const missing = await reject({ command: 'x', cwd: path.join(scratch.dir, 'nowhere') });
    expect(missing).to.be.instanceOf(UserError);
    expect(missing.message).to.equal(`trainer.cwd: folder ${path.join(scratch.dir, 'nowhere')} does not exist`);
    expect((await reject({ command: 'x', exportData: true })).message).to.match(/trainer\.exportData: no plugin of this run fills the dataset role/);
  });

  it('records cwd as an absolute path, so a resumed run uses the same folder', () => {
    expect(plugin({ command: 'x', cwd: 'some/folder' }).options.cwd).to.equal(path.resolve('some/folder'));
    expect(plugin({ command: 'x' }).options.cwd).to.equal(process.cwd());
  });
});

describe('trainer-command: the dataset in the trial file', () => {
  let scratch: Scratch;
  beforeEach(() => { scratch = new Scratch(); });
  afterEach(() => scratch.remove());

  const split = (count: number, offset: number): DataSplit => ({
    x: Float32Array.from({ length: count * 4 }, (_, i) => offset + i / 8),
    y: Int32Array.from({ length: count }, (_, i) => (offset + i) % 3),
    count,
  });
  let loads: number[];
  const dataset: Dataset = {
    info: () => ({ name: 'tiny-data', shape: { height: 2, width: 2, channels: 1 }, classes: 3 }),
    load: async ({ seed }) => {
      loads.push(seed);
      return { ...dataset.info(), train: split(5, 0), validation: split(3, 100) };
    },
  };
  beforeEach(() => { loads = []; });

  /** Reads a .npy file written by the plugin: its header dict and its data. */
  function readNpy(file: string): { header: string; data: Float32Array | Int32Array } {
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 8).toString('latin1')).to.equal('\x93NUMPY\x01\x00');
    const length = bytes.readUInt16LE(8);
    expect((10 + length) % 64).to.equal(0, 'the header is padded to 64 bytes');
    const header = bytes.subarray(10, 10 + length).toString('latin1');
    const body = bytes.subarray(10 + length);
    const copy = new Uint8Array(body).buffer;
    return { header, data: header.includes("'<f4'") ? new Float32Array(copy) : new Int32Array(copy) };
  }

  const catTrial = () => scratch.script('cat.js', `
    const trial = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
    console.log(JSON.stringify({ accuracy: 0.5, dataset: trial.dataset }));
  `);

  it('names the dataset, its plugin and options when a dataset role is bound', async () => {
    const trainer = await trainerFor({ command: `node ${catTrial()} {arch}` }, scratch.folder('run'), dataset);
    const result = await trainer.train(request());
    expect(result.dataset).to.deep.equal({
      name: 'tiny-data', shape: { height: 2, width: 2, channels: 1 }, classes: 3, plugin: 'coex-plugin-test-data', options: { size: 'tiny' },
    });
    expect(loads).to.deep.equal([], 'the data is not loaded unless exported');
  });

  it('exportData writes the run\'s splits once as .npy files that hold the dataset\'s values', async () => {
    const run = scratch.folder('run');
    const trainer = await trainerFor({ command: `node ${catTrial()} {arch}`, exportData: true }, run, dataset);
    const first = await trainer.train(request(0));
    await trainer.train(request(1));
    const files = (first.dataset as { files: Record<string, { x: string; y: string; count: number }> }).files;
    expect(Object.keys(files)).to.deep.equal(['train', 'validation']);
    expect(files.train).to.deep.equal({ x: path.join(run, 'trials', 'dataset', 'train-x.npy'), y: path.join(run, 'trials', 'dataset', 'train-y.npy'), count: 5 });
    const x = readNpy(files.validation.x);
    expect(x.header).to.match(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 2, 2, 1\), \} *\n$/);
    expect(Array.from(x.data)).to.deep.equal(Array.from(split(3, 100).x));
    const y = readNpy(files.train.y);
    expect(y.header).to.match(/'descr': '<i4', 'fortran_order': False, 'shape': \(5,\)/);
    expect(Array.from(y.data)).to.deep.equal([0, 1, 2, 0, 1]);
    expect(loads).to.deep.equal([7], 'loaded once, with the run\'s seed');
    // Another trainer of the same run (a worker thread, a resumed run) reuses the files.
    const again = await trainerFor({ command: `node ${catTrial()} {arch}`, exportData: true }, run, dataset);
    await again.train(request(2));
    expect(loads).to.deep.equal([7]);
  });
});
