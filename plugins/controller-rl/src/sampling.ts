// Drawing a token from a softmax by inverting its cumulative distribution with one uniform number
// from the run's seeded generator, so sampling is reproducible (tfjs's own multinomial is not
// seeded from our Rng).

/**
 * The index k with cdf(k-1) <= u * total < cdf(k). `u` is in [0, 1); the probabilities need not sum
 * exactly to 1 (float32 rounding): `u` is scaled by their sum. Zero-probability entries are never
 * returned.
 */
export function invertCdf(probabilities: ArrayLike<number>, u: number): number {
  let total = 0;
  for (let k = 0; k < probabilities.length; k++) total += probabilities[k];
  if (!(total > 0)) throw new Error(`cannot sample from probabilities that sum to ${total}`);
  const target = u * total;
  let cumulative = 0;
  let lastPositive = -1;
  for (let k = 0; k < probabilities.length; k++) {
    if (!(probabilities[k] > 0)) continue;
    cumulative += probabilities[k];
    lastPositive = k;
    if (target < cumulative) return k;
  }
  return lastPositive; // u * total rounded up to the sum itself
}
