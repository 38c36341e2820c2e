#!/usr/bin/env node
'use strict';
// Learning curves of the RL controller's hardware tokens in one `co-exploration` run (sampled
// FPGA-pipeline tokens): per window of consecutive sampled candidates, the share the spec pruned,
// and for the trained ones the sampled design's throughput and energy efficiency as a fraction
// of what the per-network tuner (`mode: tune`, the same pool and stage limit) reaches for the same
// network under the same spec: 1.0 means the controller picked the best design there is.
// Reads the run's store read-only; writes rl-curve.json beside the table it prints.
// Usage: node docs/reproduction/rl-curve.js <run folder> [window]
const fs = require('node:fs');
const path = require('node:path');
const { openStoreReadOnly } = require('@coex/core/host');
const { createFpgaPipelineModel } = require('@coex/plugin-hw-fpga-pipeline');

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const fixed = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function main() {
  const dir = path.resolve(process.argv[2] ?? 'studies/rl-curve');
  const window = Number(process.argv[3] ?? 50);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const hw = config.plugins.find((p) => p.role === 'hardware');
  if (hw.name !== '@coex/plugin-hw-fpga-pipeline' || hw.options.mode !== 'sample') {
    throw new Error(`${dir}: not a run with sampled FPGA-pipeline tokens (hardware ${hw.name}, mode ${hw.options.mode})`);
  }
  const tuner = createFpgaPipelineModel({ ...hw.options, mode: 'tune' });
  const store = openStoreReadOnly(path.join(dir, 'coex.db'));
  const [run] = await store.listRuns();
  const trials = (await store.listTrials(run.id)).filter((t) => t.status !== 'running').sort((a, b) => a.seq - b.seq);
  await store.close();

  const best = new Map(); // network -> tuned metrics (the tuner is exact and deterministic)
  const tunedFor = (architecture) => {
    const key = JSON.stringify(architecture.layers);
    if (!best.has(key)) best.set(key, tuner.tune(architecture, config.spec)?.metrics ?? null);
    return best.get(key);
  };
  const windows = [];
  for (let start = 0; start < trials.length; start += window) {
    const slice = trials.slice(start, start + window);
    const trained = slice.filter((t) => (t.status === 'done' || t.status === 'stopped') && t.metrics?.throughput);
    const ratios = trained.map((t) => ({ t, tuned: tunedFor(t.candidate.architecture) })).filter((x) => x.tuned);
    windows.push({
      from: slice[0].seq,
      to: slice[slice.length - 1].seq,
      sampled: slice.length,
      pruned: slice.filter((t) => t.status === 'pruned').length,
      trained: trained.length,
      accuracy: mean(trained.map((t) => t.metrics.accuracy)),
      reward: mean(trained.map((t) => t.reward ?? NaN).filter(Number.isFinite)),
      throughputOfTuned: median(ratios.map(({ t, tuned }) => t.metrics.throughput / tuned.throughput)),
      energyEfficiencyOfTuned: median(ratios.map(({ t, tuned }) => t.metrics.energyEfficiency / tuned.energyEfficiency)),
      tunedAtLeastAsGood: mean(ratios.map(({ t, tuned }) => (tuned.throughput >= t.metrics.throughput ? 1 : 0))),
    });
  }
  fs.writeFileSync(path.join(dir, 'rl-curve.json'), JSON.stringify({ run: run.id, window, windows }, null, 2));
  console.log(`Run ${dir}: ${trials.length} candidates (seq 0-${trials.at(-1)?.seq}), windows of ${window}.`, '\n');
  console.log('| candidates | pruned by the spec | trained | mean accuracy | mean reward | throughput / tuned (median) | energy efficiency / tuned (median) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const w of windows) {
    console.log(`| ${w.from}-${w.to} | ${w.pruned} of ${w.sampled} (${(100 * w.pruned / w.sampled).toFixed(0)} %) | ${w.trained} | ${(100 * w.accuracy).toFixed(1)} % | ${fixed(w.reward, 3)} | ${fixed(w.throughputOfTuned)} | ${fixed(w.energyEfficiencyOfTuned)} |`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
