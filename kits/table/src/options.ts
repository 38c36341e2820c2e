// The options every tabular plugin takes to find its table and an architecture's row in it; spread
// them into the plugin's `z.object({...})`.
import * as path from 'node:path';
import { z } from '@coex/core';

export const tableLookupOptions = {
  /** The table (relative paths are resolved when the run is configured); required: Coex ships no benchmark tables. */
  csv: z.string().min(1).transform((file) => path.resolve(file)).optional(),
  /** Column of architecture strings (the lookup key). */
  archColumn: z.string().min(1).default('arch_str'),
  /** Architecture field matched against archColumn (`cell` for NAS-Bench-201 cells). */
  archField: z.string().min(1).default('cell'),
};
