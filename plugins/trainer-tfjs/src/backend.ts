// Which tfjs backend trains: native TensorFlow through @tensorflow/tfjs-node when it is installed
// (an optional dependency: its install downloads libtensorflow, which fails offline), else the wasm
// backend with this plugin's training kernels, else the pure-JavaScript cpu backend (very slow).
// The backend is global to the process (tfjs keeps one engine): the choice is made once, and the
// trainer makes it active only while its own synchronous tfjs work runs (onBackend).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type * as TfjsWasm from '@tensorflow/tfjs-backend-wasm';
import { UserError, messageOf } from '@coex/core';
import type { BackendPreference } from './options';
import { registerWasmTrainingKernels } from './wasm-kernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  name: BackendName;
  /** Why a faster backend was not used (empty when the first choice worked). */
  notes: string[];
}

let tfjsNode: { loaded: boolean; error?: string } | undefined;

/** Loads @tensorflow/tfjs-node once; it registers the 'tensorflow' backend when it loads. */
export function loadTfjsNode(): { loaded: boolean; error?: string } {
  if (!tfjsNode) {
    try {
      // A plain require: the package is optional and may be absent (no static import, no types).
      require('@tensorflow/tfjs-node');
      tfjsNode = { loaded: tf.findBackend('tensorflow') !== null };
      if (!tfjsNode.loaded) tfjsNode.error = 'it loaded but registered no "tensorflow" backend';
    } catch (error) {
      tfjsNode = { loaded: false, error: messageOf(error).split('\n')[0] };
    }
  }
  return tfjsNode;
}

/** The folder holding tfjs-backend-wasm's .wasm binaries, read from disk (never fetched). */
export function wasmBinaryFolder(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

let wasmConfigured = false;

async function initWasm(): Promise<void> {
  if (!wasmConfigured) {
    // Loaded on first use: importing the package registers 'wasm' as tfjs's preferred backend, which
    // other tfjs users in the process (a controller's policy) should not see before training starts.
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof TfjsWasm;
    try {
      wasm.setWasmPaths(wasmBinaryFolder());
    } catch {
      // Another module initialised the wasm backend first; its paths stay.
    }
    // After the package's own registrations, which would otherwise replace ours.
    registerWasmTrainingKernels();
    wasmConfigured = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise (see the warning above)');
}

async function use(name: BackendName): Promise<void> {
  if (name === 'wasm') return initWasm();
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to initialise`);
}

/**
 * Makes an initialised backend active at once. tfjs's setBackend only awaits a backend's first
 * initialisation; for one already initialised it switches before returning its promise.
 */
function switchNow(name: string): void {
  tf.setBackend(name).catch(() => undefined);
  if (tf.getBackend() !== name) throw new Error(`could not switch tfjs to the ${name} backend`);
}

/**
 * Runs synchronous tfjs work on `name` and switches back to the backend that was active: the
 * backend is global to the process, and other tfjs users (a controller's policy, whose gradients
 * need kernels wasm lacks) keep theirs. Nothing else can run inside a synchronous section.
 */
export function onBackend<T>(name: BackendName, work: () => T): T {
  const previous = tf.getBackend();
  if (previous === name) return work();
  switchNow(name);
  try {
    return work();
  } finally {
    if (previous) switchNow(previous);
  }
}

const TFJS_NODE_HINT =
  'install it with `npm install @tensorflow/tfjs-node` on a machine with internet access (its install script downloads libtensorflow)';

async function initialise(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'tensorflow') {
    const node = loadTfjsNode();
    if (!node.loaded) {
      throw new UserError(`trainer.backend=tensorflow needs @tensorflow/tfjs-node, which did not load (${node.error}); ${TFJS_NODE_HINT}`);
    }
    await use('tensorflow');
    return { name: 'tensorflow', notes: [] };
  }
  if (preference !== 'auto') {
    await use(preference);
    return { name: preference, notes: [] };
  }
  const notes: string[] = [];
  const node = loadTfjsNode();
  if (node.loaded) {
    await use('tensorflow');
    return { name: 'tensorflow', notes };
  }
  notes.push(`@tensorflow/tfjs-node is not available (${node.error}); ${TFJS_NODE_HINT}`);
  try {
    await use('wasm');
    return { name: 'wasm', notes };
  } catch (error) {
    notes.push(`the wasm backend did not start (${messageOf(error)}); falling back to the slow cpu backend`);
  }
  await use('cpu');
  return { name: 'cpu', notes };
}

/**
 * Initialises the preferred backend (or the best available for 'auto') and says which one, leaving
 * the process's active backend as it was (training runs in onBackend sections). With none active
 * before, tfjs's own default stays: 'tensorflow' when tfjs-node is loaded, else 'cpu', not the
 * wasm backend whose loading would otherwise make it every tfjs user's default.
 */
export async function prepareBackend(preference: BackendPreference): Promise<BackendChoice> {
  const previous = tf.getBackend();
  const choice = await initialise(preference);
  const restore = previous || (loadTfjsNode().loaded ? 'tensorflow' : 'cpu');
  if (tf.getBackend() !== restore) await tf.setBackend(restore);
  // Small bookkeeping tensors outside a training section (the optimizer's state at a checkpoint)
  // land on this default backend; on cpu its first one would print the "install tfjs-node" banner
  // into the run's output, which the README's backend notes already cover. `firstUse` is the cpu
  // backend's own flag for that banner (as controller-rl sets it).
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
  return choice;
}

/** Initialises the preferred backend and makes it the active one (scripts, benchmarks, tests). */
export async function selectBackend(preference: BackendPreference): Promise<BackendChoice> {
  const choice = await initialise(preference);
  switchNow(choice.name);
  return choice;
}
