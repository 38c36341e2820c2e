// The CSV reader of tabular plugins (benchmark lookups), on csv-parse (RFC 4180): quoted fields
// with delimiters, doubled quotes and line breaks, CRLF/LF/CR endings, a UTF-8 BOM, blank lines
// skipped. Every problem is a UserError naming the file and line, and column lookups list what the
// file has.
import * as fs from 'node:fs';
import { UserError, closest, messageOf, type Architecture } from '@coex/core';
import { CsvError, parse } from 'csv-parse/sync';

/** One data row: its values (unquoted; blanks around a value trimmed) and the line it starts on (1-based). */
export interface CsvRow {
  line: number;
  values: string[];
}

export interface CsvTable {
  file: string;
  /** Header names, trimmed. */
  columns: string[];
  rows: CsvRow[];
}

/** Parses CSV text whose first non-blank row is the header; `file` is used in error messages. */
export function parseCsv(text: string, file: string, delimiter = ','): CsvTable {
  const records = splitRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, delimiter);
  const header = records.shift();
  if (!header) throw new UserError(`CSV file ${file} is empty: expected a header row of column names`);
  const columns = header.values.map((name) => name.trim());
  const seen = new Map<string, number>();
  columns.forEach((name, i) => {
    if (name && seen.has(name)) {
      throw new UserError(`${file}:${header.line}: column "${name}" appears twice in the header (fields ${seen.get(name)! + 1} and ${i + 1})`);
    }
    seen.set(name, i);
  });
  for (const row of records) {
    if (row.values.length !== columns.length) {
      throw new UserError(
        `${file}:${row.line}: expected ${columns.length} fields as in the header, found ${row.values.length}` +
          (row.values.length > columns.length ? ' (an unquoted delimiter inside a value?)' : ''),
      );
    }
  }
  return { file, columns, rows: records };
}

/**
 * Reads and parses a CSV file; a missing or unreadable file is a UserError naming it (and `option`,
 * the setting that named the file, when given).
 */
export function readCsvTable(file: string, options: { option?: string; delimiter?: string } = {}): CsvTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code ?? messageOf(error);
    throw new UserError(`${options.option ? `${options.option}: ` : ''}cannot read CSV file ${file}: ${why}`);
  }
  return parseCsv(text, file, options.delimiter);
}

/**
 * Why a tabular plugin has no table, and the options that give one. Coex ships no benchmark tables
 * (they come from other projects): the NAS-Bench-201 presets need the user's.
 */
export function noBenchmarkTable(option: string): UserError {
  return new UserError(
    `${option}: no table given. The NAS-Bench-201 presets (nb201-random, nb201-evolution, nb201-rl) need a NAS-Bench-201 table, which Coex does not ship: ` +
      'point at one with --set trainer.csv=<table.csv> --set hardware.csv=<table.csv> and, to search only part of the cells, --set space.cellsCsv=<cells.csv> ' +
      '(without it the cells are those of trainer.csv); docs/presets.md shows the columns',
    'COEX_NO_TABLE',
  );
}

/**
 * The index of column `name`. A missing column is a UserError naming the option that asked for it,
 * the file, a did-you-mean and the columns the file has.
 */
export function csvColumn(table: CsvTable, name: string, option: string): number {
  const index = table.columns.indexOf(name);
  if (index >= 0) return index;
  const hint = closest(name, table.columns.filter(Boolean));
  throw new UserError(
    `${option}: column "${name}" is not in ${table.file}${hint ? ` (did you mean "${hint}"?)` : ''}; ` +
      `its columns are ${table.columns.map((c) => JSON.stringify(c)).join(', ')}`,
  );
}

/** The value in `column` of `row` as a finite number; anything else is a UserError at file:line. */
export function csvNumber(table: CsvTable, row: CsvRow, column: number): number {
  const raw = row.values[column].trim();
  const value = raw === '' ? NaN : Number(raw);
  if (!Number.isFinite(value)) {
    throw new UserError(`${table.file}:${row.line}: column "${table.columns[column]}" should be a number, found ${JSON.stringify(row.values[column])}`);
  }
  return value;
}

/** Rows by the (trimmed) value of a key column; an empty or repeated key is a UserError at file:line. */
export function csvRowsByKey(table: CsvTable, column: number): Map<string, CsvRow> {
  const rows = new Map<string, CsvRow>();
  for (const row of table.rows) {
    const key = row.values[column].trim();
    if (!key) throw new UserError(`${table.file}:${row.line}: column "${table.columns[column]}" is empty`);
    const first = rows.get(key);
    if (first) throw new UserError(`${table.file}:${row.line}: "${key}" in column "${table.columns[column]}" is repeated (first on line ${first.line})`);
    rows.set(key, row);
  }
  return rows;
}

/**
 * The string an architecture is listed under in a benchmark table: its field `field` (for example
 * a NAS-Bench-201 architecture's `cell`). `option` names the setting that chose the field.
 */
export function tableKeyOf(architecture: Architecture, field: string, option: string): string {
  const value = architecture[field];
  if (typeof value === 'string' && value.trim()) return value.trim();
  throw new UserError(
    `${option}: a ${architecture.kind} architecture has no text field "${field}" to look up in the table; ` +
      `its fields are ${Object.keys(architecture).join(', ')}`,
  );
}

/** Splits text into records of fields, with the line each record starts on. */
function splitRecords(text: string, file: string, delimiter: string): CsvRow[] {
  const bytes = Buffer.from(text, 'utf8');
  const lineAt = lineCounter(bytes);
  // csv-parse counts a CRLF inside a quoted field as two lines: lines are counted from the byte
  // where each record starts (where the one before it ended) instead.
  let start = 0;
  const records: CsvRow[] = [];
  try {
    // Options that keep what the reader always accepted: unquoted fields may hold quotes, rows may
    // have any number of fields (parseCsv names the row), blanks around a quoted field are ignored.
    parse(bytes, {
      delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, ltrim: true, rtrim: true,
      on_record: (values: string[], context) => {
        // A line holding nothing but whitespace is not a record.
        if (!(values.length === 1 && values[0] === '')) records.push({ line: lineAt(start), values });
        start = context.bytes;
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = lineAt(start);
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') throw new UserError(`${file}:${line}: a quoted field opened on this line is never closed`);
    if (error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE' || error.code === 'CSV_INVALID_CLOSING_QUOTE') {
      throw new UserError(`${file}:${line}: unexpected text after the closing quote of field ${Number(error.index) + 1} (a quote inside a quoted value must be doubled: "")`);
    }
    throw new UserError(`${file}:${line}: ${error.message}`);
  }
  return records;
}

/**
 * The line (1-based; CRLF, LF and CR each end one) of the first character at or after byte
 * `offset` that is not blank: where a record read from that offset starts. Offsets must not
 * decrease from call to call.
 */
function lineCounter(bytes: Buffer): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    let i = Math.max(at, offset);
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
    for (; at < i; at++) {
      if (bytes[at] === 0x0a || (bytes[at] === 0x0d && bytes[at + 1] !== 0x0a)) line++;
    }
    return line;
  };
}
