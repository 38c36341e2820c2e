// The tabular hardware model: nothing to design or tune, the device is fixed; evaluating a network
// is one lookup. A network the table does not list is infeasible (core's spec check prunes it).
import type { Architecture, Decision, HardwareDesign, HardwareMetrics, HardwareModel } from '@coex/core';
import { tableKeyOf } from '@coex/kit-table';
import type { HardwareTable } from './hardware-table';

export const MODEL_NAME = 'tabular';

export class TabularHardwareModel implements HardwareModel {
  readonly name = MODEL_NAME;

  constructor(
    private readonly table: HardwareTable,
    /** The architecture field matched against the table's key column. */
    private readonly archField: string,
  ) {}

  designSpace(): readonly Decision[] {
    return [];
  }

  propose(): HardwareDesign {
    return { model: MODEL_NAME };
  }

  evaluate(architecture: Architecture): HardwareMetrics {
    const key = tableKeyOf(architecture, this.archField, 'hardware.archField');
    return this.table.lookup(key) ?? { feasible: false, infeasible: [`${key} is not in ${this.table.file} (${this.table.size} rows)`] };
  }
}
