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
export * from './dataset-utils';
export * from './events';
export * from './preset';
export * from './config';
export * from './resolve';
export * from './defaults';
export * from './run';
export * from './experiment';
export * from './study';
export * from './results';
export { acquireLock } from './lock';
export * from './training-roles';
export * from './csv';
