// An executor: decides where and how many children train at once. This one trains in this
// process, up to `concurrency` at a time (the run loop keeps at most that many in flight), by
// calling the trainer role. Replace `train` to ship requests to workers, machines or a queue.
import { definePlugin, z, type Executor, type Trainer, type TrainRequest, type TrainingResult } from '@coex/core';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export class LocalExecutor implements Executor {
  constructor(private readonly trainer: Trainer, readonly concurrency: number) {}

  async train(request: TrainRequest): Promise<TrainingResult & { worker?: string }> {
    const result = await this.trainer.train(request);
    return { ...result, worker: `${PLUGIN_NAME}@${process.pid}` };
  }

  async close(): Promise<void> {
    await this.trainer.close?.();
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'executor',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Trains in this process, several children at once (a template executor)',
  options: z.object({
    /** Children trained at once. */
    concurrency: z.number().int().min(1).max(64).default(2),
  }),
  apply(ctx, options) {
    ctx.provide('executor', async (roles) => new LocalExecutor(await roles.get('trainer'), options.concurrency));
  },
});
