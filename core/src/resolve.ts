// Name resolution for plugins and presets, as Babel and ESLint do it: a short name expands to the
// first-party scoped package or the community prefix; a path loads a local module. Failures list
// what is installed and suggest the closest name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from './errors';
import { ROLE_NAMES } from './roles';
import { closest } from './suggest';

export type PackageKind = 'plugin' | 'preset';

export interface ResolvedModule {
  /** What to require() to load it: absolute file path. */
  file: string;
  /** The package name, or the path for a local module. */
  id: string;
  /** The package.json beside it, when it is a package. */
  packageJson?: { name: string; version: string; keywords?: string[]; peerDependencies?: Record<string, string> };
}

const isPath = (name: string) => name.startsWith('.') || path.isAbsolute(name);

/** Package names a short name may stand for, in the order they are tried. */
export function candidateNames(name: string, kind: PackageKind): string[] {
  if (isPath(name)) return [name];
  const prefix = kind === 'plugin' ? 'plugin' : 'preset';
  if (name.startsWith('@')) {
    const [scope, rest] = name.split('/');
    if (!rest) return [name];
    if (rest.startsWith(`coex-${prefix}`) || (scope === '@coex' && rest.startsWith(`${prefix}-`))) return [name];
    return scope === '@coex'
      ? [`@coex/${prefix}-${rest}`, name]
      : [`${scope}/coex-${prefix}-${rest}`, name];
  }
  if (name.startsWith(`coex-${prefix}-`)) return [name];
  const names = [`@coex/${prefix}-${name}`];
  if (kind === 'plugin') for (const role of [...ROLE_NAMES, 'hw']) names.push(`@coex/plugin-${role}-${name}`);
  names.push(`coex-${prefix}-${name}`, name);
  return names;
}

/** Folders to look for packages in: the user's project first, then wherever core is installed. */
export function searchPaths(baseDir: string): string[] {
  return [...new Set([baseDir, process.cwd(), path.join(__dirname, '..')])];
}

export function resolveModule(name: string, kind: PackageKind, baseDir: string): ResolvedModule {
  if (!name || typeof name !== 'string') throw new UserError(`${kind} name must be a non-empty string, got ${JSON.stringify(name)}`, 'COEX_NOT_FOUND');
  if (isPath(name)) {
    const full = path.resolve(baseDir, name);
    let file: string;
    try {
      file = require.resolve(full);
    } catch {
      throw new UserError(`${kind} file ${full} does not exist (given as "${name}", relative to ${baseDir})`, 'COEX_NOT_FOUND');
    }
    return { file, id: file };
  }
  for (const candidate of candidateNames(name, kind)) {
    let file: string;
    try {
      file = require.resolve(candidate, { paths: searchPaths(baseDir) });
    } catch {
      continue;
    }
    const packageJson = readPackageJson(candidate, baseDir);
    if (kind === 'plugin' && isPresetPackage(packageJson?.name)) continue;
    if (kind === 'preset' && !isPresetPackage(packageJson?.name) && packageJson?.name === candidate && isPluginPackage(candidate)) continue;
    return { file, id: candidate, packageJson };
  }
  throw notFound(name, kind, baseDir);
}

function isPresetPackage(name?: string): boolean {
  return !!name && (/^@coex\/preset-/.test(name) || /(^|\/)coex-preset-/.test(name));
}
function isPluginPackage(name?: string): boolean {
  return !!name && (/^@coex\/plugin-/.test(name) || /(^|\/)coex-plugin(-|$)/.test(name));
}

function readPackageJson(name: string, baseDir: string): ResolvedModule['packageJson'] {
  try {
    const file = require.resolve(`${name}/package.json`, { paths: searchPaths(baseDir) });
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function notFound(name: string, kind: PackageKind, baseDir: string): UserError {
  const installed = discoverPackages(baseDir);
  const sameKind = installed.filter((p) => p.kind === kind).map((p) => p.shortName);
  const otherKind = installed.filter((p) => p.kind !== kind).map((p) => p.shortName);
  let hint = '';
  if (otherKind.includes(name)) hint = ` "${name}" is a ${kind === 'plugin' ? 'preset' : 'plugin'}, not a ${kind}.`;
  else {
    const suggestion = closest(name, sameKind);
    if (suggestion) hint = ` Did you mean "${suggestion}"?`;
  }
  const tried = candidateNames(name, kind).join(', ');
  return new UserError(
    `unknown ${kind} "${name}" (looked for ${tried}).${hint} Installed ${kind}s: ${sameKind.join(', ') || 'none'}.`, 'COEX_NOT_FOUND',
  );
}

export interface DiscoveredPackage {
  kind: PackageKind;
  name: string;
  shortName: string;
  version: string;
  description?: string;
  dir: string;
}

/** The short name users type for a package name (`@coex/plugin-controller-rl` -> `controller-rl`). */
export function shortNameOf(packageName: string): string {
  return packageName
    .replace(/^@coex\/(plugin|preset)-/, '')
    .replace(/^(@[^/]+\/)?coex-(plugin|preset)-/, '$1');
}

/** Every node_modules folder from each start upwards, in order, once. */
export function nodeModulesRoots(starts: string[]): string[] {
  const roots = new Set<string>();
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      roots.add(path.join(dir, 'node_modules'));
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return [...roots];
}

/**
 * Installed Coex plugins and presets: packages named by the conventions above or carrying the
 * `coex-plugin` / `coex-preset` keyword, in every node_modules from `baseDir` upwards and beside core.
 */
export function discoverPackages(baseDir: string): DiscoveredPackage[] {
  const found = new Map<string, DiscoveredPackage>();
  for (const root of nodeModulesRoots(searchPaths(baseDir))) {
    if (!fs.existsSync(root)) continue;
    for (const entry of safeReaddir(root)) {
      const dirs = entry.startsWith('@') ? safeReaddir(path.join(root, entry)).map((e) => `${entry}/${e}`) : [entry];
      for (const name of dirs) {
        if (found.has(name)) continue;
        const pkgFile = path.join(root, name, 'package.json');
        if (!/coex/.test(name) && !fs.existsSync(pkgFile)) continue;
        let pkg: { name?: string; version?: string; keywords?: string[]; description?: string };
        try {
          pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
        } catch {
          continue;
        }
        const keywords = pkg.keywords ?? [];
        const kind: PackageKind | undefined =
          isPresetPackage(name) || keywords.includes('coex-preset') ? 'preset'
            : isPluginPackage(name) || keywords.includes('coex-plugin') ? 'plugin' : undefined;
        if (!kind) continue;
        found.set(name, { kind, name, shortName: shortNameOf(name), version: pkg.version ?? '0.0.0', description: pkg.description,
          dir: path.join(root, name) });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
