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

/** An error thrown inside a plugin, tagged with where it happened. */
export class PluginError extends Error {
  readonly plugin: string;
  readonly hook: string;
  readonly trial?: number;
  readonly cause: unknown;
  constructor(plugin: string, hook: string, trial: number | undefined, cause: unknown) {
    const where = `plugin ${plugin}, ${hook.includes('.') ? 'role method' : 'hook'} ${hook}` +
      (trial === undefined ? '' : `, trial ${trial}`);
    super(`${where}: ${messageOf(cause)}`);
    this.name = 'PluginError';
    this.plugin = plugin;
    this.hook = hook;
    this.trial = trial;
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
