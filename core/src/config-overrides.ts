// What the command line adds to a configuration: `--set path=value`, `--use <plugin>[=<json>]`,
// and the deep merge that applies them (and the preset chain's and config file's settings).
import { notFinite } from './config-file';
import { UserError, messageOf } from './errors';

/** Parses `--set path=value`: JSON values (numbers, booleans, lists, objects), otherwise a string. */
export function parseSet(assignment: string): { path: string[]; value: unknown } {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UserError(`--set ${assignment}: expected <path>=<value>, e.g. --set trainer.epochs=2`, 'COEX_BAD_OVERRIDE');
  const key = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    /* plain string */
  }
  const inner = nonFinitePath(value);
  if (inner) throw notFinite(`--set ${assignment}${inner.length ? ` (at ${inner.join('.')})` : ''}`, raw);
  return { path: key.split('.').filter(Boolean), value };
}

/**
 * Parses `--use <plugin>[=<json options>]` into a plugin entry. The plugin's own role decides what
 * it replaces once it is loaded (see compose), so nothing here knows about roles.
 */
export function parseUse(text: string): [string, Record<string, unknown>] {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (!name) throw new UserError(`--use ${text}: expected <plugin>[=<json options>], e.g. --use trainer-torch or --use 'trainer-torch={"epochs":2}'`, 'COEX_BAD_OVERRIDE');
  if (eq < 0) return [name, {}];
  let options: unknown;
  try {
    options = JSON.parse(text.slice(eq + 1));
  } catch (error) {
    throw new UserError(`--use ${text}: the options after "=" are not valid JSON (${messageOf(error)}); expected an object, e.g. --use '${name}={"epochs":2}'`, 'COEX_BAD_OVERRIDE');
  }
  if (!isObject(options)) throw new UserError(`--use ${text}: the options after "=" must be a JSON object, e.g. --use '${name}={"epochs":2}', got ${JSON.stringify(options)}`, 'COEX_BAD_OVERRIDE');
  return [name, options];
}

export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Sets an own property, also for keys such as "__proto__" (which plain assignment would turn into a prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
const ownValue = (node: Record<string, unknown>, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined);

/** Deep merge of plain objects; arrays and scalars from `override` replace. */
export function deepMerge<T extends Record<string, unknown>>(base: T, override: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = ownValue(out, key);
    setOwn(out, key, isObject(value) && isObject(current) ? deepMerge(current, value) : value);
  }
  return out as T;
}

export function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(ownValue(node, key))) setOwn(node, key, {});
    node = node[key] as Record<string, unknown>;
  }
  setOwn(node, keys[keys.length - 1], value);
}


/** The first non-finite number inside a parsed value, as a path (`[]` for the value itself). */
function nonFinitePath(value: unknown, at: string[] = []): string[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : at;
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nonFinitePath(item, [...at, key]);
      if (found) return found;
    }
  }
  return undefined;
}

