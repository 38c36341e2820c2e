// The `coex` command line. Exit codes: 0 success; 2 user error (one paragraph, no stack trace);
// 3 the run finished but no candidate was feasible; 1 internal failure; 130 interrupted.
import { Command, CommanderError } from 'commander';
import { NoFeasibleCandidateError, PluginError, UserError, codeOf, isUserError, messageOf } from '../errors';
import { maskStream, registerEnvironmentSecrets } from '../secrets';
import { CORE_VERSION } from '../version';
import { registerAblate } from './ablate';
import { registerArch } from './arch';
import { registerInit } from './init';
import { registerList } from './list';
import { registerReport } from './report';
import { registerRun } from './run';
import { registerShow } from './show';
import { registerWorker } from './worker';
import { registerHw } from './hw';
import { registerTrain } from './train';
import { registerFinalize } from './finalize';
import { registerDashboard } from './dashboard';

export function buildProgram(): Command {
  const program = new Command('coex')
    .description('Coex: hardware/software co-exploration of neural architectures')
    .version(CORE_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(program);
  registerShow(program);
  registerAblate(program);
  registerReport(program);
  registerList(program);
  registerInit(program);
  registerArch(program);
  registerWorker(program);
  registerHw(program);
  registerTrain(program);
  registerFinalize(program);
  registerDashboard(program);
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
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

export { UserError };
