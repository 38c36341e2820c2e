// The plugin host (webpack's Compiler, where a run is its Compilation): applies a configuration's
// plugins, keeps the role registry in its own child container, gives each plugin its context, and
// closes what was created. It knows nothing of budgets, batches or stages: `Run` (run.ts) is the
// search loop over a host, and `loadRole` gives one role of a configuration outside any run
// (`coex train`, `coex hw`, training workers, benches).
import { Container, ContainerModule, type Bind } from 'inversify';
import { DEFAULT_ROLES, rootContainer, type RoleFactory } from './di';
import { PluginError, UserError } from './errors';
import { createHooks, instrumentHooks, type CoexHooks, type PluginTimings } from './hooks';
import type { LoadedPlugin } from './config';
import type { PluginContext, RoleResolver } from './plugin';
import { Rng, deriveSeed } from './random';
import { ROLE, type RoleName, type RoleTypes } from './roles';
import type { ResolvedConfig } from './config-settings';

/** Who fills a role that no plugin of the run fills. */
export const DEFAULT_PROVIDER = 'coex (default)';

export interface HostOptions {
  dir: string;
  config: ResolvedConfig;
  plugins: LoadedPlugin[];
  runId?: string;
  /** This run's folder for plugins' files (`PluginContext.outDir`); default `dir`. */
  outDir?: string;
  /** Only the store is needed (show/export/report): nothing heavy is created. */
  readOnly?: boolean;
  log?: (message: string) => void;
}

/** Roles every run needs (the others have core defaults, or are optional like hardware). */
export const REQUIRED_ROLES = ['controller', 'space', 'trainer'] as const satisfies readonly RoleName[];

export class PluginHost {
  readonly runId: string;
  readonly hooks: CoexHooks = createHooks();
  /** This host's child of `rootContainer`: the roles of this configuration, and nothing else. */
  readonly container: Container;
  readonly pluginTimings: PluginTimings = {};
  private readonly providers = new Map<RoleName, string>();
  private readonly created = new Set<RoleName>();
  private applied = false;

  constructor(readonly options: HostOptions) {
    this.runId = options.runId ?? 'main';
    this.container = new Container({ parent: rootContainer });
    instrumentHooks(this.hooks, this.pluginTimings);
  }

  get config(): ResolvedConfig {
    return this.options.config;
  }

  /** Applies every plugin (binding roles, tapping hooks), then fills unfilled roles with core's defaults. */
  async applyPlugins(): Promise<void> {
    if (this.applied) return;
    this.applied = true;
    for (const { plugin } of this.options.plugins) {
      // A plugin's role bindings form its own ContainerModule, loaded once its apply() returned.
      const bindings: ((bind: Bind) => void)[] = [];
      try {
        await plugin.apply(this.contextFor(plugin.name, plugin.role, bindings));
      } catch (error) {
        throw error instanceof PluginError ? error : new PluginError(plugin.name, 'apply', undefined, error);
      }
      this.container.load(new ContainerModule(({ bind }) => bindings.forEach((b) => b(bind))));
    }
    const defaults = this.container.get(DEFAULT_ROLES);
    const unfilled = (Object.keys(defaults) as RoleName[]).filter((role) => !this.providers.has(role));
    this.container.load(new ContainerModule(({ bind }) => {
      for (const role of unfilled) this.binding(role, DEFAULT_PROVIDER, defaults[role] as RoleFactory<typeof role>)(bind);
    }));
  }

  /** Records who fills `role` and returns the binding (a singleton made by `factory` on first use). */
  private binding<R extends RoleName>(role: R, plugin: string, factory: RoleFactory<R>): (bind: Bind) => void {
    this.providers.set(role, plugin);
    return (bind) =>
      bind<RoleTypes[R]>(ROLE[role])
        .toDynamicValue(async () => {
          try {
            return await factory(this.resolver);
          } catch (error) {
            throw tagged(error, plugin, `${role}.create`, undefined);
          }
        })
        .inSingletonScope();
  }

  readonly resolver: RoleResolver = {
    get: <R extends RoleName>(role: R) => {
      if (!this.providers.has(role)) return Promise.reject(unfilledRole(role));
      return this.container.getAsync<RoleTypes[R]>(ROLE[role]);
    },
    has: (role) => this.providers.has(role),
  };

  /** A role, recorded as created (so `close()` closes it). */
  async role<R extends RoleName>(role: R): Promise<RoleTypes[R]> {
    const value = await this.resolver.get(role);
    this.created.add(role);
    return value;
  }

  /** True when a plugin (not a core default) fills the role. */
  filledByPlugin(role: RoleName): boolean {
    return (this.providers.get(role) ?? DEFAULT_PROVIDER) !== DEFAULT_PROVIDER;
  }

  /** Which plugin fills each role. */
  roleProviders(): Partial<Record<RoleName, string>> {
    return Object.fromEntries(this.providers);
  }

  /** Calls a role's method so that a plugin's errors name the plugin, the method and the trial. */
  async callRole<T>(role: RoleName, method: string, seq: number | undefined, fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw tagged(error, this.providers.get(role) ?? DEFAULT_PROVIDER, `${role}.${method}`, seq);
    }
  }

  /**
   * Fails fast, before the run folder is made and anything is sampled: every required role is
   * filled, and each role that has a preflight `check()` (space, hardware, dataset, trainer) passes
   * it. Creates those roles (they are reused by the run); the trainer and dataset are left to the
   * workers when the executor trains on other machines.
   */
  async preflight(): Promise<void> {
    await this.applyPlugins();
    for (const role of REQUIRED_ROLES) if (!this.providers.has(role)) throw unfilledRole(role);
    const remote = this.options.plugins.some((p) => p.plugin.role === 'executor' && p.plugin.remoteTraining);
    const checked: RoleName[] = remote ? ['space', 'hardware'] : ['space', 'hardware', 'dataset', 'trainer'];
    for (const role of checked) {
      if (!this.providers.has(role)) continue;
      const instance = (await this.role(role)) as { check?: () => void | Promise<void> };
      if (instance.check) await this.callRole(role, 'check', undefined, () => instance.check!());
    }
  }

  /** Closes the roles that were created (the store always: the run record is written through it). */
  async close(): Promise<void> {
    for (const role of ['controller', 'executor', 'trainer', 'store'] as const) {
      if (!this.providers.has(role)) continue;
      // Close only what was created: an executor nobody needed is not started just to close it.
      if (role !== 'store' && !this.created.has(role)) continue;
      const instance = await this.resolver.get(role).catch(() => undefined);
      await (instance as { close?: () => Promise<void> } | undefined)?.close?.();
    }
  }

  private contextFor(pluginName: string, declaredRole: RoleName | undefined, bindings: ((bind: Bind) => void)[]): PluginContext {
    const { config, dir } = this.options;
    return {
      hooks: this.hooks,
      runId: this.runId,
      dir,
      outDir: this.options.outDir ?? dir,
      seed: config.seed,
      spec: config.spec,
      config,
      readOnly: !!this.options.readOnly,
      roles: this.resolver,
      rng: (label) => new Rng(deriveSeed(config.seed, pluginName, label)),
      provide: (role, factory) => {
        if (role !== declaredRole) {
          throw new Error(`it declared role ${declaredRole ?? '(none)'} but tried to fill the ${role} role`);
        }
        const other = this.providers.get(role);
        if (other) throw new Error(`the ${role} role is already filled by ${other}`);
        bindings.push(this.binding(role, pluginName, factory));
      },
      log: (message) => this.options.log?.(`[${pluginName}] ${message}`),
    };
  }
}

/**
 * One role of a configuration, outside any run: the plugins are applied and the role is made, as a
 * run would make it. The caller closes it if it has a `close()` (a trainer's processes).
 */
export async function loadRole<R extends RoleName>(role: R, options: HostOptions): Promise<RoleTypes[R]> {
  const host = new PluginHost(options);
  await host.applyPlugins();
  return host.resolver.get(role);
}

/** A plugin's error tagged with where it happened; errors of core's own defaults pass unchanged. */
function tagged(error: unknown, plugin: string, method: string, seq: number | undefined): unknown {
  if (error instanceof PluginError || plugin === DEFAULT_PROVIDER) return error;
  return new PluginError(plugin, method, seq, error, 'role');
}

const ROLE_EXAMPLES: Partial<Record<RoleName, string>> = {
  controller: 'controller-rl, controller-evolution or controller-random',
  space: 'space-chain-cnn or space-nasbench201',
  trainer: 'trainer-tfjs, trainer-tabular or trainer-command',
  dataset: 'dataset-fashion-mnist, dataset-mnist, dataset-cifar10 or dataset-synthetic',
  hardware: 'hw-fpga-pipeline, hw-systolic-array or hw-tabular',
};

/** The user error for a role no plugin fills, with a stable code (`COEX_NO_SPACE`, ...). */
export function unfilledRole(role: RoleName): UserError {
  const examples = ROLE_EXAMPLES[role];
  return new UserError(
    `no plugin of this run fills the ${role} role; add one to the preset or the config's plugins${examples ? ` (e.g. ${examples})` : ''}, see \`coex list plugins\``,
    `COEX_NO_${role.toUpperCase()}`,
  );
}
