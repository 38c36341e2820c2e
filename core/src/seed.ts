// Seeds are whole numbers from 0 to 2^32-1: every generator takes the seed as 32 bits
// (`seed >>> 0`), so a larger seed would alias a smaller one (4294967296 runs as 0) and an
// ablation would count such runs as independent replicates. Anything else is refused.
//
// Typed text (--seed, --seeds) must be decimal digits: "1e3", "0x10", "1.0", "-1" and " 5" are
// refused, and the range is checked on the digits themselves, so 99999999999999999999 is not
// rounded to 1e20 first. A config file's `seed` (and `--set seed=`, a JSON value) is a number as
// its parser read it: 1000, 1e3 and 1000.0 are all the number 1000 there.
import { UserError } from './errors';

export const MAX_SEED = 4294967295;
const RANGE = `a whole number from 0 to ${MAX_SEED}`;

/** A seed given as text; `where` names the flag or setting for the message. */
export function parseSeed(text: string, where: string): number {
  if (!/^\d+$/.test(text) || BigInt(text) > BigInt(MAX_SEED)) throw new UserError(`${where} expects ${RANGE} (decimal digits), got "${text}"`, 'COEX_BAD_SEED');
  return Number(text);
}

/** A seed as a config value (already a number, or not). */
export function checkSeed(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    throw new UserError(`${where}: expected ${RANGE}, got ${JSON.stringify(value) ?? String(value)}`, 'COEX_BAD_SEED');
  }
  return value;
}
