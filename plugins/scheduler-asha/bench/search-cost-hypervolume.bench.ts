// `npm run bench -- search-cost`: hypervolume against training CPU seconds on the reproduction's
// proxy (docs/reproduction.md, Study A: Fashion-MNIST 28x28, 3,000 training / 1,000 validation /
// 1,000 test images, trainer-torch), for co-exploration with the hardware tuned per network
// (`hw-fpga-pipeline` mode `tune`): plain, + ASHA, + predictor pruning, + both
// (= co-exploration-guided). Every run has the same budget of training CPU seconds
// (`budget.trainCpuSeconds`). The figure that counts: the CPU seconds each arm needs to reach the
// plain arm's final hypervolume. Runs as one ablation study (seeds interleaved, so every arm sees
// the same machine load); the hypervolume is scaled as `coex report` scales it (the study's worst
// and best values). Prints markdown; writes the chart to docs/early-stopping/.
// COEX_SEARCH_COST_SEEDS (1,2,3), COEX_SEARCH_COST_CPU (100) and COEX_SEARCH_COST_SUBSET (3000
// training images) shrink it for a smoke run;
// COEX_SEARCH_COST_STUDY=<study folder> reads a finished study instead of running one (the folder
// of a run that failed after its study is kept and named on stderr).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trainingSpent, type Run } from '@coex/core/host';
import type { Trial } from '@coex/core';
import { analyse, costToReach, hypervolumeAt, hypervolumeByCost, loadReportInput, mean, meanCostCurve, renderSvg, sd, type CostPoint, type MeanCostPoint } from '@coex/report';
import { prepareStudy, runStudy } from '@coex/study';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ARMS_DIR = path.join(__dirname, 'search-cost-arms');
const CHART = path.join(ROOT, 'docs', 'early-stopping', 'search-cost-hypervolume.svg');
const SEEDS = (process.env.COEX_SEARCH_COST_SEEDS ?? '1,2,3').split(',').map(Number);
/** Training CPU seconds per run. */
const BUDGET = Number(process.env.COEX_SEARCH_COST_CPU ?? 100);
/** The predictor starts pruning after this many children trained to the end (the preset's 10 is more than a run here trains). */
const MIN_TRAINED = 3;

const ARMS = [
  { label: 'plain', preset: path.join(ARMS_DIR, 'plain.json'), what: 'every child trained to the end (3 epochs)' },
  { label: 'asha', preset: path.join(ARMS_DIR, 'asha.json'), what: '+ `scheduler-asha` (rung at epoch 1 of 3, eta 3)' },
  { label: 'predictor', preset: path.join(ARMS_DIR, 'predictor.json'), what: `+ \`predictor-ensemble\` pruning (confidence 0.9, after ${MIN_TRAINED} trained)` },
  { label: 'both', preset: 'co-exploration-guided', what: '+ both: the `co-exploration-guided` preset' },
];
const SETS = [
  `dataset.subset=${process.env.COEX_SEARCH_COST_SUBSET ?? 3000}`, 'dataset.validationSize=1000', 'dataset.testSubset=1000',
  'trainer.epochs=3', 'controller.batchSize=2',
  `budget.trainCpuSeconds=${BUDGET}`, 'budget.candidates=400', 'budget.trained=60',
  ...['predictor', 'both'].map((label) => `${label}.predictor-ensemble.minTrained=${MIN_TRAINED}`),
];
const COMMAND_SETS = SETS.map((s) => `--set ${s}`).join(' ');

const byPrediction = (t: Trial) => t.status === 'pruned' && /dominated by trial \d+/.test(t.prunedReason ?? '');
const fmt = (x: number, digits = 3) => x.toFixed(digits);
const spread = (xs: number[], digits = 3) => `${fmt(mean(xs), digits)} ± ${fmt(xs.length > 1 ? sd(xs) : 0, digits)}`;
const seconds = (x: number | undefined) => (x === undefined ? 'not reached' : `${Math.round(x)}`);

interface RunCost {
  /** Process CPU seconds of Coex itself (main thread and pool threads: the fast level, the predictor, data loading). */
  nodeCpu: number;
  wall: number;
}

async function runTheStudy(dir: string): Promise<Map<string, RunCost>> {
  const prepared = await prepareStudy({
    arms: ARMS.map(({ label, preset }) => ({ label, preset })),
    seeds: SEEDS,
    use: ['trainer-torch'],
    sets: SETS,
    out: dir,
    cwd: ROOT,
  });
  const costs = new Map<string, RunCost>();
  let current: { id: string; run: Run; cpu: NodeJS.CpuUsage; t0: number } | undefined;
  const close = () => {
    if (!current) return;
    const used = process.cpuUsage(current.cpu);
    costs.set(current.id, { nodeCpu: (used.user + used.system) / 1e6, wall: (performance.now() - current.t0) / 1000 });
    process.stderr.write(`search-cost: ${current.id} done in ${Math.round(costs.get(current.id)!.wall)} s\n`);
  };
  try {
    await runStudy(prepared, {
      onRun: (info) => {
        close();
        current = info.run ? { id: info.id, run: info.run, cpu: process.cpuUsage(), t0: performance.now() } : undefined;
      },
    });
    close();
  } finally {
    prepared.release();
  }
  return costs;
}

async function main() {
  const given = process.env.COEX_SEARCH_COST_STUDY;
  const dir = given ? path.dirname(path.resolve(given)) : fs.mkdtempSync(path.join(os.tmpdir(), 'coex-search-cost-hv-'));
  const study = given ? path.resolve(given) : path.join(dir, 'study');
  process.stderr.write(`search-cost: the study is ${study}\n`);
  const started = new Date();
  const costs = given ? new Map<string, RunCost>() : await runTheStudy(study);
  const wallMinutes = (Date.now() - started.getTime()) / 60_000;
  const input = await loadReportInput(study);
  const numbers = analyse(input, { baseline: 'plain' });
  const hv = numbers.hypervolume;

  const curves = new Map(input.arms.map((arm) => [arm.label, arm.runs.map((run) => hypervolumeByCost(run.trials, hv))]));
  const means = new Map([...curves].map(([label, runs]) => [label, meanCostCurve(runs, BUDGET)]));
  const finals = new Map([...curves].map(([label, runs]) => [label, runs.map((c) => hypervolumeAt(c, BUDGET))]));
  const target = mean(finals.get('plain')!);
  const asSteps = (m: MeanCostPoint[]): CostPoint[] => m.map((p) => ({ cost: p.cost, hypervolume: p.mean }));
  const reach = new Map([...means].map(([label, m]) => [label, costToReach(asSteps(m), target)]));
  const plainReach = reach.get('plain')!;

  const rows = input.arms.map((arm) => {
    const runs = arm.runs;
    const per = (f: (trials: Trial[]) => number) => runs.map((r) => f(r.trials));
    const count = (status: Trial['status']) => mean(per((ts) => ts.filter((t) => t.status === status).length));
    const reachBySeed = curves.get(arm.label)!.map((c) => costToReach(c.filter((p) => p.cost <= BUDGET), target));
    const cost = reach.get(arm.label);
    const ratio = cost === undefined || !plainReach ? '-' : fmt(cost / plainReach, 2);
    const node = runs.map((r) => costs.get(r.id)?.nodeCpu ?? NaN);
    const wall = runs.map((r) => costs.get(r.id)?.wall ?? NaN);
    return `| ${arm.label} | ${spread(finals.get(arm.label)!)} (${finals.get(arm.label)!.map((x) => fmt(x)).join(', ')}) | ${seconds(cost)} | ${ratio} | ` +
      `${reachBySeed.map(seconds).join(', ')} | ${fmt(count('done'), 1)} / ${fmt(count('stopped'), 1)} / ${fmt(mean(per((ts) => ts.filter(byPrediction).length)), 1)} / ` +
      `${fmt(mean(per((ts) => ts.filter((t) => t.status === 'pruned' && !byPrediction(t)).length)), 1)} | ` +
      `${fmt(mean(per((ts) => trainingSpent(ts).cpuSeconds)), 0)} | ${fmt(mean(per((ts) => trainingSpent(ts).seconds)), 0)} | ${fmt(mean(node), 0)} | ${fmt(mean(wall), 0)} |`;
  });

  await writeChart(means);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const both = reach.get('both');
  const goal = both !== undefined && plainReach !== undefined && both <= plainReach / 3;
  console.log([
    '## Search cost on the reproduction\'s proxy: hypervolume against training CPU seconds',
    '',
    `Study A's proxy (docs/reproduction.md): Fashion-MNIST 28x28, 3,000 training images drawn by the seed, 1,000 validation (the accuracy the search sees), 1,000 test; ` +
      '`trainer-torch` (PyTorch, one thread per child, two children at a time in the worker pool), **3 epochs** a child, batch 64. ' +
      `Arms, all \`co-exploration\` with \`hw-fpga-pipeline\` mode \`tune\` (the design tuned per network) and the same RL controller (batch 2), spec and reward: ${ARMS.map((a) => `**${a.label}** ${a.what}`).join('; ')}. ` +
      `Seeds ${SEEDS.join(', ')}; every run ends at its first batch boundary past **${BUDGET} s of training CPU time** (\`budget.trainCpuSeconds\`: the Python processes' own CPU clocks, start-up of a new process included; ` +
      'a stopped child costs what it used up to its stop).',
    '',
    `Command: \`npm run bench -- search-cost\`, that is \`coex ablate --arms ${ARMS.map((a) => `${a.label}=${a.preset.startsWith('/') ? path.relative(ROOT, a.preset) : a.preset}`).join(',')} --seeds ${SEEDS.join(',')} --use trainer-torch ${COMMAND_SETS}\` ` +
      `and the curves below from the study folder. Machine: ${cpu}, ${os.cpus().length} cores shared with other jobs, Node ${process.version}, under \`nice\`; ` +
      `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, **${Math.round(wallMinutes)} minutes** of wall time for the ${SEEDS.length * ARMS.length} runs.`,
    '',
    `Hypervolume: of ${hv.objectives.map((o) => o.metric).join(', ')}, each scaled to [0, 1] between the worst and best value of any trained child of the study (\`coex report\`'s reference point), ` +
      'of the front of the children trained so far in trial order, against their training CPU seconds summed. ' +
      `Final = at ${BUDGET} CPU s (equal for every arm; the runs' last batch goes past it). ` +
      `Target: the plain arm's mean final hypervolume, **${fmt(target)}**. "CPU s to the target" is where the mean curve over seeds first reaches it; per seed, each run's own curve (up to ${BUDGET} s).`,
    '',
    '| arm | final hypervolume, mean ± sd (per seed) | CPU s to the target (mean curve) | ratio to plain | CPU s to the target, per seed | per run: trained to the end / stopped by ASHA / pruned by prediction / pruned by the spec | training CPU s per run | training wall s per run | Coex (Node) CPU s per run | wall s per run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Goal (issue 14): the arm with both at most a third of plain's CPU seconds to the target: **${goal ? 'met' : 'missed'}** ` +
      `(${both === undefined ? 'both never reaches the target within the budget' : `${seconds(both)} s against ${seconds(plainReach)} s`}).`,
    '',
    `![hypervolume against training CPU seconds, mean over seeds with a 95 % band](docs/early-stopping/${path.basename(CHART)})`,
  ].join('\n'));
  if (!given) fs.rmSync(dir, { recursive: true, force: true });
}

/** Mean hypervolume against CPU seconds per arm, with a 95 % band over seeds, as SVG. */
async function writeChart(means: Map<string, MeanCostPoint[]>): Promise<void> {
  const values = [...means].flatMap(([arm, points]) => points.map((p) => ({ arm, ...p })));
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 520,
    height: 300,
    title: `Hypervolume against training CPU seconds (mean over seeds ${SEEDS.join(', ')}, 95 % band)`,
    data: { values },
    encoding: { x: { field: 'cost', type: 'quantitative', title: 'training CPU seconds (cumulative)' }, color: { field: 'arm', type: 'nominal', sort: ARMS.map((a) => a.label) } },
    layer: [
      { mark: { type: 'area', opacity: 0.15, interpolate: 'step-after' }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'hypervolume (scaled objectives)' }, y2: { field: 'hi' } } },
      { mark: { type: 'line', interpolate: 'step-after' }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
    ],
  }, 'search-cost');
  fs.mkdirSync(path.dirname(CHART), { recursive: true });
  fs.writeFileSync(CHART, svg);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
