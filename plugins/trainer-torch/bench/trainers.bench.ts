// Benchmark: trainer-torch beside trainer-tfjs in one process, through each plugin's real path (the
// way `coex train` runs them): the released OptHW net (PredictableStride/OptHW layers) on a
// Fashion-MNIST subset (28x28x1), the same split, seed, epochs, batch and optimizer, one thread
// each (tfjs: the wasm backend runs one thread; torch: trainer.threads = 1). Images/s exclude the
// first step and validation in both. Needs Debian dataset-fashion-mnist and python3-torch.
// Run: npm run bench -- trainer-torch (nice -n 10 on a shared machine)
import * as os from 'node:os';
import type { TrainingResult } from '@coex/core';
import { PluginHost, resolveConfig } from '@coex/core/host';
import { RELEASED_NETS, chainCnn } from '@coex/kit-chain-cnn';

const NET = RELEASED_NETS.find((n) => n.name === 'PredictableStride/OptHW')!;
const SUBSET = 1024;
const VALIDATION = 1000;
const TEST = 1000;
const EPOCHS = 1;
const BATCH = 64;
const SEED = 1;

async function train(trainer: string, options: Record<string, unknown>): Promise<TrainingResult> {
  const dataset = ['dataset-fashion-mnist', { subset: SUBSET, validationSize: VALIDATION, testSubset: TEST }] as [string, Record<string, unknown>];
  const { config, plugins } = resolveConfig({ plugins: [[trainer, { epochs: EPOCHS, batchSize: BATCH, ...options }], dataset], seed: SEED });
  // One host for both roles: the trainer reads the same dataset instance.
  const host = new PluginHost({ dir: os.tmpdir(), config, plugins });
  await host.applyPlugins();
  const info = (await host.role('dataset')).info();
  const roleTrainer = await host.role('trainer');
  try {
    return await roleTrainer.train({ seq: 0, seed: SEED, architecture: chainCnn(NET.layers, info.shape, info.classes) });
  } finally {
    await roleTrainer.close?.();
  }
}

const fmt = (v: unknown, digits = 1) => (typeof v === 'number' ? v.toFixed(digits) : 'n/a');

async function main(): Promise<void> {
  const load = os.loadavg()[0];
  const tfjs = await train('trainer-tfjs', { backend: 'wasm' });
  const loadBetween = os.loadavg()[0];
  const torch = await train('trainer-torch', { threads: 1 });
  const loadAfter = os.loadavg()[0];
  const row = (name: string, r: TrainingResult) =>
    `| ${name} | ${r.backend} | ${fmt(r.imagesPerSecond)} | ${fmt(r.accuracy * 100)} % | ${fmt((r.testAccuracy ?? NaN) * 100)} % | ${fmt(r.loss, 3)} | ${fmt(r.seconds)} |`;
  const ratio = (torch.imagesPerSecond as number) / (tfjs.imagesPerSecond as number);
  const lines = [
    '## trainer-torch beside trainer-tfjs: the same network, data and settings',
    '',
    `Released net ${NET.name} layers (${JSON.stringify(NET.layers)}) on Fashion-MNIST 28x28x1 (Debian dataset-fashion-mnist): ` +
      `${SUBSET} training images drawn by seed ${SEED}, ${VALIDATION} validation, ${TEST} test; ${EPOCHS} epoch, batch ${BATCH}, Adam 3e-3 cosine (both trainers' defaults), one thread each. ` +
      'Each trainer through its plugin, as `coex train` runs it (dataset load and Python start-up not in images/s; images/s exclude the first step and validation). ' +
      `Run with \`nice -n 10 npm run bench -- trainer-torch\` on the shared 2-core VM: load average ${fmt(load, 2)} before, ${fmt(loadBetween, 2)} between, ${fmt(loadAfter, 2)} after, so absolute figures are far below an idle machine's; the ratio is the figure to read.`,
    '',
    '| trainer | backend | images/s | validation accuracy | test accuracy | last-epoch loss | seconds (trial) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('trainer-tfjs', tfjs),
    row('trainer-torch', torch),
    '',
    `trainer-torch trains ${fmt(ratio, 2)}x as many images per second as trainer-tfjs here (torch ${torch.torch}).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

export {};
