// @coex/plugin-trainer-tabular: fills the trainer role with lookups in a benchmark CSV
// (NAS-Bench-201 and similar tables), so a search costs table queries instead of GPU hours.
import { definePlugin, z } from '@coex/core';
import { noBenchmarkTable, tableLookupOptions } from '@coex/kit-table';
import { AccuracyTable } from './accuracy-table';
import { TabularTrainer } from './trainer';

export const PLUGIN_NAME = '@coex/plugin-trainer-tabular';

export const optionsSchema = z.object({
  ...tableLookupOptions,
  /** Validation accuracy: the search's reward. */
  valColumn: z.string().min(1).default('cifar10_val_12ep'),
  /** Test accuracy, reported but never used by the search; '' for none. */
  testColumn: z.string().default('cifar10_test_12ep'),
  /** Simulated training seconds per query; absent: none. */
  timeColumn: z.string().min(1).optional(),
  /** 'auto': a column with any value above 1 is read as percent and divided by 100. */
  accuracyUnit: z.enum(['auto', 'percent', 'fraction']).default('auto'),
});

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'trainer',
  description: 'Looks accuracies up in a benchmark CSV (NAS-Bench-201 and similar) instead of training',
  options: optionsSchema,
  apply(ctx, options) {
    const load = () => {
      if (!options.csv) throw noBenchmarkTable('trainer.csv');
      const table = AccuracyTable.load({ ...options, csv: options.csv, prefix: 'trainer' });
      ctx.log(`${table.file}: ${table.size} architectures, validation accuracy in ${table.units.val}`);
      return table;
    };
    // Read the table now, so that a bad file stops the run before its first trial (not in read-only commands).
    const table = ctx.readOnly ? undefined : load();
    ctx.provide('trainer', () => new TabularTrainer(table ?? load(), options.archField));
  },
});

export { AccuracyTable, type AccuracyTableOptions, type AccuracyUnit, type TableEntry } from './accuracy-table';
export { TabularTrainer } from './trainer';
