// An accuracy table: one row per architecture, keyed by a column of architecture strings, with a
// validation accuracy, optionally a test accuracy and a simulated training time.
import { UserError } from '@coex/core';
import { csvColumn, csvNumber, csvRowsByKey, readCsvTable, type CsvRow, type CsvTable } from '@coex/kit-table';

export type AccuracyUnit = 'auto' | 'percent' | 'fraction';

export interface AccuracyTableOptions {
  csv: string;
  archColumn: string;
  valColumn: string;
  /** Empty or absent: no test accuracy. */
  testColumn?: string;
  /** Simulated training seconds per query; absent: none. */
  timeColumn?: string;
  /** 'auto': a column with any value above 1 is in percent. */
  accuracyUnit: AccuracyUnit;
  /** Prefix of option names in error messages (the role). */
  prefix?: string;
}

export interface TableEntry {
  accuracy: number;
  testAccuracy?: number;
  simulatedSeconds?: number;
}

export class AccuracyTable {
  private constructor(
    readonly file: string,
    private readonly entries: Map<string, TableEntry>,
    /** How each accuracy column was read: 'percent' columns were divided by 100. */
    readonly units: { val: 'percent' | 'fraction'; test?: 'percent' | 'fraction' },
  ) {}

  static load(options: AccuracyTableOptions): AccuracyTable {
    const prefix = options.prefix ?? 'trainer';
    const table = readCsvTable(options.csv, { option: `${prefix}.csv` });
    const key = csvColumn(table, options.archColumn, `${prefix}.archColumn`);
    const val = accuracyColumn(table, options.valColumn, `${prefix}.valColumn`, options.accuracyUnit);
    const test = options.testColumn ? accuracyColumn(table, options.testColumn, `${prefix}.testColumn`, options.accuracyUnit) : undefined;
    const time = options.timeColumn ? csvColumn(table, options.timeColumn, `${prefix}.timeColumn`) : undefined;
    const entries = new Map<string, TableEntry>();
    for (const [arch, row] of csvRowsByKey(table, key)) {
      const entry: TableEntry = { accuracy: val.values.get(row)! };
      if (test) entry.testAccuracy = test.values.get(row)!;
      if (time !== undefined) {
        const seconds = csvNumber(table, row, time);
        if (seconds < 0) throw new UserError(`${table.file}:${row.line}: column "${options.timeColumn}" should be seconds >= 0, found ${seconds}`);
        entry.simulatedSeconds = seconds;
      }
      entries.set(arch, entry);
    }
    if (entries.size === 0) throw new UserError(`${table.file} has a header but no rows`);
    return new AccuracyTable(table.file, entries, { val: val.unit, ...(test ? { test: test.unit } : {}) });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The architecture keys, in table order. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  lookup(arch: string): TableEntry | undefined {
    return this.entries.get(arch.trim());
  }
}

/** An accuracy column as fractions in 0..1, by row, and the unit it was read in. */
function accuracyColumn(table: CsvTable, name: string, option: string, unit: AccuracyUnit) {
  const column = csvColumn(table, name, option);
  const raw = table.rows.map((row) => ({ row, value: csvNumber(table, row, column) }));
  const resolved = unit === 'auto' ? (raw.some((r) => r.value > 1) ? 'percent' : 'fraction') : unit;
  const top = resolved === 'percent' ? 100 : 1;
  const values = new Map<CsvRow, number>();
  for (const { row, value } of raw) {
    if (value < 0 || value > top) {
      throw new UserError(`${table.file}:${row.line}: column "${name}" holds accuracy ${value}, outside 0..${top} (${resolved}; set ${option.replace(/\.\w+$/, '.accuracyUnit')} if the unit is wrong)`);
    }
    values.set(row, value / top);
  }
  return { values, unit: resolved };
}
