// Fake search space: a small chain CNN (stride 1) with a kernel and a filter count per layer.
import { type ChainCnnArchitecture, type Decision, type InputShape, type SearchSpace } from '@coex/core';
import { chainCnn, parseInputShape } from '@coex/kit-chain-cnn';

export interface FakeSpaceOptions {
  /** Layers (default 2). */
  depth?: number;
  /** Kernel sizes to choose from (default [1, 3]). */
  kernels?: number[];
  /** Filter counts to choose from (default [8, 16]). */
  filters?: number[];
  /** Input shape as HxWxC or an object (default 8x8x1). */
  input?: string | InputShape;
  /** Classes (default 4). */
  classes?: number;
}

export function fakeSpace(options: FakeSpaceOptions = {}): SearchSpace & { decode(tokens: readonly number[]): ChainCnnArchitecture } {
  const depth = options.depth ?? 2;
  const kernels = options.kernels ?? [1, 3];
  const filters = options.filters ?? [8, 16];
  const input = typeof options.input === 'string' ? parseInputShape(options.input, 'fakeSpace input') : options.input ?? { height: 8, width: 8, channels: 1 };
  const classes = options.classes ?? 4;
  const decisions: Decision[] = [];
  for (let i = 0; i < depth; i++) {
    decisions.push({ name: `layer${i}.kernel`, choices: kernels }, { name: `layer${i}.filters`, choices: filters });
  }
  return {
    maxLayers: depth,
    decisions: () => decisions,
    decode(tokens) {
      if (tokens.length !== decisions.length) throw new Error(`fakeSpace expects ${decisions.length} tokens, got ${tokens.length}`);
      tokens.forEach((t, i) => {
        if (!Number.isInteger(t) || t < 0 || t >= decisions[i].choices.length) {
          throw new Error(`fakeSpace: token ${i} (${decisions[i].name}) is ${t}, expected 0..${decisions[i].choices.length - 1}`);
        }
      });
      const layers = Array.from({ length: depth }, (_, i) => [kernels[tokens[2 * i]], filters[tokens[2 * i + 1]], 1] as [number, number, number]);
      return chainCnn(layers, input, classes);
    },
  };
}
