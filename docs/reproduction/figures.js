#!/usr/bin/env node
'use strict';
// Prints the tables of docs/reproduction.md from a study folder: the store (coex.db) and the
// numbers `coex report` wrote (report.json, run `coex report <study> --baseline hw-aware-nas`
// first; the study labels its arms co-exploration, hw-aware-nas, ...: see the command in the doc).
// Usage: node docs/reproduction/figures.js <study> [minThroughput=4000]
const fs = require('node:fs');
const path = require('node:path');
const { openStudyStore } = require('@coex/core/host');

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const num = (x, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const signed = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const row = (cells) => `| ${cells.join(' | ')} |`;

async function main() {
  const dir = path.resolve(process.argv[2] ?? 'studies/repro');
  const spec = Number(process.argv[3] ?? 4000);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  const { store, runs } = await openStudyStore(dir);
  const trialsOf = new Map();
  for (const run of runs) trialsOf.set(run.id, await store.listTrials(run.id));
  await store.close();
  const arms = report.arms.map((a) => a.label);
  const runsOf = (label) => runs.filter((r) => r.id.startsWith(`${label}/`));
  const mostAccurate = (run) => trialsOf.get(run.id).filter((t) => t.status === 'done').sort((a, b) => b.metrics.accuracy - a.metrics.accuracy)[0];
  const lines = [];

  lines.push(`Study ${path.basename(dir)}: ${arms.length} arms x seeds ${report.seeds.join(', ')}; ${report.budget.text}.`, '');
  lines.push(row(['arm', 'sampled / run', 'pruned / run', 'trained / run', 'minutes / run', 'best validation accuracy', 'its test accuracy']));
  lines.push(row(Array(7).fill('---')));
  for (const label of arms) {
    const rs = runsOf(label);
    const per = (f) => mean(rs.map((r) => trialsOf.get(r.id).filter(f).length));
    const minutes = mean(rs.map((r) => (Date.parse(r.finishedAt) - Date.parse(r.createdAt)) / 60000));
    const bests = rs.map(mostAccurate);
    lines.push(row([label, num(per(() => true)), num(per((t) => t.status === 'pruned')), num(per((t) => t.status === 'done')), num(minutes, 1),
      `${pct(mean(bests.map((t) => t.metrics.accuracy)))} (${bests.map((t) => pct(t.metrics.accuracy)).join(', ')})`,
      pct(mean(bests.map((t) => t.metrics.testAccuracy ?? NaN)))]));
  }

  const eq = report.equalAccuracy;
  lines.push('', `Equal accuracy: validation accuracy at least ${pct(eq.threshold)} (${eq.source}); per run the best value among such trials; mean over seeds [95 % bootstrap CI]; change against ${report.baseline} [95 % CI]; p: exact permutation test over seeds.`, '');
  lines.push(row(['metric', 'arm', 'mean [CI]', 'per seed', `vs ${report.baseline}`, 'p']));
  lines.push(row(['---', '---', '---', '---', '---', '---']));
  for (const c of eq.comparisons) {
    const digits = c.metric === 'throughput' ? 0 : c.metric === 'energyEfficiency' ? 2 : 3;
    const show = (x) => (c.metric === 'accuracy' ? pct(x) : num(x, digits));
    for (const a of c.arms) {
      const values = a.values.map((v) => (v.value === null ? '-' : show(v.value))).join(', ');
      lines.push(row([c.title, a.label, `${show(a.mean)} [${show(a.ci[0])}, ${show(a.ci[1])}]`, values,
        a.improvement ? `${signed(a.improvement.value)} [${signed(a.improvement.ci[0])}, ${signed(a.improvement.ci[1])}]` : '-',
        a.test ? a.test.p.toFixed(2) : '-']));
    }
  }

  // The same comparison at several accuracy levels (the report's own table).
  for (const t of eq.levels) {
    const digits = t.metric === 'throughput' ? 0 : 1;
    lines.push('', `Best ${t.title} at or above each validation accuracy: mean over the seeds whose run reaches it (how many).`, '');
    lines.push(row(['arm', ...t.levels.map((l) => `≥ ${pct(l)}`)]));
    lines.push(row(Array(t.levels.length + 1).fill('---')));
    for (const a of t.arms) lines.push(row([a.label, ...a.cells.map((c) => (c ? `${num(c.mean, digits)} (${c.runs})` : '-'))]));
  }

  lines.push('', `Against the throughput spec of ${num(spec)} images/s (checked on every trained network, whatever the arm searched with):`, '');
  lines.push(row(['arm', 'trained networks meeting the spec', 'most accurate network per seed: throughput (x spec)']));
  lines.push(row(['---', '---', '---']));
  for (const label of arms) {
    const rs = runsOf(label);
    const done = rs.flatMap((r) => trialsOf.get(r.id).filter((t) => t.status === 'done'));
    const meeting = done.filter((t) => t.metrics.throughput >= spec).length;
    const bests = rs.map(mostAccurate);
    lines.push(row([label, `${meeting} of ${done.length} (${pct(meeting / done.length)})`,
      bests.map((t) => `${num(t.metrics.throughput)}/s (${(t.metrics.throughput / spec).toFixed(2)}x)`).join(', ')]));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
