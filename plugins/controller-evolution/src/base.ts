// What both evolutionary controllers share: the decision list, the seeded generator, the random
// first generation, and a JSON snapshot (generator state + population) so resume continues exactly.
import { Rng, type Controller, type Decision, type DecisionSpace, type Feedback, type Proposal } from '@coex/core';
import { decisionsOf, randomGenome, toProposal, type Genome } from './operators';

export type Algorithm = 'regularized' | 'nsga2';

/** The saved form of a controller: `members` is the algorithm's population. */
export interface EvolutionState<M> {
  algorithm: Algorithm;
  rng: number[];
  /** Proposals handed out so far (the first `population` of them are random). */
  asked: number;
  members: M[];
}

export abstract class EvolutionController<M> implements Controller {
  abstract readonly algorithm: Algorithm;
  protected space: DecisionSpace = { arch: [], hw: [] };
  protected decisions: Decision[] = [];
  protected members: M[] = [];
  private asked = 0;

  constructor(
    protected rng: Rng,
    readonly batchSize: number,
    protected readonly populationSize: number,
  ) {}

  init(space: DecisionSpace): void {
    this.space = space;
    this.decisions = decisionsOf(space);
    this.checkSpace();
  }

  /** The first `population` proposals are random; later ones are bred from the current members. */
  ask(count: number): Proposal[] {
    const random = this.members.length === 0 ? count : Math.min(count, Math.max(0, this.populationSize - this.asked));
    const genomes = [
      ...Array.from({ length: random }, () => randomGenome(this.decisions, this.rng)),
      ...this.breed(count - random),
    ];
    this.asked += count;
    return genomes.map((g) => toProposal(g, this.space));
  }

  abstract tell(feedback: Feedback[]): void;

  getState(): EvolutionState<M> {
    return JSON.parse(JSON.stringify({ algorithm: this.algorithm, rng: this.rng.state(), asked: this.asked, members: this.members }));
  }

  setState(state: unknown): void {
    const s = state as Partial<EvolutionState<M>> | undefined;
    if (!s || s.algorithm !== this.algorithm || !Array.isArray(s.rng) || !Array.isArray(s.members) || typeof s.asked !== 'number') {
      throw new Error(
        `saved controller state is not a ${this.algorithm} evolution state (found algorithm ${JSON.stringify(s?.algorithm)}); ` +
          'was the run started with another controller.algorithm?',
      );
    }
    this.rng = new Rng({ state: s.rng });
    this.asked = s.asked;
    this.members = JSON.parse(JSON.stringify(s.members));
  }

  /** Throws when the decision space cannot be searched with these options. */
  protected checkSpace(): void {}

  /** `count` children of the current members. */
  protected abstract breed(count: number): Genome[];
}
