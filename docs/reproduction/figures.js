#!/usr/bin/env node
'use strict';
// Prints the tables of docs/reproduction.md for one study folder from the numbers `coex report`
// wrote there (report.json: run `coex report <study> --baseline <arm>` first) and, for the test
// accuracies of the most accurate networks, the study's store (read-only).
// Usage: node docs/reproduction/figures.js <study>
const fs = require('node:fs');
const path = require('node:path');
const { openStudyStore } = require('@coex/core/host');

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const num = (x, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const signed = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const row = (cells) => `| ${cells.join(' | ')} |`;
/** The doc's p format: two significant digits, `p < 0.001` below that. */
const pText = (p) => (p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`);

async function main() {
  const dir = path.resolve(process.argv[2] ?? 'studies/repro');
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  const { store, runs } = await openStudyStore(dir);
  const trialsOf = new Map();
  for (const run of runs) trialsOf.set(run.id, await store.listTrials(run.id));
  await store.close();
  const finished = (t) => t.status === 'done' || t.status === 'stopped';
  const mostAccurate = (id) => trialsOf.get(id).filter(finished).sort((a, b) => b.metrics.accuracy - a.metrics.accuracy)[0];
  const lines = [];

  lines.push(`Study ${path.basename(dir)}: ${report.arms.length} arms x seeds ${report.seeds.join(', ')}; ${report.budget.text}.`, '');
  lines.push(row(['arm', 'sampled / run', 'pruned / run', 'trained / run (stopped early)', 'training s / run', 'best validation accuracy (per seed)', 'its test accuracy']));
  lines.push(row(Array(7).fill('---')));
  for (const arm of report.arms) {
    const rs = arm.runs;
    const per = (key) => num(mean(rs.map((r) => r.counts[key])), 1);
    const bests = rs.map((r) => mostAccurate(r.id)).filter(Boolean);
    lines.push(row([arm.label, per('sampled'), per('pruned'), `${per('trained')} (${per('stopped')})`, num(mean(rs.map((r) => r.stageSeconds.train))),
      `${pct(mean(bests.map((t) => t.metrics.accuracy)))} (${bests.map((t) => (100 * t.metrics.accuracy).toFixed(1)).join(', ')})`,
      pct(mean(bests.map((t) => t.metrics.testAccuracy ?? NaN)))]));
  }

  const eq = report.equalAccuracy;
  lines.push('', `Equal accuracy: validation accuracy at least ${pct(eq.threshold)} (${eq.source}); per run the best value among such trials; mean over seeds [95 % bootstrap CI]; change against ${report.baseline} [95 % CI]; p: two-sided permutation test over seeds; effect sizes Hedges' g and Cliff's δ.`, '');
  lines.push(row(['metric', 'arm', 'mean [CI]', 'per seed', `vs ${report.baseline}`, 'p', 'g', 'δ']));
  lines.push(row(Array(8).fill('---')));
  for (const c of eq.comparisons) {
    const digits = c.metric === 'throughput' ? 0 : c.metric === 'energyEfficiency' ? 1 : 3;
    const show = (x) => (c.metric === 'accuracy' ? pct(x) : num(x, digits));
    for (const a of c.arms) {
      const values = a.values.map((v) => (v.value === null ? '-' : c.metric === 'accuracy' ? (100 * v.value).toFixed(1) : num(v.value, digits))).join(', ');
      lines.push(row([c.title, a.label, `${show(a.mean)} [${show(a.ci[0])}, ${show(a.ci[1])}]`, values,
        a.improvement ? `${signed(a.improvement.value)} [${signed(a.improvement.ci[0])}, ${signed(a.improvement.ci[1])}]` : '-',
        a.test ? pText(a.test.p) : '-', a.effect?.hedgesG != null ? a.effect.hedgesG.toFixed(2) : '-', a.effect?.cliffsDelta != null ? a.effect.cliffsDelta.toFixed(2) : '-']));
    }
  }

  for (const t of eq.levels) {
    const digits = t.metric === 'throughput' ? 0 : 1;
    lines.push('', `Best ${t.title} at or above each validation accuracy: mean over the seeds whose run reaches it (how many).`, '');
    lines.push(row(['arm', ...t.levels.map((l) => `≥ ${pct(l)}`)]));
    lines.push(row(Array(t.levels.length + 1).fill('---')));
    for (const a of t.arms) lines.push(row([a.label, ...a.cells.map((c) => (c ? `${num(c.mean, digits)} (${c.runs})` : '-'))]));
  }

  const misses = report.specMisses;
  if (misses) {
    lines.push('', `Trained networks that miss the spec (${JSON.stringify(misses.spec)}, ${misses.source}):`, '');
    lines.push(row(['arm', 'trained', 'missing the spec', 'median factor', 'worst factor']));
    lines.push(row(Array(5).fill('---')));
    for (const a of misses.arms) {
      const factor = (x) => (x == null ? '-' : `${x.toFixed(2)}x`);
      lines.push(row([a.label, a.trained, `${a.missing} (${pct(a.share)})`, factor(a.medianFactor), factor(a.worstFactor)]));
    }
  }
  if (report.notes?.length) lines.push('', ...report.notes.map((n) => `* ${n}`));
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
