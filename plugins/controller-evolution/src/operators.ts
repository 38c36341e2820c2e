// Variation operators on a genome: the architecture tokens followed by the hardware tokens, so
// that every operator treats both kinds of decision alike.
import type { Decision, DecisionSpace, Proposal, Rng } from '@coex/core';

export type Genome = number[];

/** The decisions a genome's tokens index, in genome order (architecture, then hardware). */
export function decisionsOf(space: DecisionSpace): Decision[] {
  return [...space.arch, ...space.hw];
}

export function toGenome(proposal: Proposal): Genome {
  return [...proposal.arch, ...proposal.hw];
}

export function toProposal(genome: readonly number[], space: DecisionSpace): Proposal {
  const split = space.arch.length;
  return { arch: genome.slice(0, split), hw: genome.slice(split) };
}

export function randomGenome(decisions: readonly Decision[], rng: Rng): Genome {
  return decisions.map((d) => rng.int(d.choices.length));
}

/** Positions whose decision has at least two choices (the only ones a mutation can change). */
export function mutablePositions(decisions: readonly Decision[]): number[] {
  return decisions.flatMap((d, i) => (d.choices.length > 1 ? [i] : []));
}

/** A choice of a `count`-way decision other than `current`, uniformly. */
function otherChoice(current: number, count: number, rng: Rng): number {
  const r = rng.int(count - 1);
  return r >= current ? r + 1 : r;
}

/** Changes exactly `count` distinct decisions, each to another of its choices (Real et al.'s mutation). */
export function mutateExactly(genome: readonly number[], decisions: readonly Decision[], count: number, rng: Rng): Genome {
  const positions = mutablePositions(decisions);
  if (count > positions.length) {
    throw new RangeError(`cannot change ${count} decisions: only ${positions.length} have more than one choice`);
  }
  const child = [...genome];
  // Partial Fisher-Yates: the first `count` entries become a uniform sample without replacement.
  for (let k = 0; k < count; k++) {
    const j = k + rng.int(positions.length - k);
    [positions[k], positions[j]] = [positions[j], positions[k]];
    const at = positions[k];
    child[at] = otherChoice(child[at], decisions[at].choices.length, rng);
  }
  return child;
}

/** Changes each mutable decision with probability `rate`, to another of its choices. */
export function mutatePerToken(genome: readonly number[], decisions: readonly Decision[], rate: number, rng: Rng): Genome {
  return genome.map((token, i) => {
    const choices = decisions[i].choices.length;
    return choices > 1 && rng.float() < rate ? otherChoice(token, choices, rng) : token;
  });
}

/** Each token from either parent with probability 1/2. */
export function uniformCrossover(a: readonly number[], b: readonly number[], rng: Rng): Genome {
  return a.map((token, i) => (rng.int(2) === 0 ? token : b[i]));
}
