// The tilings a tuner or a controller chooses from: Tm x Tn x (Tr = Tc) x port split, from the
// option lists, keeping only those whose DSPs and ports fit the part (BRAM depends on the layers).
import type { FpgaPart } from './parts';
import { dspPerLane, PORT_SPLITS, splitPorts, type Bits, type Tiling } from './tiling';

export interface TilingChoices {
  tmChoices: readonly number[];
  tnChoices: readonly number[];
  /** Square output tiles: Tr = Tc = tile. */
  tileChoices: readonly number[];
  /** Names from PORT_SPLITS. */
  portSplits: readonly string[];
}

export const DEFAULT_CHOICES: Readonly<TilingChoices> = Object.freeze({
  tmChoices: [4, 8, 12, 16, 24, 32, 48, 64],
  tnChoices: [1, 2, 3, 4, 6, 8, 12, 16],
  tileChoices: [4, 8, 16, 32],
  portSplits: ['balanced', 'input', 'weight', 'output'],
});

/**
 * Candidate tilings of one part, grouped so that consecutive entries differ only in the port
 * split (`splits` entries per group), groups ordered by Tm, Tn, then tile (ascending): the tuner
 * computes a group's BRAM once and compares each tile with the next smaller one.
 */
export interface PartCandidates {
  tilings: Tiling[];
  splits: number;
}

// The lists depend only on (part, bits, choices), which stay the same across a run's tune calls.
const cache = new WeakMap<FpgaPart, WeakMap<TilingChoices, Map<Bits, PartCandidates>>>();

export function candidateTilings(part: FpgaPart, bits: Bits, choices: TilingChoices): PartCandidates {
  let byChoices = cache.get(part);
  if (!byChoices) cache.set(part, (byChoices = new WeakMap()));
  let byBits = byChoices.get(choices);
  if (!byBits) byChoices.set(choices, (byBits = new Map()));
  let found = byBits.get(bits);
  if (!found) byBits.set(bits, (found = buildCandidates(part, bits, choices)));
  return found;
}

function buildCandidates(part: FpgaPart, bits: Bits, choices: TilingChoices): PartCandidates {
  const ports = choices.portSplits.map((name) => splitPorts(part, bits, PORT_SPLITS[name]));
  if (ports.some((p) => p === undefined)) return { tilings: [], splits: ports.length };
  const tilings: Tiling[] = [];
  const ascending = (list: readonly number[]) => [...new Set(list)].sort((a, b) => a - b);
  for (const Tm of ascending(choices.tmChoices)) {
    for (const Tn of ascending(choices.tnChoices)) {
      if (dspPerLane(bits) * Tm * Tn > part.dsp) continue;
      for (const tile of ascending(choices.tileChoices)) {
        for (const p of ports) tilings.push({ Tm, Tn, Tr: tile, Tc: tile, ...p! });
      }
    }
  }
  return { tilings, splits: ports.length };
}
