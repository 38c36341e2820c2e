// Whole runs through the real `coex` bin: exit codes, messages, the store, resume after SIGKILL.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { coex, coexAsync, NB201_SAMPLE_SETS, tempDir, TINY_PRESET } from './helpers/cli';

describe('coex CLI', function () {
  this.timeout(120_000);

  it('arch prints the exact parameter counts of the released nets', () => {
    const cases: [string, number][] = [
      ['[[5,24,1],[1,64,1],[5,48,1],[7,24,1],[5,36,1],[1,24,1],[5,48,1],[3,24,1],[7,24,1],[3,36,1]]', 603_922],
      ['[[3,36,1],[5,36,1],[1,64,1],[3,48,2],[7,24,1],[1,64,1]]', 285_974],
      ['[[1,24,1],[7,64,1],[1,64,1],[5,48,2],[5,48,1],[7,24,1],[7,64,1],[5,24,2],[1,48,1],[5,36,1],[1,48,1],[7,24,2],[1,64,1],[7,36,1]]', 608_522],
    ];
    for (const [arch, params] of cases) {
      const r = coex(['arch', '--arch', arch, '--input', '32x32x3', '--classes', '10', '--json']);
      expect(r.status, r.stderr).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out.params).to.equal(params);
      expect(out.layers).to.have.length(JSON.parse(arch).length + 1);
      expect(out.macs).to.equal(out.layers.reduce((s: number, l: { macs: number }) => s + l.macs, 0));
    }
  });

  it('user errors exit 2 with one clear line and no stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['run', '--preset', 'co-exploraton'], /unknown preset "co-exploraton"/],
      [['run', '--preset', TINY_PRESET, '--budget', '0'], /--budget expects a whole number of at least 1/],
      [['run', '--preset', TINY_PRESET, '--set', 'trainer.delayMs=-1'], /option trainer.delayMs: Too small/],
      [['arch', '--arch', '[[3,0,1]]', '--json'], /layer 0 filters must be a positive integer/],
      [['arch', '--arch', '[[3,16,1]', '--json'], /--arch: not valid JSON/],
      [['show', '/nonexistent/run'], /not a Coex run folder/],
      [['list', 'things'], /expected "plugins" or "presets"/],
    ];
    for (const [args, message] of cases) {
      const r = coex(args);
      expect(r.status, `${args.join(' ')}\n${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.not.match(/\n\s+at /);
    }
  });

  it('a misspelt plugin gets a did-you-mean suggestion', () => {
    const dir = tempDir();
    const config = path.join(dir, 'c.yaml');
    fs.writeFileSync(config, `preset: ${TINY_PRESET}\nplugins: [controller-randon]\n`);
    const r = coex(['run', '--config', config, '--out', path.join(dir, 'run')]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/unknown plugin "controller-randon".*Did you mean "controller-random"\?/);
  });

  it('a malformed YAML config names the file and line', () => {
    const dir = tempDir();
    const config = path.join(dir, 'bad.yaml');
    fs.writeFileSync(config, 'preset: tiny\nspec:\n  minThroughput: [1,\n');
    const r = coex(['run', '--config', config]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include(`config file ${config}:`);
  });

  it('runs a tiny preset end to end, then show, export and resume of the finished run', () => {
    const dir = path.join(tempDir(), 'run');
    const r = coex(['run', '--preset', TINY_PRESET, '--budget', '8', '--seed', '3', '--out', dir, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const result = JSON.parse(r.stdout);
    expect(result.counts).to.deep.equal({ sampled: 8, pruned: 0, trained: 8, failed: 0, stopped: 0 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).seed).to.equal(3);

    const show = JSON.parse(coex(['show', dir, '--json']).stdout);
    expect(show.counts).to.deep.equal(result.counts);
    expect(show.pareto.length).to.be.greaterThan(0);
    for (const p of show.pareto) expect(Object.keys(p).sort()).to.deep.equal(['candidate', 'design', 'metrics', 'network', 'reward', 'seed', 'status', 'trial']);
    expect(show.best.accuracy).to.equal(Math.max(...show.pareto.map((p: { metrics: { accuracy: number } }) => p.metrics.accuracy)));
    // Compact network (kernel x filters /stride) and design beside the fractions, for the best trial too.
    const layers = (p: { candidate: { architecture: { layers: { kernel: number; filters: number; stride: number }[] } } }) =>
      p.candidate.architecture.layers.map((l) => `${l.kernel}x${l.filters}${l.stride > 1 ? `/${l.stride}` : ''}`).join(' ');
    for (const p of [...show.pareto, show.best]) expect([p.network, p.design]).to.deep.equal([layers(p), 'fake']);
    const text = coex(['show', dir]).stdout;
    expect(text).to.match(new RegExp(`best accuracy: ${(show.best.accuracy * 100).toFixed(2)} % \\(trial ${show.best.trial}\\)`));
    const [header, ...front] = text.split('\n').slice(text.split('\n').findIndex((l) => l.startsWith('Pareto front')) + 1).filter(Boolean);
    expect(header.split(/\s{2,}/)).to.deep.equal(['trial', 'accuracy', 'throughput', 'energyEfficiency', 'reward', 'network', 'design']);
    expect(front).to.have.length(show.pareto.length);
    front.forEach((line, i) => expect(line).to.match(new RegExp(`^${show.pareto[i].trial} +${(show.pareto[i].metrics.accuracy * 100).toFixed(2)} % .* ${show.pareto[i].network} +fake$`)));

    const csv = coex(['export', dir, '--format', 'csv']).stdout.trim().split('\n');
    expect(csv).to.have.length(9);
    expect(csv[0].split(',')).to.include.members(['trial', 'status', 'accuracy', 'throughput']);

    const before = fs.readFileSync(path.join(dir, 'coex.db'));
    const again = coex(['resume', '--trust-folder', dir]);
    expect(again.status).to.equal(0);
    expect(again.stderr).to.match(/already finished/);
    expect(fs.readFileSync(path.join(dir, 'coex.db')).equals(before)).to.equal(true);
  });

  it('progress counts the budget that ends the run: candidates, or trained children when that cap comes first', () => {
    const r = coex(['run', '--preset', TINY_PRESET, '--budget', '50', '--trained', '4', '--out', path.join(tempDir(), 'capped')]);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stderr.split('\n').filter((l) => /^coex: trial \d+ \(/.test(l));
    expect(lines).to.have.length(4);
    expect(lines[0]).to.match(/^coex: trial \d+ \(\d+\/50 candidates, 1\/4 trained\) done/);
    expect(lines[3]).to.match(/\(\d+\/50 candidates, 4\/4 trained\) done/);
  });

  it('hands a large --json output to a pipe whole (no cut at the pipe buffer when coex exits)', () => {
    const dir = path.join(tempDir(), 'big');
    expect(coex(['run', '--preset', 'nb201-random', ...NB201_SAMPLE_SETS, '--trained', '300', '--out', dir]).status).to.equal(0);
    const r = coex(['export', dir, '--format', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.length).to.be.above(256 * 1024, 'several times the 64 KiB a pipe holds');
    expect(JSON.parse(r.stdout)).to.have.length(300);
  });

  it('exits 3 when every candidate is pruned, saying by which limits', () => {
    const dir = path.join(tempDir(), 'run');
    const r = coex(['run', '--preset', TINY_PRESET, '--budget', '4', '--set', 'spec.minThroughput=1e9', '--out', dir]);
    expect(r.status, r.stderr).to.equal(3);
    expect(r.stderr).to.match(/every candidate \(4\) was pruned by the hardware spec; violations by limit: minThroughput: 4 \(closest: [\d.e+]+ vs required 1000000000\)/);
  });

  it('a run killed with SIGKILL and resumed has every trial exactly once and the same front', async () => {
    const reference = path.join(tempDir(), 'ref');
    const args = ['--preset', TINY_PRESET, '--budget', '12', '--seed', '5', '--set', 'trainer.delayMs=60'];
    expect(coex(['run', ...args, '--out', reference]).status).to.equal(0);
    const dir = path.join(tempDir(), 'killed');
    const child = coexAsync(['run', ...args, '--out', dir]);
    await new Promise<void>((resolve) => {
      let text = '';
      child.stderr!.on('data', (d) => {
        text += d;
        if (/trial \d+ \(5\/12 candidates\)/.test(text)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const partial = JSON.parse(coex(['show', dir, '--json']).stdout);
    expect(partial.counts.sampled).to.be.within(5, 11);
    const resumed = coex(['resume', '--trust-folder', dir, '--json']);
    expect(resumed.status, resumed.stderr).to.equal(0);
    const final = JSON.parse(coex(['show', dir, '--json']).stdout);
    const ref = JSON.parse(coex(['show', reference, '--json']).stdout);
    expect(final.counts).to.deep.equal({ sampled: 12, pruned: 0, trained: 12, failed: 0, stopped: 0 });
    expect(final.pareto).to.deep.equal(ref.pareto);
    const rows = JSON.parse(coex(['export', dir, '--format', 'json']).stdout) as { trial: number }[];
    expect(rows.map((r) => r.trial)).to.deep.equal([...Array(12).keys()]);
  });
});
