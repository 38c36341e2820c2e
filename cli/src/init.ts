// `coex init plugin <name>`: scaffolds a standalone plugin package (package.json, tsconfig, a
// minimal but correct implementation of the chosen role or a hook-only plugin, tests that use
// @coex/testing, a README with the hook table) from the files in cli/templates/plugin.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UserError, ROLE_NAMES, isRoleName, type RoleName, closest, CORE_VERSION } from '@coex/core';

/** cli/templates/plugin, from src/ and dist/ alike. */
export const PLUGIN_TEMPLATE_DIR = path.join(__dirname, '..', 'templates', 'plugin');

/** The template folder of a plugin that fills no role. */
const HOOK_ONLY = 'hooks';

/** Files copied from the template root; a leading `_` becomes a dot (npm drops dotfiles like .gitignore from tarballs). */
const COMMON_FILES = ['tsconfig.json', 'tsconfig.test.json', '_gitignore', '_mocharc.json'];

export interface PluginNames {
  /** The npm package name: `coex-plugin-<name>`, `@scope/coex-plugin-<name>` or `@coex/plugin-<...>`. */
  packageName: string;
  /** What users type in a preset: `<name>` or `@scope/<name>`. */
  shortName: string;
  /** The default folder: the package name without its scope. */
  folder: string;
}

// npm's rules for new package names: lowercase, URL-safe, no leading dot or underscore, 214 characters at most.
const NAME_PART = /^[a-z0-9~-][a-z0-9._~-]*$/;

/** Expands and checks a plugin name against npm's package-name rules and Coex's naming conventions. */
export function pluginNames(name: string): PluginNames {
  const bad = (why: string) =>
    new UserError(`plugin name "${name}": ${why}; e.g. \`coex init plugin area-limit\` (package coex-plugin-area-limit) or \`coex init plugin @acme/area-limit\``);
  if (!name) throw bad('it is empty');
  if (name !== name.trim()) throw bad('it has leading or trailing spaces');
  if (name.toLowerCase() !== name) throw bad('npm package names are lowercase');
  let scope: string | undefined;
  let rest = name;
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash < 0) throw bad('a scoped name is @scope/name');
    scope = name.slice(1, slash);
    rest = name.slice(slash + 1);
    if (!NAME_PART.test(scope)) throw bad(`the scope "${scope}" may hold only a-z, 0-9, "-", ".", "_", "~" and must not start with "." or "_"`);
  }
  if (!NAME_PART.test(rest)) throw bad(`"${rest}" may hold only a-z, 0-9, "-", ".", "_", "~" and must not start with "." or "_"`);
  let packageName: string;
  let short: string;
  if (scope === 'coex') {
    if (!/^plugin-./.test(rest)) throw bad('packages of the @coex scope are first-party plugins named @coex/plugin-<role>-<name>');
    packageName = name;
    short = rest.slice('plugin-'.length);
  } else {
    short = rest.replace(/^coex-plugin(-|$)/, '');
    if (!short) throw bad('"coex-plugin" alone names no plugin (a short name could not find it)');
    packageName = scope ? `@${scope}/coex-plugin-${short}` : `coex-plugin-${short}`;
    if (scope) short = `@${scope}/${short}`;
  }
  if (packageName.length > 214) throw bad('npm package names are 214 characters at most');
  return { packageName, shortName: short, folder: packageName.replace(/^@[^/]+\//, '') };
}

/** Exact versions of the scaffold's dev tools: the ones this repository builds and tests with. */
function devToolVersions(): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(PLUGIN_TEMPLATE_DIR, 'dev-tools.json'), 'utf8'));
}

/** In a role's template folder: the kit packages its code imports, with their exact versions (e.g. @coex/kit-dataset). */
const KITS_FILE = 'kits.json';

export function pluginPackageJson(names: PluginNames, role: RoleName | undefined, kits?: Record<string, string>): Record<string, unknown> {
  return {
    name: names.packageName,
    version: '0.1.0',
    description: role ? `A Coex plugin filling the ${role} role` : 'A Coex plugin tapping the prune hook',
    license: 'MIT',
    keywords: ['coex', 'coex-plugin'],
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist'],
    engines: { node: '>=20.19.0' },
    scripts: {
      build: 'tsc -b',
      prepack: 'tsc -b',
      test: 'mocha',
      typecheck: 'tsc -p tsconfig.test.json',
    },
    ...(kits ? { dependencies: sortKeys(kits) } : {}),
    peerDependencies: { '@coex/core': `^${CORE_VERSION}` },
    devDependencies: sortKeys({ '@coex/core': CORE_VERSION, '@coex/testing': CORE_VERSION, ...devToolVersions() }),
  };
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export interface ScaffoldRequest {
  name: string;
  role?: string;
  /** The folder to create (default ./<package name without scope>). */
  dir?: string;
  cwd?: string;
}

export interface ScaffoldResult extends PluginNames {
  dir: string;
  role?: RoleName;
  /** Paths relative to `dir`. */
  files: string[];
}

export function scaffoldPlugin(request: ScaffoldRequest): ScaffoldResult {
  const names = pluginNames(request.name);
  if (request.role !== undefined && !isRoleName(request.role)) {
    const hint = closest(request.role, ROLE_NAMES);
    throw new UserError(`--role ${request.role}: not a role${hint ? ` (did you mean ${hint}?)` : ''}; roles: ${ROLE_NAMES.join(', ')} (leave --role out for a plugin that only taps hooks)`);
  }
  const role = request.role as RoleName | undefined;
  const dir = path.resolve(request.cwd ?? process.cwd(), request.dir ?? names.folder);
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new UserError(`${dir} already exists and is not an empty folder; choose another --dir or remove it first (nothing was written)`);
  }
  const variables: Record<string, string> = {
    __PACKAGE_NAME__: names.packageName,
    __SHORT_NAME__: names.shortName,
    __ROLE__: role ?? 'none',
    __CORE_RANGE__: `^${CORE_VERSION}`,
  };
  const fill = (text: string) => text.replace(/__[A-Z_]+__/g, (key) => variables[key] ?? key);
  const files = new Map<string, string>();
  for (const file of COMMON_FILES) files.set(file.replace(/^_/, '.'), fs.readFileSync(path.join(PLUGIN_TEMPLATE_DIR, file), 'utf8'));
  const roleDir = path.join(PLUGIN_TEMPLATE_DIR, 'roles', role ?? HOOK_ONLY);
  for (const file of listFiles(roleDir)) {
    if (file !== 'ROLE.md' && file !== KITS_FILE) files.set(file, fs.readFileSync(path.join(roleDir, file), 'utf8'));
  }
  const readme = fs.readFileSync(path.join(PLUGIN_TEMPLATE_DIR, 'README.md'), 'utf8')
    .replace('__ROLE_SECTION__', fs.readFileSync(path.join(roleDir, 'ROLE.md'), 'utf8').trim());
  files.set('README.md', readme);
  const kitsFile = path.join(roleDir, KITS_FILE);
  const kits = fs.existsSync(kitsFile) ? (JSON.parse(fs.readFileSync(kitsFile, 'utf8')) as Record<string, string>) : undefined;
  files.set('package.json', JSON.stringify(pluginPackageJson(names, role, kits), null, 2) + '\n');
  for (const [file, text] of files) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file === 'package.json' ? text : fill(text));
  }
  return { ...names, dir, ...(role ? { role } : {}), files: [...files.keys()].sort() };
}

/** Every file under `dir`, as paths relative to it. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  });
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a new plugin package')
    .argument('<what>', 'plugin', (v: string) => {
      if (v !== 'plugin') throw new InvalidArgumentError(`expected "plugin", got "${v}"`);
      return v;
    })
    .argument('<name>', 'plugin name: <name> (package coex-plugin-<name>) or @scope/<name>')
    .option('--role <role>', `the role it fills: ${ROLE_NAMES.join(', ')} (default: none, a hook-only plugin)`)
    .option('--dir <folder>', 'folder to create (default: ./coex-plugin-<name>)')
    .action((_what: string, name: string, opts: { role?: string; dir?: string }) => {
      const result = scaffoldPlugin({ name, role: opts.role, dir: opts.dir });
      const relative = path.relative(process.cwd(), result.dir);
      const shown = relative.startsWith('..') || path.isAbsolute(relative) ? result.dir : relative || '.';
      process.stdout.write(
        `created ${result.packageName} (${result.role ? `${result.role} role` : 'hook-only'}) in ${shown}:\n` +
          result.files.map((f) => `  ${f}\n`).join('') +
          `next: cd ${shown} && npm install && npm test; use it in a preset as "${result.shortName}"; publish with npm publish\n`,
      );
    });
}
