// `coex worker`: trains the jobs that searches using the BullMQ executor put on a queue in Redis.
// Core does not depend on BullMQ: the command loads @coex/plugin-executor-bullmq at run time and
// calls its runWorker(). First Ctrl-C/SIGTERM: take no new job, finish the current ones; second:
// hand the current ones back to the queue; third: quit at once (Redis recovers them as stalled).
import type { Command } from 'commander';
import { UserError } from '../errors';
import { resolveModule } from '../resolve';
import { CORE_VERSION } from '../version';
import { nonNegativeInt, positiveInt } from './output';

export const BULLMQ_PLUGIN = '@coex/plugin-executor-bullmq';

/** What the command needs from the plugin (its `runWorker` and the handle it returns). */
export interface WorkerHandle {
  readonly name: string;
  readonly closed: Promise<void>;
  stop(mode?: 'finish' | 'release'): Promise<void>;
}
export interface WorkerModule {
  runWorker(options: Record<string, unknown>): Promise<WorkerHandle>;
}

/** Loads the BullMQ executor plugin from the project (the current folder) or beside core. */
export function loadWorkerModule(name = BULLMQ_PLUGIN, baseDir = process.cwd()): WorkerModule {
  let file: string;
  try {
    file = resolveModule(name, 'plugin', baseDir).file;
  } catch {
    throw new UserError(
      `coex worker needs the plugin ${name}, which is not installed here; install it in this project ` +
        `(npm install ${name}, the same version as on the machine running the search) and run coex worker from the project folder`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as Partial<WorkerModule>;
  if (typeof loaded?.runWorker !== 'function') {
    throw new UserError(`${name} (${file}) has no runWorker(): install a version of it built for @coex/core ${CORE_VERSION}`);
  }
  return loaded as WorkerModule;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('train jobs of searches that use the executor-bullmq plugin (run it on any machine with the project installed)')
    .option('--redis <url>', 'redis[s]://[user:password@]host:port[/db] (default: $COEX_REDIS_URL, then redis://127.0.0.1:6379); prefer the variable for a password')
    .option('--queue <name>', "queue to take jobs from: the search's executor.queue (default: coex)")
    .option('--concurrency <n>', 'jobs trained at once by this process (default: 1)', positiveInt('--concurrency'))
    .option('--name <name>', 'worker name recorded with each trial (default: host:pid)')
    .option('--dir <dir>', "folder for trainer files when the run's folder is not on this machine (default: the current folder)")
    .option('--tls-ca <file>', 'CA certificate (PEM) to verify the Redis server')
    .option('--tls-cert <file>', 'client certificate (PEM)')
    .option('--tls-key <file>', 'client key (PEM)')
    .option('--lock-duration <ms>', 'how long a job stays locked without renewal, i.e. how long a dead worker holds it (default: 30000)', positiveInt('--lock-duration'))
    .option('--stalled-interval <ms>', 'how often to look for jobs whose worker died (default: 30000)', positiveInt('--stalled-interval'))
    .option('--max-stalled-count <n>', 'how many times a job may be recovered from a dead worker before it fails (default: 1)', nonNegativeInt('--max-stalled-count'))
    .option('--connect-timeout <s>', 'seconds the first connection to Redis may take (default: 5)', positiveInt('--connect-timeout'))
    .action(async (opts) => {
      const { runWorker } = loadWorkerModule();
      const log = (message: string) => process.stderr.write(`coex worker: ${message}\n`);
      const tls = opts.tlsCa || opts.tlsCert || opts.tlsKey ? { ca: opts.tlsCa, cert: opts.tlsCert, key: opts.tlsKey } : undefined;
      const worker = await runWorker({
        redis: opts.redis,
        queue: opts.queue,
        concurrency: opts.concurrency,
        name: opts.name,
        dir: opts.dir,
        tls,
        lockDuration: opts.lockDuration,
        stalledInterval: opts.stalledInterval,
        maxStalledCount: opts.maxStalledCount,
        connectTimeout: opts.connectTimeout,
        log,
      });
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
