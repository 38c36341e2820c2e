// NSGA-II, Deb, Pratap, Agarwal, Meyarivan, "A Fast and Elitist Multiobjective Genetic Algorithm:
// NSGA-II", IEEE TEVC 6(2), 2002, on the metric vector of each trial. Generational: ask(n) breeds
// n children of the current parents (binary tournaments on rank, then crowding distance; uniform
// crossover; per-token mutation); tell() merges parents and children and keeps the best
// `population` by non-dominated rank, then crowding distance.
import type { Feedback, Objective, Proposal, Rng } from '@coex/core';
import { EvolutionController } from './base';
import { mutablePositions, mutatePerToken, toGenome, uniformCrossover, type Genome } from './operators';
import { crowdedCompare, orient, rankPool, type RankedPool } from './sorting';

export interface Nsga2Options {
  batchSize: number;
  population: number;
  objectives: readonly Objective[];
  /** Probability that a child is a uniform crossover of its two parents (else a copy of the first). */
  crossoverRate: number;
  /** Per-token mutation probability; default 1 / (number of decisions with more than one choice). */
  mutationRate?: number;
}

export interface Nsga2Member {
  seq: number;
  proposal: Proposal;
  /** Objective values as measured (in objective order), or null when infeasible (pruned, failed, metric missing). */
  values: number[] | null;
}

export class Nsga2 extends EvolutionController<Nsga2Member> {
  readonly algorithm = 'nsga2' as const;
  private readonly warned = new Set<string>();

  constructor(
    rng: Rng,
    private readonly options: Nsga2Options,
    private readonly log: (message: string) => void = () => {},
  ) {
    super(rng, options.batchSize, options.population);
  }

  /** The current parents. */
  get parents(): readonly Nsga2Member[] {
    return this.members;
  }

  get mutationRate(): number {
    return this.options.mutationRate ?? 1 / Math.max(1, mutablePositions(this.decisions).length);
  }

  protected breed(count: number): Genome[] {
    const ranked = this.rank(this.members);
    const pick = () => toGenome(this.members[this.binaryTournament(ranked)].proposal);
    return Array.from({ length: count }, () => {
      const a = pick();
      const b = pick();
      const child = this.rng.float() < this.options.crossoverRate ? uniformCrossover(a, b, this.rng) : a;
      return mutatePerToken(child, this.decisions, this.mutationRate, this.rng);
    });
  }

  /** Two distinct parents drawn at random; the crowded-comparison winner (the first on a tie). */
  private binaryTournament(ranked: RankedPool): number {
    const n = this.members.length;
    const a = this.rng.int(n);
    if (n === 1) return a;
    const b = (a + 1 + this.rng.int(n - 1)) % n;
    return crowdedCompare(ranked, a, b) <= 0 ? a : b;
  }

  tell(feedback: Feedback[]): void {
    const pool = [...this.members, ...feedback.map((f) => this.member(f))];
    const ranked = this.rank(pool);
    // Best rank first, then the larger crowding distance; on a full tie the newer trial survives.
    const order = pool.map((_, i) => i).sort((a, b) => crowdedCompare(ranked, a, b) || pool[b].seq - pool[a].seq);
    this.members = order.slice(0, this.options.population).map((i) => pool[i]);
  }

  private rank(members: readonly Nsga2Member[]): RankedPool {
    return rankPool(members.map((m) => (m.values ? orient(m.values, this.options.objectives) : null)));
  }

  private member(f: Feedback): Nsga2Member {
    const values = this.options.objectives.map((o) => f.metrics[o.metric]);
    const complete = values.every((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (f.status === 'done' && !complete) this.warnMissing(f, values);
    return { seq: f.seq, proposal: f.proposal, values: f.status === 'done' && complete ? (values as number[]) : null };
  }

  /** A trained trial without an objective metric is most likely a misconfiguration: say so once per metric. */
  private warnMissing(f: Feedback, values: (number | undefined)[]): void {
    this.options.objectives.forEach((o, i) => {
      if (typeof values[i] === 'number' && Number.isFinite(values[i])) return;
      if (this.warned.has(o.metric)) return;
      this.warned.add(o.metric);
      this.log(
        `objective "${o.metric}" is missing from trial ${f.seq} (metrics: ${Object.keys(f.metrics).join(', ') || 'none'}); ` +
          'such trials rank as infeasible. Check controller.objectives (or the run\'s objectives).',
      );
    });
  }
}
