// Options of the trainer-command plugin: one zod schema, the single source of truth for
// validation, defaults and the README's table.
import * as path from 'node:path';
import { z } from '@coex/core';

export const PLUGIN_NAME = '@coex/plugin-trainer-command';
export const { version: PLUGIN_VERSION } = require('../package.json') as { version: string };

/** Environment values may be given as numbers or booleans (`--set trainer.env.OMP_NUM_THREADS=1`). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const optionsSchema = z.object({
  /** Shell command run per trial; {arch}, {seq}, {seed} and {dir} are replaced (already quoted). */
  command: z
    .string({ error: 'required: the command to run per trial, e.g. "python3 train.py {arch}"' })
    .trim()
    .min(1, 'must not be empty: give the command to run per trial, e.g. "python3 train.py {arch}"'),
  /** Parent of the per-trial folders (<workDir>/<seq>); relative to the run's own folder (ctx.outDir). Default: <that folder>/trials. */
  workDir: z.string().min(1).optional(),
  /**
   * Working directory of the command; relative to where coex was started. Default: where coex was
   * started. Made absolute here, so the run's config.json holds it and resume runs in the same place.
   */
  cwd: z.string().min(1).transform((folder) => path.resolve(folder)).default(() => process.cwd()),
  /** Extra environment variables for the command. */
  env: z
    .record(z.string(), envValue)
    .superRefine((env, ctx) => {
      for (const name of Object.keys(env).filter((n) => !ENV_NAME.test(n))) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'not an environment variable name (letters, digits and _, not starting with a digit)' });
      }
    })
    .default({}),
  /** Seconds a trial may run before its process group is stopped and the trial fails. Default: no limit. */
  timeout: z.number().positive().optional(),
  /** Seconds between SIGTERM and SIGKILL when a command is stopped (timeout, Ctrl-C). */
  killAfter: z.number().positive().default(10),
  /** Lines of the command's output (stdout and stderr) quoted in a failed trial's error. */
  tailLines: z.number().int().min(0).max(1000).default(20),
  /** Write the dataset role's splits as .npy files once, and name them in every trial file. */
  exportData: z.boolean().default(false),
});

export type CommandTrainerPluginOptions = z.output<typeof optionsSchema>;
