// Value encoding between JavaScript and SQLite columns, chosen so that a value read back
// deep-equals the value written. Two gaps need care: JSON turns NaN and +-Infinity into null and
// -0 into 0, and SQLite stores NaN as NULL and -0 as 0.

/** Key of the object that stands for a number JSON cannot hold (NaN, Infinity, -Infinity, -0). */
const NUMBER_TAG = '$coex:number';

function isSpecialNumber(value: unknown): value is number {
  return typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0));
}

function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** JSON text of `value` (undefined -> SQL NULL). Keys whose value is undefined are dropped, as JSON does. */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value, (_key, v: unknown) => (isSpecialNumber(v) ? { [NUMBER_TAG]: numberText(v) } : v));
}

export function fromJson(text: unknown): unknown {
  if (text === null || text === undefined) return undefined;
  return JSON.parse(String(text), (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const tagged = (v as Record<string, unknown>)[NUMBER_TAG];
      if (keys.length === 1 && typeof tagged === 'string') return Number(tagged);
    }
    return v;
  });
}

// Numeric columns keep real SQL numbers so that the file can be queried and sorted with any
// SQLite tool. SQLite holds +-Infinity natively; NaN (stored as NULL) and -0 (stored as 0) are
// kept as texts that SQLite's numeric affinity leaves alone.
const NUMBER_TEXTS: Record<string, number> = { NaN: Number.NaN, 'negative zero': -0 };

export function toSqlNumber(value: number | undefined): number | string | null {
  if (value === undefined) return null;
  if (Number.isNaN(value)) return 'NaN';
  if (Object.is(value, -0)) return 'negative zero';
  return value;
}

export function fromSqlNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' && value in NUMBER_TEXTS) return NUMBER_TEXTS[value];
  return Number(value);
}

/**
 * The fields of `record` that have no column of their own, as JSON (NULL when there are none), so
 * that a field added to a record type later is stored even before it gets a column.
 */
export function extraFields(record: object, columns: readonly string[]): string | null {
  const extra = Object.entries(record).filter(([key, value]) => !columns.includes(key) && value !== undefined);
  return extra.length === 0 ? null : toJson(Object.fromEntries(extra));
}

/** Copies the defined entries of `fields` onto `target`: an absent optional field stays absent. */
export function assignDefined<T extends object>(target: T, fields: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}
