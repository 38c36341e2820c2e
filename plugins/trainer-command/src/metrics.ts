// The metrics protocol: the command prints a JSON object on one line of stdout, with `accuracy`
// (validation accuracy, a fraction in 0..1) and any other keys. The last such line wins, so a
// script may print progress, even progress as JSON, before its final line. An intermediate result
// (a learning-curve point, as NNI's report_intermediate_result) is a line
// {"intermediate": {"accuracy": 0.71, "loss": 0.9, "epoch": 1, "step": 100, "images": 6400}}.
import type { CurvePoint, TrainingResult } from '@coex/core';

/** Keys with a meaning in Coex: checked when present, so a wrong unit fails loudly. */
const FRACTIONS = ['accuracy', 'testAccuracy'] as const;
const NUMBERS = ['loss', 'params', 'seconds'] as const;

/** A value as the user would write it (JSON.stringify turns Infinity into null). */
const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v));

interface Diagnosis {
  line: number;
  problem: string;
}

/** A metrics line that was missing or wrong; it fails the trial. */
export class MetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsError';
  }
}

/** Reads stdout line by line; `result()` gives the metrics of the last line with a numeric accuracy. */
export class MetricsScanner {
  private lineCount = 0;
  private found?: { line: number; metrics: Record<string, unknown> };
  private lastProblem?: Diagnosis;
  readonly curve: CurvePoint[] = [];

  /** `onPoint` receives each intermediate result as it is read. */
  constructor(private readonly onPoint?: (point: CurvePoint) => void) {}

  push(line: string): void {
    this.lineCount += 1;
    const text = line.trim();
    if (!text.startsWith('{')) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const hint = /\b(NaN|-?Infinity)\b/.test(text) ? ' (NaN and Infinity are not JSON; a diverged loss?)' : '';
      this.lastProblem = { line: this.lineCount, problem: `is not valid JSON: ${(error as Error).message}${hint}` };
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    const metrics = value as Record<string, unknown>;
    if ('intermediate' in metrics) return this.intermediate(metrics.intermediate);
    if (typeof metrics.accuracy !== 'number') {
      this.lastProblem = {
        line: this.lineCount,
        problem: 'accuracy' in metrics
          ? `has accuracy ${JSON.stringify(metrics.accuracy)}, not a number`
          : `is a JSON object without "accuracy" (keys: ${Object.keys(metrics).join(', ') || 'none'})`,
      };
      return;
    }
    this.found = { line: this.lineCount, metrics };
  }

  private intermediate(value: unknown): void {
    const p = (value ?? {}) as Record<string, unknown>;
    const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
    if (!finite(p.accuracy) || !((p.accuracy as number) >= 0 && (p.accuracy as number) <= 1)) {
      this.lastProblem = { line: this.lineCount, problem: `is an intermediate result without an accuracy in 0..1 (got ${show(p.accuracy)})` };
      return;
    }
    const previous = this.curve.at(-1);
    const epoch = finite(p.epoch) ? (p.epoch as number) : this.curve.length + 1;
    const point: CurvePoint = {
      step: finite(p.step) ? (p.step as number) : (previous?.step ?? 0) + 1,
      epoch,
      accuracy: p.accuracy as number,
      loss: finite(p.loss) ? (p.loss as number) : Number.NaN,
      ...(finite(p.images) ? { images: p.images as number } : {}),
    };
    this.curve.push(point);
    this.onPoint?.(point);
  }

  /** The training result, or a MetricsError saying what the output lacked. */
  result(): TrainingResult {
    if (!this.found) {
      const why = this.lastProblem ? `; stdout line ${this.lastProblem.line} ${this.lastProblem.problem}` : '';
      throw new MetricsError(
        `the command printed no metrics line: expected a JSON object with a numeric "accuracy" (0..1) on one line of stdout, ` +
          `e.g. {"accuracy": 0.91}${why}`,
      );
    }
    const { line, metrics } = this.found;
    for (const key of FRACTIONS) {
      const v = metrics[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        const percent = typeof v === 'number' && v > 1 && v <= 100 ? ` (a percentage? print ${v / 100})` : '';
        throw new MetricsError(`stdout line ${line}: ${key} ${show(v)} is outside 0..1; print it as a fraction${percent}`);
      }
    }
    for (const key of NUMBERS) {
      const v = metrics[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new MetricsError(`stdout line ${line}: ${key} ${show(v)} should be a finite number`);
      }
    }
    return metrics as TrainingResult;
  }
}
