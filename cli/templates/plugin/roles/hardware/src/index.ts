// A hardware model: the designs a controller may pick from, and what a design does for a network,
// analytically (no training). This one is an array of processing elements (PEs) that each do one
// multiply-accumulate per cycle: latency = MACs / PEs / clock. A design with more PEs than the
// device has does not fit.
import {
  definePlugin,
  z,
  type Architecture,
  type Decision,
  type HardwareDesign,
  type HardwareMetrics,
  type HardwareModel,
} from '@coex/core';
import { describeChainCnn, isChainCnn } from '@coex/kit-chain-cnn';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export interface PeArrayOptions {
  /** PE counts a design may have (the hardware decision). */
  pes: number[];
  /** PEs the device has: designs with more do not fit. */
  maxPes: number;
  clockMhz: number;
  /** Watts with no PE, and per PE. */
  staticWatts: number;
  wattsPerPe: number;
}

export interface PeArrayDesign extends HardwareDesign {
  model: 'pe-array';
  pes: number;
}

export class PeArrayModel implements HardwareModel {
  readonly name = 'pe-array';

  constructor(private readonly options: PeArrayOptions) {}

  designSpace(): readonly Decision[] {
    return [{ name: 'pes', choices: this.options.pes }];
  }

  propose(_architecture: Architecture, tokens: readonly number[]): PeArrayDesign {
    return { model: 'pe-array', pes: this.options.pes[tokens[0] ?? 0] };
  }

  evaluate(architecture: Architecture, design: HardwareDesign): HardwareMetrics {
    if (!isChainCnn(architecture)) throw new Error(`${this.name} costs chain-cnn networks only, got ${architecture.kind}`);
    const { macs } = describeChainCnn(architecture);
    const pes = Number(design.pes);
    const cycles = Math.ceil(macs / pes);
    const latency = cycles / (this.options.clockMhz * 1e6);
    const throughput = 1 / latency;
    const power = this.options.staticWatts + this.options.wattsPerPe * pes;
    const gops = (2 * macs * throughput) / 1e9;
    const fits = pes <= this.options.maxPes;
    return {
      feasible: fits,
      ...(fits ? {} : { infeasible: [`needs ${pes} PEs, the device has ${this.options.maxPes}`] }),
      cycles,
      latency,
      throughput,
      power,
      gops,
      energyEfficiency: gops / power,
    };
  }
}

const positiveInts = z.array(z.number().int().positive()).min(1);

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'hardware',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'An array of multiply-accumulate units with an analytic latency (a template hardware model)',
  options: z.object({
    pes: positiveInts.default([64, 128, 256, 512]),
    maxPes: z.number().int().positive().default(256),
    clockMhz: z.number().positive().default(200),
    staticWatts: z.number().min(0).default(0.5),
    wattsPerPe: z.number().min(0).default(0.005),
  }),
  apply(ctx, options) {
    ctx.provide('hardware', () => new PeArrayModel(options));
  },
});
