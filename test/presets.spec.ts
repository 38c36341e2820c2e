// Every shipped preset resolves (its plugins, roles and options), and runs end to end through the
// CLI with the smallest settings (real training on a few MNIST images for the quick presets).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@coex/core';
import { resolveConfig } from '@coex/core/host';
import { coex, coexMany, NB201_SAMPLE_SETS, tempDir } from './helpers/cli';

const FULL = ['co-exploration', 'hw-aware-nas', 'accuracy-only-nas', 'evolutionary-co-exploration', 'random'];
const ROLES = ['controller', 'space', 'hardware', 'dataset', 'trainer', 'executor', 'reward', 'store'];

describe('shipped presets', function () {
  this.timeout(600_000);

  it('coex list presets --json lists every shipped preset by the name --preset accepts', () => {
    const listed = JSON.parse(coex(['list', 'presets', '--json']).stdout).map((p: { name: string }) => p.name);
    for (const name of [...FULL, ...FULL.map((p) => `${p}-quick`), 'nb201-rl', 'nb201-evolution', 'nb201-random', 'nb201-guided']) {
      expect(listed).to.include(name);
    }
  });

  it('resolve with the roles and strategy each one promises', () => {
    const roles = (preset: string) => {
      const { config } = resolveConfig({ preset });
      return Object.fromEntries(config.plugins.filter((p) => p.role).map((p) => [p.role, p]));
    };
    const co = roles('co-exploration');
    expect(Object.keys(co).sort()).to.deep.equal([...ROLES].sort());
    expect(co.controller.name).to.equal('@coex/plugin-controller-rl');
    expect(co.hardware.options.mode).to.equal('sample');
    expect(co.dataset.name).to.equal('@coex/plugin-dataset-fashion-mnist');
    expect(resolveConfig({ preset: 'co-exploration' }).config.spec).to.deep.equal({ minThroughput: 1000 });

    expect(roles('hw-aware-nas').hardware.options.mode).to.equal('fixed');
    const accOnly = resolveConfig({ preset: 'accuracy-only-nas' }).config;
    expect(accOnly.spec).to.deep.equal({});
    expect(accOnly.plugins.map((p) => p.name)).to.include('@coex/plugin-spec-report').and.not.include('@coex/plugin-reward-weighted');
    expect(roles('evolutionary-co-exploration').controller.options.algorithm).to.equal('nsga2');
    expect(roles('random').controller.name).to.equal('@coex/plugin-controller-random');
    for (const p of FULL) {
      const quick = roles(`${p}-quick`);
      expect(quick.dataset.name, p).to.equal('@coex/plugin-dataset-mnist');
      expect(quick.controller.name, p).to.equal(roles(p).controller.name);
    }
    expect(roles('nb201-evolution').controller.options).to.include({ algorithm: 'regularized', population: 20, sample: 5, mutations: 1 });
  });

  it('<preset>-quick is the preset plus the quick overlay its family declares: inherited by presets that extend it, extended by their own, removed by quick: false', () => {
    const listed = JSON.parse(coex(['list', 'presets', '--json']).stdout) as { name: string; package: string; extends?: string[]; description?: string }[];
    const quickListing = listed.find((p) => p.name === 'hw-aware-nas-quick')!;
    expect(quickListing).to.deep.include({ package: '@coex/preset-hw-aware-nas', extends: ['co-exploration', 'hw-aware-nas'] });
    expect(quickListing.description).to.match(/^Quick variant of hw-aware-nas: MNIST/);
    expect(listed.map((p) => p.name)).to.not.include('nb201-rl-quick'); // a family without an overlay has no -quick

    // Third-party presets, installed as packages beside a project.
    const project = tempDir('coex-quick-');
    const install = (name: string, preset: object) => {
      const dir = path.join(project, 'node_modules', `coex-preset-${name}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `coex-preset-${name}`, version: '1.0.0', main: 'index.js' }));
      fs.writeFileSync(path.join(dir, 'index.js'), `module.exports = ${JSON.stringify(preset)};`);
    };
    install('inherits', { name: 'inherits', extends: 'co-exploration', plugins: [['controller-rl', { batchSize: 2 }]] });
    install('own', { name: 'own', extends: 'co-exploration', plugins: [], quick: { description: 'own overlay', plugins: [['space-chain-cnn', { depth: 3 }]], config: { budget: { candidates: 5 } } } });
    install('none', { name: 'none', extends: 'co-exploration', plugins: [], quick: false });
    install('drops', { name: 'drops', extends: 'co-exploration', plugins: [], quick: { description: 'no MNIST', plugins: ['!dataset-mnist'] } });
    install('cut', { name: 'cut', extends: 'none', plugins: [], quick: { description: 'own only', plugins: [['space-chain-cnn', { depth: 3 }]] } });
    const resolved = (preset: string) => resolveConfig({ preset, cwd: project }).config;
    const space = (preset: string) => resolved(preset).plugins.find((p) => p.role === 'space')!.options;
    const inherits = resolved('inherits-quick');
    expect(inherits.preset).to.equal('inherits-quick');
    expect(inherits.plugins.find((p) => p.role === 'dataset')!.name).to.equal('@coex/plugin-dataset-mnist');
    expect(inherits.plugins.find((p) => p.role === 'controller')!.options).to.include({ batchSize: 2 });
    expect(inherits.budget).to.deep.include({ candidates: 16, trained: 6 });
    // An own overlay extends the inherited one: its entries merge by plugin, `!name` drops one.
    const dataset = (preset: string) => resolved(preset).plugins.find((p) => p.role === 'dataset')!.name;
    expect(space('own-quick')).to.include({ depth: 3 });
    expect(dataset('own-quick')).to.equal('@coex/plugin-dataset-mnist');
    expect(resolved('own-quick').budget).to.deep.include({ candidates: 5, trained: 6 });
    expect(dataset('drops-quick')).to.equal('@coex/plugin-dataset-fashion-mnist');
    expect(space('drops-quick')).to.include({ depth: 4 });
    // quick: false cuts what is above it: a preset below declares its overlay afresh.
    expect(space('cut-quick')).to.include({ depth: 3 });
    expect(dataset('cut-quick')).to.equal('@coex/plugin-dataset-fashion-mnist');
    expect(resolved('cut-quick').budget).to.deep.include({ candidates: 200 });
    expect(() => resolved('none-quick')).to.throw(UserError, /unknown preset "none-quick"/);
    expect(() => resolved('nb201-rl-quick')).to.throw(UserError, /unknown preset "nb201-rl-quick"/);
  });

  it('--set <plugin>.<option> reaches a plugin that fills no role (spec-report); an unknown prefix gets a did-you-mean', () => {
    const specReport = (sets: string[]) => resolveConfig({ preset: 'accuracy-only-nas', sets }).config.plugins.find((p) => p.name === '@coex/plugin-spec-report');
    expect(specReport([])!.options).to.include({ minThroughput: 1000 });
    expect(specReport(['spec-report.minThroughput=4000'])!.options).to.include({ minThroughput: 4000 });
    expect(specReport(['@coex/plugin-spec-report.maxPower=3'])!.options).to.include({ minThroughput: 1000, maxPower: 3 });
    expect(() => specReport(['spec-reprot.minThroughput=4000'])).to.throw(UserError, /a plugin of this run that fills no role \(spec-report\) \(did you mean "spec-report"\?\)/);
    expect(() => specReport(['spec-report.minThroughput="fast"'])).to.throw(UserError, /minThroughput/);
    expect(() => resolveConfig({ preset: 'co-exploration', sets: ['spec-report.minThroughput=4000'] })).to.throw(UserError, /a path starts with one of/);
  });

  it('run end to end through the CLI (quick presets with a few MNIST images, nb201 presets on the sample)', async () => {
    const dir = tempDir('coex-presets-');
    const small = ['--budget', '3', '--set', 'budget.trained=1', '--set', 'space.depth=2', '--set', 'dataset.subset=64',
      '--set', 'dataset.validationSize=64', '--set', 'executor.workers=1'];
    const cases = [
      ...FULL.map((p) => ['run', '--preset', `${p}-quick`, ...small, '--out', path.join(dir, p), '--json']),
      ...['nb201-rl', 'nb201-evolution', 'nb201-random', 'nb201-guided'].map((p) => ['run', '--preset', p, ...NB201_SAMPLE_SETS, '--set', 'budget.trained=20', '--out', path.join(dir, p), '--json']),
    ];
    const results = await coexMany(cases, { parallel: 2 });
    results.forEach((r, i) => {
      const name = cases[i][2];
      // Exit 3 is a legitimate outcome of a spec-pruned search of 3 candidates; anything else must succeed.
      expect([0, 3], `${name}: ${r.stderr}`).to.include(r.status);
      expect(r.stderr, `${name}: tfjs's install-tfjs-node banner is kept out of the output`).to.not.include('looks like you are running TensorFlow.js');
      if (r.status === 3) return expect(r.stderr).to.match(/every candidate \(\d+\) was pruned/);
      const out = JSON.parse(r.stdout);
      expect(out.counts.sampled, name).to.be.at.least(1);
      if (name.startsWith('nb201')) expect(out.counts.trained, name).to.equal(20);
      else expect(out.counts.trained + out.counts.failed, name).to.be.at.most(1);
    });
    // coex finalize retrains the front's best at full fidelity and saves the model.
    const runDir = path.join(dir, 'random');
    const fin = coex(['finalize', runDir, '--top', '1', '--epochs', '1', '--json']);
    expect(fin.status, fin.stderr).to.equal(0);
    const finalized = JSON.parse(fin.stdout);
    expect(finalized.results).to.have.length(1);
    const [first] = finalized.results;
    expect(first.final.accuracy).to.be.within(0, 1);
    expect(fs.existsSync(path.join(finalized.saveDir, `trial-${first.trial}`, 'model.json'))).to.equal(true);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'finalize.json'), 'utf8')).results[0].trial).to.equal(first.trial);
  });

  it('co-exploration-guided(-quick): hardware tuned per network, ASHA; a quick run stops a child and keeps learning curves (the bar, small)', () => {
    const roles = (preset: string) => Object.fromEntries(resolveConfig({ preset }).config.plugins.filter((p) => p.role).map((p) => [p.role, p]));
    for (const preset of ['co-exploration-guided', 'co-exploration-guided-quick']) {
      const r = roles(preset);
      expect(r.hardware.options.mode, preset).to.equal('tune');
      expect(r.scheduler.name, preset).to.equal('@coex/plugin-scheduler-asha');
      expect(r.controller.name, preset).to.equal('@coex/plugin-controller-rl');
      expect(r.trainer.options.epochs, preset).to.equal(3);
    }
    expect(roles('co-exploration-guided-quick').dataset.name).to.equal('@coex/plugin-dataset-mnist');
    const dir = path.join(tempDir('coex-guided-'), 'quick');
    const run = coex(['run', '--preset', 'co-exploration-guided-quick', '--budget', '8', '--set', 'space.depth=2', '--set', 'dataset.subset=64', '--set', 'trainer.epochs=2',
      '--set', 'dataset.validationSize=64', '--set', 'executor.workers=2', '--out', dir]);
    expect(run.status, run.stderr).to.equal(0);
    const shown = JSON.parse(coex(['show', dir, '--json']).stdout);
    expect(shown.counts.stopped, JSON.stringify(shown.counts)).to.be.at.least(1);
    const rows = JSON.parse(coex(['export', dir, '--format', 'json']).stdout) as { status: string; curve?: unknown[] }[];
    expect(Math.max(...rows.map((r) => r.curve?.length ?? 0))).to.be.at.least(2);
    expect(rows.filter((r) => r.status === 'stopped').every((r) => r.curve?.length === 1), 'stopped at the rung of epoch 1').to.equal(true);
  });
});
