// Fakes as plugins, for whole `coex` runs (a child process, a worker) where a role object cannot be
// passed in: a preset or config names them by module path, as any local plugin. Role fakes
// (fake-trainer, fake-hardware) and fault doubles (faulty-hooks, disk-full-store, slow-fast-level).
import * as path from 'node:path';

export const FAKE_PLUGINS = ['fake-trainer', 'fake-hardware', 'faulty-hooks', 'slow-fast-level', 'disk-full-store'] as const;
export type FakePluginName = (typeof FAKE_PLUGINS)[number];

/**
 * Absolute module path of a fake plugin, for a plugin list: the .ts source under ts-node (the
 * coex-source condition), the .js beside this file from dist/. disk-full-store needs
 * @coex/plugin-store-sqlite installed (an optional peer of this package).
 */
export function fakePluginPath(name: FakePluginName): string {
  return path.join(__dirname, 'plugins', `${name}${path.extname(__filename)}`);
}
