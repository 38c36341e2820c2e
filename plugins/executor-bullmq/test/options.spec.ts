// Without a Redis server: option validation, where the Redis URL comes from and that its password
// is never saved, the errors for an unreachable or silent server, and `coex worker` without Redis.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError, isUserError, messageOf } from '@coex/core';
import { resolveConfig } from '@coex/core/host';
import { coex } from '../../../test/helpers/cli';
import { redactUrl, resolveRedisUrl, runKey, runWorker, workerFolders, workerOptionsSchema } from '../src';
import { tlsOptions } from '../src/redis-url';
import { TINY, freePort, tinyRun } from './helpers';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'coex-bullmq-'));

function executorOptions(options: Record<string, unknown>) {
  const { config } = resolveConfig({ preset: TINY, plugins: [['executor-bullmq', options]] });
  return config.plugins.find((p) => p.role === 'executor')!.options;
}

describe('executor-bullmq options and Redis URLs', function () {
  this.timeout(60_000);

  it('saves the URL with its password replaced; this process still connects with the real one', () => {
    const saved = executorOptions({ redis: 'rediss://coex:s3cr%40t@redis.example:6380/2' });
    expect(saved.redis).to.equal('rediss://coex:***@redis.example:6380/2');
    expect(JSON.stringify(saved)).to.not.include('s3cr');
    const resolved = resolveRedisUrl({ redis: saved.redis as string, redisUrlEnv: 'COEX_TEST_UNSET' }, 'executor.redis', {});
    expect(resolved.url).to.equal('rediss://coex:s3cr%40t@redis.example:6380/2');
    expect(resolved.display).to.equal('rediss://coex:***@redis.example:6380/2');
  });

  it('a saved URL without its password (a resumed run) needs the environment variable, which wins when set', () => {
    const source = { redis: 'redis://:***@elsewhere.example:6379', redisUrlEnv: 'MY_REDIS' };
    expect(() => resolveRedisUrl(source, 'executor.redis', {})).to.throw(UserError, /password is not saved with the run.*set \$MY_REDIS/);
    const fromEnv = resolveRedisUrl(source, 'executor.redis', { MY_REDIS: 'redis://:pw@elsewhere.example:6379' });
    expect(fromEnv).to.deep.equal({ url: 'redis://:pw@elsewhere.example:6379', display: 'redis://:***@elsewhere.example:6379', source: '$MY_REDIS' });
    expect(resolveRedisUrl({ redisUrlEnv: 'MY_REDIS' }, 'executor.redis', {}).url).to.equal('redis://127.0.0.1:6379');
    expect(() => resolveRedisUrl({ redisUrlEnv: 'MY_REDIS' }, 'executor.redis', { MY_REDIS: 'http://u:pw@h' }))
      .to.throw(UserError, /\$MY_REDIS \(http:\/\/u:\*\*\*@h\/?\): expected a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('rejects a URL that is not redis:// and a queue name with a colon, naming the option', () => {
    expect(() => executorOptions({ redis: 'http://localhost:6379' })).to.throw(UserError, /option executor\.redis: expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => executorOptions({ queue: 'coex:gpu' })).to.throw(UserError, /option executor\.queue: a queue name cannot contain ':'/);
    expect(() => executorOptions({ atempts: 3 })).to.throw(UserError, /unknown option executor\.atempts \(did you mean executor\.attempts\?\)/);
    expect(executorOptions({})).to.include({ queue: 'coex', concurrency: 4, attempts: 2, redisUrlEnv: 'COEX_REDIS_URL' });
  });

  it('saves TLS file paths absolute and reports a missing CA file by option', () => {
    const saved = executorOptions({ tls: { ca: 'certs/ca.pem' } });
    const ca = (saved.tls as { ca: string }).ca;
    expect(ca).to.equal(path.resolve('certs/ca.pem'));
    expect(() => tlsOptions('rediss://h:1', { ca }, '/', (key) => `executor.tls.${key}`))
      .to.throw(UserError, `executor.tls.ca: cannot read ${ca} (ENOENT)`);
    expect(tlsOptions('redis://h:1', undefined, '/', String)).to.equal(undefined);
    expect(tlsOptions('rediss://h:1', { servername: 'redis.internal', rejectUnauthorized: true }, '/', String))
      .to.deep.equal({ servername: 'redis.internal', rejectUnauthorized: true });
  });

  it('names each run by its folder and training configuration; key order does not matter', () => {
    const config = resolveConfig({ preset: TINY }).config;
    const reverse = (v: unknown): unknown => Array.isArray(v) ? v.map(reverse)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
    const reordered = reverse(config) as typeof config;
    expect(JSON.stringify(reordered)).to.not.equal(JSON.stringify(config));
    expect(runKey('main', '/runs/a', config)).to.equal(runKey('main', '/runs/a', reordered));
    expect(runKey('main', '/runs/a', config)).to.not.equal(runKey('main', '/runs/b', config));
    expect(runKey('arm:1', '/runs/a', config)).to.match(/^arm_1-[0-9a-f]{12}$/);
  });

  it('an unreachable Redis fails the run with a UserError naming the URL without its password; nothing saves the password', async () => {
    const port = await freePort();
    const dir = path.join(tempDir(), 'run');
    let error: unknown;
    try {
      await tinyRun(dir, [], [['executor-bullmq', { redis: `redis://coex:hunter2@127.0.0.1:${port}`, connectTimeout: 2 }]]);
    } catch (e) {
      error = e;
    }
    expect(isUserError(error), messageOf(error)).to.equal(true);
    expect(messageOf(error)).to.include(`cannot reach Redis at redis://coex:***@127.0.0.1:${port} (ECONNREFUSED`);
    expect(messageOf(error)).to.not.include('hunter2');
    for (const file of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, file)).includes('hunter2'), file).to.equal(false);
  });

  it('issue 13: a password in the query (ioredis reads ?password= and ?username=) is masked like userinfo, in the run folder and the message', async () => {
    const port = await freePort();
    for (const [form, url] of [['query', `redis://127.0.0.1:${port}/0?username=coexuser&password=hunter3query`], ['both', `redis://coexuser:hunter3both@127.0.0.1:${port}/0?password=hunter3query`]]) {
      const dir = path.join(tempDir(), 'run');
      const error = await tinyRun(dir, [], [['executor-bullmq', { redis: url, connectTimeout: 2 }]]).then(() => undefined, (e: unknown) => e);
      expect(isUserError(error), `${form}: ${messageOf(error)}`).to.equal(true);
      expect(messageOf(error)).to.match(/cannot reach Redis at redis:\/\/.*127\.0\.0\.1:\d+\/0\?.*password=\*\*\*/);
      expect(messageOf(error)).to.not.match(/hunter3|coexuser/);
      for (const file of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, file)).toString('latin1'), `${form}: ${file}`).to.not.match(/hunter3|coexuser/);
    }
    const saved = executorOptions({ redis: 'redis://h:6379/0?password=s3cretq' });
    expect(saved.redis).to.equal('redis://h:6379/0?password=***');
    // As a resumed run reads it (another process: the real URL is in no memory).
    expect(() => resolveRedisUrl({ redis: 'redis://elsewhere:6379/0?password=***', redisUrlEnv: 'COEX_TEST_UNSET' }, 'executor.redis', {})).to.throw(UserError, /password is not saved with the run/);
  });

  it('issue 13: coex worker masks a query password given by --redis or by $COEX_REDIS_URL', async () => {
    const port = await freePort();
    const flag = coex(['worker', '--redis', `redis://127.0.0.1:${port}/0?password=hunter4flag`, '--connect-timeout', '2']);
    expect(flag.status, flag.stderr).to.equal(2);
    expect(flag.stderr).to.include(`cannot reach Redis at redis://127.0.0.1:${port}/0?password=***`);
    const env = coex(['worker', '--connect-timeout', '2'], { env: { COEX_REDIS_URL: `redis://:hunter4env@127.0.0.1:${port}/0?password=hunter4query` } });
    expect(env.status, env.stderr).to.equal(2);
    expect(env.stderr).to.match(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(flag.stdout + flag.stderr + env.stdout + env.stderr).to.not.include('hunter4');
  });

  it('a server that accepts but never answers fails within the connect timeout instead of hanging', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      let error: unknown;
      await runWorker({ redis: `redis://127.0.0.1:${port}`, connectTimeout: 1 }).catch((e) => (error = e));
      expect(error).to.be.instanceOf(UserError);
      expect(messageOf(error)).to.match(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(ETIMEDOUT`));
    } finally {
      silent.close();
    }
  });

  it('coex worker: an unreachable Redis exits 2 with the URL (password hidden)', async () => {
    const port = await freePort();
    const r = coex(['worker', '--redis', `redis://:hunter2@127.0.0.1:${port}`]);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.include(`cannot reach Redis at redis://:***@127.0.0.1:${port} (ECONNREFUSED`);
    expect(r.stderr).to.not.include('hunter2');
    expect(redactUrl('redis://u:p@h:1')).to.equal('redis://u:***@h:1');
  });

  it("coex worker's flags, defaults and checks are the plugin's workerOptionsSchema", function () {
    this.timeout(180_000); // three CLI processes
    const help = coex(['worker', '--help']);
    expect(help.status, help.stderr).to.equal(0);
    for (const [key, field] of Object.entries(workerOptionsSchema.shape)) {
      if (key === 'tls') continue;
      expect(help.stdout).to.include(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <`);
      expect(help.stdout.replace(/\s+/g, ' ')).to.include(field.description!.slice(0, 30));
    }
    expect(help.stdout).to.match(/--tls-ca <value>/).and.match(/--lock-duration <n>\s+milliseconds a job stays locked[^\n]*\n?[^-]*\(default: 30000\)/);
    const bad = coex(['worker', '--concurrency', '0']);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/^coex: --concurrency: Too small: expected number to be >=1/m);
    expect(coex(['worker', '--lock-duration', 'soon']).stderr).to.match(/--lock-duration: Invalid input: expected number, received string/);
  });

  it("a worker writes a study run's files in that run's own folder, here or under its --dir", () => {
    const job = { dir: '/search/studies/s', outDir: '/search/studies/s/runs/arm/seed2' };
    expect(workerFolders(job, '/w', () => true)).to.deep.equal(job, 'the search\'s folders when this machine sees them');
    expect(workerFolders(job, '/w', () => false)).to.deep.equal({ dir: '/w', outDir: '/w/runs/arm/seed2' });
    expect(workerFolders({ dir: '/search/run' }, '/w', () => false)).to.deep.equal({ dir: '/w', outDir: '/w' }, 'a job of an older search');
  });
});

