// BullMQ executor: trials to train become jobs on a queue in Redis, and `coex worker` processes on
// any machine with the project installed train them. The search process keeps the controller and
// the store. See README.md and docs/distributed.md.
import * as path from 'node:path';
import { definePlugin, z } from '@coex/core';
import { BullmqExecutor } from './executor';
import { DEFAULT_QUEUE } from './job';
import { DEFAULT_REDIS_URL_ENV, isRedisUrl, rememberUrl, resolveRedisUrl, tlsOptions } from './redis-url';

const PLUGIN_NAME = '@coex/plugin-executor-bullmq';

const queueName = z
  .string()
  .min(1)
  .refine((name) => !name.includes(':'), { message: "a queue name cannot contain ':' (BullMQ uses it in its Redis keys)" });

/** Saved absolute, so a resumed run finds the same file from any working folder. */
const filePath = z.string().min(1).transform((file) => path.resolve(file));

export const optionsSchema = z.object({
  /**
   * Redis URL. A password in it is used by this process only: the saved value has it replaced by
   * *** (the transform), so config.json and the store never hold it.
   */
  redis: z
    .string()
    .refine(isRedisUrl, { message: 'expected a redis:// or rediss:// URL, e.g. redis://user:password@host:6379/0' })
    .transform(rememberUrl)
    .optional(),
  redisUrlEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').default(DEFAULT_REDIS_URL_ENV),
  tls: z
    .object({
      ca: filePath.optional(),
      cert: filePath.optional(),
      key: filePath.optional(),
      servername: z.string().optional(),
      rejectUnauthorized: z.boolean().optional(),
    })
    .strict()
    .optional(),
  queue: queueName.default(DEFAULT_QUEUE),
  concurrency: z.number().int().min(1).max(1024).default(4),
  attempts: z.number().int().min(1).max(100).default(2),
  retryDelay: z.number().min(0).default(5),
  connectTimeout: z.number().positive().default(5),
  checkInterval: z.number().positive().default(5),
  keepJobs: z.number().min(0).default(86_400),
});

export type BullmqExecutorOptions = z.output<typeof optionsSchema>;

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
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
export { runWorker, workerFolders, workerOptionsSchema, type CoexWorker, type RunWorkerOptions, type StopMode } from './worker';
export { redactUrl, resolveRedisUrl, type TlsFiles } from './redis-url';
export { DEFAULT_QUEUE, PROTOCOL, runKey, jobIdOf, trainingConfig, type TrainingJobData, type TrainingOutcome } from './job';
