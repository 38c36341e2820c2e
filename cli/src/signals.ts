// Ctrl-C / SIGTERM while a search runs (`coex run`, `coex resume`, `coex ablate`): the first
// signal asks the work to stop, which keeps what is finished; a second quits at once.

/** Exit code of a process stopped by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED_EXIT = 130;

/**
 * Runs `work` with the signals handled: the first SIGINT or SIGTERM prints
 * `coex: <message> (Ctrl-C again to quit now)` and calls `stop`; a second exits with 130.
 */
export async function withStopSignals<T>(message: string, stop: () => void, work: () => Promise<T>): Promise<T> {
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(INTERRUPTED_EXIT);
    stopping = true;
    process.stderr.write(`\ncoex: ${message} (Ctrl-C again to quit now)\n`);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
