// Error classes that decide exit codes and how much the user sees. A UserError is shown as one
// paragraph without a stack trace (exit 2); anything else is an internal failure (exit 1).

/** Bad input from the user: flags, config, preset/plugin names, option values, data files. */
export class UserError extends Error {
  readonly exitCode: number = 2;
  /** A stable code for errors scripts may want to tell apart (e.g. `COEX_NO_SPACE`); printed after the message. */
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'UserError';
    if (code) this.code = code;
  }
}

/** The run finished, but every candidate was pruned by the hardware spec. */
export class NoFeasibleCandidateError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'NoFeasibleCandidateError';
  }
}

/** Where inside a plugin an error was thrown: one of its hook taps (or its `apply`), or a method of the role it fills. */
export type PluginErrorKind = 'hook' | 'role';

/**
 * An error thrown inside a plugin, tagged with where it happened (like Rollup's logPluginError):
 * `code` is always `COEX_PLUGIN_ERROR`, `pluginCode` the thrown error's own code if it had one.
 */
export class PluginError extends Error {
  readonly code = 'COEX_PLUGIN_ERROR';
  readonly plugin: string;
  /** The hook (`prune`, `apply`) or the role method (`trainer.train`, `space.create`). */
  readonly hook: string;
  readonly kind: PluginErrorKind;
  readonly trial?: number;
  readonly pluginCode?: string;
  readonly cause: unknown;
  constructor(plugin: string, hook: string, trial: number | undefined, cause: unknown, kind: PluginErrorKind = hook.includes('.') ? 'role' : 'hook') {
    const where = `plugin ${plugin}, ${kind === 'role' ? 'role method' : 'hook'} ${hook}` +
      (trial === undefined ? '' : `, trial ${trial}`);
    super(`${where}: ${messageOf(cause)}`);
    this.name = 'PluginError';
    this.plugin = plugin;
    this.hook = hook;
    this.kind = kind;
    this.trial = trial;
    const code = (cause as { code?: unknown } | null)?.code;
    if (typeof code === 'string') this.pluginCode = code;
    this.cause = cause;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The stable code of a user error (also when wrapped in a PluginError), if it has one. */
export function codeOf(error: unknown): string | undefined {
  if (error instanceof UserError) return error.code;
  if (error instanceof PluginError) return codeOf(error.cause);
  return undefined;
}

/** A user error raised inside a plugin stays a user error when wrapped. */
export function isUserError(error: unknown): boolean {
  if (error instanceof UserError) return true;
  if (error instanceof PluginError) return isUserError(error.cause);
  return false;
}
