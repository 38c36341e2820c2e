// Why a trial stopped early. The engine records a rejected train() as a failed trial and goes on.

/** The run's AbortSignal fired; training stopped between two batches. */
export class AbortError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** The trial ran longer than trainer.timeLimit. */
export class TimeLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeLimitError';
  }
}

/** The training loss became NaN or infinite (diverged, or the data holds NaN). */
export class NonFiniteLossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}
