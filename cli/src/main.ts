// The `coex` command line. Exit codes: 0 success; 2 user error (one paragraph, no stack trace);
// 3 the run finished but no candidate was feasible; 1 internal failure; 130 interrupted.
import { Command, CommanderError } from 'commander';
import { NoFeasibleCandidateError, PluginError, UserError, codeOf, isUserError, messageOf, maskStream, registerEnvironmentSecrets, CORE_VERSION } from '@coex/core';
import { discoverCommands, loadContributedCommand, missingCommand } from './commands';
import { registerFinalize } from './finalize';
import { registerInit } from './init';
import { registerList } from './list';
import { registerRun } from './run';
import { registerShow } from './show';

/**
 * The program for `argv`: the CLI's own commands, and those installed packages contribute. Only
 * the command `argv` runs (`coex <name> ...` or `coex help <name>`) has its module loaded; the
 * others are listed by name and description.
 */
export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command('coex')
    .description('Coex: hardware/software co-exploration of neural architectures')
    .version(CORE_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(program);
  registerShow(program);
  registerList(program);
  registerInit(program);
  registerFinalize(program);
  const wanted = argv[0] === 'help' ? argv[1] : argv[0];
  const own = new Set(program.commands.map((c) => c.name()));
  const contributed = discoverCommands(process.cwd(), (m) => process.stderr.write(`coex: warning: ${m}\n`)).filter((c) => !own.has(c.name));
  for (const c of contributed) {
    if (c.name === wanted) loadContributedCommand(program, c, argv.slice(1));
    else program.command(c.name).description(c.description);
  }
  if (wanted && !wanted.startsWith('-') && !program.commands.some((c) => c.name() === wanted)) {
    const missing = missingCommand(wanted);
    if (missing) throw missing;
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Prints an error the way its kind deserves and returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2;
  }
  if (error instanceof NoFeasibleCandidateError) {
    process.stderr.write(`coex: ${error.message}\n`);
    return 3;
  }
  if (isUserError(error)) {
    const code = codeOf(error);
    process.stderr.write(`coex: ${messageOf(error)}${code ? ` [${code}]` : ''}\n`);
    return 2;
  }
  if (error instanceof PluginError) {
    process.stderr.write(`coex: ${error.message}\n`);
    if (process.env.COEX_DEBUG) process.stderr.write(`${(error.cause as Error)?.stack ?? ''}\n`);
    else process.stderr.write('coex: (set COEX_DEBUG=1 for the stack trace)\n');
    return 1;
  }
  process.stderr.write(`coex: internal error: ${messageOf(error)}\n`);
  process.stderr.write(process.env.COEX_DEBUG ? `${(error as Error)?.stack ?? ''}\n` : 'coex: (set COEX_DEBUG=1 for the stack trace)\n');
  return 1;
}

export async function main(argv: string[]): Promise<void> {
  // Whatever the CLI or a plugin prints goes through the one masking function.
  registerEnvironmentSecrets();
  maskStream(process.stdout);
  maskStream(process.stderr);
  try {
    await buildProgram(argv).parseAsync(argv, { from: 'user' });
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

export { UserError };
