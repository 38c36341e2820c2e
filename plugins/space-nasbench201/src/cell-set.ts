// Restricting the space to the cells a (partial) benchmark table lists: a proposed cell that is not
// listed is replaced by the nearest listed one, so that every candidate can be looked up.
import { UserError, deriveSeed, messageOf } from '@coex/core';
import { csvColumn, readCsvTable } from '@coex/kit-table';
import { decodeCell, encodeCell } from './cell';

export class CellSet {
  /** Distinct listed cells, in the order given. */
  private readonly listed: { tokens: number[]; cell: string }[] = [];
  private readonly byTokens = new Map<string, string>();

  /** `cells` are cell strings (repeats are ignored). */
  constructor(cells: readonly string[]) {
    if (cells.length === 0) throw new UserError('the list of allowed NAS-Bench-201 cells is empty');
    for (const written of cells) {
      const tokens = encodeCell(written);
      const cell = decodeCell(tokens);
      if (this.byTokens.has(tokens.join())) continue;
      this.byTokens.set(tokens.join(), cell);
      this.listed.push({ tokens, cell });
    }
  }

  get size(): number {
    return this.byTokens.size;
  }

  has(tokens: readonly number[]): boolean {
    return this.byTokens.has(tokens.join());
  }

  /**
   * The listed cell differing from `tokens` in the fewest edges. Ties are broken by a hash of the
   * tokens, so that each of the nearest cells is equally likely over proposals (not the first listed).
   */
  nearest(tokens: readonly number[]): string {
    const key = tokens.join();
    const exact = this.byTokens.get(key);
    if (exact) return exact;
    let nearest: string[] = [];
    let bestDistance = Infinity;
    for (const entry of this.listed) {
      let distance = 0;
      for (let e = 0; e < tokens.length && distance <= bestDistance; e++) if (entry.tokens[e] !== tokens[e]) distance++;
      if (distance < bestDistance) {
        nearest = [entry.cell];
        bestDistance = distance;
      } else if (distance === bestDistance) {
        nearest.push(entry.cell);
      }
    }
    return nearest[deriveSeed(0, key) % nearest.length];
  }
}

/** The cells listed in a column of a CSV file; a row that is not a cell is an error at file:line. */
export function readCellSet(file: string, options: { column: string; fileOption: string; columnOption: string }): CellSet {
  const table = readCsvTable(file, { option: options.fileOption });
  const index = csvColumn(table, options.column, options.columnOption);
  const cells = table.rows.map((row) => {
    try {
      encodeCell(row.values[index]);
    } catch (error) {
      throw new UserError(`${file}:${row.line}: ${messageOf(error)}`);
    }
    return row.values[index].trim();
  });
  if (cells.length === 0) throw new UserError(`${file} lists no cells (it has a header but no rows)`);
  return new CellSet(cells);
}
