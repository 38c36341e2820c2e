// The dataset's splits as raw binary files for the Python workers: images float32 in NCHW order
// (PyTorch's layout, so Python memory-maps them and slices batches without a transpose), labels
// int32, in this machine's byte order, beside a manifest.json. The folder is named by a hash of the
// contents, so every worker (and a resumed run) finds the same files and writes them only once.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DataSplit, DatasetSplits } from '@coex/core';

export const MANIFEST_FILE = 'manifest.json';

export interface SplitFiles {
  x: string;
  y: string;
  count: number;
}

export interface DataManifest {
  name: string;
  shape: DatasetSplits['shape'];
  classes: number;
  splits: Partial<Record<'train' | 'validation' | 'test', SplitFiles>>;
}

/** NHWC (Coex's layout) to NCHW. */
export function toNchw(x: Float32Array, count: number, shape: DatasetSplits['shape']): Float32Array {
  const { height, width, channels } = shape;
  if (channels === 1) return x;
  const plane = height * width;
  const out = new Float32Array(x.length);
  for (let n = 0; n < count; n++) {
    const base = n * plane * channels;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) out[base + c * plane + p] = x[base + p * channels + c];
    }
  }
  return out;
}

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Written beside, then renamed: a worker never reads half a file another one is writing. */
function writeAtomically(file: string, data: Buffer | string): void {
  const temp = `${file}.${process.pid}-${threadId}.tmp`;
  fs.writeFileSync(temp, data);
  fs.renameSync(temp, file);
}

function splitsOf(data: DatasetSplits): [keyof DataManifest['splits'], DataSplit][] {
  return [['train', data.train], ['validation', data.validation], ...(data.test ? [['test', data.test] as [ 'test', DataSplit]] : [])];
}

/**
 * Writes the splits under `root` (once per content) and returns the manifest's path, and whether
 * this call wrote the files.
 */
export function writeDataFiles(data: DatasetSplits, root: string): { manifest: string; dir: string; created: boolean } {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ shape: data.shape, classes: data.classes }));
  for (const [name, split] of splitsOf(data)) hash.update(name).update(bytes(split.x)).update(bytes(split.y));
  const dir = path.join(root, hash.digest('hex').slice(0, 16));
  const manifest = path.join(dir, MANIFEST_FILE);
  if (fs.existsSync(manifest)) return { manifest, dir, created: false };
  fs.mkdirSync(dir, { recursive: true });
  const splits: DataManifest['splits'] = {};
  for (const [name, split] of splitsOf(data)) {
    const files = { x: path.join(dir, `${name}-x.f32`), y: path.join(dir, `${name}-y.i32`), count: split.count };
    writeAtomically(files.x, bytes(toNchw(split.x, split.count, data.shape)));
    writeAtomically(files.y, bytes(split.y));
    splits[name] = files;
  }
  const content: DataManifest = { name: data.name, shape: data.shape, classes: data.classes, splits };
  writeAtomically(manifest, `${JSON.stringify(content, null, 2)}\n`);
  return { manifest, dir, created: true };
}
