// Pareto fronts and hypervolume for any number of objectives, each maximised or minimised.
import type { Objective } from './types';

/** Orient a point so that every objective is maximised. */
function oriented(values: readonly number[], objectives: readonly Objective[]): number[] {
  return values.map((v, i) => (objectives[i].goal === 'max' ? v : -v));
}

/** a dominates b: no worse in every objective and better in at least one (both maximised). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

/**
 * Indices of the non-dominated items. Items lacking a finite value for an objective are skipped.
 * Duplicated points are all kept (none dominates the other).
 */
export function paretoFront<T>(
  items: readonly T[],
  objectives: readonly Objective[],
  valueOf: (item: T, metric: string) => number | undefined = (item, metric) =>
    (item as Record<string, number | undefined>)[metric],
): number[] {
  const points: { index: number; p: number[] }[] = [];
  items.forEach((item, index) => {
    const values = objectives.map((o) => valueOf(item, o.metric));
    if (values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      points.push({ index, p: oriented(values as number[], objectives) });
    }
  });
  return points.filter((a) => !points.some((b) => dominates(b.p, a.p))).map((a) => a.index);
}

/**
 * Hypervolume dominated by `points` and bounded by `reference` (same orientation as the
 * objectives: for a maximised objective the reference is a lower bound, for a minimised one an
 * upper bound). Exact, by slicing over the first objective (HSO); fine for fronts of a few
 * hundred points in up to 4-5 objectives.
 */
export function hypervolume(
  points: readonly (readonly number[])[],
  reference: readonly number[],
  objectives: readonly Objective[],
): number {
  const ref = oriented(reference, objectives);
  const pts = points
    .map((p) => oriented(p, objectives))
    .filter((p) => p.every((v, i) => v > ref[i]));
  return hvMax(pts, ref);
}

function hvMax(points: number[][], ref: number[]): number {
  if (points.length === 0) return 0;
  const d = ref.length;
  if (d === 1) return Math.max(...points.map((p) => p[0])) - ref[0];
  // Sort by the last objective, descending; sweep slices between consecutive values.
  const sorted = [...points].sort((a, b) => b[d - 1] - a[d - 1]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = sorted[i][d - 1];
    const bottom = i + 1 < sorted.length ? sorted[i + 1][d - 1] : ref[d - 1];
    const height = top - bottom;
    if (height <= 0) continue;
    const slice = sorted.slice(0, i + 1).map((p) => p.slice(0, d - 1));
    volume += height * hvMax(nonDominated(slice), ref.slice(0, d - 1));
  }
  return volume;
}

function nonDominated(points: number[][]): number[][] {
  return points.filter((a, i) => !points.some((b, j) => j !== i && (dominates(b, a) || (j < i && b.every((v, k) => v === a[k])))));
}
