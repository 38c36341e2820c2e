// Regularized (aging) evolution, Real, Aggarwal, Huang, Le, "Regularized Evolution for Image
// Classifier Architecture Search", AAAI 2019 (Algorithm 1), for a scalar reward. Batched: ask(n)
// draws n tournaments from the same population; tell() appends the n children in trial order and
// removes the oldest members beyond the population size (the asynchronous algorithm with n workers
// that finish together).
import { UserError, type Feedback, type Proposal, type Rng } from '@coex/core';
import { EvolutionController } from './base';
import { mutablePositions, mutateExactly, toGenome, type Genome } from './operators';

export interface RegularizedOptions {
  batchSize: number;
  population: number;
  /** Tournament size S: members drawn (with replacement, as in Algorithm 1) per parent. */
  sample: number;
  /** Decisions changed per child. */
  mutations: number;
  /** Pruned children do not join the population. */
  skipPruned?: boolean;
}

export interface ScoredMember {
  seq: number;
  proposal: Proposal;
  reward: number;
}

/** A reward that is not a finite number (NaN from a hook, null after JSON) never wins a tournament. */
const score = (m: ScoredMember) => (typeof m.reward === 'number' && Number.isFinite(m.reward) ? m.reward : -Infinity);

export class RegularizedEvolution extends EvolutionController<ScoredMember> {
  readonly algorithm = 'regularized' as const;

  constructor(rng: Rng, private readonly options: RegularizedOptions) {
    super(rng, options.batchSize, options.population);
  }

  /** Members, oldest first. */
  get population(): readonly ScoredMember[] {
    return this.members;
  }

  protected checkSpace(): void {
    const mutable = mutablePositions(this.decisions).length;
    if (this.options.mutations > mutable) {
      throw new UserError(
        `controller.mutations is ${this.options.mutations}, but the search space has only ${mutable} decisions with more than one choice; ` +
          `set controller.mutations to at most ${mutable}`,
      );
    }
  }

  protected breed(count: number): Genome[] {
    return Array.from({ length: count }, () =>
      mutateExactly(toGenome(this.tournament().proposal), this.decisions, this.options.mutations, this.rng),
    );
  }

  /** The best of `sample` members drawn at random (the earliest drawn wins a tie). */
  private tournament(): ScoredMember {
    let best = this.rng.pick(this.members);
    for (let k = 1; k < this.options.sample; k++) {
      const other = this.rng.pick(this.members);
      if (score(other) > score(best)) best = other;
    }
    return best;
  }

  tell(feedback: Feedback[]): void {
    for (const f of feedback) {
      if (this.options.skipPruned && f.status === 'pruned') continue;
      this.members.push({ seq: f.seq, proposal: f.proposal, reward: f.reward });
    }
    // Aging: the oldest die, whatever their reward.
    this.members.splice(0, Math.max(0, this.members.length - this.options.population));
  }
}
