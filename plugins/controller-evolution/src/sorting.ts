// NSGA-II's ranking (Deb et al. 2002): fast non-dominated sorting into fronts and the crowding
// distance within a front. Points are objective vectors with every objective maximised
// (`orient` turns minimised ones around), the convention of core's `dominates`.
import { dominates, type Objective } from '@coex/core';

type Point = readonly number[];

/** The point with minimised objectives negated, so that every objective is maximised. */
export function orient(values: readonly number[], objectives: readonly Objective[]): number[] {
  return values.map((v, i) => (objectives[i].goal === 'min' ? -v : v));
}

/** Indices of `points` grouped into fronts, best first (front 0 is the Pareto front). */
export function nonDominatedSort(points: readonly Point[]): number[][] {
  const dominatedCount = points.map(() => 0);
  const dominatedBy: number[][] = points.map(() => []);
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      if (dominates(points[i], points[j])) {
        dominatedBy[i].push(j);
        dominatedCount[j] += 1;
      } else if (dominates(points[j], points[i])) {
        dominatedBy[j].push(i);
        dominatedCount[i] += 1;
      }
    }
  }
  const fronts: number[][] = [];
  let current = points.flatMap((_, i) => (dominatedCount[i] === 0 ? [i] : []));
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominatedBy[i]) {
        dominatedCount[j] -= 1;
        if (dominatedCount[j] === 0) next.push(j);
      }
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * Crowding distance of each point of one front: the sum over objectives of the normalised gap
 * between its two neighbours. The extreme points of every objective get Infinity, so they are
 * always kept.
 */
export function crowdingDistance(front: readonly Point[]): number[] {
  const n = front.length;
  const distance = front.map(() => 0);
  if (n === 0) return distance;
  for (let m = 0; m < front[0].length; m++) {
    const order = front.map((_, i) => i).sort((a, b) => front[a][m] - front[b][m]);
    const lo = front[order[0]][m];
    const hi = front[order[n - 1]][m];
    distance[order[0]] = Infinity;
    distance[order[n - 1]] = Infinity;
    if (hi === lo) continue;
    for (let k = 1; k < n - 1; k++) {
      distance[order[k]] += (front[order[k + 1]][m] - front[order[k - 1]][m]) / (hi - lo);
    }
  }
  return distance;
}

export interface RankedPool {
  /** Front index (0 best); infeasible items share the rank after the last feasible front. */
  rank: number[];
  /** Crowding distance within the item's front; 0 for infeasible items. */
  crowding: number[];
}

/**
 * Rank and crowding of a pool in which some items are infeasible (`null`: pruned, failed, or
 * missing an objective). Infeasible items rank behind every feasible one (a simple form of Deb's
 * constrained domination: we know no amount of violation to order them by).
 */
export function rankPool(points: readonly (Point | null)[]): RankedPool {
  const feasible = points.flatMap((p, i) => (p ? [i] : []));
  const fronts = nonDominatedSort(feasible.map((i) => points[i] as Point));
  const rank = points.map(() => fronts.length);
  const crowding = points.map(() => 0);
  fronts.forEach((front, r) => {
    const distance = crowdingDistance(front.map((k) => points[feasible[k]] as Point));
    front.forEach((k, pos) => {
      rank[feasible[k]] = r;
      crowding[feasible[k]] = distance[pos];
    });
  });
  return { rank, crowding };
}

/** Crowded comparison: a negative number when item a is better (lower rank, then larger crowding). */
export function crowdedCompare(pool: RankedPool, a: number, b: number): number {
  if (pool.rank[a] !== pool.rank[b]) return pool.rank[a] - pool.rank[b];
  if (pool.crowding[a] === pool.crowding[b]) return 0;
  return pool.crowding[a] > pool.crowding[b] ? -1 : 1;
}
