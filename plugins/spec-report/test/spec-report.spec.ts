import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Trial } from '@coex/core';
import { prepareStudy, runStudy } from '@coex/study';
import { createTestPipeline } from '@coex/testing';
import { buildSpecReport } from '../src';

const TINY = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');

const trial = (seq: number, accuracy: number, throughput: number): Trial => ({
  seq, batch: 0, seed: seq, status: 'done', timings: {},
  candidate: { tokens: { arch: [], hw: [] }, architecture: { kind: 'x' } },
  hardware: { feasible: true, throughput }, metrics: { accuracy, throughput },
});

describe('spec-report', () => {
  it('lists violating networks with how far they miss, and judges the most accurate one', () => {
    const report = buildSpecReport([trial(0, 0.9, 25), trial(1, 0.8, 120), trial(2, 0.85, 50)], { minThroughput: 100 });
    expect(report.trained).to.equal(3);
    expect(report.violating).to.equal(2);
    expect(report.trials.map((t) => t.trial)).to.deep.equal([0, 2]);
    expect(report.trials[0].violations[0].factor).to.equal(4);
    expect(report.best).to.deep.equal({ trial: 0, accuracy: 0.9, meetsSpec: false, factor: 4 });
  });

  it('writes spec-report.json at the end of a run without pruning anything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-spec-'));
    const { summary } = await createTestPipeline({ preset: TINY, plugins: ['!store-sqlite', ['spec-report', { minThroughput: 500 }]], dir }).execute();
    expect(summary.counts.pruned).to.equal(0);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'spec-report.json'), 'utf8'));
    expect(report.trained).to.equal(12);
    expect(report.violating).to.be.within(1, 11);
    for (const t of report.trials) expect(t.violations[0].actual).to.be.below(500);
  });

  it('in a study, whose runs share one folder, writes one report per run in the run\'s own folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-spec-'));
    const preset = path.join(dir, 'acc.yaml');
    fs.writeFileSync(preset, `name: acc\nextends: ${JSON.stringify(TINY)}\nplugins: [[spec-report, { minThroughput: 500 }]]\n`);
    const outcome = await runStudy(await prepareStudy({ arms: [{ preset }], seeds: [1, 2], out: path.join(dir, 'study') }));
    expect(outcome.status).to.equal('finished');
    const reports = [1, 2].map((seed) => JSON.parse(fs.readFileSync(path.join(dir, 'study', 'runs', 'acc', `seed${seed}`, 'spec-report.json'), 'utf8')));
    for (const r of reports) expect(r.trained).to.equal(12);
    expect(reports[0].trials).to.not.deep.equal(reports[1].trials, 'each seed keeps its own report');
    expect(fs.existsSync(path.join(dir, 'study', 'spec-report.json'))).to.equal(false);
  });
});
