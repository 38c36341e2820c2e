// `npm run bench -- oneshot`: how well supernet scores rank networks, what they cost, and which
// BatchNorm ranks better (one shared BatchNorm recalibrated per candidate, or one per width).
// Fashion-MNIST proxy, the same data for every side: 14x14 (downscale 2), 2,000 training and 500
// validation images drawn by seed 1, chain-CNN space of depth 4 (kernel {1,3,5,7}, filters
// {24,36,48,64}, stride {1,2}), 50 random networks of the space (seed 1). Two supernets (shared
// BatchNorm; per-width BatchNorm), the same sandwich training with in-place distillation, score the
// 50; the reference trains each stand-alone with trainer-torch (same network, data, batch,
// optimizer and schedule as trainer-tfjs), with a second seed on the first ONESHOT_NOISE networks
// for the reference's own seed-to-seed agreement (a ceiling for τ). The Python process trains while
// Node trains the supernets (one core each). CPU seconds: process.cpuUsage for Node (the wasm
// backend runs one thread), /proc/<pid>/stat for the Python process.
// ONESHOT_NETWORKS / ONESHOT_EPOCHS / ONESHOT_TRAIN / ONESHOT_STANDALONE_EPOCHS / ONESHOT_NOISE change the sizes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, deriveSeed, type ChainCnnArchitecture, type DatasetSplits, type TrainingResult } from '@coex/core';
import { PluginHost, resolveConfig } from '@coex/core/host';
import { chainCnn } from '@coex/kit-chain-cnn';
import { kendallTau, spearman } from '@coex/plugin-predictor-ensemble';
import { onBackend, selectBackend } from '@coex/plugin-trainer-tfjs/fast-path';
import { buildSupernet, calibrationBatches, disposeSupernet, perWidthNorm, resolveSupernetOptions, scoreSubnetwork, trainSupernet, type BatchNormMode } from '../src';

const NETWORKS = Number(process.env.ONESHOT_NETWORKS ?? 50);
const SUPERNET_EPOCHS = Number(process.env.ONESHOT_EPOCHS ?? 12);
const STANDALONE_EPOCHS = Number(process.env.ONESHOT_STANDALONE_EPOCHS ?? 3);
const NOISE_NETWORKS = Math.min(NETWORKS, Number(process.env.ONESHOT_NOISE ?? 20));
const TRAIN_IMAGES = Number(process.env.ONESHOT_TRAIN ?? 2000);
const VALIDATION_IMAGES = 500;
const DOWNSCALE = 2;
const DEPTH = 4;
const BATCH = 64;
const CHOICES = { kernels: [1, 3, 5, 7], filters: [24, 36, 48, 64], strides: [1, 2] };
const SUPERNET = { ...CHOICES, epochs: SUPERNET_EPOCHS, batchSize: BATCH, randomSubnets: 2, distillation: true, recalibrationBatches: 4, checkpointEvery: 10_000, backend: 'wasm' as const };

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** User + system CPU seconds of another process (Linux /proc; clock ticks of 100 Hz). */
function processCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const log = (message: string) => process.stderr.write(`oneshot: ${message}\n`);

interface Scored {
  mode: BatchNormMode;
  scores: number[];
  cpuPerNetwork: number;
}

/** Trains one supernet of `batchNorm`'s shape and scores every network with each scoring mode given. */
async function supernetScores(data: DatasetSplits, networks: ChainCnnArchitecture[], batchNorm: BatchNormMode, scoring: BatchNormMode[]) {
  const options = resolveSupernetOptions({ ...SUPERNET, batchNorm });
  const shape = { input: data.shape, classes: data.classes, depth: DEPTH, maxKernel: 7, maxFilters: 64, strides: CHOICES.strides, ...(perWidthNorm(batchNorm) ? { perWidthNorm: CHOICES.filters } : {}) };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-oneshot-bench-'));
  const supernet = onBackend('wasm', () => buildSupernet(shape, 1, options.batchNormEpsilon));
  try {
    const start = cpuSeconds();
    const summary = await trainSupernet({ supernet, data, options, seed: 1, backend: 'wasm', checkpointFile: path.join(work, 'checkpoint.bin'), fingerprint: 'bench' });
    const trainCpu = cpuSeconds() - start;
    log(`supernet (${batchNorm}) trained: ${summary.steps} steps, ${trainCpu.toFixed(0)} CPU s`);
    const scored = scoring.map((mode): Scored => onBackend('wasm', () => {
      const calibration = mode === 'per-width' ? undefined : calibrationBatches(data, 1, options.recalibrationBatches, options.batchSize);
      const begin = cpuSeconds();
      const scores = networks.map((arch) => scoreSubnetwork(supernet, arch, calibration, data.validation, data.shape, options.evalBatchSize).accuracy);
      const cpuPerNetwork = (cpuSeconds() - begin) / networks.length;
      for (const b of calibration ?? []) b.x.dispose(), b.y.dispose();
      log(`scored (${mode}): ${cpuPerNetwork.toFixed(3)} CPU s each`);
      return { mode, scores, cpuPerNetwork };
    }));
    return { steps: summary.steps, trainCpu, scored };
  } finally {
    onBackend('wasm', () => disposeSupernet(supernet));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-oneshot-torch-'));
  const dataset = ['dataset-fashion-mnist', { subset: TRAIN_IMAGES, validationSize: VALIDATION_IMAGES, testSubset: 1, downscale: DOWNSCALE, normalize: 'unit' }] as [string, Record<string, unknown>];
  const { config, plugins } = resolveConfig({ plugins: [['trainer-torch', { epochs: STANDALONE_EPOCHS, batchSize: BATCH, threads: 1 }], dataset], seed: 1 });
  // One host: the reference trainer and the supernets read the same dataset instance and split.
  const host = new PluginHost({ dir: work, config, plugins });
  await host.applyPlugins();
  const data = await (await host.role('dataset')).load({ seed: 1 });
  const torch = await host.role('trainer');
  const rng = new Rng(deriveSeed(1, 'oneshot-bench', 'networks'));
  const networks: ChainCnnArchitecture[] = Array.from({ length: NETWORKS }, () =>
    chainCnn(Array.from({ length: DEPTH }, () => [rng.pick(CHOICES.kernels), rng.pick(CHOICES.filters), rng.pick(CHOICES.strides)] as [number, number, number]), data.shape, data.classes));

  let pythonCpu = 0;
  const reference = (async () => {
    const results: TrainingResult[] = [];
    const jobs = [...networks.map((arch, i) => ({ arch, i, seed: deriveSeed(1, 'oneshot-bench', i) })), ...networks.slice(0, NOISE_NETWORKS).map((arch, i) => ({ arch, i, seed: deriveSeed(2, 'oneshot-bench', i) }))];
    let firstCpu = 0;
    for (const [n, job] of jobs.entries()) {
      const result = await torch.train({ seq: n, seed: job.seed, architecture: job.arch });
      // CPU from the end of the first training on (Python's start-up and import excluded), plus the first's own seconds.
      if (n === 0) firstCpu = processCpuSeconds(result.pid as number) - result.seconds!;
      else pythonCpu = processCpuSeconds(result.pid as number) - firstCpu;
      results.push(result);
      log(`stand-alone ${n + 1}/${jobs.length} (network ${job.i + 1}): ${result.accuracy.toFixed(3)} in ${result.seconds!.toFixed(1)} s`);
    }
    return { accuracies: results.slice(0, NETWORKS).map((r) => r.accuracy), noise: results.slice(NETWORKS).map((r) => r.accuracy), cpuPerNetwork: pythonCpu / jobs.length };
  })();
  reference.catch(() => undefined);

  const shared = await supernetScores(data, networks, 'recalibrate', ['recalibrate']);
  const perWidth = await supernetScores(data, networks, 'per-width', ['per-width', 'per-width-recalibrate']);
  const standAlone = await reference;
  await host.close();
  fs.rmSync(work, { recursive: true, force: true });

  const f = (v: number, d = 2) => v.toFixed(d);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const perHour = (seconds: number) => 3600 / seconds;
  const variants = [
    { label: 'shared BatchNorm, recalibrated on 4 batches of 64', trainCpu: shared.trainCpu, ...shared.scored[0] },
    { label: 'per-width BatchNorm, its training statistics', trainCpu: perWidth.trainCpu, ...perWidth.scored[0] },
    { label: 'per-width BatchNorm, recalibrated on 4 batches of 64', trainCpu: perWidth.trainCpu, ...perWidth.scored[1] },
  ].map((v) => ({ ...v, tau: kendallTau(v.scores, standAlone.accuracies), rho: spearman(v.scores, standAlone.accuracies) }));
  const best = variants.reduce((a, b) => (b.tau > a.tau ? b : a));
  const noiseTau = kendallTau(standAlone.accuracies.slice(0, NOISE_NETWORKS), standAlone.noise);
  const noiseRho = spearman(standAlone.accuracies.slice(0, NOISE_NETWORKS), standAlone.noise);
  const noiseGap = mean(standAlone.noise.map((a, i) => Math.abs(a - standAlone.accuracies[i])));
  const standAloneRate = perHour(standAlone.cpuPerNetwork);
  const amortised = (v: (typeof variants)[number], n: number) => perHour((v.trainCpu + n * v.cpuPerNetwork) / n);
  const ratio = (rate: number) => `${f(rate, 0)} (${f(rate / standAloneRate, 1)}x)`;
  const lines = [
    '## One-shot scoring: supernet ranking against stand-alone training (trainer-supernet)',
    '',
    `Fashion-MNIST proxy, the same data for every side: ${28 / DOWNSCALE}x${28 / DOWNSCALE} (downscale ${DOWNSCALE}), ${TRAIN_IMAGES} training and ${VALIDATION_IMAGES} validation images (seed 1); ` +
      `chain CNNs of depth ${DEPTH}, kernel {1,3,5,7}, filters {24,36,48,64}, stride {1,2}; ${NETWORKS} random networks (seed 1). ` +
      `Supernets: ${SUPERNET_EPOCHS} epochs = ${shared.steps} steps of batch ${BATCH}, the sandwich rule (largest, smallest, 2 random subnetworks per step) with in-place distillation, Adam 3e-3 cosine; ` +
      'one with a shared BatchNorm (statistics recalibrated per candidate), one with per-width BatchNorm (momentum 0.9). ' +
      `Stand-alone reference: trainer-torch (the network, optimizer, schedule and BatchNorm of trainer-tfjs), ${STANDALONE_EPOCHS} epochs, batch ${BATCH}, Adam 3e-3 cosine, one thread, seed 1; ` +
      `the first ${NOISE_NETWORKS} networks again with seed 2. CPU seconds: process.cpuUsage (Node, wasm backend, one thread) and /proc for the Python process, which trained while Node trained the supernets. ` +
      'Command: `nice -n 10 npm run bench -- oneshot`.',
    '',
    `supernet Kendall τ = ${f(best.tau)} (${best.label})`,
    '',
    '| scoring | Kendall τ-b | Spearman ρ | mean score | supernet training, CPU s | scoring, CPU s per candidate |',
    '| --- | --- | --- | --- | --- | --- |',
    ...variants.map((v) => `| ${v.label} | ${f(v.tau)} | ${f(v.rho)} | ${f(mean(v.scores), 3)} | ${f(v.trainCpu, 0)} | ${f(v.cpuPerNetwork, 3)} |`),
    `| reference, seed 1 against seed 2 (first ${NOISE_NETWORKS} networks; mean absolute difference ${f(noiseGap, 3)}) | ${f(noiseTau)} | ${f(noiseRho)} | ${f(mean(standAlone.accuracies), 3)} | | |`,
    '',
    '| cost (best scoring above) | value |',
    '| --- | --- |',
    `| stand-alone training of one candidate (trainer-torch), CPU s | ${f(standAlone.cpuPerNetwork, 1)} |`,
    `| candidates per CPU-hour: stand-alone | ${f(standAloneRate, 0)} |`,
    `| candidates per CPU-hour: supernet, ${NETWORKS} candidates (its training included) | ${ratio(amortised(best, NETWORKS))} |`,
    `| candidates per CPU-hour: supernet, 1,000 candidates (its training included) | ${ratio(amortised(best, 1000))} |`,
    `| candidates per CPU-hour: supernet scoring alone | ${ratio(perHour(best.cpuPerNetwork))} |`,
    '',
    `Pairs (stand-alone seed 1; ${variants.map((v) => v.label).join('; ')}): ${networks.map((_, i) => `(${[standAlone.accuracies[i], ...variants.map((v) => v.scores[i])].map((x) => f(x, 3)).join(', ')})`).join(' ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
