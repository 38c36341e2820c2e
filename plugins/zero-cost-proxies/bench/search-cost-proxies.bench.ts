// `npm run bench -- search-cost`: rank correlation of the zero-cost proxies (and of parameter count)
// with trained validation accuracy, on random chain CNNs trained for real on a small Fashion-MNIST
// proxy (Debian dataset-fashion-mnist): 14x14 images (downscale 2), 1,000 training and 500
// validation images, one epoch, tfjs. Prints markdown.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChainCnnArchitecture, Trial } from '@coex/core';
import { Run, resolveConfig } from '@coex/core/host';
import { describeChainCnn } from '@coex/kit-chain-cnn';
import { kendallTau, spearman } from '@coex/plugin-predictor-ensemble';

const NETWORKS = Number(process.env.COEX_PROXY_NETWORKS ?? 40);

async function main() {
  const { config, plugins } = resolveConfig({
    plugins: [
      ['controller-random', { batchSize: 1 }],
      ['space-chain-cnn', { depth: 3, kernels: [1, 3, 5], filters: [4, 8, 16, 24], strides: [1, 2] }],
      ['dataset-fashion-mnist', { subset: 1000, validationSize: 500, downscale: 2 }],
      ['trainer-tfjs', { epochs: 1, batchSize: 32 }],
      ['zero-cost-proxies', { batch: 32 }],
    ],
    seed: 1,
    budget: NETWORKS,
  });
  const run = new Run({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'coex-proxies-')), config, plugins });
  const done: Trial[] = [];
  run.events$.subscribe((e) => e.type === 'trial-end' && e.trial.status === 'done' && done.push(e.trial));
  const cpu = process.cpuUsage();
  await run.execute();
  const used = process.cpuUsage(cpu);
  const accuracy = done.map((t) => t.metrics.accuracy!);
  const scorers: [string, number[]][] = [
    ['parameter count (baseline)', done.map((t) => describeChainCnn(t.candidate.architecture as ChainCnnArchitecture).params)],
    ['synflow', done.map((t) => t.hardware!.synflow as number)],
    ['naswot', done.map((t) => t.hardware!.naswot as number)],
  ];
  const base = { tau: kendallTau(scorers[0][1], accuracy), rho: spearman(scorers[0][1], accuracy) };
  const rows = scorers.map(([name, s], k) => {
    const tau = kendallTau(s, accuracy);
    const rho = spearman(s, accuracy);
    return `| ${name} | ${tau.toFixed(3)} | ${rho.toFixed(3)} | ${k === 0 ? '' : tau > base.tau && rho > base.rho ? 'yes' : 'no'} |`;
  });
  console.log(
    [
      '## Zero-cost proxies on trained chain CNNs',
      '',
      `${done.length} random chain CNNs (seed 1: depth 3, kernels 1/3/5, filters 4/8/16/24, strides 1/2) trained with trainer-tfjs for one epoch on ` +
        'Fashion-MNIST at 14x14 (1,000 training, 500 validation images, batch 32); proxies scored at initialisation by plugin-zero-cost-proxies ' +
        `(NASWOT on 32 training images). Accuracies ${(100 * Math.min(...accuracy)).toFixed(1)}-${(100 * Math.max(...accuracy)).toFixed(1)} %. ` +
        `CPU time for the whole set: ${((used.user + used.system) / 1e6).toFixed(0)} s. One seed and ${done.length} networks: a small, honest set, not a benchmark-grade figure.`,
      '',
      '| scorer | Kendall τ | Spearman ρ | beats parameter count? |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
