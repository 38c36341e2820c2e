// The paper's chain-CNN search space: per layer a kernel size, a filter count and (optionally) a
// stride. Decoding gives a `chain-cnn` Architecture whose input shape and class count come from the
// dataset role when one is bound, else from the `input` and `classes` options.
import {
  definePlugin,
  listOption,
  type ChainCnnArchitecture,
  type Decision,
  type InputShape,
  type SearchSpace,
  z,
} from '@coex/core';
import { chainCnn, parseInputShape } from '@coex/kit-chain-cnn';

const PLUGIN_NAME = '@coex/plugin-space-chain-cnn';

export interface ChainCnnSpaceOptions {
  depth: number;
  kernels: number[];
  filters: number[];
  strides: number[];
  input: InputShape;
  classes: number;
}

export class ChainCnnSpace implements SearchSpace {
  private readonly list: Decision[];

  constructor(private readonly options: ChainCnnSpaceOptions) {
    this.list = [];
    for (let i = 0; i < options.depth; i++) {
      this.list.push({ name: `layer${i}.kernel`, choices: options.kernels });
      this.list.push({ name: `layer${i}.filters`, choices: options.filters });
      if (options.strides.length > 1) this.list.push({ name: `layer${i}.stride`, choices: options.strides });
    }
  }

  get maxLayers(): number {
    return this.options.depth;
  }

  decisions(): readonly Decision[] {
    return this.list;
  }

  decode(tokens: readonly number[]): ChainCnnArchitecture {
    if (tokens.length !== this.list.length) {
      throw new Error(`chain-cnn space expects ${this.list.length} tokens, got ${tokens.length}`);
    }
    const perLayer = this.options.strides.length > 1 ? 3 : 2;
    const layers: [number, number, number][] = [];
    for (let i = 0; i < this.options.depth; i++) {
      const t = tokens.slice(i * perLayer, (i + 1) * perLayer);
      layers.push([
        this.options.kernels[t[0]],
        this.options.filters[t[1]],
        perLayer === 3 ? this.options.strides[t[2]] : this.options.strides[0],
      ]);
    }
    return chainCnn(layers, this.options.input, this.options.classes);
  }
}

const positiveInts = listOption(z.coerce.number().int().positive());

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'space',
  description: 'Chain CNN of the paper: kernel {1,3,5,7}, filters {24,36,48,64}, stride {1,2} per layer',
  options: z.object({
    depth: z.number().int().min(1).max(64).default(6),
    kernels: positiveInts.default([1, 3, 5, 7]),
    filters: positiveInts.default([24, 36, 48, 64]),
    strides: positiveInts.default([1, 2]),
    /** HxWxC; default: the dataset's shape, or 32x32x3 without a dataset. */
    input: z.string().optional(),
    /** Default: the dataset's class count, or 10. */
    classes: z.number().int().min(2).optional(),
  }),
  apply(ctx, options) {
    ctx.provide('space', async (roles) => {
      const info = roles.has('dataset') ? (await roles.get('dataset')).info() : undefined;
      return new ChainCnnSpace({
        depth: options.depth,
        kernels: options.kernels,
        filters: options.filters,
        strides: options.strides,
        input: options.input ? parseInputShape(options.input, 'space.input') : info?.shape ?? { height: 32, width: 32, channels: 3 },
        classes: options.classes ?? info?.classes ?? 10,
      });
    });
  },
});
