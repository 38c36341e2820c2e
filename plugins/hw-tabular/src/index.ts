// @coex/plugin-hw-tabular: fills the hardware role with lookups in a benchmark CSV (HW-NAS-Bench
// latencies and energies, or any measured table), so the spec check works on real device numbers.
import { definePlugin, z } from '@coex/core';
import { noBenchmarkTable, tableLookupOptions } from '@coex/kit-table';
import { HardwareTable } from './hardware-table';
import { TabularHardwareModel } from './model';

export const PLUGIN_NAME = '@coex/plugin-hw-tabular';

export const optionsSchema = z.object({
  ...tableLookupOptions,
  /** Latency per image (batch 1). */
  latencyColumn: z.string().min(1).default('fpga_latency_ms'),
  latencyUnit: z.enum(['ms', 's']).default('ms'),
  /** Energy per image; or give powerWatts. */
  energyColumn: z.string().min(1).optional(),
  energyUnit: z.enum(['mJ', 'J']).default('mJ'),
  /** Constant device power in watts: energy = powerWatts x latency (HW-NAS-Bench FPGA: 7). */
  powerWatts: z.number().positive().optional(),
  /** Operations per image, for energyEfficiency (GOPS/W); multiplied by gopsScale to give GOP. */
  gopsColumn: z.string().min(1).optional(),
  gopsScale: z.number().positive().default(1),
});

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'hardware',
  description: 'Looks latency (and energy) up in a benchmark CSV (HW-NAS-Bench and similar); fixed device, no design decisions',
  options: optionsSchema,
  apply(ctx, options) {
    const load = () => {
      if (!options.csv) throw noBenchmarkTable('hardware.csv');
      const table = HardwareTable.load({ ...options, csv: options.csv, prefix: 'hardware' });
      ctx.log(`${table.file}: ${table.size} architectures`);
      return table;
    };
    // Read the table now, so that a bad file stops the run before its first trial (not in read-only commands).
    const table = ctx.readOnly ? undefined : load();
    ctx.provide('hardware', () => new TabularHardwareModel(table ?? load(), options.archField));
  },
});

export { HardwareTable, type HardwareTableOptions } from './hardware-table';
export { TabularHardwareModel, MODEL_NAME } from './model';
