// Dependency injection, used as inversify is designed: a token plus an interface per role
// (`ROLE` and `RoleTypes` in roles.ts), ContainerModules that bind them, and one container per
// unit of work. The process-wide `rootContainer` holds what every run shares: core's module with
// the default role factories. Each plugin host (one per run, so one per arm-seed run of a study)
// makes a child of it, loads core's defaults and one ContainerModule per plugin (its `provide`
// calls) into that child, so no run sees another's instances. No decorators, so no reflect-metadata.
import { Container, ContainerModule, type ServiceIdentifier } from 'inversify';
import { AccuracyReward, InProcessExecutor, MemoryStore } from './defaults';
import type { RoleResolver } from './plugin';
import type { RoleName, RoleTypes } from './roles';
import { NeverStop } from './scheduling';

/** How a role is made: asynchronously, the first time it is needed, with access to the other roles. */
export type RoleFactory<R extends RoleName> = (roles: RoleResolver) => RoleTypes[R] | Promise<RoleTypes[R]>;

/** What fills a role that no plugin of the run fills. */
export type DefaultRoles = { readonly [R in RoleName]?: RoleFactory<R> };

/** Token of core's default role factories (bound in `rootContainer`; an embedder may rebind it). */
export const DEFAULT_ROLES: ServiceIdentifier<DefaultRoles> = Symbol.for('coex.defaultRoles');

/** Core's module: in-process training, accuracy as the reward, an in-memory store, a scheduler that never stops. */
export const coreModule = new ContainerModule(({ bind }) => {
  bind(DEFAULT_ROLES).toConstantValue({
    executor: async (roles) => new InProcessExecutor(await roles.get('trainer')),
    reward: () => new AccuracyReward(),
    store: () => new MemoryStore(),
    scheduler: () => new NeverStop(),
  } satisfies DefaultRoles);
});

/** The process-wide container; every plugin host gets a fresh child of it. */
export const rootContainer = new Container();
rootContainer.load(coreModule);
