'use strict';
// One search of the pool benchmark, run in its own Node process on the compiled packages (dist/,
// what `npx coex` runs), so that worker threads load JavaScript, not TypeScript through ts-node.
// Usage: node pool-search.js <workers> <children> <dir>. Prints one JSON line.
const { Run, resolveConfig } = require('@coex/core/host');

async function main() {
  const [workers, children, dir] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  const { config, plugins } = resolveConfig({
    plugins: [
      ['controller-random', { batchSize: children }],
      ['space-chain-cnn', { depth: 3, kernels: [3, 5], filters: [24, 36], strides: [1] }],
      ['dataset-synthetic', { input: '16x16x1', classes: 4, trainSize: 768, validationSize: 256, testSize: 0 }],
      ['trainer-tfjs', { epochs: 1, batchSize: 32 }],
      ['executor-pool', { workers }],
    ],
    budget: children,
    seed: 1,
  });
  const run = new Run({ dir, config, plugins });
  const trainSeconds = [];
  run.events$.subscribe((e) => {
    if (e.type === 'trial-end' && e.trial.training?.seconds !== undefined) trainSeconds.push(e.trial.training.seconds);
  });
  const t0 = performance.now();
  const summary = await run.execute();
  const seconds = (performance.now() - t0) / 1000;
  const meanTrainSeconds = trainSeconds.reduce((a, b) => a + b, 0) / trainSeconds.length;
  console.log(JSON.stringify({ workers, trained: summary.counts.trained, seconds, meanTrainSeconds }));
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
