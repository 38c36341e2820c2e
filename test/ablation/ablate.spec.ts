// `coex ablate`, `coex show`/`export`/`resume` of a study and `coex report`, through the real bin:
// two arms (random search and regularized evolution on the tiny fixture) x two seeds.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, paretoFront, type Trial } from '@coex/core';
import { openStudyStore } from '@coex/core/host';
import { parseArmList, parseSeedList, planStudy } from '@coex/study';
import { FIXTURES, coex, coexAsync, coexMany, tempDir, TINY_PRESET } from '../helpers/cli';

const TINY_EVOLUTION = path.join(FIXTURES, 'presets', 'tiny-evolution.ts');
const STUDY = ['--arms', `random=${TINY_PRESET},${TINY_EVOLUTION}`, '--seeds', '1,2', '--budget', '12',
  '--set', 'spec.minThroughput=500', '--set', 'trainer.delayMs=30'];
const RUN_IDS = ['random/seed1', 'tiny-evolution/seed1', 'random/seed2', 'tiny-evolution/seed2'];

interface Row { run: string; trial: number; status: string; tokens: string; accuracy?: number; throughput?: number; energyEfficiency?: number }

/** Every stored trial of a study, read straight from its store (independently of the CLI). */
async function storedRows(dir: string): Promise<Row[]> {
  const { store, runs } = await openStudyStore(dir);
  const rows: Row[] = [];
  for (const run of runs) {
    rows.push(...(await store.listTrials(run.id)).map((t: Trial) => ({ run: run.id, trial: t.seq, status: t.status, tokens: JSON.stringify(t.candidate.tokens), ...t.metrics })));
  }
  await store.close();
  return rows;
}
interface Counts { sampled: number; pruned: number; trained: number; failed: number }

/** The exact values of a table's number cells, by row attribute value and data-key. */
function tableCells(html: string, id: string, rowAttribute: string): Record<string, Record<string, number>> {
  const table = html.slice(html.indexOf(`<table id="${id}"`), html.indexOf('</table>', html.indexOf(`<table id="${id}"`)));
  const out: Record<string, Record<string, number>> = {};
  for (const [, key, cells] of table.matchAll(new RegExp(`<tr ${rowAttribute}="([^"]+)"[^>]*>(.*?)</tr>`, 'g'))) {
    out[key] = Object.fromEntries([...cells.matchAll(/data-key="([^"]+)" data-value="([^"]+)"/g)].map(([, k, v]) => [k, Number(v)]));
  }
  return out;
}

describe('coex ablate and coex report', function () {
  this.timeout(120_000);
  let dir: string;
  let summary: { arms: { label: string; counts: Counts }[]; runs: { run: { id: string; seed: number; status: string }; counts: Counts; best?: { accuracy: number } }[] };

  before(() => {
    dir = path.join(tempDir(), 'study');
    const r = coex(['ablate', ...STUDY, '--out', dir, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    summary = JSON.parse(r.stdout);
    expect(r.stderr).to.match(/\[study 100\.0%, run 4\/4\]/);
    expect(r.stderr).to.match(/random\/seed1 trial \d+ .* \(12\/12 candidates\) \[study 25\.0%, run 1\/4\]/, 'progress counts whole runs and the current run by its budget');
  });

  it('--plan prints arms, budgets, seeds and overrides and runs nothing', async () => {
    const out = path.join(tempDir(), 'planned');
    const [text, json] = await coexMany([
      ['ablate', '--arms', `a=${TINY_PRESET},b=${TINY_PRESET}`, '--seeds', '3,4', '--set', 'b.controller.batchSize=2', '--set', 'b.budget.candidates=20', '--out', out, '--plan'],
      ['ablate', '--arms', `a=${TINY_PRESET},b=${TINY_PRESET}`, '--seeds', '3,4', '--budget', '6', '--trained', '4', '--set', 'b.controller.batchSize=2', '--set', 'trainer.delayMs=5', '--out', out, '--plan', '--json'],
    ]);
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/2 arms x 2 seeds = 4 runs/);
    // Without --budget each arm keeps its preset's budget, and the plan says they differ.
    expect(text.stdout).to.match(/budgets: NOT equal/);
    expect(text.stdout).to.match(/\ba\s+\S+tiny\.ts\s+12 candidates\s+-/);
    expect(text.stdout).to.match(/\bb\s+\S+tiny\.ts\s+20 candidates\s+controller\.batchSize=2 budget\.candidates=20/);
    expect(text.stdout).to.include('runs, in order: a/seed3, b/seed3, a/seed4, b/seed4');
    expect(json.status, json.stderr).to.equal(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.plan).to.equal(true);
    expect(plan.seeds).to.deep.equal([3, 4]);
    expect(plan.runs.map((r: { id: string }) => r.id)).to.deep.equal(['a/seed3', 'b/seed3', 'a/seed4', 'b/seed4']);
    expect(plan.arms.map((a: { sets: string[] }) => a.sets)).to.deep.equal([['trainer.delayMs=5'], ['trainer.delayMs=5', 'controller.batchSize=2']]);
    const option = (arm: number, role: string) => plan.arms[arm].config.plugins.find((p: { role?: string }) => p.role === role).options;
    expect(option(0, 'controller').batchSize).to.equal(4);
    expect(option(1, 'controller').batchSize).to.equal(2);
    expect(option(1, 'trainer').delayMs).to.equal(5);
    expect(plan.arms.map((a: { config: { budget: unknown } }) => a.config.budget)).to.deep.equal([{ candidates: 6, trained: 4 }, { candidates: 6, trained: 4 }]);
    expect(plan.budget).to.deep.equal({ equal: true, candidates: 6, trained: 4 });
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('user errors exit 2 with one line naming what was wrong', async () => {
    const r = coex(['ablate', '--arms', `a=${TINY_PRESET},b=${TINY_PRESET}`, '--seeds', '1', '--set', 'c.controller.batchSize=2', '--plan']);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/--set c\.controller\.batchSize=2: "c" is neither an arm label \(a, b\) nor a setting/);
    expect(r.stderr).to.not.match(/\n\s+at /);
    // The same checks, in process (each is a UserError, hence exit 2 through the CLI).
    const plan = (arms: string, sets: string[] = [], seeds = '1') => () => planStudy({ arms: parseArmList(arms), seeds: parseSeedList(seeds), sets });
    const cases: [() => unknown, RegExp][] = [
      [plan(`${TINY_PRESET},${TINY_PRESET}`), /two arms are labelled "tiny"; tell them apart with labels/],
      [plan('a=co-exploraton'), /arm a \(co-exploraton\): unknown preset "co-exploraton"/],
      [plan(`a=${TINY_PRESET}`, [], '1,x'), /--seeds expects a whole number from 0 to 4294967295 \(decimal digits\), got "x"/],
      [plan(`a=${TINY_PRESET}`, [], '1,1'), /--seeds: seed 1 is listed twice/],
      [plan(`a=${TINY_PRESET}`, ['a.seed=3']), /a study sets the seed of every run from --seeds/],
      [plan(`spec=${TINY_PRESET}`), /label "spec" is also a setting name/],
      [plan(`a=${TINY_PRESET}`, ['a.controller.batchSize=0']), /arm a \(.*tiny\.ts\): .*controller\.batchSize/],
    ];
    for (const [fn, message] of cases) {
      expect(fn).to.throw(UserError, message);
    }
  });

  it('runs every arm x seed in one store, with study.json written first', async () => {
    const study = JSON.parse(fs.readFileSync(path.join(dir, 'study.json'), 'utf8'));
    expect(study.seeds).to.deep.equal([1, 2]);
    expect(study.arms.map((a: { label: string }) => a.label)).to.deep.equal(['random', 'tiny-evolution']);
    expect(study.runs.map((r: { id: string }) => r.id)).to.deep.equal(RUN_IDS);
    expect(study.arms.map((a: { config: { budget: unknown } }) => a.config.budget)).to.deep.equal([{ candidates: 12 }, { candidates: 12 }]);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.db'))).to.deep.equal(['coex.db']);
    expect(fs.existsSync(path.join(dir, 'coex.lock'))).to.equal(false);
    expect(summary.runs.map((r) => [r.run.id, r.run.status, r.counts.sampled])).to.deep.equal(RUN_IDS.map((id) => [id, 'finished', 12]));
    const show = coex(['show', dir, '--json']);
    expect(JSON.parse(show.stdout).runs.map((r: { counts: Counts }) => r.counts)).to.deep.equal(summary.runs.map((r) => r.counts));
    const rows = await storedRows(dir);
    for (const r of summary.runs) {
      const mine = rows.filter((x) => x.run === r.run.id);
      expect(r.counts).to.deep.equal({ sampled: mine.length, pruned: mine.filter((x) => x.status === 'pruned').length,
        trained: mine.filter((x) => x.status === 'done').length, failed: mine.filter((x) => x.status === 'failed').length,
        stopped: mine.filter((x) => x.status === 'stopped').length });
    }
    expect([...new Set(rows.map((r) => r.run))].sort()).to.deep.equal([...RUN_IDS].sort());
    for (const id of RUN_IDS) expect(rows.filter((r) => r.run === id).map((r) => r.trial)).to.deep.equal([...Array(12).keys()]);
    // The two arms really differ (different controllers), and some candidates are pruned.
    const tokens = (id: string) => JSON.stringify(rows.filter((r) => r.run === id).map((r) => r.tokens));
    expect(tokens('random/seed1')).to.not.equal(tokens('tiny-evolution/seed1'));
    expect(summary.arms.every((a) => a.counts.pruned > 0 && a.counts.trained > 0)).to.equal(true);
  });

  it('writes a report whose numbers match the store', async () => {
    const report = coex(['report', dir, '--json']);
    expect(report.status, report.stderr).to.equal(0);
    const written = JSON.parse(report.stdout);
    expect(written.html).to.equal(path.join(dir, 'report.html'));
    expect(written.charts.map((f: string) => path.relative(dir, f)).sort()).to.deep.equal(
      ['accuracy-trial', 'counts', 'hypervolume', 'pareto-energyEfficiency', 'pareto-throughput', 'stage-time'].map((n) => path.join('report', `${n}.svg`)));
    for (const plane of ['pareto-throughput', 'pareto-energyEfficiency']) {
      const svg = fs.readFileSync(path.join(dir, 'report', `${plane}.svg`), 'utf8');
      const legend = svg.slice(svg.indexOf('role-legend'));
      expect(legend, `${plane} has a legend naming every arm`).to.include('>random<').and.to.include('>tiny-evolution<');
    }
    const numbers = JSON.parse(fs.readFileSync(written.json, 'utf8'));
    const rows = await storedRows(dir);

    // Counts per arm and per run equal the store's.
    expect(numbers.arms.map((a: { label: string; counts: Counts }) => [a.label, a.counts])).to.deep.equal(summary.arms.map((a) => [a.label, a.counts]));
    const reportRuns = numbers.arms.flatMap((a: { runs: { id: string; counts: Counts; bestAccuracy: number }[] }) => a.runs);
    for (const r of summary.runs) {
      const mine = reportRuns.find((x: { id: string }) => x.id === r.run.id);
      expect(mine.counts, r.run.id).to.deep.equal(r.counts);
      expect(mine.bestAccuracy, r.run.id).to.equal(r.best!.accuracy);
    }

    // Equal accuracy: the threshold is the lowest best accuracy of any run; per seed, the best throughput reaching it.
    const threshold = Math.min(...summary.runs.map((r) => r.best!.accuracy));
    expect(numbers.equalAccuracy.threshold).to.equal(threshold);
    const byMetric = (metric: string) => numbers.equalAccuracy.comparisons.find((c: { metric: string }) => c.metric === metric);
    for (const metric of ['throughput', 'energyEfficiency']) {
      for (const arm of byMetric(metric).arms) {
        for (const v of arm.values) {
          const reaching = rows.filter((r) => r.run === v.run && r.status === 'done' && r.accuracy! >= threshold).map((r) => r[metric as 'throughput']!);
          expect(v.value, `${metric} ${v.run}`).to.equal(Math.max(...reaching));
        }
        const values = arm.values.map((v: { value: number }) => v.value);
        expect(arm.mean).to.be.closeTo(values.reduce((s: number, x: number) => s + x, 0) / values.length, 1e-9);
        expect(arm.ci[0]).to.be.at.least(Math.min(...values));
        expect(arm.ci[1]).to.be.at.most(Math.max(...values));
      }
      const [base, other] = byMetric(metric).arms;
      expect(base.label).to.equal('random');
      expect(base.improvement).to.equal(null);
      expect(other.improvement.value).to.be.closeTo(other.mean / base.mean - 1, 1e-12);
      // Two seeds per arm: 6 splits, so an exact p-value is a multiple of 1/6.
      expect(other.test.exact).to.equal(true);
      expect(Math.round(other.test.p * 6)).to.be.closeTo(other.test.p * 6, 1e-9);
    }

    // The Pareto fronts (seeds pooled) are the non-dominated trained trials of each arm.
    for (const plane of numbers.planes) {
      for (const label of ['random', 'tiny-evolution']) {
        const done = rows.filter((r) => r.run.startsWith(`${label}/`) && r.status === 'done');
        const front = paretoFront(done, [{ metric: 'accuracy', goal: 'max' }, { metric: plane.metric, goal: 'max' }], (r, m) => (r as unknown as Record<string, number>)[m])
          .map((i) => `${done[i].run}#${done[i].trial}`).sort();
        expect(plane.fronts[label].map((p: { run: string; trial: number }) => `${p.run}#${p.trial}`).sort(), `${plane.metric} ${label}`).to.deep.equal(front);
      }
    }

    // The page shows the same numbers, and the charts inline.
    const html = fs.readFileSync(written.html, 'utf8');
    const counts = tableCells(html, 'counts', 'data-arm');
    for (const arm of summary.arms) {
      const { sampled, pruned, trained, failed, stopped } = counts[arm.label];
      expect({ sampled, pruned, trained, failed, stopped }).to.deep.equal(arm.counts);
    }
    const runs = tableCells(html, 'runs', 'data-run');
    for (const r of summary.runs) expect(runs[r.run.id].bestAccuracy).to.equal(r.best!.accuracy);
    expect(Number(/id="threshold" data-value="([^"]+)"/.exec(html)![1])).to.equal(threshold);
    expect(html.match(/<svg /g)).to.have.length(6);
    expect(html).to.not.match(/<script|<link|src="http/);
    expect(html).to.include('budget: equal for every arm: 12 candidates per run');
    expect(html.match(/<details data-arm=/g)).to.have.length(2);
  });

  it('a study killed with SIGKILL and resumed has every trial exactly once, as if uninterrupted', async () => {
    const killed = path.join(tempDir(), 'killed');
    const child = coexAsync(['ablate', ...STUDY, '--out', killed]);
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stderr!.on('data', (d) => {
        text += d;
        const done = text.match(/^coex: \S+ trial \d+ /gm)?.length ?? 0;
        if (done >= 16) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`the study ended before it was killed:\n${text}`)));
    });
    await new Promise((r) => child.on('exit', r));
    const partial = await storedRows(killed);
    expect(partial.filter((r) => r.status !== 'training').length).to.be.within(16, 47);
    expect(partial.filter((r) => r.run === 'random/seed1')).to.have.length(12);

    const resumed = coex(['resume', '--trust-folder', killed, '--json']);
    expect(resumed.status, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(/study run 1\/4 random\/seed1 already finished; skipped/);
    const before = fs.readFileSync(path.join(killed, 'coex.db'));
    const again = coex(['resume', '--trust-folder', killed]);
    expect(again.status).to.equal(0);
    expect(again.stderr).to.match(/has already finished; nothing to do/);
    expect(fs.readFileSync(path.join(killed, 'coex.db')).equals(before)).to.equal(true);
    const key = (r: Row) => `${r.run}#${r.trial}`;
    const pick = (rows: Row[]) => rows.map((r) => [key(r), r.status, r.tokens, r.accuracy, r.throughput]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const after = await storedRows(killed);
    expect(new Set(after.map(key)).size).to.equal(after.length);
    expect(after).to.have.length(48);
    expect(pick(after)).to.deep.equal(pick(await storedRows(dir)));
  });
});
