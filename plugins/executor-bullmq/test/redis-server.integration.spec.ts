// Redis servers of the test's own: one restarted without persistence in the middle of a run (the
// jobs it lost are added again and the run completes), one protected by a password (the run
// trains through it; the password reaches neither config.json, the store, the log nor the jobs),
// and one speaking TLS only (rediss:// with a CA file).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { UserError, messageOf } from '@coex/core';
import { readRunConfig } from '@coex/core/host';
import { runWorker } from '../src';
import { expectEachTrialDoneOnce, freePort, makeCertificates, tinyRun, useCleanup } from './helpers';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'coex-bullmq-'));

describe('executor-bullmq and the Redis server', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  it('Redis restarted without persistence during a run: the jobs it lost are added again, and the run completes', async () => {
    const redis = await cleanup.server();
    let restarted: Promise<unknown> | undefined;
    await cleanup.worker({
      redis: redis.url, queue: 'restart', name: 'survivor', concurrency: 2,
      // Restart once the worker trains a job of the second batch (trials 4-7): that job is in Redis.
      log: (m) => {
        if (!restarted && /^trial [4-7] \(job /.test(m)) restarted = cleanup.stopServer(redis).then(() => cleanup.server(redis.port));
      },
    });
    const logs: string[] = [];
    const result = await tinyRun(path.join(tempDir(), 'run'), ['trainer.delayMs=600'],
      [['executor-bullmq', { redis: redis.url, queue: 'restart', checkInterval: 0.3 }]], { log: (m) => logs.push(m) });
    await restarted;
    expect(result.status).to.equal('finished');
    expectEachTrialDoneOnce(result, 12);
    const readded = logs.filter((m) => /job main-[0-9a-f]+-\d+ \(trial (\d+)\) is no longer in Redis \(restarted without persistence\?\); adding it again/.test(m));
    expect(readded.length).to.be.at.least(1);
    for (const line of readded) expect(Number(/\(trial (\d+)\)/.exec(line)![1])).to.be.within(4, 7);
  });

  it('a password-protected Redis: the run trains through it; no file, log line or job holds the password', async () => {
    const password = 'pa55-w0rd-never-stored';
    const redis = await cleanup.server(undefined, ['--requirepass', password]);
    const url = `redis://default:${password}@127.0.0.1:${redis.port}`;
    await cleanup.worker({ redis: url, queue: 'secret', name: 'w' });
    const dir = path.join(tempDir(), 'run');
    const logs: string[] = [];
    const result = await tinyRun(dir, ['budget.candidates=4'], [['executor-bullmq', { redis: url, queue: 'secret' }]], { log: (m) => logs.push(m) });

    expect(result.stored.map((t) => t.status)).to.deep.equal(['done', 'done', 'done', 'done']);
    expect(readRunConfig(dir).plugins.find((p) => p.role === 'executor')!.options.redis).to.equal(`redis://default:***@127.0.0.1:${redis.port}`);
    for (const file of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, file)).includes(password), file).to.equal(false);
    expect(logs.join('\n')).to.include(`redis://default:***@127.0.0.1:${redis.port}`).and.not.include(password);
    const jobs = new Queue('secret', { connection: { url } });
    try {
      const stored = await jobs.getJobs(['completed']);
      expect(stored).to.have.length(4);
      for (const job of stored) expect(JSON.stringify(job.data)).to.not.include(password);
    } finally {
      await jobs.close();
    }
  });

  it('rediss:// with the CA in executor.tls: the run trains over TLS; a worker without the CA is told why it cannot connect', async () => {
    const certs = makeCertificates(tempDir());
    const port = await freePort();
    await cleanup.server(port, ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.cert, '--tls-key-file', certs.key,
      '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no']);
    const url = `rediss://127.0.0.1:${port}`;
    let error: unknown;
    await runWorker({ redis: url, queue: 'tls' }).catch((e) => (error = e));
    expect(error).to.be.instanceOf(UserError);
    expect(messageOf(error)).to.match(new RegExp(`^cannot reach Redis at rediss://127\\.0\\.0\\.1:${port} over TLS \\(SELF_SIGNED_CERT_IN_CHAIN.*check --tls-ca`));

    await cleanup.worker({ redis: url, queue: 'tls', name: 'tls-worker', tls: { ca: certs.ca } });
    const result = await tinyRun(path.join(tempDir(), 'run'), ['budget.candidates=4'], [['executor-bullmq', { redis: url, queue: 'tls', tls: { ca: certs.ca } }]]);
    expect(result.stored.map((t) => [t.status, t.worker])).to.deep.equal(new Array(4).fill(['done', 'tls-worker']));
  });
});
