// createTestPipeline: a core `Run` (its own child container and hooks) built from a preset, the
// plugins under test and role overrides. Composition follows core's rules: a plugin under test
// replaces the preset's plugin of the same name or the same role, and an override replaces the
// plugin of its role. Roles a run cannot do without are filled with fakes, so a test needs only
// the plugin it is about.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertCoreVersion, isPluginFactory, isRoleName, type CoexEvent, type CoexPlugin, type LoadedPlugin, type Objective, type PluginEntry, type PluginFactory, type ResolvedConfig, type RoleName, type RoleTypes, type RunSummary, type Trial } from '@coex/core';
import { MemoryStore, Run, deepMerge, parseSet, resolveConfig } from '@coex/core/host';
import { fakeController } from './fakes/controller';
import { fakeSpace } from './fakes/space';
import { fakeTrainer } from './fakes/trainer';
import { inlineLoaded, overridePlugin, type RoleOverrides } from './overrides';

/**
 * A plugin under test: a plugin object (`myPlugin({ ... })`), a factory (default options), a
 * factory with options, or what a preset lists (a name or path that core resolves).
 */
export type TestPluginEntry = CoexPlugin | PluginFactory | [PluginFactory, Record<string, unknown>] | PluginEntry;

export interface TestPipelineOptions {
  /** A preset name or path (resolved from `cwd` as `coex run --preset` does). Default: none. */
  preset?: string;
  /** Plugins under test, applied after the preset's. */
  plugins?: TestPluginEntry[];
  /** Roles to fill with fakes (or any implementation), replacing whichever plugin filled them. */
  overrides?: RoleOverrides;
  /** `path=value` settings as with `coex run --set` (spec.*, budget.*, seed, <role>.<option>). */
  sets?: string[];
  seed?: number;
  /** Candidates to sample (budget.candidates; default 10). */
  budget?: number;
  /** Fill the controller, space and trainer roles with fakes when nothing else does (default true). */
  fakeDefaults?: boolean;
  /**
   * The run's folder (`ctx.dir`). When given, the preset's store is kept (e.g. SQLite files land
   * here); otherwise the folder is a fresh temporary one (removed after the run if left empty) and
   * the store is in memory, unless `overrides.store` gives one: one store object given to two
   * pipelines lets the second resume the first.
   */
  dir?: string;
  /** The folder for the plugins' files (`ctx.outDir`, as a study's `runs/<arm>/seed<s>`); default `dir`. */
  outDir?: string;
  /**
   * Continue the run an earlier pipeline left in `dir`'s store or in `overrides.store`, as `coex
   * resume` does: its final trials are kept, the controller's saved state is restored, and the
   * trials in flight run again (`execute()` returns the trials that end in this pipeline;
   * `run.trialList()` holds the kept ones too). Give the same options as the earlier pipeline.
   */
  resume?: boolean;
  /** Where names and relative folders resolve from (default the process's). */
  cwd?: string;
  log?: (message: string) => void;
}

export interface TestRunResult {
  summary: RunSummary;
  /** Every final trial, in trial order (whatever order training finished in). */
  trials: Trial[];
  /** Every event of `run.events$`, in the order emitted. */
  events: CoexEvent[];
}

export interface TestPipeline {
  /** The core run: its container, hooks, events$, roleProviders(), execute(). */
  readonly run: Run;
  /** The run's folder (`dir`, or the temporary one). */
  readonly dir: string;
  /** The run's own configuration: an edit before the first `role()`/`execute()` reaches the plugins. */
  readonly config: ResolvedConfig;
  readonly plugins: readonly LoadedPlugin[];
  readonly hooks: Run['hooks'];
  /** Applies the plugins (once) and returns the implementation filling `role`. */
  role<R extends RoleName>(role: R): Promise<RoleTypes[R]>;
  /** Runs the loop to the end (one run per pipeline) and collects trials and events. */
  execute(): Promise<TestRunResult>;
}

const REQUIRED_ROLES = ['controller', 'space', 'trainer'] as const;
const DEFAULT_FAKES: { [R in (typeof REQUIRED_ROLES)[number]]: () => RoleTypes[R] } = {
  controller: () => fakeController(),
  space: () => fakeSpace(),
  trainer: () => fakeTrainer(),
};

interface InlineEntry {
  factory?: PluginFactory;
  plugin?: CoexPlugin;
  options: Record<string, unknown>;
}

/** Splits the entries into those core resolves by name and the plugin objects/factories given inline. */
function splitEntries(entries: TestPluginEntry[]): { byName: PluginEntry[]; inline: InlineEntry[] } {
  const byName: PluginEntry[] = [];
  const inline: InlineEntry[] = [];
  for (const entry of entries) {
    if (isPluginFactory(entry)) inline.push({ factory: entry, options: {} });
    else if (Array.isArray(entry) && isPluginFactory(entry[0])) inline.push({ factory: entry[0], options: { ...(entry[1] ?? {}) } });
    else if (entry && typeof entry === 'object' && typeof (entry as CoexPlugin).apply === 'function') inline.push({ plugin: entry as CoexPlugin, options: {} });
    else byName.push(entry as PluginEntry);
  }
  return { byName, inline };
}

function prefixOf(entry: InlineEntry): string {
  const meta = entry.factory?.meta;
  return meta ? meta.role ?? meta.name : entry.plugin!.role ?? entry.plugin!.name;
}

export function createTestPipeline(options: TestPipelineOptions = {}): TestPipeline {
  const overrides: RoleOverrides = Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([, value]) => value !== undefined));
  for (const role of Object.keys(overrides)) {
    if (!isRoleName(role)) throw new Error(`createTestPipeline: overrides.${role} is not a role (roles: controller, space, hardware, dataset, trainer, executor, reward, store)`);
  }
  if (options.resume && !options.dir && !overrides.store) {
    throw new Error('createTestPipeline: resume continues a stored run: give the earlier pipeline\'s dir, or its store as overrides.store');
  }
  const { byName, inline } = splitEntries(options.plugins ?? []);

  // Settings addressed to the role of a plugin given inline go to its factory; the rest to core.
  const inlinePrefixes = new Map(inline.flatMap((e) => (e.factory?.meta.role ? [[e.factory.meta.role as string, e] as const] : [])));
  const coreSets: string[] = [];
  for (const assignment of options.sets ?? []) {
    const { path: keys, value } = parseSet(assignment);
    const target = inlinePrefixes.get(keys[0]);
    if (target && keys.length < 2) throw new Error(`createTestPipeline: --set ${assignment}: name the option after the prefix, e.g. ${keys[0]}.<option>=<value>`);
    if (target) target.options = deepMerge(target.options, keys.slice(1).reduceRight<Record<string, unknown>>((v, k) => ({ [k]: v }), value as never));
    else if (isRoleName(keys[0]) && overrides[keys[0]]) throw new Error(`createTestPipeline: --set ${assignment}: the ${keys[0]} role is overridden, and an override takes no options`);
    else coreSets.push(assignment);
  }

  const { config, plugins: resolved } = resolveConfig({
    preset: options.preset,
    sets: coreSets,
    seed: options.seed,
    budget: options.budget,
    plugins: byName,
    cwd: options.cwd,
  });

  const under: CoexPlugin[] = inline.map((e) => {
    if (!e.factory) return e.plugin!;
    assertCoreVersion(e.factory.meta, 'given to createTestPipeline');
    return e.factory(e.options, { prefix: prefixOf(e) });
  });
  for (const p of under) {
    if (p.role && overrides[p.role]) throw new Error(`createTestPipeline: the ${p.role} role is filled both by ${p.name} and by overrides.${p.role}; keep one`);
  }

  const filled = (role: RoleName) => !!overrides[role] || under.some((p) => p.role === role);
  if (options.fakeDefaults !== false) {
    for (const role of REQUIRED_ROLES) {
      if (!filled(role) && !resolved.some((p) => p.resolved.role === role)) (overrides as Record<string, unknown>)[role] = DEFAULT_FAKES[role]();
    }
  }
  if (!options.dir && !filled('store')) overrides.store = () => new MemoryStore();

  // Later entries win, as in a preset: same name overrides, same role replaces.
  const replaced = (p: LoadedPlugin) =>
    under.some((u) => u.name === p.resolved.name || (!!u.role && u.role === p.resolved.role)) ||
    (!!p.resolved.role && !!overrides[p.resolved.role]);
  const overridden = (Object.entries(overrides) as [RoleName, never][]).map(([role, value]) => overridePlugin(role, value));
  const plugins: LoadedPlugin[] = [...resolved.filter((p) => !replaced(p)), ...[...under, ...overridden].map(inlineLoaded)];

  const finalConfig: ResolvedConfig = {
    ...config,
    objectives: coreSets.some((s) => s.startsWith('objectives')) ? config.objectives : withHardwareObjectives(config.objectives, plugins),
    plugins: plugins.map((p) => p.resolved),
  };
  const inCwd = (folder: string) => path.resolve(options.cwd ?? process.cwd(), folder);
  const dir = options.dir ? inCwd(options.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'coex-test-'));
  const outDir = options.outDir ? inCwd(options.outDir) : undefined;
  const run = new Run({ dir, outDir, config: finalConfig, plugins, resume: options.resume, log: options.log });

  let executed = false;
  return {
    run,
    dir,
    config: finalConfig,
    plugins,
    hooks: run.hooks,
    async role(role) {
      await run.applyPlugins();
      return run.resolver.get(role);
    },
    async execute() {
      if (executed) throw new Error('createTestPipeline: a pipeline runs once; create another pipeline for another run');
      executed = true;
      const events: CoexEvent[] = [];
      const subscription = run.events$.subscribe((e) => events.push(e));
      try {
        const summary = await run.execute();
        const trials = events.flatMap((e) => (e.type === 'trial-end' ? [e.trial] : [])).sort((a, b) => a.seq - b.seq);
        return { summary, trials, events };
      } finally {
        subscription.unsubscribe();
        if (!options.dir && fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      }
    },
  };
}

/**
 * Core adds throughput and energy efficiency to the default objectives when a hardware plugin is
 * listed; a hardware override or plugin added here gets the same defaults.
 */
function withHardwareObjectives(objectives: Objective[], plugins: LoadedPlugin[]): Objective[] {
  const accuracyOnly = objectives.length === 1 && objectives[0].metric === 'accuracy' && objectives[0].goal === 'max';
  if (!accuracyOnly || !plugins.some((p) => p.resolved.role === 'hardware')) return objectives;
  return [...objectives, { metric: 'throughput', goal: 'max' }, { metric: 'energyEfficiency', goal: 'max' }];
}
