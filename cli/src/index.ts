// @coex/cli: the `coex` command line, a host application on top of @coex/core. Besides main(), it
// exports what a package's contributed command uses (see commands.ts and docs/writing-plugins.md):
// printing helpers, flag parsers, flags made from a zod schema, run and study progress and summaries.
export { buildProgram, main, reportError } from './main';
export { FIRST_PARTY_COMMANDS, discoverCommands, type CommandContribution } from './commands';
export * from './output';
export * from './schema-flags';
export { budgetFraction, describeTrial, percentOf, progressText, showProgress } from './progress';
export { describedResults, openAnyStore, printStudySummary, printSummary, studySize, summarizeStudy, type StudySummary } from './show';
export { loadOptionalPackage } from './optional-package';
export { INTERRUPTED_EXIT, withStopSignals } from './signals';
export { Command, InvalidArgumentError } from 'commander';
