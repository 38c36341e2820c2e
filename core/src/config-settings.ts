// Core's own settings (seed, budget, spec, objectives) and the resolved configuration they end in.
// Budget, spec and objectives are zod schemas, validated like plugins' options; an error names the
// setting's path and what was expected, and shows the value that was given.
import { z } from 'zod';
import { UserError } from './errors';
import { ROLE_NAMES, type RoleName } from './roles';
import { checkSeed } from './seed';
import { closest } from './suggest';
import type { Budget, HardwareSpec, Objective } from './types';

/** A plugin as recorded in a resolved config: enough to load the same plugin again (resume, workers). */
export interface ResolvedPlugin {
  name: string;
  version: string;
  /** What to require() to load it again: a package name or an absolute path. */
  module: string;
  role?: RoleName;
  options: Record<string, unknown>;
}

/** The fully resolved configuration saved with every run. */
export interface ResolvedConfig {
  coexVersion: string;
  preset?: string;
  seed: number;
  budget: Budget;
  spec: HardwareSpec;
  objectives: Objective[];
  plugins: ResolvedPlugin[];
}

/** The keys a config file, a preset's `config` or `--set` may use at the top level. */
export const TOP_LEVEL_KEYS = ['preset', 'plugins', 'seed', 'budget', 'spec', 'objectives', ...ROLE_NAMES];
const SPEC_KEYS = ['minThroughput', 'maxLatency', 'maxPower', 'minEnergyEfficiency'] as const satisfies readonly (keyof HardwareSpec)[];

/** Refuses keys that are not settings, with a did-you-mean. */
export function checkTopLevel(values: Record<string, unknown>, where: string, allowed: readonly string[] = TOP_LEVEL_KEYS): void {
  for (const key of Object.keys(values)) if (!allowed.includes(key)) throw unknownSetting(where, key, allowed);
}

function unknownSetting(where: string, key: string, allowed: readonly string[]): UserError {
  const hint = closest(key, [...allowed]);
  return new UserError(`${where}: unknown setting "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; settings are ${allowed.join(', ')}`, 'COEX_BAD_SETTING');
}

/** Seconds from a number, or from "90s", "30m", "2h", "1h30m"; undefined when it is not a positive duration. */
function durationSeconds(text: unknown): number | undefined {
  if (typeof text === 'number') return text > 0 ? text : undefined;
  if (typeof text !== 'string') return undefined;
  const m = /^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*$/.exec(text);
  if (!m || !(m[1] || m[2] || m[3])) return undefined;
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return seconds > 0 ? seconds : undefined;
}

const DURATION_EXPECTED = 'expected a positive duration such as 90s, 30m, 2h or 1h30m';

/** Parses a duration: seconds as a number, or "90s", "30m", "2h", "1h30m". */
export function parseDuration(text: string | number, where: string): number {
  const seconds = durationSeconds(text);
  if (seconds === undefined) throw new UserError(`${where}: ${DURATION_EXPECTED}, got ${JSON.stringify(text)}`, 'COEX_BAD_SETTING');
  return seconds;
}

/** An error message that shows the value given (`got ...`). */
const got = (expected: string) => (issue: { input?: unknown }) => `${expected}, got ${JSON.stringify(issue.input)}`;

const positive = z.number({ error: got('expected a positive number') }).positive({ error: got('expected a positive number') });
const count = z.number({ error: got('expected a whole number of at least 1') })
  .int({ error: got('expected a whole number of at least 1') })
  .min(1, { error: got('expected a whole number of at least 1') });
/** A duration in seconds; null or absent: no limit. */
const duration = z.unknown().transform((value, ctx) => {
  if (value === null || value === undefined) return undefined;
  const seconds = durationSeconds(value);
  if (seconds === undefined) ctx.addIssue({ code: 'custom', message: `${DURATION_EXPECTED}, got ${JSON.stringify(value)}` });
  return seconds;
});

/** The hardware spec: optional positive limits; null leaves a limit unset. */
export const specSchema = z
  .strictObject(Object.fromEntries(SPEC_KEYS.map((key) => [key, positive.nullish()])) as Record<(typeof SPEC_KEYS)[number], z.ZodOptional<z.ZodNullable<typeof positive>>>,
    { error: got(`expected a mapping of limits (${SPEC_KEYS.join(', ')})`) })
  .transform((spec) => Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null && v !== undefined)) as HardwareSpec);

/** The budgets: candidates (default 10), and optional trained children, time, training seconds (wall and CPU) and images. */
export const budgetSchema = z
  .strictObject({
    candidates: count.nullish(),
    trained: count.nullish(),
    timeLimit: duration.optional(),
    trainSeconds: duration.optional(),
    trainCpuSeconds: duration.optional(),
    images: count.nullish(),
  }, { error: got('expected a mapping (candidates, trained, timeLimit)') })
  .transform((b): Budget => ({
    candidates: b.candidates ?? 10,
    ...(b.trained ? { trained: b.trained } : {}),
    ...(b.timeLimit ? { timeLimit: b.timeLimit } : {}),
    ...(b.trainSeconds ? { trainSeconds: b.trainSeconds } : {}),
    ...(b.trainCpuSeconds ? { trainCpuSeconds: b.trainCpuSeconds } : {}),
    ...(b.images ? { images: b.images } : {}),
  }));

/** Objectives: a metric name (maximised) or `{metric, goal: max|min}`. */
export const objectivesSchema = z
  .array(
    z.union([z.string(), z.object({ metric: z.string(), goal: z.enum(['max', 'min']).nullish() })], { error: got('expected {metric: <name>, goal: max|min}') })
      .transform((o): Objective => (typeof o === 'string' ? { metric: o, goal: 'max' } : { metric: o.metric, goal: o.goal ?? 'max' })),
    { error: 'expected a non-empty list of {metric, goal: max|min}' },
  )
  .min(1, { error: 'expected a non-empty list of {metric, goal: max|min}' });

/**
 * Validates one of core's settings against its schema. Errors name the setting's path
 * (`budget.trained`, `objectives[2]`); an unknown key gets a did-you-mean like everywhere else.
 */
export function parseSetting<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Unknown keys first (as the file readers do), then the first bad value.
  const issues = [...result.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const issue = issues[0];
  const at = where + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const shape = (schema as unknown as { in?: { shape?: object }; shape?: object });
    throw unknownSetting(at, issue.keys[0], Object.keys(shape.in?.shape ?? shape.shape ?? {}));
  }
  throw new UserError(`${at}: ${issue.message}`, 'COEX_BAD_SETTING');
}

/** Objectives when none are given: accuracy, and with a hardware model its throughput and energy efficiency. */
function defaultObjectives(roles: ReadonlySet<RoleName>): Objective[] {
  const objectives: Objective[] = [{ metric: 'accuracy', goal: 'max' }];
  if (roles.has('hardware')) objectives.push({ metric: 'throughput', goal: 'max' }, { metric: 'energyEfficiency', goal: 'max' });
  return objectives;
}

/** Core's settings of a composed configuration, validated; `roles` are the roles its plugins fill. */
export function resolveSettings(values: Record<string, unknown>, roles: ReadonlySet<RoleName>): Pick<ResolvedConfig, 'seed' | 'budget' | 'spec' | 'objectives'> {
  return {
    seed: checkSeed(values.seed ?? 1, 'seed'),
    budget: parseSetting(budgetSchema, values.budget ?? {}, 'budget'),
    spec: parseSetting(specSchema, values.spec === undefined ? {} : values.spec, 'spec'),
    objectives: values.objectives === undefined ? defaultObjectives(roles) : parseSetting(objectivesSchema, values.objectives, 'objectives'),
  };
}
