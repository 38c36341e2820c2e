// The user's command line for one trial: placeholders replaced by shell-quoted values, so a path
// with spaces or quotes reaches the program as one argument.

export const PLACEHOLDERS = ['arch', 'seq', 'seed', 'dir'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

const SAFE = /^[A-Za-z0-9_\/.,:=+@%-]+$/;
const PLACEHOLDER_PATTERN = new RegExp(`\\{(${PLACEHOLDERS.join('|')})\\}`, 'g');

/** Quotes a value for a POSIX shell (single quotes), leaving plain words as they are. */
export function shellQuote(value: string): string {
  return SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Replaces {arch}, {seq}, {seed} and {dir}; any other braces are left to the shell. */
export function renderCommand(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER_PATTERN, (_match, key: Placeholder) => shellQuote(values[key]));
}
