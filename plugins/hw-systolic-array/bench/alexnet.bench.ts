// Benchmark: how long one analytical evaluation of AlexNet takes, against SCALE-Sim v2's run time
// for the same topology, and how many designs per second the tuner evaluates.
// Run from the repo root: node --conditions=coex-source -r ./scripts/register.js plugins/hw-systolic-array/bench/alexnet.bench.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readScaleSimTopology } from '@coex/kit-chain-cnn';
import { createSystolicArrayModel } from '../src';

const TOPOLOGY = path.join(__dirname, '..', 'test', 'fixtures', 'scalesim-alexnet.csv');
const alexnet = readScaleSimTopology(fs.readFileSync(TOPOLOGY, 'utf8'), TOPOLOGY);

/** SCALE-Sim v2 on this topology, measured on this kind of machine (fastest and slowest config). */
const SCALESIM_SECONDS = { fastest: 31, slowest: 233 };
const REFERENCE: Record<string, number> = { 'scalesim-32x32-os': 850_960, 'tpu-256x256-ws': 73_747 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Seconds per call: `rounds` timed rounds of `calls` calls each, after a warm-up; median and min. */
function timePerCall(fn: () => unknown, rounds: number, calls: number): { median: number; min: number } {
  for (let i = 0; i < calls; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e9 / calls);
  }
  return { median: median(samples), min: Math.min(...samples) };
}

const us = (s: number) => (s * 1e6).toFixed(2);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const lines: string[] = [];
lines.push('## Systolic-array model: AlexNet evaluation vs SCALE-Sim v2');
lines.push('');
lines.push(
  'One `evaluate()` of the 5-layer SCALE-Sim AlexNet topology (per-layer cycles, SRAM/DRAM traffic, energy), ' +
    `timed as ${41} rounds of 2,000 calls after a warm-up; the median round is reported. SCALE-Sim v2 took ` +
    `${SCALESIM_SECONDS.fastest} s to ${SCALESIM_SECONDS.slowest} s for the same topology on this kind of machine. ` +
    'Cycles are SCALE-Sim\'s conventions (unlimited DRAM bandwidth); `ofmapRounding=scalesim` uses SCALE-Sim\'s ' +
    'output size ceil((I-K+S)/S), the default uses floor((I-K)/S)+1.',
);
lines.push('');
lines.push('| config | our cycles (default / scalesim rounding) | SCALE-Sim v2 cycles | difference | median time per evaluation | speed-up vs SCALE-Sim |');
lines.push('| --- | --- | --- | --- | --- | --- |');
const evalTimes: number[] = [];
for (const config of ['scalesim-32x32-os', 'tpu-256x256-ws', 'eyeriss-12x14-ws']) {
  const model = createSystolicArrayModel({ config });
  const exact = createSystolicArrayModel({ config, ofmapRounding: 'scalesim' });
  const design = model.propose(alexnet, [], {});
  const cycles = model.evaluate(alexnet, design).cycles;
  const exactCycles = exact.evaluate(alexnet, design).cycles;
  const t = timePerCall(() => model.evaluate(alexnet, design), 41, 2000);
  evalTimes.push(t.median);
  const ref = REFERENCE[config];
  const diff = ref ? `${(((cycles - ref) / ref) * 100).toFixed(2)} % / ${(((exactCycles - ref) / ref) * 100).toFixed(2)} %` : 'n/a';
  lines.push(
    `| ${config} | ${fmt(cycles)} / ${fmt(exactCycles)} | ${ref ? fmt(ref) : 'not measured'} | ${diff} | ` +
      `${us(t.median)} µs (min ${us(t.min)}) | ${fmt(SCALESIM_SECONDS.fastest / t.median)}x to ${fmt(SCALESIM_SECONDS.slowest / t.median)}x |`,
  );
}
const worst = Math.max(...evalTimes);
lines.push('');
lines.push(
  `Target: at least 10^5 x faster than SCALE-Sim's ${SCALESIM_SECONDS.fastest} s, i.e. under ${us(SCALESIM_SECONDS.fastest / 1e5)} µs ` +
    `per evaluation. Slowest median here: ${us(worst)} µs, ${worst < SCALESIM_SECONDS.fastest / 1e5 ? 'met' : 'NOT met'} ` +
    `(${fmt(SCALESIM_SECONDS.fastest / worst)}x).`,
);

// The tuner: exhaustive search of the default design space for AlexNet.
const tuner = createSystolicArrayModel({ mode: 'tune' });
tuner.search(alexnet, {});
const runs: number[] = [];
let evaluated = 0;
let best = '';
for (let r = 0; r < 7; r++) {
  const start = process.hrtime.bigint();
  const outcome = tuner.search(alexnet, {});
  runs.push(Number(process.hrtime.bigint() - start) / 1e9);
  evaluated = outcome.evaluated;
  const s = outcome.best!.shape;
  best = `${s.rows}x${s.cols} ${s.dataflow.toUpperCase()}, ${s.ifmapSramKB}/${s.filterSramKB}/${s.ofmapSramKB} KB`;
}
const tuneMedian = median(runs);
lines.push('');
lines.push('### Tuner: exhaustive search of the default design space (AlexNet, objective throughput)');
lines.push('');
lines.push('| designs in space | median time per tune (7 runs) | designs evaluated per second | best design |');
lines.push('| --- | --- | --- | --- |');
lines.push(`| ${fmt(evaluated)} (rows, cols in {8..256}, 3 dataflows, 3 SRAMs in {32..2048} KB) | ${(tuneMedian * 1e3).toFixed(1)} ms | ${fmt(evaluated / tuneMedian)} | ${best} |`);
lines.push('');
lines.push(
  `Full \`evaluate()\` calls (with per-layer reports) per second, from the median above: ${fmt(1 / evalTimes[0])} ` +
    '(32x32 OS). The tuner reuses compute cycles per array shape and skips per-layer reports until the winner is known.',
);
console.log(lines.join('\n'));
