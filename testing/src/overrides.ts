// Role overrides: a fake (or any object implementing a role's interface, or a factory of one) is
// bound through an inline plugin made with definePlugin, exactly as a real plugin fills a role.
import {
  definePlugin,
  type CoexPlugin,
  type LoadedPlugin,
  type PluginContext,
  type RoleName,
  type RoleResolver,
  type RoleTypes,
} from '@coex/core';

/** Builds a role's implementation when the run first needs it; `roles` reaches the other roles. */
export type RoleFactory<R extends RoleName> = (roles: RoleResolver, context: PluginContext) => RoleTypes[R] | Promise<RoleTypes[R]>;

/** Role -> an object implementing the role's interface, or a factory of one. */
export type RoleOverrides = { [R in RoleName]?: RoleTypes[R] | RoleFactory<R> };

/** Name of the inline plugin that fills an overridden role (it shows in `run.roleProviders()`). */
export const overrideName = (role: RoleName): string => `@coex/testing:${role}`;

/** An inline plugin that fills `role` with `value`. */
export function overridePlugin<R extends RoleName>(role: R, value: RoleTypes[R] | RoleFactory<R>): CoexPlugin {
  const name = overrideName(role);
  return definePlugin({
    name,
    version: '0.0.0',
    role,
    apply(ctx) {
      ctx.provide(role, (roles) => (typeof value === 'function' ? (value as RoleFactory<R>)(roles, ctx) : value));
    },
  })();
}

/** A plugin object as the run loads it, recorded as `inline` (it cannot be loaded again by name). */
export function inlineLoaded(plugin: CoexPlugin): LoadedPlugin {
  return {
    plugin,
    resolved: { name: plugin.name, version: plugin.version, module: 'inline', ...(plugin.role ? { role: plugin.role } : {}), options: plugin.options },
  };
}
