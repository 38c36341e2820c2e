// @coex/dashboard: `coex dashboard <dir>` calls startDashboard(). A local web page of a run or a
// study that follows the store as it is written. It only reads: the store is opened read-only
// through core (openRunStore / openStudyStore), and nothing is written into the folder.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { UserError } from '@coex/core';
import { openRunStore } from '@coex/core/host';
import { isStudyDir, openStudyStore } from '@coex/core/host';
import { buildServer, isLoopback } from './server';
import type { Layout } from './snapshot';
import { StoreWatcher } from './watch';

export const DEFAULT_PORT = 8770;
export const DEFAULT_HOST = '127.0.0.1';

export interface DashboardOptions {
  /** 0 picks a free port. Default 8770. */
  port?: number;
  /** Default 127.0.0.1; any other address requires the token. */
  host?: string;
  /** How often the store is looked at, in milliseconds (default 500). */
  pollMs?: number;
}

export interface Dashboard {
  /** The page's URL (with ?token=... when one is required). */
  url: string;
  /** The base URL without the token. */
  origin: string;
  token?: string;
  close(): Promise<void>;
}

export async function startDashboard(dir: string, options: DashboardOptions = {}): Promise<Dashboard> {
  const absolute = path.resolve(dir);
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  let layout: Layout;
  let store;
  if (isStudyDir(absolute)) {
    const opened = await openStudyStore(absolute);
    store = opened.store;
    layout = { kind: 'study', study: opened.study };
  } else {
    const opened = await openRunStore(absolute);
    store = opened.store;
    layout = { kind: 'run', config: opened.config };
  }
  const watcher = new StoreWatcher(absolute, store, layout, options.pollMs);
  try {
    await watcher.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  const token = isLoopback(host) ? undefined : crypto.randomBytes(24).toString('hex');
  const app = await buildServer({ watcher, token });
  try {
    await app.listen({ port, host });
  } catch (error) {
    await watcher.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`--port ${port}: the port is in use on ${host}; pass another with --port (0 picks a free one)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UserError(`--host ${host}: not an address of this machine`);
    throw error;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  // An any-address bind is reached here through loopback; the printed link must work as printed.
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shown}:${bound}/`;
  return {
    url: token ? `${origin}?token=${token}` : origin,
    origin,
    ...(token ? { token } : {}),
    async close() {
      await app.close();
      await watcher.stop();
    },
  };
}

export { buildServer, isLoopback, TOKEN_COOKIE } from './server';
export { buildSnapshot, trialRow, type RunSummary, type Summary, type TrialRow } from './snapshot';
export { StoreWatcher, POLL_MS, type Snapshot } from './watch';
