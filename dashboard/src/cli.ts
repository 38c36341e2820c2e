// `coex dashboard`: a live local web page of a run or a study. Contributed by @coex/dashboard
// (package.json "coex.commands"): the CLI loads this module, and with it the server, only when the
// command runs.
import { InvalidArgumentError, runOrStudyDir, type Command } from '@coex/cli';
import { startDashboard } from './index';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port expects a port number 0-65535 (0 picks a free one), got "${value}"`);
  return n;
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .argument('<dir>', 'run or study folder')
    .option('--port <n>', 'port to serve on (default 8770; 0 picks a free one)', port)
    .option('--host <address>', 'address to bind (default 127.0.0.1; any other address requires the printed token)')
    .action(async (dir: string, opts) => {
      const absolute = runOrStudyDir(dir);
      const dashboard = await startDashboard(absolute, { port: opts.port, host: opts.host });
      process.stdout.write(`coex dashboard: ${absolute}\n  open ${dashboard.url}\n` +
        (dashboard.token ? `  (bound to ${opts.host}: the token in this URL is required; it is not stored anywhere)\n` : '') +
        '  press Ctrl+C to stop\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void dashboard.close().finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}

export const register = registerDashboard;
