// Splits a child's output streams into lines as they arrive, and keeps the last few lines of all
// streams together for error messages, without holding the whole output in memory.

/** Longer lines are cut here so that a runaway line cannot exhaust memory. */
const MAX_LINE_CHARS = 1 << 20;

export class LineSplitter {
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    if (this.rest.length > MAX_LINE_CHARS) this.rest = this.rest.slice(0, MAX_LINE_CHARS);
    for (const part of parts) this.onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  /** The last line when the stream ended without a newline. */
  end(): void {
    if (this.rest.length > 0) this.onLine(this.rest);
    this.rest = '';
  }
}

/** The last `size` lines pushed (a ring buffer). */
export class LineTail {
  private readonly buffer: string[] = [];

  constructor(private readonly size: number) {}

  push(line: string): void {
    if (this.size <= 0) return;
    this.buffer.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (this.buffer.length > this.size) this.buffer.shift();
  }

  lines(): string[] {
    return [...this.buffer];
  }
}
