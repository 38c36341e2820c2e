// @coex/plugin-zero-cost-proxies: zero-cost proxies of chain-CNN candidates, scored at
// initialisation on a minibatch of the run's dataset with no training, and added to the fast
// level's metrics (`synflow`, `naswot`), where predictor-ensemble reads them as features
// (`metricFeatures`) or ranks by one alone (`proxy`). Its own package so that tfjs loads only in
// runs that ask for proxies (the predictor itself needs none, e.g. on NAS-Bench-201).
import * as tf from '@tensorflow/tfjs';
import { definePlugin, deriveSeed, listOption, z, type ChainCnnArchitecture, type DataSplit } from '@coex/core';
import { disposeNetwork, initNetwork, naswotScore, reluCodes, synflow } from './proxies';

export const PLUGIN_NAME = '@coex/plugin-zero-cost-proxies';

export const PROXY_NAMES = ['synflow', 'naswot'] as const;
export type ProxyName = (typeof PROXY_NAMES)[number];

export const proxyOptions = z.object({
  /** Proxies to compute (each becomes a fast-level metric of that name). */
  proxies: listOption(z.enum(PROXY_NAMES)).default([...PROXY_NAMES]),
  /** Images in NASWOT's minibatch (drawn from the training split with the run's seed). */
  batch: z.number().int().min(2).max(1024).default(32),
});

/** Scores one network: the same architecture and seed give the same numbers. */
export function scoreProxies(arch: ChainCnnArchitecture, seed: number, images: tf.Tensor4D | undefined, proxies: readonly ProxyName[]): Partial<Record<ProxyName, number>> {
  const net = initNetwork(arch, seed);
  try {
    const out: Partial<Record<ProxyName, number>> = {};
    if (proxies.includes('synflow')) out.synflow = synflow(net, arch);
    if (proxies.includes('naswot') && images) out.naswot = naswotScore(reluCodes(net, images));
    return out;
  } finally {
    disposeNetwork(net);
  }
}

/** `count` images of a split, chosen with `seed`, as an NHWC tensor. */
export function minibatch(split: DataSplit, shape: { height: number; width: number; channels: number }, count: number, seed: number): tf.Tensor4D {
  const size = shape.height * shape.width * shape.channels;
  const n = Math.min(count, split.count);
  const picked = new Float32Array(n * size);
  // A seeded stride walk over the split: distinct indices, no shuffle of the whole split.
  const start = deriveSeed(seed, 'minibatch') % split.count;
  const step = Math.max(1, Math.floor(split.count / n));
  for (let i = 0; i < n; i++) {
    const index = (start + i * step) % split.count;
    picked.set(split.x.subarray(index * size, (index + 1) * size), i * size);
  }
  return tf.tensor4d(picked, [n, shape.height, shape.width, shape.channels]);
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  description: 'Zero-cost proxies at initialisation (synflow, NASWOT) for chain-CNN candidates, as fast-level metrics',
  options: proxyOptions,
  apply(ctx, options) {
    let images: Promise<tf.Tensor4D | undefined> | undefined;
    const cache = new Map<string, Partial<Record<ProxyName, number>>>();
    const loadImages = async () => {
      if (!options.proxies.includes('naswot')) return undefined;
      // The pure-JavaScript backend: deterministic, and the fast level scores one image batch forward only.
      if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
      const splits = await (await ctx.roles.get('dataset')).load({ seed: ctx.seed });
      return minibatch(splits.train, splits.shape, options.batch, ctx.seed);
    };
    ctx.hooks.fastEvaluate.tapPromise(PLUGIN_NAME, async (evaluation, candidate) => {
      const arch = candidate.architecture;
      if (arch.kind !== 'chain-cnn') return evaluation;
      const key = JSON.stringify((arch as ChainCnnArchitecture).layers);
      let scores = cache.get(key);
      if (!scores) {
        if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
        scores = scoreProxies(arch as ChainCnnArchitecture, deriveSeed(ctx.seed, 'zero-cost', key), await (images ??= loadImages()), options.proxies);
        cache.set(key, scores);
      }
      return { ...evaluation, metrics: { feasible: true, ...evaluation.metrics, ...scores } };
    });
    ctx.hooks.runEnd.tapPromise(PLUGIN_NAME, async () => {
      (await images)?.dispose();
    });
  },
});

export { initNetwork, disposeNetwork, synflow, reluCodes, naswotScore, logAbsDet, type InitNetwork } from './proxies';
