// The CIFAR-10 binary format: records of 1 label byte + 3072 pixel bytes, the pixels channel-planar
// (1024 red, then 1024 green, then 1024 blue values of a 32x32 image, rows top to bottom).
import { UserError } from '@coex/core';
import type { ImageSet } from '@coex/kit-dataset';

export const CIFAR_SIDE = 32;
export const CIFAR_PIXELS = CIFAR_SIDE * CIFAR_SIDE;
export const CIFAR_RECORD_BYTES = 1 + 3 * CIFAR_PIXELS; // 3073
/** Records in each official batch file. */
export const CIFAR_BATCH_RECORDS = 10000;

/** Parses one batch file into NHWC bytes and labels. `file` names it in errors. */
export function parseCifarBatch(bytes: Uint8Array, file: string): ImageSet {
  const count = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
    const hint = bytes.length % 3074 === 0 && bytes.length > 0 ? ' (records of 3074 bytes: is this CIFAR-100?)' : '';
    throw new UserError(
      `${file}: truncated or wrong size: expected ${CIFAR_BATCH_RECORDS * CIFAR_RECORD_BYTES} bytes (${CIFAR_BATCH_RECORDS} records ` +
        `of 1 label byte + 3072 pixel bytes), or another whole number of ${CIFAR_RECORD_BYTES}-byte records, found ${bytes.length} ` +
        `bytes${count > 0 ? ` (${count} records and ${bytes.length - count * CIFAR_RECORD_BYTES} bytes left over)` : ''}${hint}`,
    );
  }
  const pixels = new Uint8Array(count * 3 * CIFAR_PIXELS);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const record = r * CIFAR_RECORD_BYTES;
    const label = bytes[record];
    if (label > 9) throw new UserError(`${file}: record ${r} has label ${label}, expected 0..9 (is this a CIFAR-10 binary batch?)`);
    labels[r] = label;
    const out = r * 3 * CIFAR_PIXELS;
    for (let c = 0; c < 3; c++) {
      const plane = record + 1 + c * CIFAR_PIXELS;
      for (let p = 0; p < CIFAR_PIXELS; p++) pixels[out + p * 3 + c] = bytes[plane + p];
    }
  }
  return { pixels, labels, count };
}

/** Joins batches into one set (the five training batches form the training pool). */
export function concatSets(sets: ImageSet[]): ImageSet {
  const count = sets.reduce((n, s) => n + s.count, 0);
  const pixels = new Uint8Array(sets.reduce((n, s) => n + s.pixels.length, 0));
  const labels = new Uint8Array(count);
  let p = 0;
  let l = 0;
  for (const set of sets) {
    pixels.set(set.pixels, p);
    labels.set(set.labels, l);
    p += set.pixels.length;
    l += set.count;
  }
  return { pixels, labels, count };
}
