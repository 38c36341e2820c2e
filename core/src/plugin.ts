// Plugins: a plugin module exports the factory made by `definePlugin`. The factory validates the
// options once (against the plugin's zod schema) and returns a plain `{ name, version, apply }`.
import * as semver from 'semver';
import { z } from 'zod';
import { closest } from './suggest';
import { UserError } from './errors';
import type { CoexHooks } from './hooks';
import type { Rng } from './random';
import type { RoleName, RoleTypes } from './roles';
import type { ResolvedConfig } from './config-settings';
import type { HardwareSpec } from './types';
import { CORE_VERSION } from './version';

/** Async access to other roles from inside a role factory. */
export interface RoleResolver {
  get<R extends RoleName>(role: R): Promise<RoleTypes[R]>;
  has(role: RoleName): boolean;
}

export interface PluginContext {
  readonly hooks: CoexHooks;
  readonly runId: string;
  /** The run's folder (config, store). Runs of a study share the study's folder. */
  readonly dir: string;
  /**
   * This run's own folder for the files a plugin writes (trial folders, saved models, reports):
   * `dir` for a single run, `<study>/runs/<arm>/seed<s>` for a run of a study.
   */
  readonly outDir: string;
  readonly seed: number;
  readonly spec: HardwareSpec;
  readonly config: ResolvedConfig;
  /** True in `coex show`/`export`/`report`: only the store is needed, nothing heavy should load. */
  readonly readOnly: boolean;
  /** The run's roles, for hook taps that need one (e.g. the store at runEnd). Do not call during apply(). */
  readonly roles: RoleResolver;
  /** A generator seeded from the run's seed and `label`. */
  rng(label: string): Rng;
  /** Fill the role this plugin declared; the factory runs when the role is first needed. */
  provide<R extends RoleName>(role: R, factory: (roles: RoleResolver) => RoleTypes[R] | Promise<RoleTypes[R]>): void;
  log(message: string): void;
}

export interface CoexPlugin {
  readonly name: string;
  readonly version: string;
  readonly role?: RoleName;
  readonly options: Record<string, unknown>;
  /** Executors only: children are trained on other machines, so the run's preflight leaves the trainer and dataset checks to them. */
  readonly remoteTraining?: boolean;
  apply(context: PluginContext): void | Promise<void>;
}

export interface PluginMeta {
  name: string;
  version: string;
  role?: RoleName;
  description?: string;
  /** Semver range of @coex/core this plugin works with. */
  coex: string;
  schema: z.ZodObject;
}

export interface PluginDefinition<S extends z.ZodObject> {
  name: string;
  version: string;
  role?: RoleName;
  description?: string;
  /** Semver range of @coex/core; defaults to the caret range of the core version it was built with. */
  coex?: string;
  options?: S;
  /** Executors only: children are trained on other machines (the trainer's and dataset's `check()` are not run here). */
  remoteTraining?: boolean;
  apply(context: PluginContext, options: z.output<S>): void | Promise<void>;
}

export interface PluginFactory<S extends z.ZodObject = z.ZodObject> {
  (options?: unknown, where?: { prefix?: string }): CoexPlugin;
  readonly meta: PluginMeta;
  readonly coexPlugin: true;
  /**
   * The plugin's options validated, with defaults filled, exactly as the plugin gets them in a run
   * (errors name the plugin and `<prefix>.<option>`; prefix: the role, else the plugin's name).
   * The one way to validate a plugin's options outside a run (CLI helpers, scripts, tests, benches).
   */
  parse(options?: unknown, where?: { prefix?: string }): z.output<S>;
}

export function definePlugin<S extends z.ZodObject = z.ZodObject<{}>>(definition: PluginDefinition<S>): PluginFactory<S> {
  const schema = (definition.options ?? z.object({})).strict() as unknown as S;
  const meta: PluginMeta = {
    name: definition.name,
    version: definition.version,
    role: definition.role,
    description: definition.description,
    coex: definition.coex ?? `^${CORE_VERSION}`,
    schema: schema as unknown as z.ZodObject,
  };
  const parse = (raw: unknown = {}, where: { prefix?: string } = {}) =>
    validateOptions(meta, raw, where.prefix ?? definition.role ?? definition.name) as z.output<S>;
  const factory = (raw: unknown = {}, where: { prefix?: string } = {}): CoexPlugin => {
    const options = parse(raw, where);
    return {
      name: definition.name,
      version: definition.version,
      role: definition.role,
      options: options as Record<string, unknown>,
      ...(definition.remoteTraining ? { remoteTraining: true } : {}),
      apply: (context) => definition.apply(context, options),
    };
  };
  return Object.assign(factory, { meta, coexPlugin: true as const, parse });
}

/** Validates `raw` against the plugin's schema; errors name the plugin, the option path and what was expected. */
export function validateOptions(meta: PluginMeta, raw: unknown, prefix: string): unknown {
  const result = meta.schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const known = Object.keys(meta.schema.shape);
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => {
          const path = [prefix, ...issue.path.map(String), key].join('.');
          const hint = closest(key, known);
          return `unknown option ${path}${hint ? ` (did you mean ${[prefix, ...issue.path.map(String), hint].join('.')}?)` : ''}; known options: ${known.join(', ') || 'none'}`;
        })
        .join('; ');
    }
    const path = [prefix, ...issue.path.map(String)].join('.');
    return `option ${path}: ${issue.message}`;
  });
  throw new UserError(`plugin ${meta.name}: ${lines.join('; ')}`, 'COEX_PLUGIN_OPTIONS');
}

/** Checks that a plugin supports this core version (like Babel's assertVersion). */
export function assertCoreVersion(meta: PluginMeta, where: string): void {
  if (!semver.satisfies(CORE_VERSION, meta.coex, { includePrerelease: true })) {
    throw new UserError(
      `plugin ${meta.name}@${meta.version} (${where}) requires @coex/core ${meta.coex}, but this is @coex/core ${CORE_VERSION}; ` +
        `install a version of the plugin built for ${CORE_VERSION} or a core that matches ${meta.coex}`,
      'COEX_PLUGIN_VERSION',
    );
  }
}

export function isPluginFactory(value: unknown): value is PluginFactory {
  return typeof value === 'function' && (value as Partial<PluginFactory>).coexPlugin === true;
}

/**
 * Option helper: a list given either as an array or as a comma-separated string
 * (`--set hardware.pool=XC7Z020,XC7A50T`).
 */
export function listOption<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(item),
  );
}
