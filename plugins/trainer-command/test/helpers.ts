// Shared by this package's specs: a scratch folder, scripts the tests write (Node, so that no
// Python is needed), and the trainer made through the plugin as a run would make it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Dataset, type PluginContext, type RoleResolver, type Trainer } from '@coex/core';
import { chainCnn } from '@coex/kit-chain-cnn';
import plugin from '../src/index';

export const ARCH = chainCnn([[3, 24, 1], [5, 36, 2]], { height: 8, width: 8, channels: 1 }, 4);

export class Scratch {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-trainer-command-'));

  /** Writes a Node script and returns its path. */
  script(name: string, body: string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, body);
    return file;
  }

  folder(name: string): string {
    const dir = path.join(this.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Applies the plugin with `options` (as a run in `runDir` would) and creates its trainer. */
export async function trainerFor(options: Record<string, unknown>, runDir: string, dataset?: Dataset): Promise<Trainer> {
  let factory: ((roles: RoleResolver) => Promise<Trainer>) | undefined;
  const ctx = {
    dir: runDir,
    outDir: runDir,
    seed: 7,
    config: { plugins: dataset ? [{ name: 'coex-plugin-test-data', version: '0.1.0', module: 'x', role: 'dataset', options: { size: 'tiny' } }] : [] },
    provide: (_role: string, f: typeof factory) => (factory = f),
    log: () => undefined,
  } as unknown as PluginContext;
  await plugin(options).apply(ctx);
  const roles: RoleResolver = {
    has: (role) => role === 'dataset' && !!dataset,
    get: async (role) => {
      if (role !== 'dataset' || !dataset) throw new Error(`no ${role} in this test`);
      return dataset as never;
    },
  };
  return factory!(roles);
}

/** Is the process alive (a zombie waiting for its parent counts as dead)? Linux /proc. */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function until(condition: () => boolean, what: string, seconds = 10): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
