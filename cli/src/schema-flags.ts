// Flags of a contributed command made from a plugin's zod option schema (`coex worker` from
// executor-bullmq's worker options): each field `fooBar` becomes `--foo-bar <value>` with the
// field's description and default, a nested object `tls: { ca }` becomes `--tls-ca <value>`, and
// what the user typed is validated by the schema itself, so the flags never repeat the plugin's
// names, defaults or rules.
import { Option, type Command } from 'commander';
import { UserError, z } from '@coex/core';

type Field = z.ZodType;
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The field without its optional/default wrappers, and the default it declares. */
function unwrap(field: Field): { inner: Field; defaultValue?: unknown } {
  let inner = field;
  let defaultValue: unknown;
  for (;;) {
    const def = inner.def as { type: string; innerType?: Field; defaultValue?: unknown };
    if (!def.innerType) return { inner, defaultValue };
    if (def.type === 'default') defaultValue = def.defaultValue;
    inner = def.innerType;
  }
}

interface FlagSpec {
  path: string[];
  flag: string;
  kind: string;
}

function flagSpecs(schema: z.ZodObject, prefix: string[] = []): { spec: FlagSpec; field: Field }[] {
  return Object.entries(schema.shape).flatMap(([key, field]) => {
    const { inner } = unwrap(field as Field);
    const path = [...prefix, key];
    if (inner instanceof z.ZodObject) return flagSpecs(inner, path);
    return [{ spec: { path, flag: `--${path.map(kebab).join('-')}`, kind: inner.def.type }, field: field as Field }];
  });
}

/** Adds one flag per field of `schema` to `command`. */
export function addSchemaFlags(command: Command, schema: z.ZodObject): Command {
  for (const { spec, field } of flagSpecs(schema)) {
    const { defaultValue } = unwrap(field);
    const value = spec.kind === 'number' ? 'n' : 'value';
    const help = `${field.description ?? ''}${defaultValue !== undefined ? ` (default: ${defaultValue})` : ''}`.trim();
    command.addOption(new Option(`${spec.flag} <${value}>`, help).argParser((text: string) => (spec.kind === 'number' && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text)));
  }
  return command;
}

/** The flags commander parsed, as the schema's (nested) object, validated by it; a bad value is a UserError naming its flag. */
export function schemaFlagValues<S extends z.ZodObject>(opts: Record<string, unknown>, schema: S): z.output<S> {
  const given: Record<string, unknown> = {};
  for (const { spec } of flagSpecs(schema)) {
    const name = spec.flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (opts[name] === undefined) continue;
    let target = given;
    for (const key of spec.path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[spec.path[spec.path.length - 1]] = opts[name];
  }
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserError(`--${issue.path.map(String).map(kebab).join('-')}: ${issue.message}`);
}
