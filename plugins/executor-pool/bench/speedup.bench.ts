// Speed-up of the worker-thread pool: the same search (16 children, COEX_BENCH_CHILDREN to change of a small chain CNN trained for
// real with trainer-tfjs on synthetic 16x16x1 data) with 1 and with 2 workers. Prints markdown.
import * as os from 'node:os';
import * as path from 'node:path';
import { Run, resolveConfig } from '@coex/core';

async function search(workers: number): Promise<{ seconds: number; trained: number }> {
  const { config, plugins } = resolveConfig({
    plugins: [
      ['controller-random', { batchSize: Number(process.env.COEX_BENCH_CHILDREN ?? 16) }],
      ['space-chain-cnn', { depth: 3, kernels: [3, 5], filters: [24, 36], strides: [1] }],
      ['dataset-synthetic', { input: '16x16x1', classes: 4, trainSize: 768, validationSize: 256, testSize: 0 }],
      ['trainer-tfjs', { epochs: 1, batchSize: 32 }],
      ['executor-pool', { workers }],
    ],
    budget: Number(process.env.COEX_BENCH_CHILDREN ?? 16),
    seed: 1,
  });
  const t0 = performance.now();
  const summary = await new Run({ dir: path.join(os.tmpdir(), 'coex-bench-pool'), config, plugins }).execute();
  return { seconds: (performance.now() - t0) / 1000, trained: summary.counts.trained };
}

async function main() {
  const children = Number(process.env.COEX_BENCH_CHILDREN ?? 16);
  const one = await search(1);
  const two = await search(2);
  const speedup = one.seconds / two.seconds;
  console.log(`## Worker-pool speed-up (executor-pool)

The same search, ${children} children (chain CNN of depth 3 on synthetic 16x16x1 data, 768 training images,
1 epoch, trainer-tfjs on its wasm backend), with 1 and 2 worker threads; wall time of the whole run,
worker start-up (loading TensorFlow.js and the dataset in each thread) included.

| workers | children trained | seconds | children/s |
| --- | --- | --- | --- |
| 1 | ${one.trained} | ${one.seconds.toFixed(1)} | ${(one.trained / one.seconds).toFixed(3)} |
| 2 | ${two.trained} | ${two.seconds.toFixed(1)} | ${(two.trained / two.seconds).toFixed(3)} |

Speed-up with 2 workers on ${os.availableParallelism()} cores: **${speedup.toFixed(2)}x** (target: at least 1.8x).
`);
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
