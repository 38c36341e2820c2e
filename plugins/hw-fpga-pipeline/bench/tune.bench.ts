// Benchmark of the FPGA pipeline tuner and evaluator. Run from the repository root:
//   node --conditions=coex-source -r ./scripts/register.js plugins/hw-fpga-pipeline/bench/tune.bench.ts
// Prints a markdown section (collected into BENCHMARKS.md by `npm run bench`).
import * as os from 'node:os';
import { checkSpec, Rng, type HardwareSpec } from '@coex/core';
import { chainCnn, RELEASED_NETS } from '@coex/kit-chain-cnn';
import { createFpgaPipelineModel, decodeDesign, fpgaLayersOf, SWEEP_STEP, tuneFpgaPipeline, type FpgaLayer, type ModelSettings } from '../src';
import { exhaustiveSearch } from '../test/exhaustive';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (x: number, digits = 2) => x.toFixed(digits);

interface Timing { median: number; p90: number; cpuMedian: number; cpuP90: number; cpuMean: number }

/**
 * Times (ms) of `runs` calls after `warmup` calls: wall clock, and the process's CPU time (user +
 * system, all its threads). CPU time is what one core spends; on a shared machine the wall clock
 * also counts the time spent waiting for a core.
 */
function time(fn: () => unknown, warmup: number, runs: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mean = cpu.reduce((a, b) => a + b, 0) / runs;
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: quantile(wall, 0.5), p90: quantile(wall, 0.9), cpuMedian: quantile(cpu, 0.5), cpuP90: quantile(cpu, 0.9), cpuMean: mean };
}

const row = (name: string, runs: number, t: Timing, digits = 2) =>
  `| ${name} | ${runs} | ${fmt(t.cpuMedian, digits)} | ${fmt(t.cpuP90, digits)} | ${fmt(t.median, digits)} | ${fmt(t.p90, digits)} |`;

const net = chainCnn(RELEASED_NETS[2].layers, { height: 32, width: 32, channels: 3 }, 10);
const layers = fpgaLayersOf(net);
const model = createFpgaPipelineModel({}); // default pool XC7Z015, XC7Z020, XC7A50T; up to 4 stages
const energyModel = createFpgaPipelineModel({ objective: 'energyEfficiency' });

const cold0 = performance.now();
const first = tuneFpgaPipeline(layers, {}, model.settings)!;
const cold = performance.now() - cold0;
const thr = time(() => tuneFpgaPipeline(layers, {}, model.settings), 50, 400);
const lat = time(() => tuneFpgaPipeline(layers, { maxLatency: first.metrics.latency! * 1.2 }, model.settings), 20, 200);
const energy = time(() => tuneFpgaPipeline(layers, {}, energyModel.settings), 2, 10);
const energyResult = tuneFpgaPipeline(layers, {}, energyModel.settings)!;

// Evaluate speed: random sampled designs of the hardware design space, decoded once, evaluated in a loop.
const decisions = model.designSpace({ maxLayers: RELEASED_NETS[2].layers.length });
const rng = new Rng(1);
const designs = Array.from({ length: 500 }, () =>
  decodeDesign(decisions.map((d) => rng.int(d.choices.length)), decisions, layers.length, model.settings.config.parts, 16));
let k = 0;
const evalBatch = () => {
  for (let i = 0; i < 100; i++) model.evaluate(net, designs[k++ % designs.length]);
};
const evalTime = time(evalBatch, 20, 200); // per 100 evaluations (one evaluation is below the CPU clock's resolution)
const evalsPerSecond = (100 * 1000) / evalTime.cpuMean;

// Quality: tuner versus exhaustive search on small spaces (as in test/tune.spec.ts).
const SMALL = { tmChoices: [4, 16], tnChoices: [2, 4], tileChoices: [8], portSplits: ['balanced', 'weight'], pool: ['XC7Z015', 'XC7A50T'] };
const smallNets: [string, [number, number, number][]][] = [['[[5,36,1],[3,64,2]]', [[5, 36, 1], [3, 64, 2]]], ['[[7,24,2],[1,48,1]]', [[7, 24, 2], [1, 48, 1]]]];
const cases: [string, 'throughput' | 'energyEfficiency', (free: Record<string, number>) => HardwareSpec][] = [
  ['throughput', 'throughput', () => ({})],
  ['throughput, maxLatency', 'throughput', (f) => ({ maxLatency: f.latency * 1.3 })],
  ['throughput, maxPower', 'throughput', (f) => ({ maxPower: f.power * 0.8 })],
  ['throughput, minEnergyEfficiency', 'throughput', (f) => ({ minEnergyEfficiency: f.energyEfficiency * 1.05 })],
  ['energyEfficiency', 'energyEfficiency', () => ({})],
  ['energyEfficiency, minThroughput', 'energyEfficiency', (f) => ({ minThroughput: f.throughput * 0.6 })],
  ['energyEfficiency, maxPower', 'energyEfficiency', (f) => ({ maxPower: f.power * 0.8 })],
];
const quality: string[] = [];
for (const [name, spec] of smallNets) {
  const small: FpgaLayer[] = fpgaLayersOf(chainCnn(spec, { height: 16, width: 16, channels: 3 }, 10));
  for (const [label, objective, limits] of cases) {
    const settings: ModelSettings = createFpgaPipelineModel({ ...SMALL, maxStages: 3, objective }).settings;
    const free = exhaustiveSearch(small, {}, settings).best!.metrics as unknown as Record<string, number>;
    const hw = limits(free);
    const truth = exhaustiveSearch(small, hw, settings);
    const tuned = tuneFpgaPipeline(small, hw, settings);
    const ok = tuned && tuned.metrics.feasible && checkSpec(tuned.metrics, hw).length === 0;
    const gap = truth.best && tuned ? (1 - tuned.metrics[objective]! / truth.best.metrics[objective]!) * 100 : NaN;
    quality.push(`| ${name} | ${label} | ${truth.designs} | ${truth.best ? fmt(truth.best.metrics[objective]!, 3) : 'none'} | ${tuned ? fmt(tuned.metrics[objective]!, 3) : 'none'} | ${Number.isNaN(gap) ? '-' : fmt(Math.max(0, gap), 3)} % | ${ok || (!truth.best && !tuned) ? 'yes' : 'NO'} |`);
  }
}

const load = os.loadavg()[0];
console.log(`## FPGA pipeline tuner (@coex/plugin-hw-fpga-pipeline)

What: \`tuneFpgaPipeline\` on the released 14-layer net (PredictableStride/OptSW, 32x32x3, 10 classes;
15 pipeline layers with the dense head) over the default pool XC7Z015, XC7Z020, XC7A50T with up to 4
stages, default tiling choices (Tm 8 values x Tn 8 x tile 4 x 4 port splits; ${first.explored} stage options
reached the DP). Target: median at most 5 ms on one core. Times per call after warm-up: CPU time of
the process (what one core spends) and wall clock (which also counts waiting for a core: 1-minute
load average during this run ${fmt(load, 1)} on ${os.cpus().length} cores).

| measurement | runs | CPU median (ms) | CPU p90 (ms) | wall median (ms) | wall p90 (ms) |
| --- | --- | --- | --- | --- | --- |
${row('tune, throughput objective (the default)', 400, thr)}
${row('tune, throughput with maxLatency', 200, lat)}
${row('tune, energyEfficiency objective (threshold sweep)', 10, energy, 1)}
${row('100 x evaluate() of sampled designs', 200, evalTime, 3)}

First (cold) tune call, with JIT warm-up and candidate lists: ${fmt(cold, 1)} ms wall.
Designs evaluated per second (evaluate() on random samples of the hardware design space, by CPU time):
**${Math.round(evalsPerSecond).toLocaleString('en-US')}**. Tuned design (throughput): ${first.design.stages.length} stages
(${first.design.stages.map((s) => `${s.part} layers ${s.layers[0]}-${s.layers[1]}`).join(', ')}), ${fmt(first.metrics.throughput!, 1)} images/s,
${fmt(first.metrics.gops!, 1)} GOPS, ${fmt(first.metrics.power!, 2)} W, ${fmt(first.metrics.energyEfficiency!, 1)} GOPS/W.
Tuned design (energy efficiency): ${fmt(energyResult.metrics.energyEfficiency!, 1)} GOPS/W at ${fmt(energyResult.metrics.throughput!, 1)} images/s.

### Tuner versus exhaustive search (small spaces)

2 parts (XC7Z015, XC7A50T), Tm {4,16} x Tn {2,4} x tile {8} x ports {balanced, weight}, at most 3 stages,
3-layer nets (2 conv + dense head) on 16x16x3. Spec limits are set relative to the unconstrained optimum
(latency x1.3, power x0.8, energy efficiency x1.05, throughput x0.6). Gap = how much worse the tuner's
objective is than the exhaustive best (sweep step ε = ${SWEEP_STEP * 100} %).

| net | objective, limit | designs searched | exhaustive best | tuned | gap | tuned meets spec |
| --- | --- | --- | --- | --- | --- | --- |
${quality.join('\n')}
`);
