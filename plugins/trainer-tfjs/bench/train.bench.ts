// Benchmark: training throughput of the released OptHW net (PredictableStride/OptHW, 32x32x3,
// 10 classes) on the wasm backend: synthetic data, batch 64, 512 training images, 1 epoch, through
// trainOnce (the trainer's real path; its images/s excludes the first batch and validation).
// Compared with: tfjs's own autodiff of the same tf.LayersModel (with this plugin's kernels, the
// path a plain model.fit would take), and PyTorch on one thread when python3-torch is installed
// (/work/shared/tools/torch_chain_bench.py). Also prints a kernel profile of one step.
// Run: node --conditions=coex-source -r ./scripts/register.js plugins/trainer-tfjs/bench/train.bench.ts
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { Rng, type DataSplit, type DatasetSplits } from '@coex/core';
import { RELEASED_NETS, chainCnn } from '@coex/kit-chain-cnn';
import { selectBackend } from '../src/backend';
import { buildChainModel } from '../src/model';
import { backward, forwardTrain, softmaxCrossEntropy } from '../src/network';
import { trainOnce } from '../src/trainer';

const NET = RELEASED_NETS.find((n) => n.name === 'PredictableStride/OptHW')!;
const SHAPE = { height: 32, width: 32, channels: 3 };
const IMAGES = 512;
const BATCH = 64;
const RUNS = 3;
const TORCH_SCRIPT = '/work/shared/tools/torch_chain_bench.py';

function randomSplit(count: number, rng: Rng): DataSplit {
  const x = Float32Array.from({ length: count * 32 * 32 * 3 }, () => rng.float());
  const y = Int32Array.from({ length: count }, () => rng.int(10));
  return { x, y, count };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (v: number, digits = 1) => v.toFixed(digits);

/** tfjs's autodiff (tf.variableGrads over model.apply in training mode) with an Adam step. */
function autodiffImagesPerSecond(steps: number): number {
  const { model } = buildChainModel(chainCnn(NET.layers, SHAPE, 10), { seed: 1, batchNormMomentum: 0.9, batchNormEpsilon: 1e-3 });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, 32, 32, 3]);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32') as tf.Tensor1D, 10);
  const step = () => {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
    cost.dataSync();
    cost.dispose();
  };
  step(); // warm-up, like the trainer's excluded first batch
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return (steps * BATCH) / seconds;
}

/** One training step of the trainer's own code path (forward, hand-written backward, Adam). */
function stepRunner(): { step: () => void; dispose: () => void } {
  const { model, net } = buildChainModel(chainCnn(NET.layers, SHAPE, 10), { seed: 1, batchNormMomentum: 0.9, batchNormEpsilon: 1e-3 });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, 32, 32, 3]) as tf.Tensor4D;
  const y = tf.randomUniform([BATCH], 0, 10, 'int32') as tf.Tensor1D;
  const step = () => {
    const loss = tf.tidy(() => {
      const forward = forwardTrain(net, x);
      const { loss, dLogits } = softmaxCrossEntropy(forward.logits, y);
      const grads = backward(net, forward, dLogits);
      optimizer.applyGradients(net.trainable.map((v) => ({ name: v.name, tensor: grads.get(v)! })));
      return loss;
    });
    loss.dataSync();
    loss.dispose();
  };
  step(); // warm-up
  return { step, dispose: () => (tf.dispose([x, y]), optimizer.dispose(), model.dispose()) };
}

/** Steady-state images per CPU-second of this process (CPU time is less disturbed by other load). */
function cpuImagesPerSecond(steps: number): number[] {
  const runner = stepRunner();
  const rates: number[] = [];
  for (let i = 0; i < steps; i++) {
    const before = process.cpuUsage();
    runner.step();
    const used = process.cpuUsage(before);
    rates.push(BATCH / ((used.user + used.system) / 1e6));
  }
  runner.dispose();
  return rates;
}

/** Kernel time of one training step by kernel name (minimum over a few profiled steps). */
async function profileStep(): Promise<{ total: number; rows: [string, number][] }> {
  const runner = stepRunner();
  const best = new Map<string, number>();
  for (let r = 0; r < 3; r++) {
    const profile = await tf.profile(() => runner.step());
    const byName = new Map<string, number>();
    for (const k of profile.kernels) {
      if (k.name.endsWith('__op')) continue; // op wrappers repeat their kernel's time
      byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    }
    for (const [name, ms] of byName) best.set(name, Math.min(best.get(name) ?? Infinity, ms));
  }
  runner.dispose();
  const rows = [...best].sort((a, b) => b[1] - a[1]);
  return { total: rows.reduce((sum, [, ms]) => sum + ms, 0), rows };
}

function torchImagesPerSecond(): { value?: number; note: string; command: string } {
  const command = `MALLOC_MMAP_THRESHOLD_=134217728 MALLOC_TRIM_THRESHOLD_=1073741824 /usr/bin/python3 ${TORCH_SCRIPT} '${JSON.stringify(NET.layers)}' 32x32x3 ${IMAGES} 1`;
  if (!fs.existsSync(TORCH_SCRIPT)) return { note: `${TORCH_SCRIPT} not found`, command };
  try {
    const out = execFileSync('/usr/bin/python3', [TORCH_SCRIPT, JSON.stringify(NET.layers), '32x32x3', String(IMAGES), '1'], {
      encoding: 'utf8',
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '134217728', MALLOC_TRIM_THRESHOLD_: '1073741824' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 600_000,
    });
    const parsed = JSON.parse(out.trim().split('\n').pop()!) as { imagesPerSecond: number; runs: number[]; torch: string };
    return { value: parsed.imagesPerSecond, note: `torch ${parsed.torch}, one thread, median of epochs ${parsed.runs.join(', ')} images/s`, command };
  } catch (error) {
    return { note: `not measured (${(error as Error).message.split('\n')[0]}; Debian package python3-torch)`, command };
  }
}

async function main(): Promise<void> {
  const load = os.loadavg()[0];
  const backend = await selectBackend('wasm');
  const rng = new Rng(2024);
  const data: DatasetSplits = { name: 'synthetic-32x32x3', shape: SHAPE, classes: 10, train: randomSplit(IMAGES, rng), validation: randomSplit(64, rng) };
  const arch = chainCnn(NET.layers, SHAPE, 10);
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await trainOnce(arch, data, { seed: i + 1, epochs: 1, batchSize: BATCH, backend: 'wasm' });
    runs.push(result.imagesPerSecond);
  }
  const ours = median(runs);
  const perCpuSecond = cpuImagesPerSecond(5);
  const autodiff = autodiffImagesPerSecond(3);
  const profile = await profileStep();
  const torch = torchImagesPerSecond();
  const loadAfter = os.loadavg()[0];

  const lines = [
    '## trainer-tfjs: training throughput on the wasm backend',
    '',
    `Released net ${NET.name} (${NET.params.toLocaleString('en')} parameters) on synthetic 32x32x3 data, batch ${BATCH}, ${IMAGES} training images, 1 epoch, one thread; ` +
      `images/s exclude the first batch and validation. Backend: ${backend.name}. ` +
      `Machine load average ${fmt(load, 2)} before, ${fmt(loadAfter, 2)} after (2 cores: figures fall when others run).`,
    '',
    '| path | images/s | vs PyTorch |',
    '| --- | --- | --- |',
    `| this trainer (hand-written gradients, wasm kernels), median of ${RUNS} runs (${runs.map((r) => fmt(r)).join(', ')}) | ${fmt(ours)} | ${torch.value ? `${fmt(ours / torch.value, 2)}x` : 'n/a'} |`,
    `| this trainer's step, images per CPU-second of this process, median of 5 steps (${perCpuSecond.map((r) => fmt(r)).join(', ')}) | ${fmt(median(perCpuSecond))} | ${torch.value ? `${fmt(median(perCpuSecond) / torch.value, 2)}x (wall)` : 'n/a'} |`,
    `| tfjs autodiff of the same tf.LayersModel + this plugin's wasm kernels (3 steps) | ${fmt(autodiff)} | ${torch.value ? `${fmt(autodiff / torch.value, 2)}x` : 'n/a'} |`,
    `| PyTorch, CPU, 1 thread | ${torch.value ? fmt(torch.value) : 'n/a'} | 1x |`,
    '',
    `PyTorch: ${torch.note}. Command: \`${torch.command}\``,
    '',
    `Kernel time of one training step (tf.profile, minimum of 3 steps per kernel), total ${fmt(profile.total, 0)} ms:`,
    '',
    '| kernel | ms | share |',
    '| --- | --- | --- |',
    ...profile.rows.slice(0, 10).map(([name, ms]) => `| ${name} | ${fmt(ms)} | ${fmt((100 * ms) / profile.total)} % |`),
    `| (others) | ${fmt(profile.rows.slice(10).reduce((s, [, ms]) => s + ms, 0))} | |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

export {};
