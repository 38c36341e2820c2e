// Test fixtures: a small learnable dataset, and the Python the tests train with (or a skip).
import * as fs from 'node:fs';
import { Rng, type DataSplit, type Dataset, type DatasetSplits } from '@coex/core';
import { resolveInterpreter, type PythonInterpreter } from '../src/interpreter';

/** The interpreter trainer-torch would pick here, or why there is none (the suite then skips). */
export function torchPython(): { python?: PythonInterpreter; why?: string } {
  try {
    return { python: resolveInterpreter(undefined) };
  } catch (error) {
    return { why: (error as Error).message };
  }
}

/** Skips the enclosing suite, saying why, when no Python with torch is found (CI installs python3-torch). */
export function requireTorch(): void {
  before(function () {
    const { why } = torchPython();
    if (why) {
      process.stderr.write(`      skipped: ${why}\n`);
      this.skip();
    }
  });
}

/** Each class is a fixed random 8x8x3 template; an image is its template plus uniform noise. */
export function templateSplits(seed: number, sizes = { train: 256, validation: 128, test: 64 }, classes = 4): DatasetSplits {
  const shape = { height: 8, width: 8, channels: 3 };
  const size = 8 * 8 * 3;
  const templates = new Rng(seed);
  const template = Array.from({ length: classes }, () => Float32Array.from({ length: size }, () => templates.float()));
  const split = (salt: number, count: number): DataSplit => {
    const rng = new Rng(seed + salt);
    const x = new Float32Array(count * size);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      y[i] = i % classes;
      for (let j = 0; j < size; j++) x[i * size + j] = Math.min(1, Math.max(0, template[y[i]][j] + (rng.float() - 0.5)));
    }
    return { x, y, count };
  };
  return { name: 'templates', shape, classes, train: split(1, sizes.train), validation: split(2, sizes.validation), test: split(3, sizes.test) };
}

export function templateDataset(seed = 1): Dataset {
  const data = templateSplits(seed);
  return { info: () => ({ name: data.name, shape: data.shape, classes: data.classes }), load: async () => data };
}

/** Running: a zombie (exited, not yet reaped, as when the thread that started it is gone) is not. */
export function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until `condition` holds (polling), or fails after `ms`. */
export async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error('timed out waiting');
  }
}
