// What the predictor sees of a candidate: the controller's decisions one-hot (for a chain CNN: each
// layer's kernel, filters and stride; for a NAS-Bench-201 cell: each edge's operation; for any other
// space: whatever its decisions are), cheap counts of the network (parameters, MACs and depth of a
// chain CNN), and named numbers of the fast level's evaluation (exact hardware metrics, and the
// zero-cost proxies that plugin-zero-cost-proxies adds there).
import { type Architecture, type ChainCnnArchitecture, type Decision, type HardwareMetrics } from '@coex/core';
import { describeChainCnn } from '@coex/kit-chain-cnn';

export interface FeatureOptions {
  /** Metrics of the fast level's evaluation used as inputs (absent or non-numeric: 0). */
  metricFeatures: readonly string[];
}

const isChainCnn = (a: Architecture): a is ChainCnnArchitecture => a.kind === 'chain-cnn' && Array.isArray(a.layers);

/** The cheap counts of a network: log10 parameters, log10 MACs and depth (chain CNNs; empty for other kinds). */
export function cheapFeatures(architecture: Architecture): number[] {
  if (!isChainCnn(architecture)) return [];
  const summary = describeChainCnn(architecture);
  return [Math.log10(summary.params), Math.log10(Math.max(1, summary.macs)), architecture.layers.length];
}

/** The feature vector of one candidate. Its length depends only on the decisions and the options. */
export function encodeCandidate(
  tokens: readonly number[],
  decisions: readonly Decision[],
  architecture: Architecture,
  metrics: HardwareMetrics | undefined,
  options: FeatureOptions,
): number[] {
  const oneHot: number[] = [];
  decisions.forEach((d, i) => {
    // A decision with one choice carries no information.
    if (d.choices.length < 2) return;
    for (let c = 0; c < d.choices.length; c++) oneHot.push(tokens[i] === c ? 1 : 0);
  });
  const named = options.metricFeatures.map((name) => {
    const value = metrics?.[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
  });
  return [...oneHot, ...cheapFeatures(architecture), ...named];
}
