// BullMQ executor: trials to train become jobs on a queue in Redis, and `coex worker` processes on
// any machine with the project installed train them. The search process keeps the controller and
// the store. See README.md and docs/distributed.md.
import { definePlugin } from '@coex/core';
import { BullmqExecutor } from './executor';
import { optionsSchema } from './options';
import { resolveRedisUrl, tlsOptions } from './redis-url';

const PLUGIN_NAME = '@coex/plugin-executor-bullmq';

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'executor',
  description: 'Distributes training over `coex worker` processes through a BullMQ queue in Redis',
  options: optionsSchema,
  // The data and the trainer's inputs are on the workers' machines: they are checked there, not here.
  remoteTraining: true,
  apply(ctx, options) {
    ctx.provide('executor', () => {
      const url = resolveRedisUrl(options, 'executor.redis');
      return BullmqExecutor.connect({
        runId: ctx.runId,
        dir: ctx.dir,
        outDir: ctx.outDir,
        config: ctx.config,
        redis: {
          ...url,
          tls: tlsOptions(url.url, options.tls, ctx.dir, (key) => `executor.tls.${key}`),
          connectTimeoutMs: options.connectTimeout * 1000,
        },
        redisWhere: { url: `executor.redis or $${options.redisUrlEnv}`, tls: 'executor.tls' },
        queue: options.queue,
        concurrency: options.concurrency,
        attempts: options.attempts,
        retryDelayMs: options.retryDelay * 1000,
        checkIntervalMs: options.checkInterval * 1000,
        keepJobsSeconds: options.keepJobs,
        log: (message) => ctx.log(message),
      });
    });
  },
});

export { BullmqExecutor, type BullmqExecutorSettings } from './executor';
export { optionsSchema, type BullmqExecutorOptions } from './options';
export { runWorker, workerFolders, workerOptionsSchema, type CoexWorker, type RunWorkerOptions, type StopMode } from './worker';
export { redactUrl, resolveRedisUrl, type TlsFiles } from './redis-url';
export { DEFAULT_QUEUE, PROTOCOL, runKey, jobIdOf, trainingConfig, type TrainingJobData, type TrainingOutcome } from './job';
