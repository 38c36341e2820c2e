// A hardware table: per architecture a measured or estimated latency, and optionally an energy per
// image and an operation count, turned into Coex's hardware metrics once, when the table loads.
import { UserError, type HardwareMetrics } from '@coex/core';
import { csvColumn, csvNumber, csvRowsByKey, readCsvTable } from '@coex/kit-table';

declare module '@coex/core' {
  interface HardwareMetrics {
    /** Energy per image, joules. */
    energy?: number;
  }
}

export interface HardwareTableOptions {
  csv: string;
  archColumn: string;
  latencyColumn: string;
  latencyUnit: 'ms' | 's';
  /** Energy per image; absent: derived from powerWatts when given. */
  energyColumn?: string;
  energyUnit: 'mJ' | 'J';
  /** Constant power of the device, watts (HW-NAS-Bench's FPGA: 7). */
  powerWatts?: number;
  /** Operations per image (GOP after gopsScale), for energyEfficiency in GOPS/W. */
  gopsColumn?: string;
  gopsScale: number;
  /** Prefix of option names in error messages (the role). */
  prefix?: string;
}

const SECONDS = { ms: 1e-3, s: 1 } as const;
const JOULES = { mJ: 1e-3, J: 1 } as const;

export class HardwareTable {
  private constructor(
    readonly file: string,
    private readonly entries: Map<string, HardwareMetrics>,
  ) {}

  static load(options: HardwareTableOptions): HardwareTable {
    const prefix = options.prefix ?? 'hardware';
    if (options.energyColumn && options.powerWatts !== undefined) {
      throw new UserError(`${prefix}.energyColumn and ${prefix}.powerWatts both give the energy: set one of them`);
    }
    const table = readCsvTable(options.csv, { option: `${prefix}.csv` });
    const key = csvColumn(table, options.archColumn, `${prefix}.archColumn`);
    const latencyAt = csvColumn(table, options.latencyColumn, `${prefix}.latencyColumn`);
    const energyAt = options.energyColumn ? csvColumn(table, options.energyColumn, `${prefix}.energyColumn`) : undefined;
    const gopsAt = options.gopsColumn ? csvColumn(table, options.gopsColumn, `${prefix}.gopsColumn`) : undefined;
    const positive = (row: (typeof table.rows)[number], column: number) => {
      const value = csvNumber(table, row, column);
      if (!(value > 0)) throw new UserError(`${table.file}:${row.line}: column "${table.columns[column]}" should be positive, found ${value}`);
      return value;
    };
    const entries = new Map<string, HardwareMetrics>();
    for (const [arch, row] of csvRowsByKey(table, key)) {
      const latency = positive(row, latencyAt) * SECONDS[options.latencyUnit];
      const energy = energyAt !== undefined ? positive(row, energyAt) * JOULES[options.energyUnit] : options.powerWatts !== undefined ? options.powerWatts * latency : undefined;
      const gops = gopsAt !== undefined ? positive(row, gopsAt) * options.gopsScale : undefined;
      // One image at a time: throughput is the inverse of the latency, power the energy per latency.
      const metrics: HardwareMetrics = { feasible: true, latency, throughput: 1 / latency };
      if (energy !== undefined) Object.assign(metrics, { energy, power: energy / latency });
      if (gops !== undefined) metrics.gops = gops;
      if (energy !== undefined && gops !== undefined) metrics.energyEfficiency = gops / energy;
      entries.set(arch, metrics);
    }
    if (entries.size === 0) throw new UserError(`${table.file} has a header but no rows`);
    return new HardwareTable(table.file, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A copy of the architecture's metrics, or undefined when the table does not list it. */
  lookup(arch: string): HardwareMetrics | undefined {
    const metrics = this.entries.get(arch.trim());
    return metrics && { ...metrics };
  }
}
