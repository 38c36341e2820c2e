// The report's numbers on a hand-made study (every value computed by hand below), and a whole
// report of a single run folder (one arm, one seed).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CORE_VERSION, type Metrics, type ResolvedConfig, type Trial } from '@coex/core';
import { prepareRun } from '@coex/core/host';
import { analyse, writeReport, type ReportInput } from '../src';

const TINY_PRESET = path.join(__dirname, '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');

const config: ResolvedConfig = {
  coexVersion: CORE_VERSION,
  seed: 1,
  budget: { candidates: 3 },
  spec: {},
  objectives: [{ metric: 'accuracy', goal: 'max' }, { metric: 'throughput', goal: 'max' }],
  plugins: [],
};

function trial(seq: number, status: Trial['status'], metrics: Metrics): Trial {
  return { seq, batch: 0, seed: seq, status, candidate: { tokens: { arch: [seq], hw: [] }, architecture: { kind: 'test', id: seq } }, metrics, timings: { train: 1000, sample: 2 } };
}

// Accuracy runs from 0.4 to 0.9 and throughput from 1 to 40 over the whole study: the scaling range.
const input: ReportInput = {
  dir: '/studies/hand',
  kind: 'study',
  seeds: [1, 2],
  budget: { equal: true, candidates: 3 },
  arms: [
    { label: 'A', sets: [], config, runs: [
      { id: 'A/seed1', seed: 1, status: 'finished', trials: [trial(0, 'done', { accuracy: 0.5, throughput: 10 }), trial(1, 'done', { accuracy: 0.7, throughput: 5 })] },
      { id: 'A/seed2', seed: 2, status: 'finished', trials: [trial(0, 'done', { accuracy: 0.6, throughput: 10 })] },
    ] },
    { label: 'B', sets: ['controller.batchSize=2'], config, runs: [
      { id: 'B/seed1', seed: 1, status: 'finished', trials: [trial(0, 'done', { accuracy: 0.8, throughput: 20 }), trial(1, 'pruned', { throughput: 50 })] },
      { id: 'B/seed2', seed: 2, status: 'finished', trials: [trial(0, 'done', { accuracy: 0.4, throughput: 40 }), trial(1, 'done', { accuracy: 0.9, throughput: 1 })] },
    ] },
  ],
};

describe('report numbers', () => {
  const numbers = analyse(input);

  it('counts and stage times', () => {
    expect(numbers.arms.map((a) => a.counts)).to.deep.equal([
      { sampled: 3, pruned: 0, trained: 3, failed: 0, stopped: 0 },
      { sampled: 4, pruned: 1, trained: 3, failed: 0, stopped: 0 },
    ]);
    expect(numbers.arms[1].stageSeconds.train).to.be.closeTo(4, 1e-12);
    expect(numbers.arms[1].stageSeconds.sample).to.be.closeTo(0.008, 1e-12);
  });

  it('hypervolume: objectives scaled between the worst and best of the study', () => {
    expect(numbers.hypervolume.reference).to.deep.equal({ accuracy: 0.4, throughput: 1 });
    expect(numbers.hypervolume.ideal).to.deep.equal({ accuracy: 0.9, throughput: 40 });
    // A/seed1: (0.2, 9/39) then also (0.6, 4/39): 0.2*9/39 = 1.8/39, then 0.6*4/39 + 0.2*5/39 = 3.4/39.
    // A/seed2: (0.4, 9/39) = 3.6/39. B/seed1: (0.8, 19/39) = 15.2/39 (the pruned trial is no trained child).
    // B/seed2: (0, 1) and (1, 0) each lie on the reference in one objective: 0.
    const [a, b] = numbers.arms;
    expect(a.runs[0].curve).to.have.length(2);
    expect(a.runs[0].curve[0] * 39).to.be.closeTo(1.8, 1e-9);
    expect(a.runs[0].curve[1] * 39).to.be.closeTo(3.4, 1e-9);
    expect(a.runs[1].hypervolume * 39).to.be.closeTo(3.6, 1e-9);
    expect(b.runs[0].curve).to.have.length(1);
    expect(b.runs[0].hypervolume * 39).to.be.closeTo(15.2, 1e-9);
    expect(b.runs[1].curve).to.deep.equal([0, 0]);
    // Arm A after k children, A/seed2 keeping its final value at k = 2.
    const curve = numbers.hypervolume.curves.A;
    expect(curve.map((p) => p.k)).to.deep.equal([1, 2]);
    expect(curve[0].mean * 39).to.be.closeTo(2.7, 1e-9);
    expect(curve[1].mean * 39).to.be.closeTo(3.5, 1e-9);
    // t interval of [1.8, 3.6]/39: sd = 0.9·√2/39, so 2.7/39 ± 12.7062·0.9/39, clipped at 0.
    expect(curve[0].lo).to.equal(0);
    expect(curve[0].hi * 39).to.be.closeTo(2.7 + 12.7062 * 0.9, 1e-3);
  });

  it('equal accuracy: threshold, best throughput per seed, improvement and permutation test', () => {
    const { threshold, comparisons, best } = numbers.equalAccuracy;
    // Best accuracies per run: 0.7, 0.6, 0.8, 0.9; the lowest is the threshold.
    expect(threshold).to.equal(0.6);
    const throughput = comparisons.find((c) => c.metric === 'throughput')!;
    const [a, b] = throughput.arms;
    expect(a.values.map((v) => v.value)).to.deep.equal([5, 10]);
    expect(b.values.map((v) => v.value)).to.deep.equal([20, 1]);
    expect(a.mean).to.equal(7.5);
    expect(b.mean).to.equal(10.5);
    expect(b.improvement!.value).to.be.closeTo(0.4, 1e-12);
    // Every split of {5, 10, 20, 1} into pairs has |difference| >= 3: p = 1 (exact, 6 splits).
    expect(b.test).to.deep.equal({ p: 1, exact: true, draws: 6, floor: 2 / 6 });
    expect(a.test).to.equal(null);
    expect(a.ci![0]).to.be.at.least(5);
    expect(a.ci![1]).to.be.at.most(10);
    expect(best.map((d) => [d.arm, d.run, d.trial, d.metrics.throughput])).to.deep.equal([['A', 'A/seed2', 0, 10], ['B', 'B/seed1', 0, 20]]);
    expect(numbers.planes.map((p) => p.metric)).to.deep.equal(['throughput']);
    // Pooled fronts, by throughput: A: (10, 0.6) and (5, 0.7) dominate (10, 0.5).
    expect(numbers.planes[0].fronts.A.map((p) => [p.value, p.accuracy])).to.deep.equal([[5, 0.7], [10, 0.6]]);
    expect(numbers.planes[0].fronts.B.map((p) => [p.value, p.accuracy])).to.deep.equal([[1, 0.9], [20, 0.8], [40, 0.4]]);
  });

  it('warns that 2 seeds against 2 put a floor of 2/C(4,2) = 0.333 under every p', () => {
    const floors = numbers.notes.filter((n) => n.startsWith('p-values have a floor'));
    expect(floors).to.have.length(1);
    expect(floors[0]).to.include('with 2 seeds of B and 2 of A').and.include('2/C(4, 2) = 0.333').and.include('1/6 = 0.167 for one side');
  });

  it('accuracy against trial number, with the best so far per run', () => {
    expect(numbers.accuracyByTrial.filter((p) => p.run === 'B/seed2').map((p) => [p.trial, p.accuracy, p.best])).to.deep.equal([[0, 0.4, 0.4], [1, 0.9, 0.9]]);
    expect(numbers.accuracyByTrial.filter((p) => p.run === 'A/seed1').map((p) => p.best)).to.deep.equal([0.5, 0.7]);
  });

  it('at several accuracy levels: the best value per run at or above each level, averaged over the runs reaching it', () => {
    const [t] = numbers.equalAccuracy.levels;
    expect(t.metric).to.equal('throughput');
    // From the threshold 0.6 to the highest best accuracy 0.9 in 5 steps.
    expect(t.levels).to.deep.equal([0.6, 0.675, 0.75, 0.825, 0.9]);
    const cells = Object.fromEntries(t.arms.map((a) => [a.label, a.cells]));
    // A: seed 1 has (0.5, 10) and (0.7, 5), seed 2 has (0.6, 10).
    expect(cells.A).to.deep.equal([{ mean: 7.5, runs: 2 }, { mean: 5, runs: 1 }, null, null, null]);
    // B: seed 1 has (0.8, 20), seed 2 has (0.4, 40) and (0.9, 1).
    expect(cells.B).to.deep.equal([{ mean: 10.5, runs: 2 }, { mean: 10.5, runs: 2 }, { mean: 10.5, runs: 2 }, { mean: 1, runs: 1 }, { mean: 1, runs: 1 }]);
  });

  it('a given --accuracy and --baseline are used; an unknown baseline is a user error', () => {
    const other = analyse(input, { accuracy: 0.75, baseline: 'B' });
    const throughput = other.equalAccuracy.comparisons.find((c) => c.metric === 'throughput')!;
    expect(other.baseline).to.equal('B');
    expect(throughput.arms.map((a) => a.values.map((v) => v.value))).to.deep.equal([[null, null], [20, 1]]);
    expect(throughput.arms[0].n).to.equal(0);
    expect(() => analyse(input, { baseline: 'C' })).to.throw(/--baseline C: no such arm \(arms: A, B\)/);
  });
});

describe('report: effect sizes and trained networks that miss the spec', () => {
  const withHardware = (seq: number, accuracy: number, throughput: number): Trial => ({
    ...trial(seq, 'done', { accuracy, throughput }),
    hardware: { feasible: true, throughput },
  });
  const spec = { ...config, spec: { minThroughput: 10 } };
  const specReport: ResolvedConfig = { ...config, plugins: [{ name: '@coex/plugin-spec-report', version: '0.1.0', module: '@coex/plugin-spec-report', options: { minThroughput: 10 } }] };
  const study: ReportInput = {
    dir: '/studies/spec', kind: 'study', seeds: [1, 2], budget: { equal: true },
    arms: [
      { label: 'co', sets: [], config: spec, runs: [
        { id: 'co/seed1', seed: 1, status: 'finished', trials: [withHardware(0, 0.5, 20), withHardware(1, 0.6, 12)] },
        { id: 'co/seed2', seed: 2, status: 'finished', trials: [withHardware(0, 0.55, 30)] },
      ] },
      // Searched with no spec: 3 of its 4 networks miss 10 images/s, by 10/5, 10/2 and 10/8.
      { label: 'acc', sets: [], config: specReport, runs: [
        { id: 'acc/seed1', seed: 1, status: 'finished', trials: [withHardware(0, 0.7, 5), withHardware(1, 0.8, 2)] },
        { id: 'acc/seed2', seed: 2, status: 'finished', trials: [withHardware(0, 0.75, 8), withHardware(1, 0.65, 40)] },
      ] },
    ],
  };

  it('holds every arm to the baseline arm\'s spec: share missing, median and worst factor', () => {
    const m = analyse(study).specMisses!;
    expect(m.spec).to.deep.equal({ minThroughput: 10 });
    expect(m.source).to.equal('the spec of arm co');
    expect(m.arms).to.deep.equal([
      { label: 'co', trained: 3, missing: 0, share: 0, medianFactor: null, worstFactor: null },
      { label: 'acc', trained: 4, missing: 3, share: 0.75, medianFactor: 2, worstFactor: 5 },
    ]);
    // With the accuracy-only arm as baseline (no spec of its own), spec-report's options are used.
    expect(analyse(study, { baseline: 'acc' }).specMisses!.source).to.equal('the spec of arm co');
    const alone = analyse({ ...study, arms: [study.arms[1]] }).specMisses!;
    expect(alone.source).to.equal("spec-report's options in arm acc");
    expect(alone.arms[0].worstFactor).to.equal(5);
  });

  it('best accuracy against the baseline: Hedges\' g and Cliff\'s delta over seeds', () => {
    const accuracy = analyse(study).equalAccuracy.comparisons.find((c) => c.metric === 'accuracy')!;
    // Best accuracy per seed: co 0.6, 0.55; acc 0.8, 0.75: every pair favours acc; equal spreads (sd 0.0354), g = 0.2/0.0354 x (1 - 3/7).
    const acc = accuracy.arms.find((a) => a.label === 'acc')!;
    expect(acc.effect!.cliffsDelta).to.equal(1);
    expect(acc.effect!.hedgesG).to.be.closeTo((0.2 / Math.sqrt(0.00125)) * (1 - 3 / 7), 1e-9);
    expect(accuracy.arms.find((a) => a.label === 'co')!.effect).to.equal(null);
  });

  it('has no spec table when no arm has a spec', () => {
    expect(analyse(input).specMisses).to.equal(null);
  });
});

describe('report of a single run folder', function () {
  this.timeout(60_000);

  it('is the same report with one arm and one seed', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'coex-report-')), 'run');
    const prepared = await prepareRun({ preset: TINY_PRESET, budget: 6, seed: 4, out: dir });
    try {
      await prepared.run.execute();
    } finally {
      prepared.release();
    }
    const written = await writeReport(dir);
    const numbers = JSON.parse(fs.readFileSync(written.json, 'utf8'));
    expect(numbers.kind).to.equal('run');
    expect(numbers.arms.map((a: { label: string }) => a.label)).to.deep.equal(['tiny']);
    expect(numbers.arms[0].runs.map((r: { id: string; seed: number }) => [r.id, r.seed])).to.deep.equal([['main', 4]]);
    expect(numbers.arms[0].counts.sampled).to.equal(6);
    const html = fs.readFileSync(written.html, 'utf8');
    expect(html.match(/<svg /g)!.length).to.equal(written.charts.length);
    for (const file of written.charts) expect(fs.readFileSync(file, 'utf8')).to.match(/^<svg /);
    expect(html).to.include('6 candidates per run');
    // Single-run wording: no pooling of seeds, no baseline, no comparison of the run with itself.
    expect(html).not.to.include('seeds pooled');
    expect(html).not.to.include('baseline');
    expect(html).not.to.include('Per seed, with intervals');
    expect(html).to.include('<li>preset: tiny</li>');
    // Readable networks; points carry tooltips naming trial, network and design; accuracy by trial.
    expect(html).to.match(/<td class="mono">\d+x\d+(\/\d)? \d+x\d+(\/\d)?<\/td>/);
    const pareto = fs.readFileSync(path.join(dir, 'report', 'pareto-throughput.svg'), 'utf8');
    // One line each (vega writes the line breaks as &#xA;).
    expect(pareto).to.match(/<title>trial \d+&#xA;network: \d+x\d+[^<]*&#xA;design: [^<]+&#xA;accuracy: [\d.]+%&#xA;throughput \(images\/s\): [\d.]+<\/title>/);
    expect(written.charts.map((f) => path.basename(f))).to.include('accuracy-trial.svg');
  });

  it('draws the spec limit on the Pareto chart', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'coex-report-')), 'run');
    const prepared = await prepareRun({ preset: TINY_PRESET, budget: 6, seed: 3, sets: ['spec.minThroughput=150'], out: dir });
    try {
      await prepared.run.execute();
    } finally {
      prepared.release();
    }
    await writeReport(dir);
    const svg = fs.readFileSync(path.join(dir, 'report', 'pareto-throughput.svg'), 'utf8');
    expect(svg).to.include('minThroughput 150');
    expect(svg).to.match(/stroke-dasharray="6,4"/);
  });
});
