// @coex/core public API. Plugins import from here only.
import 'reflect-metadata';

export * from './types';
export * from './roles';
export * from './errors';
export * from './hooks';
export * from './plugin';
export * from './random';
export * from './pareto';
export * from './spec';
export * from './chain-cnn';
export * from './conv-layers';
export { closest } from './suggest';
export { CORE_VERSION, STORE_SCHEMA_VERSION } from './version';
export { z } from 'zod';
