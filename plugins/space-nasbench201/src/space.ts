// The NAS-Bench-201 search space: one decision per edge of the cell, choosing one of five ops.
import type { Architecture, Decision, SearchSpace } from '@coex/core';
import { EDGES, OPS, decodeCell } from './cell';
import type { CellSet } from './cell-set';

export const NB201_KIND = 'nb201-cell';

export interface Nb201Architecture extends Architecture {
  kind: typeof NB201_KIND;
  /** The cell string, as the benchmark writes it (the key of its tables). */
  cell: string;
  /** The proposed cell, when a restricted space replaced it by the nearest listed cell. */
  proposedCell?: string;
  /** The isomorphism class (see canonicalCell), added by the sample hook when dedupe is on. */
  canonical?: string;
}

export function isNb201Cell(architecture: Architecture): architecture is Nb201Architecture {
  return architecture.kind === NB201_KIND && typeof architecture.cell === 'string';
}

/** Decision names, one per edge in cell-string order: node1.from0, node2.from0, node2.from1, ... */
export const NB201_DECISIONS: readonly Decision[] = EDGES.map(([to, from]) => ({ name: `node${to}.from${from}`, choices: OPS }));

export class Nb201Space implements SearchSpace {
  /** Six edges: hardware models that size decisions by layer count see six op slots. */
  readonly maxLayers = EDGES.length;

  /** `allowed`: when given, cells outside it are replaced by the nearest allowed cell. */
  constructor(private readonly allowed?: CellSet) {}

  decisions(): readonly Decision[] {
    return NB201_DECISIONS;
  }

  decode(tokens: readonly number[]): Nb201Architecture {
    const proposed = decodeCell(tokens);
    if (!this.allowed || this.allowed.has(tokens)) return { kind: NB201_KIND, cell: proposed };
    return { kind: NB201_KIND, cell: this.allowed.nearest(tokens), proposedCell: proposed };
  }
}
