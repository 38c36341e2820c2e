// Reading a config file (JSON or YAML): syntax errors and numbers too large for a double name the
// file, line and column; YAML alias bombs are refused.
import * as fs from 'node:fs';
import { parse as parseJson, printParseErrorCode, visit as visitJson, type ParseError } from 'jsonc-parser';
import YAML from 'yaml';
import { UserError, messageOf } from './errors';

/** Reads a JSON or YAML config file; syntax errors name the file, line and column. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`, 'COEX_CONFIG_FILE');
  }
  let value: unknown;
  if (/\.json$/i.test(file)) {
    const errors: ParseError[] = [];
    value = parseJson(text, errors, { allowTrailingComma: false, disallowComments: true });
    if (errors.length > 0) {
      const e = errors[0];
      throw new UserError(`config file ${file}${lineColumn(text, e.offset)}: invalid JSON: ${printParseErrorCode(e.error)}`, 'COEX_CONFIG_FILE');
    }
    visitJson(text, {
      onLiteralValue: (literal: unknown, offset: number, length: number) => {
        if (typeof literal === 'number' && !Number.isFinite(literal)) throw notFinite(`config file ${file}${lineColumn(text, offset)}`, text.slice(offset, offset + length));
      },
    });
    // The text is plain JSON (no comments, no trailing commas): JSON.parse keeps "__proto__",
    // "constructor" and "prototype" as ordinary keys, so they are reported as unknown settings
    // (jsonc-parser's values drop "__proto__" silently).
    value = JSON.parse(text);
  } else {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      throw new UserError(`config file ${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, 'COEX_CONFIG_FILE');
    }
    YAML.visit(doc, {
      Scalar: (_key, node) => {
        if (typeof node.value === 'number' && !Number.isFinite(node.value)) {
          throw notFinite(`config file ${file}${node.range ? lineColumn(text, node.range[0]) : ''}`, node.source ?? String(node.value));
        }
      },
    });
    try {
      // Aliases are expanded into copies: a few nested ones ("alias bomb") would exhaust memory.
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (error) {
      throw new UserError(`config file ${file}: ${messageOf(error)} (more than ${MAX_YAML_ALIASES} YAML alias expansions); write the values out instead of nesting aliases`, 'COEX_CONFIG_FILE');
    }
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UserError(`config file ${file}: expected a mapping of settings at the top level`, 'COEX_CONFIG_FILE');
  return value as Record<string, unknown>;
}

const MAX_YAML_ALIASES = 100;

/** Numbers too large for a double (1e309) or YAML's .inf: refused with the text as written. */
export function notFinite(where: string, written: string): UserError {
  return new UserError(`${where}: ${written.trim()} is not a finite number`, 'COEX_CONFIG_FILE');
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `:${before.length}:${before[before.length - 1].length + 1}`;
}

