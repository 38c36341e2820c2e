// Real `coex worker` processes against a redis-server of this spec's own: one killed with SIGKILL
// mid-training (another worker recovers its job through BullMQ's stalled-job check), one stopped
// with SIGTERM (it finishes its job, then exits 0). Both start at once: starting the CLI from
// TypeScript sources is the slow part.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Job, Queue } from 'bullmq';
import { readRunConfig } from '@coex/core/host';
import { coexAsync } from '../../../test/helpers/cli';
import { jobIdOf, runKey, trainingConfig } from '../src';
import { executorOf, expectEachTrialDoneOnce, startRedis, stopProcess, tinyRun, useCleanup, waitForLine, type RedisServer } from './helpers';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'coex-bullmq-'));

describe('coex worker processes', function () {
  this.timeout(90_000);
  const cleanup = useCleanup();
  let redis: RedisServer;
  let doomed: ChildProcess;
  let graceful: ChildProcess;

  before(async () => {
    redis = await startRedis();
    // Short locks, so that the killed worker's job is recovered within about two seconds.
    doomed = coexAsync(['worker', '--redis', redis.url, '--queue', 'kill', '--name', 'doomed', '--lock-duration', '1000', '--stalled-interval', '1000']);
    graceful = coexAsync(['worker', '--redis', redis.url, '--queue', 'graceful', '--name', 'graceful']);
    await Promise.all([waitForLine(doomed, /waiting for training jobs/), waitForLine(graceful, /waiting for training jobs/)]);
  });
  after(async () => {
    await Promise.all([stopProcess(doomed, 'SIGKILL'), stopProcess(graceful, 'SIGKILL')]);
    await redis.stop();
  });

  it('a worker killed mid-training: another worker recovers its job, and each trial is stored once', async () => {
    const training = waitForLine(doomed, /trial \d+ \(job .*\): training/);
    const dir = path.join(tempDir(), 'run');
    const run = tinyRun(dir, ['trainer.delayMs=500', 'budget.candidates=8'], [['executor-bullmq', { redis: redis.url, queue: 'kill', checkInterval: 0.5 }]]);
    const seq = Number(/trial (\d+)/.exec(await training)![1]);
    await stopProcess(doomed, 'SIGKILL');
    // Checks often for dead workers; its own locks are long, so a busy machine cannot make them expire.
    await cleanup.worker({ redis: redis.url, queue: 'kill', name: 'rescuer', concurrency: 2, lockDuration: 10_000, stalledInterval: 1000 });
    const result = await run;

    expect(result.status).to.equal('finished');
    expectEachTrialDoneOnce(result, 8);
    expect(result.stored[seq].worker).to.equal('rescuer');
    expect(result.stored.map((t) => t.worker)).to.not.include('doomed');
    const jobs = new Queue('kill', { connection: { url: redis.url } });
    try {
      const job = await Job.fromId(jobs, jobIdOf(runKey('main', dir, trainingConfig(readRunConfig(dir))), seq));
      expect([job!.attemptsStarted, job!.stalledCounter]).to.deep.equal([2, 1]);
    } finally {
      await jobs.close();
    }
  });

  it('a worker stopped with SIGTERM takes no new job, finishes the one it has, then exits 0', async () => {
    const { executor, architecture } = await executorOf(tempDir(), { redis: redis.url, queue: 'graceful' }, (config) => {
      config.plugins.find((p) => p.role === 'trainer')!.options.delayMs = 1500;
    });
    try {
      const started = waitForLine(graceful, /trial 0 \(job .*\): training/);
      const training = executor.train({ seq: 0, seed: 3, architecture });
      await started;
      const exited = new Promise<number | null>((resolve) => graceful.once('exit', resolve));
      const stopping = waitForLine(graceful, /stopping: no new jobs; finishing the current ones/);
      process.kill(graceful.pid!, 'SIGTERM');
      await stopping;
      const result = await training;
      expect(result.worker).to.equal('graceful');
      expect(result.accuracy).to.be.a('number');
      expect(await exited).to.equal(0);
    } finally {
      await executor.close();
    }
  });
});
