// Exports the run's dataset splits as NumPy .npy files, once per run folder, so a command trains
// and validates on exactly the data (and validation split) the built-in trainer would use.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DataSplit, Dataset, DatasetSplits } from '@coex/core';

export interface ExportedSplit {
  /** float32, shape (count, height, width, channels), as the dataset plugin normalised it. */
  x: string;
  /** int32 class indices, shape (count,). */
  y: string;
  count: number;
}

export type ExportedSplits = Partial<Record<'train' | 'validation' | 'test', ExportedSplit>>;

const MANIFEST = 'manifest.json';

/** The .npy (format 1.0) header for a little- or big-endian typed array of `shape`. */
export function npyHeader(descr: '<f4' | '<i4' | '>f4' | '>i4', shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // Magic (6) + version (2) + length (2) + dict + '\n' is padded to a multiple of 64 bytes.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

function writeNpy(file: string, data: Float32Array | Int32Array, shape: readonly number[]): void {
  const order = os.endianness() === 'LE' ? '<' : '>';
  const descr = `${order}${data instanceof Float32Array ? 'f4' : 'i4'}` as '<f4';
  // Written beside, then renamed: concurrent workers exporting the same data never see half a file.
  const temp = `${file}.${process.pid}-${threadId}.tmp`;
  fs.writeFileSync(temp, Buffer.concat([npyHeader(descr, shape), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  fs.renameSync(temp, file);
}

function exportSplit(dir: string, name: string, split: DataSplit, data: DatasetSplits): ExportedSplit {
  const { height, width, channels } = data.shape;
  const x = path.join(dir, `${name}-x.npy`);
  const y = path.join(dir, `${name}-y.npy`);
  writeNpy(x, split.x, [split.count, height, width, channels]);
  writeNpy(y, split.y, [split.count]);
  return { x, y, count: split.count };
}

/**
 * Loads the dataset with `seed` and writes its splits to `dir`, unless a manifest there says the
 * same data (same `key`: plugin, options, seed) was exported already.
 */
export async function exportDataset(dataset: Dataset, seed: number, dir: string, key: unknown): Promise<ExportedSplits> {
  const manifestFile = path.join(dir, MANIFEST);
  const previous = readManifest(manifestFile);
  if (previous && JSON.stringify(previous.key) === JSON.stringify(key) && filesExist(previous.files)) return previous.files;
  const data = await dataset.load({ seed });
  fs.mkdirSync(dir, { recursive: true });
  const files: ExportedSplits = {
    train: exportSplit(dir, 'train', data.train, data),
    validation: exportSplit(dir, 'validation', data.validation, data),
    ...(data.test ? { test: exportSplit(dir, 'test', data.test, data) } : {}),
  };
  const temp = `${manifestFile}.${process.pid}-${threadId}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify({ key, files }, null, 2)}\n`);
  fs.renameSync(temp, manifestFile);
  return files;
}

function readManifest(file: string): { key: unknown; files: ExportedSplits } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function filesExist(files: ExportedSplits): boolean {
  return Object.values(files).every((s) => s && fs.existsSync(s.x) && fs.existsSync(s.y));
}
