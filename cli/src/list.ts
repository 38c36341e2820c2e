// `coex list plugins|presets`: what is installed (first- and third-party), found by naming
// convention or the `coex-plugin` / `coex-preset` keyword.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { loadPluginModule, loadPreset, discoverPackages, quickPresetOf } from '@coex/core/host';
import { messageOf } from '@coex/core';
import { printJson, table } from './output';

export interface PluginListing {
  /** What a preset or config lists (the short name). */
  name: string;
  package: string;
  version: string;
  role?: string;
  description?: string;
  /** The @coex/core range the plugin declares. */
  coex?: string;
  /** JSON schema of each option (input side: defaults are optional). */
  options?: Record<string, unknown>;
  /** Why the plugin cannot be loaded (e.g. built for another core). */
  error?: string;
}

export function listPlugins(cwd: string): PluginListing[] {
  return discoverPackages(cwd)
    .filter((p) => p.kind === 'plugin')
    .map((p) => {
      try {
        const { factory } = loadPluginModule(p.name, cwd, 'coex list');
        const schema = z.toJSONSchema(factory.meta.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
        return { name: p.shortName, package: p.name, version: factory.meta.version, role: factory.meta.role,
          description: factory.meta.description ?? p.description, coex: factory.meta.coex, options: schema.properties ?? {} };
      } catch (error) {
        return { name: p.shortName, package: p.name, version: p.version, description: p.description, error: messageOf(error) };
      }
    });
}

export interface PresetListing {
  name: string;
  package: string;
  version: string;
  description?: string;
  /** The presets it extends, base first. */
  extends?: string[];
  error?: string;
}

export function listPresets(cwd: string): PresetListing[] {
  const presets = discoverPackages(cwd).filter((p) => p.kind === 'preset');
  const installed = new Set(presets.map((p) => p.shortName));
  return presets.flatMap((p): PresetListing[] => {
    try {
      const preset = loadPreset(p.shortName, cwd);
      const listing = { name: p.shortName, package: p.name, version: p.version, description: p.description, extends: preset.names.slice(0, -1) };
      // Its `-quick` variant (the quick overlay it declares or inherits), shipped in the same package.
      const quick = installed.has(`${p.shortName}-quick`) ? undefined : quickPresetOf(`${p.shortName}-quick`, cwd);
      return quick ? [listing, { ...listing, name: quick.name, description: quick.description, extends: preset.names }] : [listing];
    } catch (error) {
      return [{ name: p.shortName, package: p.name, version: p.version, description: p.description, error: messageOf(error) }];
    }
  });
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('installed plugins or presets')
    .argument('<what>', 'plugins or presets', (v: string) => {
      if (v !== 'plugins' && v !== 'presets') throw new InvalidArgumentError(`expected "plugins" or "presets", got "${v}"`);
      return v;
    })
    .option('--json', 'JSON list; each name is what --preset or a plugin list accepts')
    .action((what: string, opts) => {
      const cwd = process.cwd();
      const items = what === 'plugins' ? listPlugins(cwd) : listPresets(cwd);
      if (opts.json) return printJson(items);
      if (items.length === 0) return void process.stdout.write(`no ${what} installed\n`);
      const about = (i: { description?: string; error?: string }) => (i.error ? `ERROR: ${i.error}` : i.description ?? '');
      if (what === 'plugins') {
        // The role is the --set prefix of the plugin's options ("-": hook-only, options go in its plugin entry).
        const rows = (items as PluginListing[]).map((i) => [i.name, i.error ? '?' : i.role ?? '-', i.version, i.package, about(i)]);
        process.stdout.write(table([['plugin', 'role', 'version', 'package', 'description'], ...rows]) + '\n');
        process.stdout.write('(options and their defaults: coex list plugins --json)\n');
      } else {
        const rows = items.map((i) => [i.name, i.version, i.package, about(i)]);
        process.stdout.write(table([['preset', 'version', 'package', 'description'], ...rows]) + '\n');
      }
    });
}
