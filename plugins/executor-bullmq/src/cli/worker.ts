// `coex worker`: trains the jobs that searches using the BullMQ executor put on a queue in Redis.
// Contributed by this plugin (package.json "coex.commands"); its flags are made from the plugin's
// workerOptionsSchema. First Ctrl-C/SIGTERM: take no new job, finish the current ones; second:
// hand the current ones back to the queue; third: quit at once (Redis recovers them as stalled).
import type { Command } from '@coex/cli';
import { addSchemaFlags, schemaFlagValues } from '@coex/cli';
import { runWorker, workerOptionsSchema } from '../worker';

export function registerWorker(program: Command): void {
  addSchemaFlags(program.command('worker'), workerOptionsSchema).action(async (opts) => {
    const log = (message: string) => process.stderr.write(`coex worker: ${message}\n`);
    const worker = await runWorker({ ...schemaFlagValues(opts, workerOptionsSchema), log });
    let signals = 0;
    const onSignal = () => {
      signals += 1;
      if (signals === 1) {
        log('stopping: no new jobs; finishing the current ones (Ctrl-C again to hand them back to the queue)');
        void worker.stop('finish');
      } else if (signals === 2) {
        log('handing the current jobs back to the queue (Ctrl-C again to quit at once)');
        void worker.stop('release');
      } else {
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await worker.closed;
      log('stopped');
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    });
}

export const register = registerWorker;
