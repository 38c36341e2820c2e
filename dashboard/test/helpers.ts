// Shared by the dashboard's specs: a finished tiny run (the tests' fake trainer and hardware, the
// real SQLite store), plain HTTP requests, and a hash of a folder's files.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Trial } from '@coex/core';
import { prepareRun } from '@coex/core/host';
import { SqliteStore } from '@coex/plugin-store-sqlite';

export const TINY_PRESET = path.join(__dirname, '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'coex-dashboard-'));
}

/** A finished run of the tiny preset: `candidates` trials, some pruned by a throughput limit. */
export async function tinyRun(dir: string, candidates = 8): Promise<string> {
  const prepared = await prepareRun({ preset: TINY_PRESET, budget: candidates, seed: 3, sets: ['spec.minThroughput=150'], out: dir });
  try {
    await prepared.run.execute();
  } finally {
    prepared.release();
  }
  return dir;
}

/** Writes one more finished trial into a run's store, as a running search would. */
export async function writeTrial(dir: string, runId: string, trial: Trial): Promise<void> {
  const store = new SqliteStore(path.join(dir, 'coex.db'));
  try {
    await store.putTrial(runId, trial);
  } finally {
    await store.close();
  }
}

export function doneTrial(seq: number, accuracy: number, throughput: number): Trial & { curve: { step: number; epoch: number; accuracy: number; loss: number }[] } {
  return {
    seq, batch: 9, seed: 99, status: 'done',
    candidate: {
      tokens: { arch: [], hw: [] },
      architecture: { kind: 'chain-cnn', input: { height: 8, width: 8, channels: 1 }, classes: 4, layers: [{ kernel: 7, filters: 64, stride: 1 }, { kernel: 5, filters: 48, stride: 2 }] },
      design: { model: 'test-pipeline', stages: [{ part: 'XC7Z020', layers: [0, 0] }, { part: 'XC7A50T', layers: [1, 1] }] },
    },
    metrics: { accuracy, throughput, energyEfficiency: 9 },
    reward: accuracy,
    timings: { sample: 1, fastEvaluate: 2, prune: 0, train: 1500, reward: 0 },
    finishedAt: new Date().toISOString(),
    curve: [{ step: 10, epoch: 1, accuracy: accuracy - 0.1, loss: 1.2 }, { step: 20, epoch: 2, accuracy, loss: 0.8 }],
  };
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

/** The SHA-256 of every file under `dir` except SQLite's -wal and -shm files. */
export function hashFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /-(wal|shm)$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}
