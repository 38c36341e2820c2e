// A search space: the decisions a controller makes and how their tokens decode into a network.
// This one is a chain CNN of `depth` convolution layers with a kernel size and a filter count per
// layer (stride 1). The input shape and class count come from the dataset role when one is there.
import {
  UserError,
  definePlugin,
  z,
  type ChainCnnArchitecture,
  type Decision,
  type InputShape,
  type SearchSpace,
} from '@coex/core';
import { chainCnn, parseInputShape } from '@coex/kit-chain-cnn';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export interface SmallSpaceOptions {
  depth: number;
  kernels: number[];
  filters: number[];
  input: InputShape;
  classes: number;
}

export class SmallChainSpace implements SearchSpace {
  private readonly list: Decision[] = [];

  constructor(private readonly options: SmallSpaceOptions) {
    for (let i = 0; i < options.depth; i++) {
      this.list.push({ name: `layer${i}.kernel`, choices: options.kernels }, { name: `layer${i}.filters`, choices: options.filters });
    }
  }

  get maxLayers(): number {
    return this.options.depth;
  }

  decisions(): readonly Decision[] {
    return this.list;
  }

  decode(tokens: readonly number[]): ChainCnnArchitecture {
    if (tokens.length !== this.list.length) throw new Error(`expected ${this.list.length} tokens, got ${tokens.length}`);
    const layers = Array.from({ length: this.options.depth }, (_, i): [number, number, number] => [
      this.options.kernels[tokens[2 * i]],
      this.options.filters[tokens[2 * i + 1]],
      1,
    ]);
    if (layers.some((l) => l[0] === undefined || l[1] === undefined)) throw new Error(`a token is out of range: ${JSON.stringify(tokens)}`);
    return chainCnn(layers, this.options.input, this.options.classes);
  }
}

const positiveInts = z.array(z.number().int().positive()).min(1);

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'space',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'A small chain-CNN space (a template space)',
  options: z.object({
    depth: z.number().int().min(1).max(32).default(3),
    kernels: positiveInts.default([3, 5]),
    filters: positiveInts.default([16, 32]),
    /** HxWxC; default: the dataset's shape, or 32x32x3 without a dataset. */
    input: z.string().optional(),
    /** Default: the dataset's class count, or 10. */
    classes: z.number().int().min(2).optional(),
  }),
  apply(ctx, options) {
    for (const k of options.kernels) {
      if (k % 2 === 0) throw new UserError(`plugin ${PLUGIN_NAME}: option space.kernels: ${k} is even; use odd kernel sizes`);
    }
    ctx.provide('space', async (roles) => {
      const info = roles.has('dataset') ? (await roles.get('dataset')).info() : undefined;
      return new SmallChainSpace({
        depth: options.depth,
        kernels: options.kernels,
        filters: options.filters,
        input: options.input ? parseInputShape(options.input, 'space.input') : info?.shape ?? { height: 32, width: 32, channels: 3 },
        classes: options.classes ?? info?.classes ?? 10,
      });
    });
  },
});
