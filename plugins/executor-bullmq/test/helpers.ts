// Test helpers: a redis-server of the test's own (for tests that restart it or need a password),
// the shared server's URL from $REDIS_URL, tiny runs with the BullMQ executor, and the trials a
// run stored.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import type { Architecture, CoexEvent, PluginEntry, ResolvedConfig, Trial } from '@coex/core';
import { openRunStore, prepareRun } from '@coex/core/host';
import { isChainCnn } from '@coex/kit-chain-cnn';
import { createTestPipeline, fakeAccuracy } from '@coex/testing';
import { runWorker, type BullmqExecutor, type CoexWorker, type RunWorkerOptions } from '../src';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TINY = path.join(ROOT, 'test', 'fixtures', 'presets', 'tiny.ts');

/** The shared server of the integration tests; they fail (not skip) without it. */
export function sharedRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) {
    throw new Error('REDIS_URL is not set: the integration tests need a Redis server. Start one ' +
      "(redis-server --port 6379 --save '' --appendonly no) and export REDIS_URL=redis://127.0.0.1:6379 (see .ci/run)");
  }
  return url;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 without persistence; resolves once it accepts connections. */
export async function startRedis(port?: number, args: string[] = []): Promise<RedisServer> {
  const p = port ?? (await freePort());
  const child = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.once('error', (error) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${output}`)));
  });
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    process: child,
    stop: () => stopProcess(child),
  };
}

/** Stops a child process by its pid and waits for it to exit. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid!, signal);
  });
}

/** Resolves with the first line of a child's stderr that matches. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; got:\n${buffer}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve(line);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before printing ${pattern}:\n${buffer}`));
    });
  });
}

let queues = 0;
/** A queue name of this test process alone, so tests sharing a server do not see each other's jobs. */
export function testQueue(label: string): string {
  queues += 1;
  return `coex-test-${label}-${process.pid}-${queues}`;
}

export async function removeQueue(url: string, name: string): Promise<void> {
  const queue = new Queue(name, { connection: { url } });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

export interface TinyRun {
  dir: string;
  status: string;
  /** trial-end events, in the order they came (a trial stored twice would appear twice). */
  ended: Trial[];
  /** What the store holds, by seq. */
  stored: Trial[];
}

export interface TinyRunHooks {
  log?: (message: string) => void;
  onEvent?: (event: CoexEvent) => void;
}

/** Runs the tiny preset in a fresh folder with the given extra plugins and settings. */
export async function tinyRun(dir: string, sets: string[], plugins: PluginEntry[], hooks: TinyRunHooks = {}): Promise<TinyRun> {
  const prepared = await prepareRun({ preset: TINY, out: dir, sets, plugins }, hooks.log);
  const ended: Trial[] = [];
  prepared.run.events$.subscribe((e) => {
    if (e.type === 'trial-end') ended.push(e.trial);
    hooks.onEvent?.(e);
  });
  let summary;
  try {
    summary = await prepared.run.execute();
  } finally {
    prepared.release();
  }
  const { store } = await openRunStore(dir);
  const stored = await store.listTrials('main');
  await store.close();
  return { dir, status: summary.status, ended, stored };
}

/** Each seq ended once, and the store holds each once. */
export function seqCounts(trials: Trial[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of trials) counts.set(t.seq, (counts.get(t.seq) ?? 0) + 1);
  return counts;
}

/** An executor of a tiny run, created the way a run creates it, and an architecture to train. */
export async function executorOf(dir: string, options: object, tamper?: (config: ResolvedConfig) => void) {
  // With `dir` the harness adds no inline store: every plugin of the config is one the workers can load.
  const pipeline = createTestPipeline({ preset: TINY, plugins: ['!store-sqlite', ['executor-bullmq', options as Record<string, unknown>]], dir });
  tamper?.(pipeline.config);
  const space = await pipeline.role('space');
  const architecture: Architecture = space.decode(space.decisions().map(() => 0));
  const executor = (await pipeline.role('executor')) as BullmqExecutor;
  return { executor, architecture };
}

/** Registers hooks that stop, after each test, the Redis servers and workers the test started. */
export function useCleanup() {
  const servers: RedisServer[] = [];
  const workers: CoexWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('release')));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  return {
    async server(port?: number, args?: string[]): Promise<RedisServer> {
      const s = await startRedis(port, args);
      servers.push(s);
      return s;
    },
    /** Stops a server now (it is not stopped again after the test). */
    async stopServer(s: RedisServer): Promise<void> {
      servers.splice(servers.indexOf(s), 1);
      await s.stop();
    },
    async worker(options: RunWorkerOptions): Promise<CoexWorker> {
      const w = await runWorker(options);
      workers.push(w);
      return w;
    },
  };
}

/** Every trial ended once, is stored once as done, with the accuracy the fake trainer gives it. */
export function expectEachTrialDoneOnce(run: TinyRun, count: number): void {
  const seqs = [...Array(count).keys()];
  expect([...seqCounts(run.ended).entries()].sort((a, b) => a[0] - b[0])).to.deep.equal(seqs.map((s) => [s, 1]));
  expect(run.stored.map((t) => [t.seq, t.status])).to.deep.equal(seqs.map((s) => [s, 'done']));
  for (const t of run.stored) {
    if (!isChainCnn(t.candidate.architecture)) throw new Error('tiny runs sample chain CNNs');
    expect(t.metrics.accuracy, `trial ${t.seq}`).to.equal(fakeAccuracy(t.candidate.architecture, t.seed));
  }
}

export interface Certificates {
  ca: string;
  cert: string;
  key: string;
}

/** A test CA and a server certificate for 127.0.0.1 signed by it (openssl, EC keys: quick). */
export function makeCertificates(dir: string): Certificates {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=coex test CA');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(file('san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.cnf');
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}
