// Seeded randomness. Every random choice in a run flows from the run's seed through `deriveSeed`
// (a stable hash of the seed and a label), so adding a consumer never shifts another's stream.
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** FNV-1a over the labels, mixed with the seed: a stable 31-bit non-negative seed. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const label of labels) {
    const text = String(label);
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2f;
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 1;
}

/** A seeded generator (xoroshiro128+) whose state can be saved and restored. */
export class Rng {
  private generator: RandomGenerator;

  constructor(seed: number | { state: readonly number[] }) {
    this.generator = typeof seed === 'number' ? xoroshiro128plus(seed) : xoroshiro128plus.fromState(seed.state);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Rng.int needs n >= 1, got ${n}`);
    return unsafeUniformIntDistribution(0, n - 1, this.generator);
  }

  /** Float in [0, 1) with 53 random bits. */
  float(): number {
    const hi = unsafeUniformIntDistribution(0, (1 << 26) - 1, this.generator);
    const lo = unsafeUniformIntDistribution(0, (1 << 27) - 1, this.generator);
    return (hi * 134217728 + lo) / 9007199254740992;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  state(): number[] {
    return [...(this.generator.getState?.() ?? [])];
  }
}
