// @coex/core public API: what plugin and preset authors use. Applications on top of the engine
// (the CLI, studies, reports, the dashboard, test harnesses) also import '@coex/core/host'.

export * from './types';
export * from './roles';
export * from './errors';
export * from './hooks';
export * from './plugin';
export * from './random';
export * from './pareto';
export * from './spec';
export { closest } from './suggest';
export { CORE_VERSION, STORE_SCHEMA_VERSION } from './version';
export { z } from 'zod';
export * from './events';
export * from './preset';
export type { FolderTrust, LoadedPlugin, ResolvedConfig, ResolvedPlugin, RunRequest } from './config';
export * from './secrets';
export * from './training-roles';
export * from './finalize';
export * from './scheduling';
