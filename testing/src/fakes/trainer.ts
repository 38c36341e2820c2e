// Fake trainer: the accuracy is a deterministic function of the architecture plus a little noise
// from the trial's seed, so a test knows what to expect. Chosen trials can fail; a delay honours
// the abort signal like a real trainer must.
import { Rng, type Architecture, type Trainer, type TrainRequest, type TrainingResult } from '@coex/core';
import { isChainCnn } from '@coex/kit-chain-cnn';

export interface FakeTrainerOptions {
  /** Accuracy of an architecture (default `fakeAccuracy`). */
  accuracy?: (architecture: Architecture, seed: number) => number;
  /** Trials (by seq) whose training throws: they become failed trials, the run goes on. */
  failSeqs?: number[];
  /** Milliseconds each training takes (default 0). */
  delayMs?: number;
}

export interface FakeTrainer extends Trainer {
  /** Every request received (without its abort signal), in the order they arrived. */
  readonly requests: Omit<TrainRequest, 'signal'>[];
  /** True once `close` was called. */
  readonly closed: boolean;
  close(): Promise<void>;
}

/** FNV-1a of a string, in [0, 1). */
function hashUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

/**
 * Accuracy in [0.3, 0.99]: for a chain CNN it grows with the layers' filters x kernel; for other
 * architectures it is a hash of the architecture. Plus up to 0.01 of noise drawn from `seed`.
 */
export function fakeAccuracy(architecture: Architecture, seed: number): number {
  const capacity = isChainCnn(architecture)
    ? architecture.layers.reduce((s, l) => s + l.filters * l.kernel, 0) / (architecture.layers.length * 64 * 7)
    : hashUnit(JSON.stringify(architecture));
  return Math.min(0.99, 0.3 + 0.6 * capacity + 0.01 * new Rng(seed).float());
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    }, { once: true });
  });
}

export function fakeTrainer(options: FakeTrainerOptions = {}): FakeTrainer {
  const accuracyOf = options.accuracy ?? fakeAccuracy;
  const requests: Omit<TrainRequest, 'signal'>[] = [];
  let closed = false;
  return {
    requests,
    get closed() {
      return closed;
    },
    async train({ signal, ...request }): Promise<TrainingResult> {
      requests.push(request);
      if (options.delayMs) await delay(options.delayMs, signal);
      if (options.failSeqs?.includes(request.seq)) throw new Error(`fake training failed on trial ${request.seq}`);
      return { accuracy: accuracyOf(request.architecture, request.seed), seconds: (options.delayMs ?? 0) / 1000, backend: 'fake' };
    },
    async close() {
      closed = true;
    },
  };
}
