// Presets: named, ordered plugin lists with option values, which may extend another preset.
// Later entries win: an entry naming a plugin already in the list overrides its options, an entry
// filling a role already filled replaces that plugin, and `false`/"!name" entries switch one off.
import type { HardwareSpec, Objective } from './types';
import { UserError } from './errors';

/** How a plugin is listed: a name, [name, options], or an object (enabled: false switches it off). */
export type PluginEntry =
  | string
  | [string, Record<string, unknown>?]
  | { name: string; options?: Record<string, unknown>; enabled?: boolean };

/** The settings a preset or a config file may carry besides the plugin list. */
export interface ConfigValues {
  seed?: number;
  budget?: { candidates?: number; trained?: number; timeLimit?: number | string };
  /** Hardware spec limits; `null` removes a limit that a base preset set. */
  spec?: { [K in keyof HardwareSpec]?: number | null };
  objectives?: Objective[];
  /** Options by role prefix: controller, space, hardware, dataset, trainer, executor, reward, store. */
  [role: string]: unknown;
}

export interface PresetDefinition {
  name: string;
  description?: string;
  extends?: string;
  plugins: (PluginEntry | false | null | undefined)[];
  config?: ConfigValues;
}

export function definePreset(preset: PresetDefinition): PresetDefinition {
  return preset;
}

export interface NormalizedEntry {
  name: string;
  options: Record<string, unknown>;
  enabled: boolean;
}

export function normalizeEntry(entry: PluginEntry, where: string): NormalizedEntry {
  if (typeof entry === 'string') {
    return entry.startsWith('!') ? { name: entry.slice(1), options: {}, enabled: false } : { name: entry, options: {}, enabled: true };
  }
  if (Array.isArray(entry) && typeof entry[0] === 'string') return { name: entry[0], options: { ...(entry[1] ?? {}) }, enabled: true };
  if (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string') {
    const e = entry as { name: string; options?: Record<string, unknown>; enabled?: boolean };
    return { name: e.name, options: { ...(e.options ?? {}) }, enabled: e.enabled !== false };
  }
  throw new UserError(`${where}: a plugin entry is a name, [name, options] or {name, options, enabled}; got ${JSON.stringify(entry)}`, 'COEX_BAD_PRESET');
}
