// An early-stopping scheduler: at each intermediate result a trainer reports (a learning-curve
// point), it may stop the child. This one stops a child whose validation accuracy is still below a
// floor once it has trained `afterEpochs` epochs. Its answer must depend on its arguments only
// (`history` holds the final trials of earlier batches), so a resumed run stops the same children.
import { definePlugin, z, type CurvePoint, type Scheduler, type StopVerdict, type Trial } from '@coex/core';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export class AccuracyFloor implements Scheduler {
  constructor(private readonly floor: number, private readonly afterEpochs: number) {}

  judge(point: CurvePoint, _trial: Trial, _history: readonly Trial[]): StopVerdict | undefined {
    if (point.epoch < this.afterEpochs || point.accuracy >= this.floor) return undefined;
    return { reason: `accuracy ${point.accuracy.toFixed(4)} after ${point.epoch} epochs is below ${this.floor}`, resource: point.epoch };
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'scheduler',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Stops a child whose validation accuracy is below a floor after some epochs (a template scheduler)',
  options: z.object({
    /** Validation accuracy (0..1) a child must reach by `afterEpochs`. */
    floor: z.number().min(0).max(1).default(0.5),
    /** Epochs before the floor applies. */
    afterEpochs: z.number().min(0).default(1),
  }),
  apply(ctx, options) {
    ctx.provide('scheduler', () => new AccuracyFloor(options.floor, options.afterEpochs));
  },
});
