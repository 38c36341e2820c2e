// What the prune tap decides for one batch: drop a candidate the trained front dominates at the
// stated confidence (hardware metrics exact, accuracy predicted), and in guided mode keep only the
// `keep` best of the rest by the acquisition value (or by a zero-cost proxy alone).
import type { Metrics, Objective, PruneVerdict } from '@coex/core';
import type { Prediction } from './mlp';
import { acquisitionValue, strongestDominator, type Acquisition, type OnlinePredictor } from './predictor';

export interface BatchItem {
  seq: number;
  batch: number;
  features: number[];
  /** The fast level's metrics of the candidate (exact hardware values, proxies). */
  metrics: Metrics;
  /** Identity for "already trained" (the isomorphism class of a cell, else the tokens). */
  key: string;
}

export interface DecideOptions {
  minTrained: number;
  prune: boolean;
  confidence: number;
  keep?: number;
  acquisition: Acquisition;
  kappa: number;
  proxy?: string;
  objectives: readonly Objective[];
  accuracyMetric: string;
}

const fmt = (x: number) => x.toFixed(3);
const describe = (p: Prediction) => `predicted accuracy ${fmt(p.mean)} ± ${fmt(p.sd)}`;

function hardwareComparison(candidate: Metrics, theirs: Metrics, options: DecideOptions): string {
  return options.objectives
    .filter((o) => o.metric !== options.accuracyMetric)
    .map((o) => `${o.metric} ${(theirs[o.metric] as number).toPrecision(3)} ${o.goal === 'max' ? '≥' : '≤'} ${(candidate[o.metric] as number).toPrecision(3)}`)
    .join(', ');
}

export function decideBatch(
  items: BatchItem[],
  predictor: OnlinePredictor,
  trainedKeys: ReadonlyMap<string, number>,
  options: DecideOptions,
): Map<number, PruneVerdict | undefined> {
  const verdicts = new Map<number, PruneVerdict | undefined>(items.map((i) => [i.seq, undefined]));
  const byProxy = options.proxy !== undefined;
  // A proxy needs no trained trials; the predictor needs its minimum first.
  if (!byProxy && predictor.count < options.minTrained) return verdicts;
  const trained = predictor.trained();
  const basis = `accuracy predicted from ${trained.length} trained trials`;
  const scored: { item: BatchItem; value: number; note: string }[] = [];
  for (const item of items.sort((a, b) => a.seq - b.seq)) {
    if (byProxy) {
      const value = item.metrics[options.proxy!];
      scored.push({ item, value: typeof value === 'number' && Number.isFinite(value) ? value : -Infinity, note: `${options.proxy} ${value === undefined ? 'missing' : Number(value).toPrecision(4)}` });
      continue;
    }
    const prediction = predictor.predict(item.features);
    const dominator = strongestDominator(prediction, item.metrics, trained, options.objectives, options.accuracyMetric);
    if (options.prune && dominator && dominator.probability >= options.confidence) {
      const theirs = trained.find((t) => t.seq === dominator.seq)!;
      const hardware = hardwareComparison(item.metrics, theirs.metrics, options);
      verdicts.set(item.seq, {
        reason:
          `${describe(prediction)}; dominated by trial ${dominator.seq} (accuracy ${fmt(dominator.accuracy)}${hardware ? `, ${hardware}` : ''}) ` +
          `with probability ${fmt(dominator.probability)} ≥ ${options.confidence}; hardware metrics exact, ${basis}`,
      });
      continue;
    }
    const value = acquisitionValue(options.acquisition, prediction, dominator?.accuracy, options.kappa);
    scored.push({ item, value, note: `${describe(prediction)} (${options.acquisition} ${Number.isFinite(value) ? value.toPrecision(3) : 'unbounded: no trained trial is as good in hardware'})` });
  }
  if (options.keep === undefined) return verdicts;

  // Guided mode: a candidate already trained (or twice in this batch) would cost a slot for nothing.
  const inBatch = new Map<string, number>();
  const fresh = scored.filter(({ item }) => {
    const trainedAs = trainedKeys.get(item.key);
    const proposedAs = inBatch.get(item.key);
    if (trainedAs !== undefined || proposedAs !== undefined) {
      verdicts.set(item.seq, {
        reason: trainedAs !== undefined ? `the same network was trained as trial ${trainedAs}` : `the same network is trial ${proposedAs} of this batch`,
      });
      return false;
    }
    inBatch.set(item.key, item.seq);
    return true;
  });
  // Best value first; the earlier trial wins a tie, so the choice is a function of the seed.
  const ranked = [...fresh].sort((a, b) => b.value - a.value || a.item.seq - b.item.seq);
  const kept = ranked.slice(0, options.keep);
  ranked.slice(options.keep).forEach(({ item, note }, i) => {
    verdicts.set(item.seq, {
      reason:
        `${note}; ranked ${options.keep! + i + 1} of ${ranked.length} in its batch, the guided mode trains the best ${options.keep} ` +
        `(trial${kept.length > 1 ? 's' : ''} ${kept.map((k) => k.item.seq).join(', ')})${byProxy ? '; ranked by the zero-cost proxy alone' : `; hardware metrics exact, ${basis}`}`,
    });
  });
  return verdicts;
}
