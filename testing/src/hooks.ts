// Hook-level tests: apply one plugin to a fresh hooks object (with core's interceptors, so errors
// are PluginErrors naming plugin, hook and trial, as in a real run) and call one hook. Nothing
// else taps the hooks: core's own spec check on `prune` is not there, and no role is created.
import {
  CORE_VERSION,
  Rng,
  createHooks,
  deriveSeed,
  instrumentHooks,
  isPluginFactory,
  type Architecture,
  type Candidate,
  type CoexHooks,
  type CoexPlugin,
  type HardwareSpec,
  type HookName,
  type PluginContext,
  type PluginFactory,
  type PluginTimings,
  type Proposal,
  type ResolvedConfig,
  type RoleName,
  type TrialContext,
} from '@coex/core';

export type PluginUnderTest = CoexPlugin | PluginFactory;

/** The arguments a hook is called with (its tapable signature). */
export type HookArgs<H extends HookName> = Parameters<CoexHooks[H]['promise']>;
/** What calling the hook yields: the waterfall's value, the bail's answer, or nothing. */
export type HookResult<H extends HookName> = Awaited<ReturnType<CoexHooks[H]['promise']>>;
/** The hook's arguments, where a trailing TrialContext may be left out (a default one is used). */
export type HookCallArgs<H extends HookName> = HookArgs<H> extends [...infer Head, TrialContext] ? HookArgs<H> | Head : HookArgs<H>;

/** Hooks whose last argument is the trial's context, with their argument count. */
const TRIAL_CONTEXT_ARITY: Partial<Record<HookName, number>> = {
  trialStart: 1,
  sample: 2,
  fastEvaluate: 3,
  prune: 3,
  train: 2,
  reward: 3,
  trialEnd: 2,
};

export interface HookHarnessOptions {
  /** The run seed the plugin sees (`ctx.seed`, `ctx.rng`); default 1. */
  seed?: number;
  /** The hardware spec the plugin sees (`ctx.spec`); default none. */
  spec?: HardwareSpec;
  /** Options for a plugin given as a factory (validated by its schema). */
  options?: Record<string, unknown>;
  /** `ctx.dir`; default a path that does not exist. */
  dir?: string;
}

export interface HookHarness {
  readonly hooks: CoexHooks;
  /** Per tap name, per hook: calls and milliseconds (as `run.pluginTimings`). */
  readonly timings: PluginTimings;
  /** Roles the plugin filled with `ctx.provide` (their factories are not run). */
  readonly provided: RoleName[];
  /** Lines the plugin logged with `ctx.log`. */
  readonly logs: string[];
  /** The context a stage hook gets for trial `seq` (the seed is the one core derives). */
  context(seq?: number, batch?: number): TrialContext;
  /** Calls `hook` as the run does; a missing trailing TrialContext is filled with `context(0)`. */
  call<H extends HookName>(hook: H, ...args: HookCallArgs<H>): Promise<HookResult<H>>;
}

/** A candidate for hook arguments: the architecture with tokens (default none). */
export function testCandidate(architecture: Architecture, tokens: Proposal = { arch: [], hw: [] }): Candidate {
  return { tokens, architecture };
}

export async function hookHarness(plugin: PluginUnderTest, options: HookHarnessOptions = {}): Promise<HookHarness> {
  const instance = isPluginFactory(plugin) ? plugin(options.options ?? {}) : plugin;
  const seed = options.seed ?? 1;
  const spec = options.spec ?? {};
  const hooks = createHooks();
  const timings: PluginTimings = {};
  instrumentHooks(hooks, timings);
  const provided: RoleName[] = [];
  const logs: string[] = [];
  const config: ResolvedConfig = {
    coexVersion: CORE_VERSION,
    seed,
    budget: { candidates: 1 },
    spec,
    objectives: [{ metric: 'accuracy', goal: 'max' }],
    plugins: [{ name: instance.name, version: instance.version, module: 'inline', ...(instance.role ? { role: instance.role } : {}), options: instance.options }],
  };
  const ctx: PluginContext = {
    hooks,
    runId: 'test',
    dir: options.dir ?? '/nonexistent/coex-hook-harness',
    outDir: options.dir ?? '/nonexistent/coex-hook-harness',
    seed,
    spec,
    config,
    readOnly: false,
    // No role exists here: a tap that needs one is tested through createTestPipeline.
    roles: {
      get: (role) => Promise.reject(new Error(`the hook harness creates no roles (asked for ${role}); test this through createTestPipeline`)),
      has: () => false,
    },
    rng: (label) => new Rng(deriveSeed(seed, instance.name, label)),
    provide: (role) => {
      if (role !== instance.role) throw new Error(`plugin ${instance.name} declared role ${instance.role ?? '(none)'} but tried to fill the ${role} role`);
      provided.push(role);
    },
    log: (message) => logs.push(message),
  };
  await instance.apply(ctx);
  const context = (seq = 0, batch = 0): TrialContext => ({ runId: 'test', seq, batch, seed: deriveSeed(seed, 'trial', seq) });
  return {
    hooks,
    timings,
    provided,
    logs,
    context,
    async call(hook, ...args) {
      const full: unknown[] = [...args];
      if (full.length === (TRIAL_CONTEXT_ARITY[hook] ?? 0) - 1) full.push(context(0));
      const target = hooks[hook] as unknown as { call?: (...a: unknown[]) => unknown; promise: (...a: unknown[]) => Promise<unknown> };
      // Sync hooks (trialStart) are called, async ones awaited, as the run does.
      const result = typeof target.call === 'function' ? target.call(...full) : await target.promise(...full);
      return result as never;
    },
  };
}

/** Applies `plugin` to fresh hooks and calls `hook` with `args`: `await runHook(myPlugin, 'prune', candidate, evaluation)`. */
export async function runHook<H extends HookName>(plugin: PluginUnderTest, hook: H, ...args: HookCallArgs<H>): Promise<HookResult<H>> {
  const harness = await hookHarness(plugin);
  return harness.call(hook, ...args);
}
