// @coex/core/host: what applications built on the engine use (the coex CLI, @coex/study,
// @coex/report, @coex/dashboard, @coex/testing): loading configurations and resolving names,
// running and resuming searches, reading run and study folders, keeping output paths safe.
// Plugins import from '@coex/core' only.
export * from './config';
export * from './resolve';
export * from './defaults';
export * from './run';
export * from './experiment';
export * from './study-reader';
export * from './results';
export * from './describe';
export { LOCK_FILE, acquireLock } from './lock';
export { checkOutDir, checkOutFile, makeOutDir } from './out-path';
export { writeFileAtomic } from './atomic-write';
export { MAX_SEED, checkSeed, parseSeed } from './seed';
export { assertNotOwnedFile, ownedFiles, storeFileOf } from './run-files';
export { STORE_PACKAGE, openStoreReadOnly } from './store-reader';
export * from './optuna';
export * from './plugin-host';
export * from './di';
