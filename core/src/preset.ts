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
  /**
   * What `<name>-quick` changes: `coex run --preset <name>-quick` (when no preset of that name is
   * installed) is this preset plus the overlay. Inherited by presets that extend this one, so a
   * family declares it once; a preset's own overlay extends the inherited one (config.ts `extendOverlay`),
   * `false` removes it.
   */
  quick?: PresetOverlay | false;
}

/** Plugin entries and settings applied on top of a preset (its `-quick` variant). */
export interface PresetOverlay {
  /** What it changes, shown by `coex list presets` after "Quick variant of <name>: ". */
  description: string;
  plugins: PluginEntry[];
  config?: ConfigValues;
}

export const QUICK_SUFFIX = '-quick';

/** The preset `name` (`<base>-quick`): `base` plus the quick overlay it declares or inherits. */
export function quickVariant(name: string, base: PresetDefinition, overlay: PresetOverlay): PresetDefinition {
  return {
    name,
    description: `Quick variant of ${base.name}: ${overlay.description}`,
    extends: name.slice(0, -QUICK_SUFFIX.length),
    plugins: overlay.plugins,
    config: overlay.config,
  };
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
