// Evolutionary controllers over every decision (architecture and hardware tokens alike):
// regularized (aging) evolution on the scalar reward, or NSGA-II on the metric vector.
import { definePlugin, listOption, z, type Objective } from '@coex/core';
import { Nsga2 } from './nsga2';
import { RegularizedEvolution } from './regularized';

const PLUGIN_NAME = '@coex/plugin-controller-evolution';

/** Regularized evolution's default batch: the random controller's, a fifth of the default population. */
export const REGULARIZED_BATCH_SIZE = 4;

const objective = z.union([
  z.string().min(1),
  z.object({ metric: z.string().min(1), goal: z.enum(['max', 'min']).default('max') }).strict(),
]);

export const evolutionOptions = z
  .object({
    /** 'regularized' (aging evolution on the reward) or 'nsga2' (NSGA-II on the objectives). */
    algorithm: z.enum(['regularized', 'nsga2']).default('regularized'),
    /** Proposals per batch; default: the population for nsga2 (one generation), 4 for regularized. */
    batchSize: z.number().int().min(1).max(1024).optional(),
    /** Members kept (regularized: the aging population; nsga2: the parents). */
    population: z.number().int().min(2).max(100000).default(20),
    /** regularized: tournament size. */
    sample: z.number().int().min(1).default(5),
    /** regularized: decisions changed per child. */
    mutations: z.number().int().min(1).default(1),
    /**
     * regularized: a pruned child does not join the population (with a predictor's guided mode, most
     * children of a batch are pruned by prediction and would otherwise crowd out the trained ones).
     */
    skipPruned: z.boolean().default(false),
    /** nsga2: probability of uniform crossover. */
    crossoverRate: z.number().min(0).max(1).default(0.9),
    /** nsga2: per-token mutation probability (default 1 / number of decisions with more than one choice). */
    mutationRate: z.number().min(0).max(1).optional(),
    /** nsga2: objectives (a metric name means maximise); default the run's `objectives`. */
    objectives: listOption(objective).optional(),
  })
  .superRefine((o, issues) => {
    if (o.algorithm === 'regularized' && o.sample > o.population) {
      issues.addIssue({ code: 'custom', path: ['sample'], message: `the tournament size (${o.sample}) must not exceed the population (${o.population})` });
    }
    if (o.objectives?.length === 0) issues.addIssue({ code: 'custom', path: ['objectives'], message: 'expected at least one objective' });
  });

export function normalizeObjectives(list: z.output<typeof objective>[]): Objective[] {
  return list.map((o) => (typeof o === 'string' ? { metric: o, goal: 'max' } : o));
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'controller',
  description: 'Regularized (aging) evolution on the reward, or NSGA-II on the metric vector',
  options: evolutionOptions,
  apply(ctx, options) {
    ctx.provide('controller', () => {
      const rng = ctx.rng('controller');
      if (options.algorithm === 'nsga2') {
        return new Nsga2(
          rng,
          {
            batchSize: options.batchSize ?? options.population,
            population: options.population,
            objectives: options.objectives ? normalizeObjectives(options.objectives) : ctx.config.objectives,
            crossoverRate: options.crossoverRate,
            mutationRate: options.mutationRate,
          },
          (message) => ctx.log(message),
        );
      }
      return new RegularizedEvolution(rng, {
        batchSize: options.batchSize ?? REGULARIZED_BATCH_SIZE,
        population: options.population,
        sample: options.sample,
        mutations: options.mutations,
        skipPruned: options.skipPruned,
      });
    });
  },
});

export { EvolutionController, type Algorithm, type EvolutionState } from './base';
export { Nsga2, type Nsga2Member, type Nsga2Options } from './nsga2';
export { RegularizedEvolution, type RegularizedOptions, type ScoredMember } from './regularized';
export {
  decisionsOf,
  mutablePositions,
  mutateExactly,
  mutatePerToken,
  randomGenome,
  toGenome,
  toProposal,
  uniformCrossover,
  type Genome,
} from './operators';
export { crowdedCompare, crowdingDistance, nonDominatedSort, orient, rankPool, type RankedPool } from './sorting';
