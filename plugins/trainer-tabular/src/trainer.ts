// The tabular trainer: "training" a child is one lookup in the accuracy table.
import type { TrainRequest, Trainer, TrainingResult } from '@coex/core';
import { tableKeyOf } from '@coex/kit-table';
import type { AccuracyTable } from './accuracy-table';

declare module '@coex/core' {
  interface TrainingResult {
    /** Benchmark queries this result cost (1 per lookup; 0 when a result was reused). */
    queries?: number;
    /** Training time the benchmark reports for this architecture (seconds), when the table has it. */
    simulatedSeconds?: number;
  }
}

export class TabularTrainer implements Trainer {
  constructor(
    private readonly table: AccuracyTable,
    /** The architecture field matched against the table's key column. */
    private readonly archField: string,
  ) {}

  architectureKeys(): readonly string[] {
    return this.table.keys();
  }

  async train(request: TrainRequest): Promise<TrainingResult> {
    const t0 = performance.now();
    const key = tableKeyOf(request.architecture, this.archField, 'trainer.archField');
    const entry = this.table.lookup(key);
    if (!entry) throw new Error(`architecture ${key} is not in ${this.table.file} (${this.table.size} rows)`);
    const result: TrainingResult = { accuracy: entry.accuracy, backend: 'table', queries: 1 };
    if (entry.testAccuracy !== undefined) result.testAccuracy = entry.testAccuracy;
    // seconds: the benchmark's training time when the table has one, else the lookup's own time.
    if (entry.simulatedSeconds !== undefined) {
      result.simulatedSeconds = entry.simulatedSeconds;
      result.seconds = entry.simulatedSeconds;
    } else {
      result.seconds = (performance.now() - t0) / 1000;
    }
    return result;
  }
}
