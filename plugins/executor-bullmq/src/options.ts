// The executor's options (`executor.<name>`); `coex worker` takes the ones a worker shares with
// the search from here (worker.ts).
import * as path from 'node:path';
import { z } from '@coex/core';
import { DEFAULT_QUEUE } from './job';
import { DEFAULT_REDIS_URL_ENV, isRedisUrl, rememberUrl } from './redis-url';

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
      ca: filePath.optional().describe('CA certificate (PEM) to verify the Redis server'),
      cert: filePath.optional().describe('client certificate (PEM)'),
      key: filePath.optional().describe('client key (PEM)'),
      servername: z.string().optional(),
      rejectUnauthorized: z.boolean().optional(),
    })
    .strict()
    .optional(),
  queue: queueName.default(DEFAULT_QUEUE).describe('queue the jobs go to: the same for the search and its workers'),
  concurrency: z.number().int().min(1).max(1024).default(4),
  attempts: z.number().int().min(1).max(100).default(2),
  retryDelay: z.number().min(0).default(5),
  connectTimeout: z.number().positive().default(5).describe('seconds the first connection to Redis may take'),
  checkInterval: z.number().positive().default(5),
  keepJobs: z.number().min(0).default(86_400),
});

export type BullmqExecutorOptions = z.output<typeof optionsSchema>;
