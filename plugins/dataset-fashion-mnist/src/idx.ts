// The IDX format of (Fashion-)MNIST: a big-endian header (magic 0x0000TTDD: TT = element type,
// DD = number of dimensions; then one uint32 per dimension) followed by the elements.
import { UserError } from '@coex/core';

/** Magic numbers of unsigned-byte IDX files: images have 3 dimensions, labels 1. */
export const IDX_IMAGES_MAGIC = 0x0803; // 2051
export const IDX_LABELS_MAGIC = 0x0801; // 2049

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/**
 * Parses an uncompressed unsigned-byte IDX file. `file` names it in errors; `magic` is the magic
 * number expected (IDX_IMAGES_MAGIC or IDX_LABELS_MAGIC). The data is a view into `bytes`.
 */
export function parseIdx(bytes: Uint8Array, magic: number, file: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new UserError(`${file}: truncated: expected at least a 4-byte IDX header, found ${bytes.length} bytes`);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new UserError(`${file}: expected IDX magic ${magic} (${hex(magic)}), found ${hex(found)}; this is not an ` +
      `unsigned-byte IDX ${magic === IDX_IMAGES_MAGIC ? 'image' : 'label'} file`);
  }
  const rank = magic & 0xff;
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new UserError(`${file}: truncated: expected a ${header}-byte IDX header, found ${bytes.length} bytes`);
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'trailing bytes';
    throw new UserError(`${file}: ${what}: expected ${expected} bytes (${header}-byte header + ${dims.join('x')} values), ` +
      `found ${bytes.length}`);
  }
  return { dims, data: bytes.subarray(header) };
}
