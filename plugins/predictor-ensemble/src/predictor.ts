// The online predictor: the run's trained trials as training data, an MLP ensemble refitted from
// scratch whenever that set changed (so a prediction depends only on which trials are trained and on
// the run's seed: a resumed run predicts what the uninterrupted one did), dominance against the
// trained front, and the acquisition values the guided mode ranks by.
import { deriveSeed, type Metrics, type Objective } from '@coex/core';
import { MlpEnsemble, type MlpOptions, type Prediction } from './mlp';
import { normalCdf, normalPdf } from './normal';

export interface Observation {
  seq: number;
  /** The trial's batch (absent: always known). */
  batch?: number;
  features: number[];
  /** The trained accuracy (the predictor's target). */
  accuracy: number;
  /** The trial's metrics (hardware ones exact), for dominance. */
  metrics: Metrics;
}

export interface PredictorOptions extends MlpOptions {
  members: number;
  /** Floor of the reported uncertainty: members that agree are not proof. */
  minUncertainty: number;
  /** Refit once the trained set has grown by this factor since the last fit (1: on every new trial). */
  refitGrowth: number;
  /** The first refit point (the plugin passes minTrained); below it every fit uses all trials. */
  refitFrom: number;
}

export class OnlinePredictor {
  private readonly observations = new Map<number, Observation>();
  private fitted?: { key: string; ensemble: MlpEnsemble };

  constructor(
    private readonly seed: number,
    private readonly options: PredictorOptions,
  ) {}

  /** Adds (or replaces) a trained trial. */
  add(observation: Observation): void {
    this.observations.set(observation.seq, observation);
  }

  /** Only trials of earlier batches count (set per batch decision): on resume, the interrupted batch's own results are not known yet. */
  private horizon = Infinity;

  asOf(batch: number): this {
    this.horizon = batch;
    return this;
  }

  get count(): number {
    return this.trained().length;
  }

  /** Trained trials of batches before the horizon, in trial order. */
  trained(): Observation[] {
    return [...this.observations.values()].filter((o) => (o.batch ?? -1) < this.horizon).sort((a, b) => a.seq - b.seq);
  }

  private ensemble(): MlpEnsemble {
    const all = this.trained();
    // Fit on the first trials in trial order up to the last refit point (refitFrom, then each point
    // the previous times refitGrowth): a function of the trained set alone, so a resumed run fits
    // exactly what the uninterrupted one did.
    let size = Math.min(all.length, this.options.refitFrom);
    for (let next = size; next <= all.length; next = Math.max(size + 1, Math.ceil(size * this.options.refitGrowth))) size = next;
    const data = all.slice(0, Math.min(size, all.length));
    const key = data.map((o) => o.seq).join(',');
    if (this.fitted?.key !== key) {
      const ensemble = new MlpEnsemble(
        data.map((o) => o.features),
        data.map((o) => o.accuracy),
        this.options.members,
        (member) => deriveSeed(this.seed, 'predictor', data.length, member),
        this.options,
      );
      this.fitted = { key, ensemble };
    }
    return this.fitted.ensemble;
  }

  predict(features: readonly number[]): Prediction {
    const p = this.ensemble().predict(features);
    return { mean: p.mean, sd: Math.max(p.sd, this.options.minUncertainty) };
  }
}

/** The trained trial whose exact hardware metrics are at least as good as the candidate's, with the best accuracy. */
export interface Dominator {
  seq: number;
  accuracy: number;
  /** P(candidate accuracy <= dominator's) under the prediction. */
  probability: number;
}

/**
 * The strongest potential dominator of a candidate among the trained trials: of those at least as
 * good on every hardware objective (exact values), the most accurate one. The candidate is dominated
 * with probability P(accuracy <= its accuracy). Undefined when no trained trial qualifies or the
 * candidate lacks a hardware objective's value.
 */
export function strongestDominator(
  prediction: Prediction,
  candidate: Metrics,
  trained: readonly Observation[],
  objectives: readonly Objective[],
  accuracyMetric: string,
): Dominator | undefined {
  const hardware = objectives.filter((o) => o.metric !== accuracyMetric);
  if (hardware.some((o) => typeof candidate[o.metric] !== 'number')) return undefined;
  let best: Observation | undefined;
  for (const t of trained) {
    const atLeastAsGood = hardware.every((o) => {
      const theirs = t.metrics[o.metric];
      const ours = candidate[o.metric] as number;
      return typeof theirs === 'number' && (o.goal === 'max' ? theirs >= ours : theirs <= ours);
    });
    if (atLeastAsGood && (!best || t.accuracy > best.accuracy)) best = t;
  }
  if (!best) return undefined;
  return { seq: best.seq, accuracy: best.accuracy, probability: normalCdf((best.accuracy - prediction.mean) / prediction.sd) };
}

export type Acquisition = 'ei' | 'ucb' | 'mean';

/**
 * How much a candidate is worth training: expected improvement over the accuracy to beat (that of
 * its strongest dominator; nothing to beat when no trained trial is as good in hardware), an upper
 * confidence bound mean + kappa sd, or the mean.
 */
export function acquisitionValue(kind: Acquisition, prediction: Prediction, toBeat: number | undefined, kappa: number): number {
  const { mean, sd } = prediction;
  if (kind === 'mean') return mean;
  if (kind === 'ucb') return mean + kappa * sd;
  // No trained trial dominates in hardware: the candidate would join the front whatever its accuracy.
  if (toBeat === undefined) return Infinity;
  const z = (mean - toBeat) / sd;
  return (mean - toBeat) * normalCdf(z) + sd * normalPdf(z);
}
