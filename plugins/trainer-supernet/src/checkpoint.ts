// The supernet's checkpoint: its weights, the optimizer's state and the step reached, in one
// binary file ("CXSN", a JSON header, then float32 values). Written to a temporary file and
// renamed, so a kill -9 leaves either the previous checkpoint or the new one, never half of one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@coex/core';
import { PLUGIN_NAME } from './options';

const MAGIC = 'CXSN';
const FORMAT_VERSION = 1;

export interface NamedValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface CheckpointMeta {
  /** What the weights depend on (shape, options, seed, data); a checkpoint of other settings is refused. */
  fingerprint: string;
  /** Steps done. */
  step: number;
  totalSteps: number;
  complete: boolean;
  /** Seconds of supernet training so far (over every process that trained it). */
  trainSeconds: number;
}

interface Header extends CheckpointMeta {
  version: number;
  tensors: { name: string; shape: number[]; length: number }[];
}

export interface Checkpoint {
  meta: CheckpointMeta;
  tensors: NamedValues[];
}

export function writeCheckpoint(file: string, meta: CheckpointMeta, tensors: NamedValues[]): void {
  const header: Header = { version: FORMAT_VERSION, ...meta, tensors: tensors.map((t) => ({ name: t.name, shape: t.shape, length: t.values.length })) };
  let json = Buffer.from(JSON.stringify(header));
  // The float data starts at a multiple of 4 bytes.
  const pad = (4 - ((MAGIC.length + 4 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.from(' '.repeat(pad))]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const parts = [Buffer.from(MAGIC), length, json, ...tensors.map((t) => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength))];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    for (const part of parts) fs.writeSync(fd, part);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

/** The checkpoint in `file`, or undefined when there is none; a damaged file is a UserError naming it. */
export function readCheckpoint(file: string): Checkpoint | undefined {
  if (!fs.existsSync(file)) return undefined;
  const bad = (why: string) => new UserError(`${PLUGIN_NAME}: the supernet checkpoint ${file} is unreadable (${why}); delete it to train the supernet again`);
  const data = fs.readFileSync(file);
  if (data.length < 8 || data.subarray(0, 4).toString() !== MAGIC) throw bad('not a supernet checkpoint');
  const headerLength = data.readUInt32LE(4);
  let header: Header;
  try {
    header = JSON.parse(data.subarray(8, 8 + headerLength).toString());
  } catch {
    throw bad('its header is not JSON');
  }
  if (header.version !== FORMAT_VERSION) throw bad(`format version ${header.version}, expected ${FORMAT_VERSION}`);
  let offset = 8 + headerLength;
  const tensors = header.tensors.map((t) => {
    const bytes = t.length * 4;
    if (offset + bytes > data.length) throw bad('it is shorter than its header says');
    const values = new Float32Array(t.length);
    Buffer.from(values.buffer).set(data.subarray(offset, offset + bytes));
    offset += bytes;
    return { name: t.name, shape: t.shape, values };
  });
  const { version: _version, tensors: _tensors, ...meta } = header;
  return { meta, tensors };
}
