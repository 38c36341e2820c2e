// `coex init plugin`: names, the generated package, the CLI's refusals, and every role's scaffold
// type-checking and passing its own tests (they are loaded into this mocha run).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_VERSION, HOOK_NAMES, ROLE_NAMES, UserError, type RoleName } from '@coex/core';
import { candidateNames, shortNameOf } from '@coex/core/host';
import { pluginNames, scaffoldPlugin } from '../../cli/src/init';
import { ROOT, coexMany, tempDir } from '../helpers/cli';

// Scaffolds of every role (and a hook-only one) beside a link to this repo's node_modules, so their
// tests resolve @coex/core and @coex/testing to this checkout.
const SCAFFOLDS = tempDir('coex-scaffolds-');
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(SCAFFOLDS, 'node_modules'));
const VARIANTS: (RoleName | undefined)[] = [...ROLE_NAMES, undefined];
const scaffolds = VARIANTS.map((role) => scaffoldPlugin({ name: `kit-${role ?? 'hooks'}`, role, cwd: SCAFFOLDS }));

function readJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('coex init plugin', function () {
  this.timeout(120_000);

  it('expands names by the conventions core resolves them with', () => {
    const cases: [string, string, string, string][] = [
      ['toy', 'coex-plugin-toy', 'toy', 'coex-plugin-toy'],
      ['coex-plugin-toy', 'coex-plugin-toy', 'toy', 'coex-plugin-toy'],
      ['@acme/toy', '@acme/coex-plugin-toy', '@acme/toy', 'coex-plugin-toy'],
      ['@acme/coex-plugin-toy', '@acme/coex-plugin-toy', '@acme/toy', 'coex-plugin-toy'],
      ['@coex/plugin-reward-pareto', '@coex/plugin-reward-pareto', 'reward-pareto', 'plugin-reward-pareto'],
      ['a.b_c~d-1', 'coex-plugin-a.b_c~d-1', 'a.b_c~d-1', 'coex-plugin-a.b_c~d-1'],
    ];
    for (const [name, packageName, shortName, folder] of cases) {
      expect(pluginNames(name), name).to.deep.equal({ packageName, shortName, folder });
      expect(shortNameOf(packageName), name).to.equal(shortName);
      expect(candidateNames(shortName, 'plugin'), name).to.include(packageName);
    }
  });

  it('rejects names npm or Coex would not accept, saying why', () => {
    const cases: [string, RegExp][] = [
      ['', /it is empty/],
      ['Toy', /lowercase/],
      ['.toy', /must not start with "." or "_"/],
      ['_toy', /must not start with "." or "_"/],
      ['my toy', /may hold only/],
      ['toy/x', /may hold only/],
      ['@acme', /a scoped name is @scope\/name/],
      ['@ac me/toy', /the scope "ac me"/],
      ['@coex/toy', /@coex\/plugin-<role>-<name>/],
      ['coex-plugin', /"coex-plugin" alone names no plugin/],
      ['@acme/coex-plugin', /"coex-plugin" alone names no plugin/],
      ['x'.repeat(210), /214 characters at most/],
    ];
    for (const [name, message] of cases) expect(() => pluginNames(name), name).to.throw(UserError, message);
  });

  it('writes a package ready to publish: peer core range, pinned dev tools, keyword, prepack build', () => {
    const root = readJson(path.join(ROOT, 'package.json'));
    const testing = readJson(path.join(ROOT, 'testing', 'package.json'));
    for (const s of scaffolds) {
      const pkg = readJson(path.join(s.dir, 'package.json'));
      expect(pkg.name).to.equal(s.packageName);
      expect(pkg.keywords).to.include('coex-plugin');
      expect(pkg.peerDependencies).to.deep.equal({ '@coex/core': `^${CORE_VERSION}` });
      expect(pkg.scripts.prepack).to.equal('tsc -b');
      expect([pkg.main, pkg.types, pkg.files]).to.deep.equal(['./dist/index.js', './dist/index.d.ts', ['dist']]);
      const { '@coex/core': core, '@coex/testing': kit, ...tools } = pkg.devDependencies;
      expect([core, kit]).to.deep.equal([CORE_VERSION, testing.version]);
      for (const [tool, version] of Object.entries(tools)) expect(version, tool).to.equal(root.devDependencies[tool]);
      expect(Object.keys(tools)).to.include.members(['typescript', 'mocha', 'chai', 'ts-node']);
      const source = fs.readFileSync(path.join(s.dir, 'src', 'index.ts'), 'utf8');
      expect(source).to.include(`coex: '^${CORE_VERSION}'`);
      expect(source).to.include(s.role ? `role: '${s.role}'` : 'ctx.hooks.prune.tap');
      const readme = fs.readFileSync(path.join(s.dir, 'README.md'), 'utf8');
      for (const hook of HOOK_NAMES) expect(readme).to.include(`| \`${hook}\` |`);
      expect(readme).to.include(s.role ? `## The ${s.role} role` : '## A hook-only plugin');
      for (const file of s.files) {
        expect(fs.readFileSync(path.join(s.dir, file), 'utf8'), `${s.packageName} ${file}`).to.not.match(/__[A-Z_]+__/);
      }
      expect(s.files).to.include.members(['.gitignore', '.mocharc.json', 'tsconfig.json', 'test/plugin.spec.ts']);
    }
  });

  it('refuses a misspelt role and an existing folder, writing nothing', () => {
    const cwd = tempDir();
    expect(() => scaffoldPlugin({ name: 'toy', role: 'trainr', cwd })).to.throw(UserError, /--role trainr: not a role \(did you mean trainer\?\)/);
    fs.writeFileSync(path.join(cwd, 'coex-plugin-toy'), '');
    expect(() => scaffoldPlugin({ name: 'toy', cwd })).to.throw(UserError, /coex-plugin-toy already exists and is not an empty folder/);
    expect(fs.readdirSync(cwd)).to.deep.equal(['coex-plugin-toy']);
    fs.rmSync(path.join(cwd, 'coex-plugin-toy'));
    fs.mkdirSync(path.join(cwd, 'empty'));
    expect(scaffoldPlugin({ name: 'toy', dir: 'empty', cwd }).dir).to.equal(path.join(cwd, 'empty'));
  });

  it('the CLI creates the folder, then refuses to overwrite it (exit 2, one line, no stack)', async () => {
    const cwd = tempDir();
    const [created] = await coexMany([['init', 'plugin', 'toy', '--role', 'trainer']], { cwd });
    expect(created.status, created.stderr).to.equal(0);
    expect(created.stdout).to.match(/created coex-plugin-toy \(trainer role\) in coex-plugin-toy/);
    expect(created.stdout).to.include('use it in a preset as "toy"');
    expect(readJson(path.join(cwd, 'coex-plugin-toy', 'package.json')).name).to.equal('coex-plugin-toy');
    const cases: [string[], RegExp][] = [
      [['init', 'plugin', 'toy'], /coex-plugin-toy already exists and is not an empty folder/],
      [['init', 'preset', 'other'], /expected "plugin", got "preset"/],
    ];
    const results = await coexMany(cases.map(([args]) => args), { cwd });
    results.forEach((r, i) => {
      expect(r.status, `${cases[i][0].join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(cases[i][1]);
      expect(r.stderr).to.not.match(/\n\s+at /);
    });
    expect(fs.readdirSync(cwd)).to.deep.equal(['coex-plugin-toy']);
  });

  it('every scaffold type-checks with its own compiler settings', () => {
    fs.writeFileSync(path.join(SCAFFOLDS, 'tsconfig.json'), JSON.stringify({
      extends: `./${path.basename(scaffolds[0].dir)}/tsconfig.test.json`,
      compilerOptions: { rootDir: '.', customConditions: ['coex-source'] },
      include: ['*/src', '*/test'],
    }));
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', SCAFFOLDS], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
  });

  describe('scaffolded plugins pass their own tests', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const s of scaffolds) require(path.join(s.dir, 'test', 'plugin.spec.ts'));
  });
});
