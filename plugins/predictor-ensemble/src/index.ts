// @coex/plugin-predictor-ensemble: an accuracy predictor in the fast level. An ensemble of small
// MLPs (BANANAS) is trained online on the run's trained trials; its prune tap drops a candidate that
// the trained front dominates at a stated confidence (hardware metrics exact, accuracy predicted),
// and in guided mode (`keep`) trains only the best few of each batch by predicted acquisition, over
// any controller (BANANAS-style evolution: a big batch of children, the predicted best few trained).
import { definePlugin, listOption, z, type Candidate, type Decision, type Objective, type PruneVerdict, type Trial } from '@coex/core';
import { BatchGate } from './batch-gate';
import { decideBatch, type BatchItem } from './decide';
import { encodeCandidate } from './features';
import { OnlinePredictor } from './predictor';

export const PLUGIN_NAME = '@coex/plugin-predictor-ensemble';

const objective = z.union([
  z.string().min(1),
  z.object({ metric: z.string().min(1), goal: z.enum(['max', 'min']).default('max') }).strict(),
]);

export const predictorOptions = z.object({
  /** MLPs in the ensemble (their spread is the uncertainty). */
  members: z.number().int().min(2).max(50).default(5),
  /** Hidden layer widths of each MLP. */
  hidden: z.preprocess((v) => (typeof v === 'number' ? [v] : v), listOption(z.coerce.number().int().min(1).max(1024))).default([32, 32]),
  /** Full-batch Adam epochs per fit (the ensemble is refitted when the trained set changed). */
  epochs: z.number().int().min(1).max(100000).default(200),
  learningRate: z.number().positive().default(0.01),
  /** Refit once the trained set grew by this factor since the last fit (1: after every trained trial). */
  refitGrowth: z.number().min(1).default(1),
  weightDecay: z.number().min(0).default(0.0001),
  /** No candidate is pruned before this many trials are trained (a proxy needs none). */
  minTrained: z.number().int().min(1).default(10),
  /** Prune a candidate the trained front dominates with at least `confidence` probability. */
  prune: z.boolean().default(true),
  confidence: z.number().gt(0.5).lt(1).default(0.9),
  /** Floor of the predicted accuracy's standard deviation. */
  minUncertainty: z.number().min(0).default(0.002),
  /** Guided mode: train only the best `keep` candidates of each batch, prune the rest. */
  keep: z.number().int().min(1).optional(),
  /** What guided mode ranks by: expected improvement, mean + kappa sd, or the mean. */
  acquisition: z.enum(['ei', 'ucb', 'mean']).default('ei'),
  kappa: z.number().min(0).default(1),
  /** Guided mode ranks by this fast-level metric alone (a zero-cost proxy, e.g. "naswot"): no predictor. */
  proxy: z.string().min(1).optional(),
  /** Objectives of the dominance check; default the run's `objectives`. */
  objectives: listOption(objective).optional(),
  /** The metric predicted (the trainers' validation accuracy). */
  accuracyMetric: z.string().min(1).default('accuracy'),
  /** Fast-level metrics used as features (exact hardware metrics; proxies such as "synflow", "naswot"). */
  metricFeatures: listOption(z.string().min(1)).default(['latency', 'throughput', 'energyEfficiency']),
});

export type PredictorPluginOptions = z.output<typeof predictorOptions>;

const keyOf = (candidate: Candidate) =>
  typeof candidate.architecture.canonical === 'string' ? candidate.architecture.canonical : JSON.stringify(candidate.tokens.arch);

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  description: 'Accuracy predictor (MLP ensemble, online): prunes candidates the front dominates; guided mode trains the predicted best of each batch',
  options: predictorOptions,
  apply(ctx, options) {
    const objectives: Objective[] = options.objectives
      ? options.objectives.map((o) => (typeof o === 'string' ? { metric: o, goal: 'max' } : o))
      : ctx.config.objectives;
    if (!objectives.some((o) => o.metric === options.accuracyMetric)) objectives.unshift({ metric: options.accuracyMetric, goal: 'max' });
    const predictor = new OnlinePredictor(ctx.seed, { ...options, refitFrom: options.minTrained });
    const trainedKeys = new Map<string, number>();
    let decisions: readonly Decision[] = [];
    const encode = (candidate: Candidate, metrics: Record<string, unknown> | undefined) =>
      encodeCandidate(candidate.tokens.arch, decisions, candidate.architecture, metrics as never, options);
    const decideOptions = { ...options, objectives };
    const gate = new BatchGate<BatchItem, PruneVerdict | undefined>((items) => {
      const list = [...items.values()];
      return decideBatch(list, predictor.asOf(list[0].batch), trainedKeys, decideOptions);
    });

    const remember = (trial: Trial) => {
      if (trial.status !== 'done') return;
      if (!trainedKeys.has(keyOf(trial.candidate))) trainedKeys.set(keyOf(trial.candidate), trial.seq);
      const accuracy = trial.metrics[options.accuracyMetric];
      // A reused (isomorphic duplicate) result is not a new training example.
      if (typeof accuracy !== 'number' || trial.training?.duplicateOf !== undefined) return;
      predictor.add({ seq: trial.seq, batch: trial.batch, features: encode(trial.candidate, trial.hardware), accuracy, metrics: { ...trial.hardware, ...trial.metrics } as never });
    };

    ctx.hooks.runStart.tapPromise(PLUGIN_NAME, async (info) => {
      decisions = info.decisions.arch;
      // On resume the stored trials are not replayed through trialEnd: read them back.
      if (info.resumed) for (const trial of await (await ctx.roles.get('store')).listTrials(ctx.runId)) remember(trial);
    });
    ctx.hooks.trialStart.tap(PLUGIN_NAME, (trial) => gate.start(trial.batch, trial.seq));
    // After core's spec check (stage 0): a candidate that misses the spec is never ranked.
    ctx.hooks.prune.tapPromise({ name: PLUGIN_NAME, stage: 10 }, (candidate, evaluation, trial) =>
      gate.arrive(trial.batch, trial.seq, {
        seq: trial.seq,
        batch: trial.batch,
        features: encode(candidate, evaluation.metrics),
        metrics: { ...evaluation.metrics } as never,
        key: keyOf(candidate),
      }),
    );
    ctx.hooks.trialEnd.tap(PLUGIN_NAME, (trial) => {
      if (trial.status === 'pruned') gate.settle(trial.batch, trial.seq);
      remember(trial);
    });
  },
});

export { MlpEnsemble, Mlp, type MlpOptions, type Prediction } from './mlp';
export { OnlinePredictor, strongestDominator, acquisitionValue, type Observation, type Acquisition } from './predictor';
export { encodeCandidate, cheapFeatures } from './features';
export { decideBatch } from './decide';
export { kendallTau, spearman } from './rank';
