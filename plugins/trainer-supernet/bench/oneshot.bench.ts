// `npm run bench -- oneshot`: how well supernet scores rank networks, and what they cost.
// Fashion-MNIST proxy (the same for both): 7x7 (downscale 4), 500 training and 250
// validation images drawn by seed 1, chain-CNN space of depth 4 (kernel {1,3,5,7}, filters
// {24,36,48,64}, stride {1,2}). 50 random networks of the space (seed 1) are scored by one supernet
// (8 epochs of sandwich training) and trained stand-alone (trainer-tfjs, 1 epoch, batch 64, Adam
// 3e-3 cosine); Kendall tau-b and Spearman between the two accuracies; CPU seconds of each
// (process.cpuUsage: the wasm backend runs one thread). ONESHOT_NETWORKS / ONESHOT_EPOCHS / ONESHOT_TRAIN change the sizes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, deriveSeed, type ChainCnnArchitecture } from '@coex/core';
import { chainCnn } from '@coex/kit-chain-cnn';
import { FashionMnistDataset, FASHION_MNIST_DIR } from '@coex/plugin-dataset-fashion-mnist';
import { onBackend, resolveTrainerOptions, selectBackend, trainChild } from '@coex/plugin-trainer-tfjs/fast-path';
import { buildSupernet, calibrationBatches, resolveSupernetOptions, scoreSubnetwork, trainSupernet } from '../src';

const NETWORKS = Number(process.env.ONESHOT_NETWORKS ?? 50);
const SUPERNET_EPOCHS = Number(process.env.ONESHOT_EPOCHS ?? 8);
const STANDALONE_EPOCHS = 1;
const VALIDATION_IMAGES = 250;
/** 28x28 pooled by 4: 7x7, the cheapest proxy that keeps three stride-2 layers meaningful (7, 4, 2, 1). */
const DOWNSCALE = Number(process.env.ONESHOT_DOWNSCALE ?? 4);
const TRAIN_IMAGES = Number(process.env.ONESHOT_TRAIN ?? 500);
const DEPTH = 4;
const CHOICES = { kernels: [1, 3, 5, 7], filters: [24, 36, 48, 64], strides: [1, 2] };

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Kendall tau-b (ties in either ranking counted as neither concordant nor discordant). */
export function kendallTau(a: number[], b: number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  return (concordant - discordant) / Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
}

/** Spearman's rho: Pearson correlation of the ranks (ties get their mean rank). */
export function spearman(a: number[], b: number[]): number {
  const ranks = (v: number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

async function main(): Promise<void> {
  await selectBackend('wasm');
  const dataset = new FashionMnistDataset({ path: FASHION_MNIST_DIR, subset: TRAIN_IMAGES, validationSize: VALIDATION_IMAGES, testSubset: 1, downscale: DOWNSCALE, normalize: 'unit' });
  const data = await dataset.load({ seed: 1 });
  const rng = new Rng(deriveSeed(1, 'oneshot-bench', 'networks'));
  const networks: ChainCnnArchitecture[] = Array.from({ length: NETWORKS }, () =>
    chainCnn(Array.from({ length: DEPTH }, () => [rng.pick(CHOICES.kernels), rng.pick(CHOICES.filters), rng.pick(CHOICES.strides)] as [number, number, number]), data.shape, data.classes));

  const options = resolveSupernetOptions({ ...CHOICES, epochs: SUPERNET_EPOCHS, batchSize: 64, randomSubnets: 2, recalibrationBatches: 2, backend: 'wasm' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-oneshot-bench-'));
  const shape = { input: data.shape, classes: data.classes, depth: DEPTH, maxKernel: 7, maxFilters: 64, strides: CHOICES.strides };
  const supernet = buildSupernet(shape, 1, options.batchNormEpsilon);
  let cpu = cpuSeconds();
  const summary = await trainSupernet({ supernet, data, options, seed: 1, backend: 'wasm', checkpointFile: path.join(work, 'checkpoint.bin'), fingerprint: 'bench' });
  const supernetTrainCpu = cpuSeconds() - cpu;
  process.stderr.write(`oneshot: supernet trained, ${summary.steps} steps, ${supernetTrainCpu.toFixed(0)} CPU s\n`);

  const scoreAll = (batches: number) => {
    const calibration = calibrationBatches(data, 1, batches, options.batchSize);
    const start = cpuSeconds();
    const scores = networks.map((arch) => scoreSubnetwork(supernet, arch, calibration, data.validation, data.shape, options.evalBatchSize).accuracy);
    return { scores, cpuPerNetwork: (cpuSeconds() - start) / networks.length };
  };
  const scored = onBackend('wasm', () => scoreAll(options.recalibrationBatches));

  const trainerOptions = resolveTrainerOptions({ epochs: STANDALONE_EPOCHS, batchSize: 64, backend: 'wasm' });
  const standAlone: number[] = [];
  cpu = cpuSeconds();
  for (const [i, arch] of networks.entries()) {
    const result = await trainChild({ architecture: arch, data, options: trainerOptions, seed: deriveSeed(1, 'oneshot-bench', i), backend: 'wasm' });
    standAlone.push(result.accuracy);
    process.stderr.write(`oneshot: network ${i + 1}/${networks.length}: stand-alone ${result.accuracy.toFixed(3)}, supernet ${scored.scores[i].toFixed(3)}\n`);
  }
  const standAloneCpu = (cpuSeconds() - cpu) / networks.length;
  fs.rmSync(work, { recursive: true, force: true });

  const tau = kendallTau(scored.scores, standAlone);
  const rho = spearman(scored.scores, standAlone);
  const perHour = (seconds: number) => 3600 / seconds;
  const amortised = (n: number) => perHour((supernetTrainCpu + n * scored.cpuPerNetwork) / n);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const f = (v: number, d = 2) => v.toFixed(d);
  const lines = [
    '## One-shot scoring: supernet ranking against stand-alone training (trainer-supernet)',
    '',
    `Fashion-MNIST proxy, the same for both: ${28 / DOWNSCALE}x${28 / DOWNSCALE} (downscale ${DOWNSCALE}), ${TRAIN_IMAGES} training and ${VALIDATION_IMAGES} validation images (seed 1); chain CNNs of depth ${DEPTH}, ` +
      `kernel {1,3,5,7}, filters {24,36,48,64}, stride {1,2}; ${NETWORKS} random networks (seed 1). Supernet: ${SUPERNET_EPOCHS} epoch(s), batch 64, ` +
      `sandwich of the largest, the smallest and 2 random subnetworks per step (${summary.steps} steps), Adam 3e-3 cosine; scoring recalibrates BatchNorm on ` +
      `${options.recalibrationBatches} batches of 64 training images, then validation accuracy. Stand-alone: trainer-tfjs, ${STANDALONE_EPOCHS} epoch(s), batch 64, Adam 3e-3 cosine. ` +
      'CPU seconds from process.cpuUsage (the wasm backend runs one thread). Command: `nice -n 10 npm run bench -- oneshot`.',
    '',
    `supernet Kendall τ = ${f(tau)}`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| Kendall τ-b, supernet score vs stand-alone accuracy (${NETWORKS} networks) | ${f(tau)} |`,
    `| Spearman ρ | ${f(rho)} |`,
    `| mean accuracy: supernet score / stand-alone | ${f(mean(scored.scores), 3)} / ${f(mean(standAlone), 3)} |`,
    `| supernet training, CPU s (once) | ${f(supernetTrainCpu, 0)} |`,
    `| scoring one candidate, CPU s | ${f(scored.cpuPerNetwork, 3)} |`,
    `| stand-alone training of one candidate, CPU s | ${f(standAloneCpu, 1)} |`,
    `| candidates per CPU-hour: stand-alone | ${f(perHour(standAloneCpu), 0)} |`,
    `| candidates per CPU-hour: supernet, ${NETWORKS} candidates (its training included) | ${f(amortised(NETWORKS), 0)} (${f(amortised(NETWORKS) / perHour(standAloneCpu), 1)}x) |`,
    `| candidates per CPU-hour: supernet, 1,000 candidates (its training included) | ${f(amortised(1000), 0)} (${f(amortised(1000) / perHour(standAloneCpu), 1)}x) |`,
    `| candidates per CPU-hour: supernet scoring alone | ${f(perHour(scored.cpuPerNetwork), 0)} (${f(perHour(scored.cpuPerNetwork) / perHour(standAloneCpu), 0)}x) |`,
    '',
    `Pairs (supernet score, stand-alone accuracy): ${networks.map((_, i) => `(${f(scored.scores[i], 3)}, ${f(standAlone[i], 3)})`).join(' ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
