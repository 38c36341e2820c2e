// End-to-end proof that third parties can publish plugins: `npm pack` core, the CLI, @coex/testing and the
// first-party plugins a small preset needs (their prepack builds dist/), install them OFFLINE from
// the tarballs into a fresh project outside the monorepo, scaffold a plugin with the installed
// `coex init plugin`, let it install its dev tools, pass its own tests and pack itself, install it,
// list it, and run a preset file of the project that names it by its short name. A plugin built for
// another core is refused. The preset does not use @coex/plugin-store-sqlite: installing
// better-sqlite3 offline means compiling it (about 1.5 minutes on this machine). Nor core's
// in-memory default store, as `coex run` reads its summary back from the run folder: the project
// keeps its trials with a small JSON-file store of its own, a local module (`./json-store.js`).
// Installs are offline from npm's cache. Without a lockfile npm picks the newest version a cached
// package document lists, whose tarball the cache may not hold (a patch release newer than the
// repo's lockfile): only then does an install fall back to --prefer-offline, fetching what is missing.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ChainCnnArchitecture } from '@coex/core';
import { describeChainCnn } from '@coex/kit-chain-cnn';
import { ROOT, tempDir } from '../helpers/cli';

const FIRST_PARTY = ['core', 'cli', 'testing', 'kits/chain-cnn', 'kits/dataset', 'plugins/controller-random', 'plugins/space-chain-cnn'];

/** The environment of a user's shell: no test loader, no TypeScript sources, no outer npm's settings, no network. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|NODE_OPTIONS$|COEX_|TS_NODE_|MOCHA)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', CI: '1' };
}

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sh(command: 'npm' | 'npx' | 'tar', args: string[], cwd: string): Result {
  const r = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command that must succeed; on failure the assertion shows its output. */
function ok(command: 'npm' | 'npx' | 'tar', args: string[], cwd: string): Result {
  const r = sh(command, args, cwd);
  expect(r.status, `${command} ${args.join(' ')} in ${cwd}\n${r.stdout}\n${r.stderr}`).to.equal(0);
  return r;
}

/** Packages the installs had to fetch because the cache lacked them (reported, not failed). */
const fetched: string[] = [];

/** `npm install --offline`; when the cache lacks a tarball, the same install with --prefer-offline. */
function install(args: string[], cwd: string, flags: string[] = []): Result {
  const base = ['install', '--no-audit', '--no-fund', ...flags];
  const offline = sh('npm', [...base, '--offline', ...args], cwd);
  if (offline.status === 0 || !/ENOTCACHED/.test(offline.stderr)) {
    expect(offline.status, `npm install --offline ${args.join(' ')} in ${cwd}\n${offline.stderr}`).to.equal(0);
    return offline;
  }
  fetched.push(/request to (\S+) failed/.exec(offline.stderr)?.[1] ?? 'a package');
  return ok('npm', [...base, '--prefer-offline', ...args], cwd);
}

/** The project's own store: the run folder's store.json, rewritten on every write (a handful of trials). */
const JSON_STORE = `const fs = require('node:fs');
const path = require('node:path');
const { definePlugin } = require('@coex/core');

module.exports = definePlugin({
  name: 'json-store', version: '1.0.0', role: 'store', coex: '^0.1.0',
  apply(ctx) {
    ctx.provide('store', () => {
      const file = path.join(ctx.dir, 'store.json');
      const load = () => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { runs: {}, trials: {}, events: {}, states: {} });
      const update = (change) => { const db = load(); change(db); if (!ctx.readOnly) fs.writeFileSync(file, JSON.stringify(db)); };
      return {
        location: file,
        async putRun(run) { update((db) => { db.runs[run.id] = run; }); },
        async getRun(id) { return load().runs[id]; },
        async listRuns() { return Object.values(load().runs); },
        async putTrial(runId, trial) { update((db) => { (db.trials[runId] ??= {})[trial.seq] = trial; }); },
        async listTrials(runId) { return Object.values(load().trials[runId] ?? {}).sort((a, b) => a.seq - b.seq); },
        async appendEvent(runId, event) { update((db) => { (db.events[runId] ??= []).push(event); }); },
        async listEvents(runId) { return load().events[runId] ?? []; },
        async putControllerState(runId, state) { update((db) => { db.states[runId] = state; }); },
        async getControllerState(runId) { return load().states[runId]; },
        async close() {},
      };
    });
  },
});
`;

describe('publishing a third-party plugin (npm pack, offline install, coex run)', function () {
  this.timeout(300_000);
  const work = tempDir('coex-publish-');
  const tarballs = path.join(work, 'tarballs');
  const project = path.join(work, 'project');
  const scaffold = path.join(work, 'coex-plugin-toy');
  const tarball = (prefix: string) => {
    const file = fs.readdirSync(tarballs).find((f) => f.startsWith(prefix) && f.endsWith('.tgz'));
    if (!file) throw new Error(`no tarball ${prefix}*.tgz in ${tarballs}: ${fs.readdirSync(tarballs).join(', ')}`);
    return path.join(tarballs, file);
  };

  before(() => {
    fs.mkdirSync(tarballs);
    fs.mkdirSync(project);
    ok('npm', ['pack', ...FIRST_PARTY.flatMap((w) => ['--workspace', w]), '--pack-destination', tarballs], ROOT);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'coex-e2e-project', version: '1.0.0', private: true }, null, 2));
    install([tarball('coex-core-'), tarball('coex-cli-'), tarball('coex-kit-chain-cnn-'), tarball('coex-plugin-controller-random-'), tarball('coex-plugin-space-chain-cnn-')], project);
  });

  after(() => {
    if (fetched.length) console.log(`      (not in the npm cache, fetched: ${fetched.join(', ')})`);
  });

  it('the packed core ships dist/ with its host subpath, the CLI ships dist/, its bin and the templates; the plugins ship dist/', () => {
    expect(ok('tar', ['tzf', tarball('coex-core-')], work).stdout).to.include('package/dist/host.js');
    const cli = ok('tar', ['tzf', tarball('coex-cli-')], work).stdout;
    expect(cli).to.include('package/dist/init.js').and.include('package/bin/coex.js');
    expect(cli).to.include('package/templates/plugin/roles/trainer/src/index.ts');
    expect(cli).to.include('package/templates/plugin/_gitignore');
    expect(ok('tar', ['tzf', tarball('coex-testing-')], work).stdout).to.include('package/dist/index.js');
    expect(ok('tar', ['tzf', tarball('coex-plugin-controller-random-')], work).stdout).to.include('package/dist/index.js');
  });

  it('the installed `coex init plugin` scaffolds a package that installs offline, passes its tests and packs with its own prepack', () => {
    const init = ok('npx', ['coex', 'init', 'plugin', 'toy', '--role', 'trainer', '--dir', scaffold], project);
    expect(init.stdout).to.include('created coex-plugin-toy (trainer role)');
    // Its dev tools from the npm cache; @coex/core, @coex/testing and the kits they use from the tarballs (not published).
    install([tarball('coex-core-'), tarball('coex-testing-'), tarball('coex-kit-chain-cnn-'), tarball('coex-kit-dataset-')], scaffold, ['--no-save']);
    const test = ok('npm', ['test'], scaffold);
    expect(test.stdout).to.match(/\b4 passing\b/);
    ok('npm', ['pack', '--pack-destination', tarballs], scaffold);
    const files = ok('tar', ['tzf', tarball('coex-plugin-toy-')], work).stdout.trim().split('\n').sort();
    expect(files).to.include.members(['package/dist/index.js', 'package/dist/index.d.ts', 'package/package.json', 'package/README.md']);
    expect(files.filter((f) => f.includes('/src/') || f.includes('/test/'))).to.deep.equal([]);
  });

  it('the project installs it from its tarball and `coex list plugins` shows it with role and version', () => {
    install([tarball('coex-plugin-toy-')], project);
    const listing = JSON.parse(ok('npx', ['coex', 'list', 'plugins', '--json'], project).stdout) as { name: string; package: string; role?: string; version: string; error?: string }[];
    expect(listing.map((p) => p.name)).to.deep.equal(['controller-random', 'space-chain-cnn', 'toy']);
    const toy = listing.find((p) => p.name === 'toy')!;
    expect(toy).to.deep.include({ package: 'coex-plugin-toy', role: 'trainer', version: '0.1.0' });
    expect(toy.error).to.equal(undefined);
    expect(ok('npx', ['coex', 'list', 'plugins'], project).stdout).to.match(/^toy\s+trainer\s+0\.1\.0\s+coex-plugin-toy\b/m);
  });

  it('`coex run` trains with it, named by its short name in a preset file of the project', () => {
    fs.writeFileSync(path.join(project, 'json-store.js'), JSON_STORE);
    fs.writeFileSync(path.join(project, 'coex.preset.js'), [
      "const { definePreset } = require('@coex/core');",
      'module.exports = definePreset({',
      "  name: 'e2e',",
      "  plugins: ['controller-random', ['space-chain-cnn', { depth: 2, input: '8x8x1', classes: 4 }], 'toy', './json-store.js'],",
      '  config: { seed: 3, budget: { candidates: 6 }, controller: { batchSize: 3 }, trainer: { noise: 0 } },',
      '});',
      '',
    ].join('\n'));
    const out = path.join(project, 'runs', 'e2e');
    const run = ok('npx', ['coex', 'run', '--preset', './coex.preset.js', '--out', out, '--json'], project);
    const result = JSON.parse(run.stdout);
    expect(result.counts).to.deep.equal({ sampled: 6, pruned: 0, trained: 6, failed: 0, stopped: 0 });
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.plugins.map((p: { name: string }) => p.name)).to.deep.equal(
      ['@coex/plugin-controller-random', '@coex/plugin-space-chain-cnn', 'coex-plugin-toy', 'json-store']);
    expect(config.plugins.find((p: { role?: string }) => p.role === 'trainer')).to.deep.include({
      name: 'coex-plugin-toy', version: '0.1.0', module: 'coex-plugin-toy', options: { scale: 5000, floor: 0.1, ceiling: 0.9, noise: 0 },
    });
    // The scaffolded trainer's formula, checked on what the run reports.
    expect(result.pareto.length).to.be.greaterThan(0);
    for (const p of result.pareto as { candidate: { architecture: ChainCnnArchitecture }; metrics: { accuracy: number; params: number } }[]) {
      const params = describeChainCnn(p.candidate.architecture).params;
      expect(p.metrics.params).to.equal(params);
      expect(p.metrics.accuracy).to.be.closeTo(0.1 + 0.8 * (1 - Math.exp(-params / 5000)), 1e-12);
    }
  });

  it('a plugin built for another core: npm refuses its peer range, and if forced in, coex refuses it (exit 2)', () => {
    const legacy = path.join(work, 'coex-plugin-legacy');
    fs.mkdirSync(legacy);
    fs.writeFileSync(path.join(legacy, 'package.json'), JSON.stringify({
      name: 'coex-plugin-legacy', version: '1.0.0', main: 'index.js', keywords: ['coex-plugin'], peerDependencies: { '@coex/core': '^9.0.0' },
    }, null, 2));
    fs.writeFileSync(path.join(legacy, 'index.js'), [
      "const { definePlugin } = require('@coex/core');",
      "module.exports = definePlugin({ name: 'coex-plugin-legacy', version: '1.0.0', role: 'reward', coex: '^9.0.0',",
      "  apply(ctx) { ctx.provide('reward', () => ({ compute: () => 0 })); } });",
      '',
    ].join('\n'));
    ok('npm', ['pack', '--pack-destination', tarballs], legacy);
    const refused = sh('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball('coex-plugin-legacy-')], project);
    // npm's own check comes first: it resolves peers before it fetches anything.
    expect(refused.status).to.not.equal(0);
    expect(refused.stderr).to.match(/ERESOLVE/).and.to.match(/peer @coex\/core@"\^9\.0\.0"/);
    install([tarball('coex-plugin-legacy-')], project, ['--legacy-peer-deps']);

    fs.writeFileSync(path.join(project, 'legacy.yaml'), 'preset: ./coex.preset.js\nplugins: [legacy]\n');
    const run = sh('npx', ['coex', 'run', '--config', 'legacy.yaml', '--out', path.join(project, 'runs', 'legacy')], project);
    expect(run.status, run.stderr).to.equal(2);
    expect(run.stderr).to.match(/plugin coex-plugin-legacy@1\.0\.0 \(.*coex-plugin-legacy.*\) requires @coex\/core \^9\.0\.0, but this is @coex\/core 0\.1\.0/);
    expect(run.stderr).to.not.match(/\n\s+at /);
    const listing = JSON.parse(ok('npx', ['coex', 'list', 'plugins', '--json'], project).stdout) as { name: string; error?: string }[];
    expect(listing.find((p) => p.name === 'legacy')?.error).to.match(/requires @coex\/core \^9\.0\.0/);
  });
});
