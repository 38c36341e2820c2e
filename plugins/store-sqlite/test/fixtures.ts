// Shared test data: records that exercise every field, and temporary folders removed after each suite.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord, Trial } from '@coex/core';
import { openDatabase, type SqliteDatabase } from '../src/driver';

export function makeTempDirs(): { create(): string; removeAll(): void } {
  const dirs: string[] = [];
  return {
    create() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-store-'));
      dirs.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A second, raw connection to a store file (another process, as far as SQLite is concerned). */
export function rawConnection(file: string, readonly = false): SqliteDatabase {
  return openDatabase(file, { readonly, fileMustExist: true, timeout: 0 });
}

export function run(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    seed: 42,
    status: 'running',
    schemaVersion: 1,
    coexVersion: '0.1.0',
    createdAt: '2025-01-02T03:04:05.678Z',
    config: { preset: 'co-exploration', budget: { candidates: 100 }, spec: { minThroughput: 1000 }, plugins: [{ name: 'x', options: {} }] },
    ...extra,
  };
}

/** A trained trial with every optional field, nested JSON, and numbers JSON alone would not keep. */
export function fullTrial(seq: number): Trial {
  return {
    seq,
    batch: 3,
    seed: 4294967295,
    status: 'done',
    candidate: {
      tokens: { arch: [0, 3, 1, 2], hw: [2] },
      architecture: { kind: 'chain-cnn', input: { height: 32, width: 32, channels: 3 }, classes: 10, layers: [{ kernel: 3, filters: 24, stride: 1 }, { kernel: 5, filters: 36, stride: 2 }] },
      design: { model: 'fpga-pipeline', stages: [{ fpga: 'XC7Z020', layers: [0, 1], tiling: { tm: 16, tn: 8, tr: 7, tc: 7 } }] },
    },
    hardware: { feasible: true, throughput: 1234.5678901234567, latency: 8.100000000000001e-4, power: 2.5, energyEfficiency: 17.25, gops: 1.1, cycles: 123456789, perStage: [1e-300, 5e300] },
    violations: [{ limit: 'minThroughput', required: 1000, actual: 999.5, message: 'throughput 999.5 images/s < 1000' }],
    training: { accuracy: 0.8125, testAccuracy: 0.79, loss: Number.NaN, lossCurve: [2.3, 1.1, Number.NaN, Infinity], params: 12345, seconds: 61.5, backend: 'wasm' },
    metrics: { accuracy: 0.8125, throughput: 1234.5678901234567, latency: Infinity, energyEfficiency: -0 },
    reward: 0.1 + 0.2,
    timings: { sample: 0.013, fastEvaluate: 1.5, prune: 0, train: 61500.25, reward: 0.02 },
    worker: 'worker-1',
    startedAt: '2025-01-02T03:04:06.000Z',
    finishedAt: '2025-01-02T03:05:07.500Z',
  };
}

/** A pruned trial: every optional field that a pruned trial lacks is absent (not undefined). */
export function prunedTrial(seq: number): Trial {
  return {
    seq,
    batch: 0,
    seed: 7,
    status: 'pruned',
    candidate: { tokens: { arch: [1], hw: [] }, architecture: { kind: 'chain-cnn', layers: [] } },
    prunedReason: 'throughput 10 images/s < 1000',
    metrics: {},
    reward: -1,
    timings: { prune: 0.1 },
  };
}
