// With the shared Redis server ($REDIS_URL): a tiny run trained by two workers equals the
// in-process run; trainer failures are results (not retried); a plugin version mismatch fails the
// job once; an aborted trial takes its waiting job back; a released job is trained by another
// worker; a resumed run reuses finished jobs instead of training them again.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Job, Queue } from 'bullmq';
import type { Trial } from '@coex/core';
import { loadResolvedPlugins, loadRole, readRunConfig, summarizeTrials } from '@coex/core/host';
import { jobIdOf, runKey, runWorker, trainingConfig, type CoexWorker } from '../src';
import { executorOf, removeQueue, seqCounts, sharedRedisUrl, testQueue, tinyRun } from './helpers';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'coex-bullmq-'));

describe('executor-bullmq with Redis', function () {
  this.timeout(60_000);
  let url: string;
  const queues: string[] = [];
  const workers: CoexWorker[] = [];

  before(() => {
    url = sharedRedisUrl();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('release')));
  });
  after(async () => {
    for (const handle of handles.values()) await handle.close();
    for (const q of queues) await removeQueue(url, q);
  });

  const queue = (label: string) => {
    const name = testQueue(label);
    queues.push(name);
    return name;
  };
  const startWorker = async (q: string, name: string, extra: object = {}) => {
    const worker = await runWorker({ redis: url, queue: q, name, ...extra });
    workers.push(worker);
    return worker;
  };

  /** A handle on a test queue, to look at its jobs (closed after the tests). */
  const handles = new Map<string, Queue>();
  const jobsOf = (q: string) => {
    if (!handles.has(q)) handles.set(q, new Queue(q, { connection: { url } }));
    return handles.get(q)!;
  };
  const jobOf = (q: string, id: string) => Job.fromId(jobsOf(q), id);

  it('two workers train a tiny run: every trial once, the in-process Pareto front; a NaN loss is a result, not retried', async () => {
    const q = queue('front');
    await startWorker(q, 'w1');
    await startWorker(q, 'w2');
    const sets = ['trainer.delayMs=30', 'trainer.nanSeqs=[5]'];
    const distributed = await tinyRun(path.join(tempDir(), 'run'), sets, [['executor-bullmq', { redis: url, queue: q, checkInterval: 1 }]]);
    const local = await tinyRun(path.join(tempDir(), 'run'), sets, []);

    expect(distributed.status).to.equal('finished');
    expect([...seqCounts(distributed.ended).values()]).to.deep.equal(new Array(12).fill(1));
    expect(distributed.stored.map((t) => t.seq)).to.deep.equal([...Array(12).keys()]);
    const front = (trials: Trial[]) => summarizeTrials(trials, readRunConfig(local.dir).objectives).pareto;
    expect(front(distributed.stored)).to.deep.equal(front(local.stored));
    expect(distributed.stored.map((t) => t.metrics.accuracy)).to.deep.equal(local.stored.map((t) => t.metrics.accuracy));
    expect(new Set(distributed.stored.filter((t) => t.status === 'done').map((t) => t.worker))).to.deep.equal(new Set(['w1', 'w2']));

    const nan = distributed.stored[5];
    expect(nan.status).to.equal('failed');
    expect(nan.error).to.match(/^NaN loss at epoch 0, step 3 \(on worker w[12]\)$/);
    const key = runKey('main', distributed.dir, trainingConfig(readRunConfig(distributed.dir)));
    const job = await jobOf(q, jobIdOf(key, 5));
    expect(await job!.getState()).to.equal('completed');
    expect(job!.attemptsStarted).to.equal(1);
    expect(job!.returnvalue).to.include({ ok: false });
  });

  it('carries learning curves to the search as job progress and the verdicts back: the same stopping decisions as in process', async () => {
    const q = queue('curves');
    await startWorker(q, 'w1');
    await startWorker(q, 'w2');
    const sets = ['trainer.epochs=4', 'budget.candidates=16'];
    const asha = ['scheduler-asha', { minResource: 1, reductionFactor: 2, maxResource: 4 }] as const;
    const distributed = await tinyRun(path.join(tempDir(), 'run'), sets, [[...asha], ['executor-bullmq', { redis: url, queue: q, checkInterval: 1 }]]);
    const local = await tinyRun(path.join(tempDir(), 'run'), sets, [[...asha]]);
    const decisions = (trials: Trial[]) => trials.map((t) => ({
      seq: t.seq, status: t.status, accuracy: t.metrics.accuracy, curve: t.curve, stoppedReason: t.stoppedReason, promotedIn: t.promotions?.map((p) => p.batch),
    }));
    expect(distributed.status).to.equal('finished');
    expect(decisions(distributed.stored)).to.deep.equal(decisions(local.stored));
    expect(distributed.stored.filter((t) => t.status === 'stopped').length).to.be.at.least(1);
    expect(distributed.stored.filter((t) => t.promotions?.length).length, 'continued from a checkpoint on a worker').to.be.at.least(1);
    expect(new Set(distributed.stored.map((t) => t.worker))).to.deep.equal(new Set(['w1', 'w2']));
  });

  it('a worker with another version of the trainer plugin fails the job with that message, without retrying it', async () => {
    const q = queue('version');
    await startWorker(q, 'w1');
    const { executor, architecture } = await executorOf(tempDir(), { redis: url, queue: q, attempts: 3, retryDelay: 0 }, (config) => {
      config.plugins.find((p) => p.role === 'trainer')!.version = '9.9.9';
    });
    try {
      let error: unknown;
      await executor.train({ seq: 0, seed: 1, architecture }).catch((e) => (error = e));
      expect(String(error)).to.match(/failed on the workers: plugin coex-plugin-fake-trainer is installed at version 0\.1\.0, but this run was configured with 9\.9\.9/);
      const job = await jobOf(q, executor.jobId(0));
      expect(await job!.getState()).to.equal('failed');
      expect(job!.attemptsStarted).to.equal(1);
    } finally {
      await executor.close();
    }
  });

  it('a worker that cannot create the trainer fails the job, which BullMQ retries up to `attempts` times', async () => {
    const q = queue('attempts');
    await startWorker(q, 'w1');
    const { executor, architecture } = await executorOf(tempDir(), { redis: url, queue: q, attempts: 3, retryDelay: 0 }, (config) => {
      config.plugins.find((p) => p.role === 'trainer')!.options.failCreate = true;
    });
    try {
      let error: unknown;
      await executor.train({ seq: 0, seed: 1, architecture }).catch((e) => (error = e));
      expect(String(error)).to.match(/failed on the workers: plugin coex-plugin-fake-trainer, role method trainer\.create: cannot create the fake trainer/);
      const job = await jobOf(q, executor.jobId(0));
      expect([job!.attemptsStarted, job!.attemptsMade]).to.deep.equal([3, 3]);
    } finally {
      await executor.close();
    }
  });

  it('an aborted trial takes its job back while no worker has started it', async () => {
    const q = queue('abort');
    const { executor, architecture } = await executorOf(tempDir(), { redis: url, queue: q });
    try {
      const abort = new AbortController();
      const training = executor.train({ seq: 3, seed: 1, architecture, signal: abort.signal });
      while ((await jobsOf(q).getJobCounts('waiting')).waiting === 0) await new Promise((r) => setTimeout(r, 20));
      abort.abort();
      let error: unknown;
      await training.catch((e) => (error = e));
      expect(String(error)).to.match(/aborted/);
      for (let i = 0; i < 50 && (await jobOf(q, executor.jobId(3))); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await jobOf(q, executor.jobId(3))).to.equal(undefined);
    } finally {
      await executor.close();
    }
  });

  it('a worker told to release hands its job back; another worker trains it, no attempt spent', async () => {
    const q = queue('release');
    const leaving = await startWorker(q, 'leaving');
    const { executor, architecture } = await executorOf(tempDir(), { redis: url, queue: q, checkInterval: 0.5 }, (config) => {
      config.plugins.find((p) => p.role === 'trainer')!.options.delayMs = 1500;
    });
    try {
      const training = executor.train({ seq: 0, seed: 11, architecture });
      const id = executor.jobId(0);
      while ((await (await jobOf(q, id))?.getState()) !== 'active') await new Promise((r) => setTimeout(r, 20));
      await leaving.stop('release');
      expect(await (await jobOf(q, id))!.getState()).to.equal('waiting');
      await startWorker(q, 'staying');
      const result = await training;
      expect(result.worker).to.equal('staying');
      // Started twice, but only the finished run counts as an attempt: the release spent none.
      const job = (await jobOf(q, id))!;
      expect([job.attemptsStarted, job.attemptsMade]).to.deep.equal([2, 1]);
    } finally {
      await executor.close();
    }
  });

  it('a resumed run gets the results of its finished jobs from Redis instead of training them again', async () => {
    const q = queue('resume');
    const worker = await startWorker(q, 'first');
    const dir = path.join(tempDir(), 'run');
    const first = await tinyRun(dir, ['budget.candidates=4'], [['executor-bullmq', { redis: url, queue: q }]]);
    await worker.stop();
    // No worker is running now: whatever the executor returns comes from the stored jobs.
    const config = readRunConfig(dir);
    const executor = await loadRole('executor', { dir, config, plugins: loadResolvedPlugins(config, dir, (p) => p.role === 'executor') });
    const jobs = jobsOf(q);
    try {
      const before = await jobs.getJobCounts('completed', 'waiting');
      for (const trial of first.stored) {
        const again = await executor.train({ seq: trial.seq, seed: trial.seed, architecture: trial.candidate.architecture });
        expect(again.accuracy).to.equal(trial.metrics.accuracy);
        expect(again.worker).to.equal('first');
      }
      expect(await jobs.getJobCounts('completed', 'waiting')).to.deep.equal(before);
    } finally {
      await executor.close();
    }
  });
});
