// Composition: turning what the user typed (preset, config file, --set, --use, flags) into the
// fully resolved configuration saved with every run. Presets (and the presets they extend) and
// plugin entries are composed into one plugin list, each plugin's options are validated by its
// factory, and core's settings by their schemas (config-settings.ts). Reading files is
// config-file.ts, the command line's overrides config-overrides.ts.
import * as path from 'node:path';
import { readConfigFile } from './config-file';
import { deepMerge, isObject, parseSet, parseUse, setPath } from './config-overrides';
import { TOP_LEVEL_KEYS, checkTopLevel, resolveSettings, type ResolvedConfig, type ResolvedPlugin } from './config-settings';
import { UserError, messageOf } from './errors';
import { assertCoreVersion, isPluginFactory, type CoexPlugin, type PluginFactory } from './plugin';
import { QUICK_SUFFIX, normalizeEntry, quickVariant, type ConfigValues, type NormalizedEntry, type PluginEntry, type PresetDefinition, type PresetOverlay } from './preset';
import { candidateNames, resolveModule, type ResolvedModule } from './resolve';
import { ROLE_NAMES, type RoleName } from './roles';
import { closest } from './suggest';
import { CORE_VERSION } from './version';

export { readConfigFile } from './config-file';
export { deepMerge, parseSet, parseUse } from './config-overrides';
export { parseDuration, type ResolvedConfig, type ResolvedPlugin } from './config-settings';

export interface LoadedPlugin {
  resolved: ResolvedPlugin;
  plugin: CoexPlugin;
}

export interface RunRequest {
  preset?: string;
  configFile?: string;
  /** `path=value` strings; paths start with a role prefix, `spec`, `budget` or `seed`. */
  sets?: string[];
  budget?: number;
  trainedBudget?: number;
  timeLimit?: string;
  trainSeconds?: string;
  imagesBudget?: number;
  seed?: number;
  /** Extra plugin entries appended after the preset's (e.g. a test's). */
  plugins?: PluginEntry[];
  /** `--use <plugin>[=<json options>]`, applied last: each replaces the plugin filling its role. */
  use?: string[];
  cwd?: string;
}

interface LoadedPreset {
  names: string[];
  entries: { entry: NormalizedEntry; baseDir: string; where: string }[];
  values: ConfigValues;
}

function loadPresetModule(name: string, baseDir: string): { preset: PresetDefinition; dir: string } {
  let mod: ResolvedModule;
  try {
    mod = resolveModule(name, 'preset', baseDir);
  } catch (error) {
    const quick = quickPresetOf(name, baseDir);
    if (quick) return { preset: quick, dir: baseDir };
    throw error;
  }
  let value: unknown;
  if (/\.(json|ya?ml)$/i.test(mod.file)) value = readConfigFile(mod.file);
  else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(mod.file);
      value = loaded?.default ?? loaded;
    } catch (error) {
      throw new UserError(`preset "${name}" (${mod.file}) failed to load: ${messageOf(error)}`, 'COEX_BAD_CONFIG');
    }
  }
  const preset = value as PresetDefinition;
  if (!preset || typeof preset !== 'object' || typeof preset.name !== 'string' || !Array.isArray(preset.plugins)) {
    throw new UserError(`preset "${name}" (${mod.file}) must export { name, plugins: [...], extends?, config? }`, 'COEX_BAD_CONFIG');
  }
  return { preset, dir: path.dirname(mod.file) };
}

/**
 * A preset's own quick overlay on top of the one it inherits, as a preset's plugins on top of its
 * base's: an entry naming a plugin the inherited overlay lists merges its options into that entry
 * (in place), `!name` drops that entry (and switches the plugin off, as anywhere), other entries
 * are appended; settings merge, the own description is shown. So `quick.plugins` lists only what
 * differs from the family's overlay. `samePlugin` tells whether two listed names are one plugin.
 */
function extendOverlay(inherited: PresetOverlay, own: PresetOverlay, samePlugin: (a: string, b: string) => boolean): PresetOverlay {
  const plugins = [...inherited.plugins];
  for (const entry of own.plugins) {
    const next = normalizeEntry(entry, `quick overlay "${own.description}"`);
    const at = plugins.findIndex((p) => samePlugin(normalizeEntry(p, 'quick overlay').name, next.name));
    const previous = at >= 0 ? normalizeEntry(plugins[at], 'quick overlay') : undefined;
    if (!previous) plugins.push(entry);
    else plugins[at] = next.enabled && previous.enabled ? [previous.name, deepMerge(previous.options, next.options)] : entry;
  }
  return { description: own.description, plugins, config: deepMerge(inherited.config ?? {}, own.config ?? {}) };
}

/**
 * `<base>-quick`, which no installed preset is named: the base preset with the quick overlays of
 * its `extends` chain, each extending its base's (undefined when the base is not installed or the
 * chain declares none; `quick: false` cuts what is above it).
 */
export function quickPresetOf(name: string, baseDir: string): PresetDefinition | undefined {
  if (!name.endsWith(QUICK_SUFFIX) || name.startsWith('.') || path.isAbsolute(name)) return undefined;
  const baseName = name.slice(0, -QUICK_SUFFIX.length);
  try {
    resolveModule(baseName, 'preset', baseDir);
  } catch {
    return undefined;
  }
  const base = loadPresetModule(baseName, baseDir);
  const overlays: PresetOverlay[] = [];
  for (let p = base, seen = [name]; p.preset.quick !== false; ) {
    if (p.preset.quick) overlays.unshift(p.preset.quick);
    if (!p.preset.extends || seen.includes(p.preset.extends)) break;
    seen = [...seen, p.preset.extends];
    p = loadPresetModule(p.preset.extends, p.dir);
  }
  if (overlays.length === 0) return undefined;
  const fileOf = (plugin: string) => {
    try {
      return resolveModule(plugin, 'plugin', baseDir).file;
    } catch {
      return plugin;
    }
  };
  const samePlugin = (a: string, b: string) => a === b || fileOf(a) === fileOf(b);
  return quickVariant(name, base.preset, overlays.reduce((inherited, own) => extendOverlay(inherited, own, samePlugin)));
}

/** Loads a preset and the chain of presets it extends (base first). */
export function loadPreset(name: string, baseDir: string, seen: string[] = []): LoadedPreset {
  if (seen.includes(name)) throw new UserError(`preset "${name}" extends itself (chain: ${[...seen, name].join(' -> ')})`, 'COEX_BAD_CONFIG');
  const { preset, dir } = loadPresetModule(name, baseDir);
  const base: LoadedPreset = preset.extends
    ? loadPreset(preset.extends, dir, [...seen, name])
    : { names: [], entries: [], values: {} };
  if (preset.config) checkTopLevel(preset.config as Record<string, unknown>, `preset ${preset.name} config`);
  return {
    names: [...base.names, preset.name],
    entries: [
      ...base.entries,
      ...preset.plugins
        .filter((e): e is PluginEntry => !!e)
        .map((e) => ({ entry: normalizeEntry(e, `preset ${preset.name}`), baseDir: dir, where: `preset ${preset.name}` })),
    ],
    values: deepMerge(base.values, (preset.config ?? {}) as Record<string, unknown>),
  };
}

interface PluginModule {
  factory: PluginFactory;
  module: ResolvedModule;
}

export function loadPluginModule(name: string, baseDir: string, where: string): PluginModule {
  const module = resolveModule(name, 'plugin', baseDir);
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(module.file);
  } catch (error) {
    throw new UserError(`plugin "${name}" (${module.file}, listed in ${where}) failed to load: ${messageOf(error)}`, 'COEX_BAD_PLUGIN');
  }
  const factory = (loaded as { default?: unknown })?.default ?? loaded;
  if (!isPluginFactory(factory)) {
    throw new UserError(`"${name}" (${module.file}) is not a Coex plugin: its default export must be made with definePlugin() from @coex/core`, 'COEX_BAD_PLUGIN');
  }
  assertCoreVersion(factory.meta, module.file);
  // The package's peer range is what it was built and published against: check it as well.
  const peer = module.packageJson?.peerDependencies?.['@coex/core'];
  if (peer) assertCoreVersion({ ...factory.meta, coex: peer }, `${module.file}, peerDependencies`);
  return { factory, module };
}

/**
 * Options given as `--set <plugin>.<option>=v` for the run's plugins that fill no role, by plugin
 * name. `<plugin>` is its short name, full name or the name it is listed under. Anything else is
 * an unknown prefix.
 */
function hookOnlySets(sets: { assignment: string; keys: string[]; value: unknown }[], composed: ReturnType<typeof compose>, allowed: string[]) {
  const options = new Map<string, Record<string, unknown>>();
  const hookOnly = composed.filter((p) => !p.mod.factory.meta.role);
  for (const { assignment, keys, value } of sets) {
    const names = new Set(candidateNames(keys[0], 'plugin'));
    const target = hookOnly.find((p) => p.entry.name === keys[0] || names.has(p.mod.factory.meta.name));
    if (!target) {
      const listed = hookOnly.map((p) => p.entry.name);
      const hint = closest(keys[0], [...allowed, ...listed]);
      throw new UserError(`--set ${assignment}: a path starts with one of ${allowed.join(', ')}` +
        `${listed.length ? `, or a plugin of this run that fills no role (${listed.join(', ')})` : ''}${hint ? ` (did you mean "${hint}"?)` : ''}`, 'COEX_BAD_CONFIG');
    }
    const name = target.mod.factory.meta.name;
    if (!options.has(name)) options.set(name, {});
    setPath(options.get(name)!, keys.slice(1), value);
  }
  return options;
}

/** Composes the plugin list: later entries override same-named plugins, replace same-role ones, or switch one off. */
const isLocalPath = (name: string) => name.startsWith('.') || path.isAbsolute(name);

function compose(entries: LoadedPreset['entries']) {
  const list: { entry: NormalizedEntry; mod: PluginModule; where: string }[] = [];
  for (const { entry, baseDir, where } of entries) {
    if (!entry.enabled) {
      // Switching a plugin off needs no module: match the listed name, the package or its short name.
      const names = new Set(candidateNames(entry.name, 'plugin'));
      const file = isLocalPath(entry.name) ? resolveModule(entry.name, 'plugin', baseDir).file : undefined;
      const index = list.findIndex((p) => p.entry.name === entry.name || names.has(p.mod.factory.meta.name) || p.mod.module.file === file);
      if (index >= 0) list.splice(index, 1);
      continue;
    }
    let mod: PluginModule;
    try {
      mod = loadPluginModule(entry.name, baseDir, where);
    } catch (error) {
      // A plugin named on the command line: the error names the flag.
      throw where.startsWith('--use') && error instanceof UserError ? new UserError(`${where}: ${error.message}`, error.code) : error;
    }
    const name = mod.factory.meta.name;
    const same = list.findIndex((p) => p.mod.factory.meta.name === name);
    if (same >= 0) {
      list[same] = { entry: { ...entry, options: deepMerge(list[same].entry.options, entry.options) }, mod, where };
      continue;
    }
    const role = mod.factory.meta.role;
    const sameRole = role ? list.findIndex((p) => p.mod.factory.meta.role === role) : -1;
    if (sameRole >= 0) list[sameRole] = { entry, mod, where };
    else list.push({ entry, mod, where });
  }
  return list;
}

/** Resolves a run request into the configuration saved with the run and the plugin instances. */
export function resolveConfig(request: RunRequest): { config: ResolvedConfig; plugins: LoadedPlugin[] } {
  const cwd = request.cwd ?? process.cwd();
  let fileValues: Record<string, unknown> = {};
  let fileDir = cwd;
  if (request.configFile) {
    const file = path.resolve(cwd, request.configFile);
    fileValues = readConfigFile(file);
    fileDir = path.dirname(file);
    checkTopLevel(fileValues, `config file ${file}`);
  }
  const setValues: Record<string, unknown> = {};
  const allowed = TOP_LEVEL_KEYS.filter((k) => k !== 'plugins' && k !== 'preset');
  // `--set <plugin>.<option>=v` for plugins that fill no role (hook-only): checked once the plugin list is known.
  const pluginSets: { assignment: string; keys: string[]; value: unknown }[] = [];
  for (const assignment of request.sets ?? []) {
    const { path: keys, value } = parseSet(assignment);
    if (keys.length < 2 && keys[0] !== 'seed' && keys[0] !== 'objectives') {
      throw new UserError(`--set ${assignment}: name the option after the prefix, e.g. --set ${keys[0]}.<option>=<value>`, 'COEX_BAD_CONFIG');
    }
    if (allowed.includes(keys[0])) setPath(setValues, keys, value);
    else pluginSets.push({ assignment, keys, value });
  }
  const presetName = request.preset ?? (fileValues.preset as string | undefined);
  if (!presetName && !fileValues.plugins && !request.plugins) {
    throw new UserError('no preset given: use --preset <name> (see `coex list presets`) or a config file with "preset" or "plugins"', 'COEX_BAD_CONFIG');
  }
  const preset: LoadedPreset = presetName
    ? loadPreset(presetName, request.preset ? cwd : fileDir)
    : { names: [], entries: [], values: {} };
  if (fileValues.plugins !== undefined && !Array.isArray(fileValues.plugins)) {
    throw new UserError(`config file ${request.configFile}: plugins: expected a list of plugin entries (e.g. plugins: [space-chain-cnn]), got ${JSON.stringify(fileValues.plugins)}`, 'COEX_BAD_CONFIG');
  }
  const userEntries = [
    ...((fileValues.plugins as PluginEntry[] | undefined) ?? []).map((e) => ({
      entry: normalizeEntry(e, 'config file'), baseDir: fileDir, where: 'config file' })),
    ...(request.plugins ?? []).map((e) => ({ entry: normalizeEntry(e, 'run request'), baseDir: cwd, where: 'run request' })),
    ...(request.use ?? []).map((text) => ({ entry: normalizeEntry(parseUse(text), `--use ${text}`), baseDir: cwd, where: `--use ${text}` })),
  ];
  const { preset: _p, plugins: _pl, ...fileSettings } = fileValues;
  let values: Record<string, unknown> = deepMerge(deepMerge(preset.values as Record<string, unknown>, fileSettings), setValues);
  if (request.seed !== undefined) values.seed = request.seed;
  if (request.budget !== undefined) values = deepMerge(values, { budget: { candidates: request.budget } });
  if (request.trainedBudget !== undefined) values = deepMerge(values, { budget: { trained: request.trainedBudget } });
  if (request.timeLimit !== undefined) values = deepMerge(values, { budget: { timeLimit: request.timeLimit } });
  if (request.trainSeconds !== undefined) values = deepMerge(values, { budget: { trainSeconds: request.trainSeconds } });
  if (request.imagesBudget !== undefined) values = deepMerge(values, { budget: { images: request.imagesBudget } });

  const composed = compose([...preset.entries, ...userEntries]);
  const hookOnlyOptions = hookOnlySets(pluginSets, composed, allowed);
  const roles = new Set<RoleName>();
  const plugins: LoadedPlugin[] = composed.map(({ entry, mod }) => {
    const meta = mod.factory.meta;
    const setOptions = meta.role
      ? (isObject(values[meta.role]) ? (values[meta.role] as Record<string, unknown>) : {})
      : hookOnlyOptions.get(meta.name) ?? {};
    const plugin = mod.factory(deepMerge(entry.options, setOptions), { prefix: meta.role ?? meta.name });
    if (meta.role) roles.add(meta.role);
    return {
      plugin,
      resolved: {
        name: meta.name,
        version: meta.version,
        module: mod.module.packageJson ? mod.module.id : mod.module.file,
        ...(meta.role ? { role: meta.role } : {}),
        options: plugin.options,
      },
    };
  });
  for (const role of ROLE_NAMES) {
    if (isObject(values[role]) && Object.keys(values[role] as object).length > 0 && !roles.has(role)) {
      throw new UserError(`options were given for the ${role} role (${Object.keys(values[role] as object).join(', ')}), but no plugin of this run fills it`, 'COEX_BAD_CONFIG');
    }
  }
  const config: ResolvedConfig = {
    coexVersion: CORE_VERSION,
    ...(preset.names.length ? { preset: preset.names[preset.names.length - 1] } : {}),
    ...resolveSettings(values, roles),
    plugins: plugins.map((p) => p.resolved),
  };
  return { config, plugins };
}

/**
 * A run folder is data: the module paths its config.json names are code anyone who wrote the
 * folder chose. `coex resume` loads them only when the user says they trust the folder.
 */
export interface FolderTrust {
  /** The config file the plugins were read from (named in the message). */
  file: string;
  trusted: boolean;
}

/** Loads the plugins of a saved configuration again, with the same options (resume, workers). */
export function loadResolvedPlugins(config: ResolvedConfig, baseDir: string, only?: (p: ResolvedPlugin) => boolean, trust?: FolderTrust): LoadedPlugin[] {
  const selected = config.plugins.filter((p) => !only || only(p));
  const untrusted = trust && !trust.trusted ? selected.find((p) => typeof p.module !== 'string' || isLocalPath(p.module)) : undefined;
  if (untrusted) {
    throw new UserError(
      `${trust!.file} names plugin ${untrusted.name} by the module path ${JSON.stringify(untrusted.module)}; a run folder is data, so Coex loads only ` +
        'installed packages from it; if you trust this folder (you made it, or checked that file), continue with --trust-folder', 'COEX_UNTRUSTED_FOLDER',
    );
  }
  return selected.map((resolved) => {
    const { factory } = loadPluginModule(resolved.module, baseDir, 'the saved run configuration');
    if (factory.meta.version !== resolved.version) {
      throw new UserError(
        `plugin ${resolved.name} is installed at version ${factory.meta.version}, but this run was configured with ${resolved.version}; ` +
          'install the same version to continue it', 'COEX_PLUGIN_VERSION',
      );
    }
    return { resolved, plugin: factory(resolved.options, { prefix: resolved.role ?? resolved.name }) };
  });
}
