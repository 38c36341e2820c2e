// Turning what the user typed (preset, config file, --set, flags) into the fully resolved
// configuration saved with every run: plugins (name, version, module, role), their validated
// options, seed, budget, spec and objectives.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJson, printParseErrorCode, visit as visitJson, type ParseError } from 'jsonc-parser';
import YAML from 'yaml';
import { UserError, messageOf } from './errors';
import { assertCoreVersion, isPluginFactory, type CoexPlugin, type PluginFactory } from './plugin';
import { normalizeEntry, type ConfigValues, type NormalizedEntry, type PluginEntry, type PresetDefinition } from './preset';
import { QUICK_SUFFIX, quickVariant } from './preset';
import { candidateNames, resolveModule, type ResolvedModule } from './resolve';
import { ROLE_NAMES, type RoleName } from './roles';
import { checkSeed } from './seed';
import { closest } from './suggest';
import type { Budget, HardwareSpec, Objective } from './types';
import { CORE_VERSION } from './version';

/** A plugin as recorded in a resolved config: enough to load the same plugin again (resume, workers). */
export interface ResolvedPlugin {
  name: string;
  version: string;
  /** What to require() to load it again: a package name or an absolute path. */
  module: string;
  role?: RoleName;
  options: Record<string, unknown>;
}

/** The fully resolved configuration saved with every run. */
export interface ResolvedConfig {
  coexVersion: string;
  preset?: string;
  seed: number;
  budget: Budget;
  spec: HardwareSpec;
  objectives: Objective[];
  plugins: ResolvedPlugin[];
}

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

const TOP_LEVEL_KEYS = ['preset', 'plugins', 'seed', 'budget', 'spec', 'objectives', ...ROLE_NAMES];
const SPEC_KEYS: (keyof HardwareSpec)[] = ['minThroughput', 'maxLatency', 'maxPower', 'minEnergyEfficiency'];
const BUDGET_KEYS = ['candidates', 'trained', 'timeLimit', 'trainSeconds', 'images'];

/** Reads a JSON or YAML config file; syntax errors name the file, line and column. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`);
  }
  let value: unknown;
  if (/\.json$/i.test(file)) {
    const errors: ParseError[] = [];
    value = parseJson(text, errors, { allowTrailingComma: false, disallowComments: true });
    if (errors.length > 0) {
      const e = errors[0];
      throw new UserError(`config file ${file}${lineColumn(text, e.offset)}: invalid JSON: ${printParseErrorCode(e.error)}`);
    }
    visitJson(text, {
      onLiteralValue: (literal: unknown, offset: number, length: number) => {
        if (typeof literal === 'number' && !Number.isFinite(literal)) throw notFinite(`config file ${file}${lineColumn(text, offset)}`, text.slice(offset, offset + length));
      },
    });
    // The text is plain JSON (no comments, no trailing commas): JSON.parse keeps "__proto__",
    // "constructor" and "prototype" as ordinary keys, so they are reported as unknown settings
    // (jsonc-parser's values drop "__proto__" silently).
    value = JSON.parse(text);
  } else {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      throw new UserError(`config file ${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    YAML.visit(doc, {
      Scalar: (_key, node) => {
        if (typeof node.value === 'number' && !Number.isFinite(node.value)) {
          throw notFinite(`config file ${file}${node.range ? lineColumn(text, node.range[0]) : ''}`, node.source ?? String(node.value));
        }
      },
    });
    try {
      // Aliases are expanded into copies: a few nested ones ("alias bomb") would exhaust memory.
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (error) {
      throw new UserError(`config file ${file}: ${messageOf(error)} (more than ${MAX_YAML_ALIASES} YAML alias expansions); write the values out instead of nesting aliases`);
    }
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UserError(`config file ${file}: expected a mapping of settings at the top level`);
  return value as Record<string, unknown>;
}

const MAX_YAML_ALIASES = 100;

/** Numbers too large for a double (1e309) or YAML's .inf: refused with the text as written. */
function notFinite(where: string, written: string): UserError {
  return new UserError(`${where}: ${written.trim()} is not a finite number`);
}

/** The first non-finite number inside a parsed value, as a path (`[]` for the value itself). */
function nonFinitePath(value: unknown, at: string[] = []): string[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : at;
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nonFinitePath(item, [...at, key]);
      if (found) return found;
    }
  }
  return undefined;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `:${before.length}:${before[before.length - 1].length + 1}`;
}

/** Parses `--set path=value`: JSON values (numbers, booleans, lists, objects), otherwise a string. */
export function parseSet(assignment: string): { path: string[]; value: unknown } {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UserError(`--set ${assignment}: expected <path>=<value>, e.g. --set trainer.epochs=2`);
  const key = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    /* plain string */
  }
  const inner = nonFinitePath(value);
  if (inner) throw notFinite(`--set ${assignment}${inner.length ? ` (at ${inner.join('.')})` : ''}`, raw);
  return { path: key.split('.').filter(Boolean), value };
}

/**
 * Parses `--use <plugin>[=<json options>]` into a plugin entry. The plugin's own role decides what
 * it replaces once it is loaded (see compose), so nothing here knows about roles.
 */
export function parseUse(text: string): [string, Record<string, unknown>] {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (!name) throw new UserError(`--use ${text}: expected <plugin>[=<json options>], e.g. --use trainer-torch or --use 'trainer-torch={"epochs":2}'`);
  if (eq < 0) return [name, {}];
  let options: unknown;
  try {
    options = JSON.parse(text.slice(eq + 1));
  } catch (error) {
    throw new UserError(`--use ${text}: the options after "=" are not valid JSON (${messageOf(error)}); expected an object, e.g. --use '${name}={"epochs":2}'`);
  }
  if (!isObject(options)) throw new UserError(`--use ${text}: the options after "=" must be a JSON object, e.g. --use '${name}={"epochs":2}', got ${JSON.stringify(options)}`);
  return [name, options];
}

function checkTopLevel(values: Record<string, unknown>, where: string, allowed = TOP_LEVEL_KEYS): void {
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) {
      const hint = closest(key, allowed);
      throw new UserError(`${where}: unknown setting "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; settings are ${allowed.join(', ')}`);
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Sets an own property, also for keys such as "__proto__" (which plain assignment would turn into a prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
const ownValue = (node: Record<string, unknown>, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined);

/** Deep merge of plain objects; arrays and scalars from `override` replace. */
export function deepMerge<T extends Record<string, unknown>>(base: T, override: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = ownValue(out, key);
    setOwn(out, key, isObject(value) && isObject(current) ? deepMerge(current, value) : value);
  }
  return out as T;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(ownValue(node, key))) setOwn(node, key, {});
    node = node[key] as Record<string, unknown>;
  }
  setOwn(node, keys[keys.length - 1], value);
}

/** Parses a duration: seconds as a number, or "90s", "30m", "2h", "1h30m". */
export function parseDuration(text: string | number, where: string): number {
  if (typeof text === 'number') {
    if (text > 0) return text;
  } else {
    const m = /^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*$/.exec(text);
    if (m && (m[1] || m[2] || m[3])) {
      const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
      if (seconds > 0) return seconds;
    }
  }
  throw new UserError(`${where}: expected a positive duration such as 90s, 30m, 2h or 1h30m, got ${JSON.stringify(text)}`);
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
      throw new UserError(`preset "${name}" (${mod.file}) failed to load: ${messageOf(error)}`);
    }
  }
  const preset = value as PresetDefinition;
  if (!preset || typeof preset !== 'object' || typeof preset.name !== 'string' || !Array.isArray(preset.plugins)) {
    throw new UserError(`preset "${name}" (${mod.file}) must export { name, plugins: [...], extends?, config? }`);
  }
  return { preset, dir: path.dirname(mod.file) };
}

/**
 * `<base>-quick`, which no installed preset is named: the base preset with the quick overlay it
 * declares or inherits along `extends` (undefined when the base is not installed or has none).
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
  for (let p = base, seen = [name]; ; ) {
    if (p.preset.quick !== undefined) return p.preset.quick ? quickVariant(name, base.preset, p.preset.quick) : undefined;
    if (!p.preset.extends || seen.includes(p.preset.extends)) return undefined;
    seen = [...seen, p.preset.extends];
    p = loadPresetModule(p.preset.extends, p.dir);
  }
}

/** Loads a preset and the chain of presets it extends (base first). */
export function loadPreset(name: string, baseDir: string, seen: string[] = []): LoadedPreset {
  if (seen.includes(name)) throw new UserError(`preset "${name}" extends itself (chain: ${[...seen, name].join(' -> ')})`);
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
    throw new UserError(`plugin "${name}" (${module.file}, listed in ${where}) failed to load: ${messageOf(error)}`);
  }
  const factory = (loaded as { default?: unknown })?.default ?? loaded;
  if (!isPluginFactory(factory)) {
    throw new UserError(`"${name}" (${module.file}) is not a Coex plugin: its default export must be made with definePlugin() from @coex/core`);
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
        `${listed.length ? `, or a plugin of this run that fills no role (${listed.join(', ')})` : ''}${hint ? ` (did you mean "${hint}"?)` : ''}`);
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
      throw where.startsWith('--use') && error instanceof UserError ? new UserError(`${where}: ${error.message}`) : error;
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

function validateSpec(spec: unknown): HardwareSpec {
  if (spec === undefined) return {};
  if (!isObject(spec)) throw new UserError(`spec: expected a mapping of limits (${SPEC_KEYS.join(', ')}), got ${JSON.stringify(spec)}`);
  checkTopLevel(spec, 'spec', SPEC_KEYS);
  for (const [key, value] of Object.entries(spec)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new UserError(`spec.${key}: expected a positive number, got ${JSON.stringify(value)}`);
    }
  }
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null && v !== undefined)) as HardwareSpec;
}

function validateBudget(budget: unknown): Budget {
  const b = (budget ?? {}) as Record<string, unknown>;
  if (!isObject(b)) throw new UserError(`budget: expected a mapping (candidates, trained, timeLimit), got ${JSON.stringify(budget)}`);
  checkTopLevel(b, 'budget', BUDGET_KEYS);
  const count = (key: string, value: unknown): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new UserError(`budget.${key}: expected a whole number of at least 1, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const candidates = count('candidates', b.candidates) ?? 10;
  const trained = count('trained', b.trained);
  const timeLimit = b.timeLimit === undefined || b.timeLimit === null ? undefined : parseDuration(b.timeLimit as string, 'budget.timeLimit');
  const trainSeconds = b.trainSeconds === undefined || b.trainSeconds === null ? undefined : parseDuration(b.trainSeconds as string, 'budget.trainSeconds');
  const images = count('images', b.images);
  return { candidates, ...(trained ? { trained } : {}), ...(timeLimit ? { timeLimit } : {}), ...(trainSeconds ? { trainSeconds } : {}), ...(images ? { images } : {}) };
}

function validateObjectives(value: unknown, roles: Set<RoleName>): Objective[] {
  if (value === undefined) {
    const objectives: Objective[] = [{ metric: 'accuracy', goal: 'max' }];
    if (roles.has('hardware')) objectives.push({ metric: 'throughput', goal: 'max' }, { metric: 'energyEfficiency', goal: 'max' });
    return objectives;
  }
  if (!Array.isArray(value) || value.length === 0) throw new UserError(`objectives: expected a non-empty list of {metric, goal: max|min}`);
  return value.map((o, i) => {
    const metric = typeof o === 'string' ? o : o?.metric;
    const goal = typeof o === 'string' ? 'max' : o?.goal ?? 'max';
    if (typeof metric !== 'string' || (goal !== 'max' && goal !== 'min')) {
      throw new UserError(`objectives[${i}]: expected {metric: <name>, goal: max|min}, got ${JSON.stringify(o)}`);
    }
    return { metric, goal };
  });
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
      throw new UserError(`--set ${assignment}: name the option after the prefix, e.g. --set ${keys[0]}.<option>=<value>`);
    }
    if (allowed.includes(keys[0])) setPath(setValues, keys, value);
    else pluginSets.push({ assignment, keys, value });
  }
  const presetName = request.preset ?? (fileValues.preset as string | undefined);
  if (!presetName && !fileValues.plugins && !request.plugins) {
    throw new UserError('no preset given: use --preset <name> (see `coex list presets`) or a config file with "preset" or "plugins"');
  }
  const preset: LoadedPreset = presetName
    ? loadPreset(presetName, request.preset ? cwd : fileDir)
    : { names: [], entries: [], values: {} };
  if (fileValues.plugins !== undefined && !Array.isArray(fileValues.plugins)) {
    throw new UserError(`config file ${request.configFile}: plugins: expected a list of plugin entries (e.g. plugins: [space-chain-cnn]), got ${JSON.stringify(fileValues.plugins)}`);
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
      throw new UserError(`options were given for the ${role} role (${Object.keys(values[role] as object).join(', ')}), but no plugin of this run fills it`);
    }
  }
  const seed = checkSeed(values.seed ?? 1, 'seed');
  const config: ResolvedConfig = {
    coexVersion: CORE_VERSION,
    ...(preset.names.length ? { preset: preset.names[preset.names.length - 1] } : {}),
    seed,
    budget: validateBudget(values.budget),
    spec: validateSpec(values.spec),
    objectives: validateObjectives(values.objectives, roles),
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
        'installed packages from it; if you trust this folder (you made it, or checked that file), continue with --trust-folder',
    );
  }
  return selected.map((resolved) => {
    const { factory } = loadPluginModule(resolved.module, baseDir, 'the saved run configuration');
    if (factory.meta.version !== resolved.version) {
      throw new UserError(
        `plugin ${resolved.name} is installed at version ${factory.meta.version}, but this run was configured with ${resolved.version}; ` +
          'install the same version to continue it',
      );
    }
    return { resolved, plugin: factory(resolved.options, { prefix: resolved.role ?? resolved.name }) };
  });
}
