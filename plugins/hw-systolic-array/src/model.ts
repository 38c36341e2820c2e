// The `hardware` role: a systolic array evaluated analytically (cycles agree with SCALE-Sim v2).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  closest,
  UserError,
  type Architecture,
  type Decision,
  type HardwareDesign,
  type HardwareModel,
  type HardwareSpec,
  type TuneResult,
} from '@coex/core';
import { DATAFLOWS, type ArrayShape, type Dataflow } from './configs';
import { evaluateLayers, prepareLayers, type SystolicMetrics } from './evaluate';
import type { ModelSettings } from './options';
import { decodeShape, hardwareDecisions, tuneLayers, type TuneOutcome } from './space';

export const MODEL_NAME = 'systolic-array';

export interface SystolicDesign extends HardwareDesign, ArrayShape {
  model: typeof MODEL_NAME;
}

export function toDesign(shape: ArrayShape): SystolicDesign {
  const { rows, cols, dataflow, ifmapSramKB, filterSramKB, ofmapSramKB } = shape;
  return { model: MODEL_NAME, rows, cols, dataflow, ifmapSramKB, filterSramKB, ofmapSramKB };
}

/** Checks a design record that may come from outside (a file, another run); errors name the field. */
export function designShape(design: HardwareDesign): ArrayShape {
  if (design.model !== MODEL_NAME) {
    throw new UserError(`design.model: the systolic-array model cannot evaluate a design of model "${design.model}"`);
  }
  const d = design as Partial<Record<keyof ArrayShape, unknown>>;
  const positive = (key: keyof ArrayShape, integer: boolean): number => {
    const v = d[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new UserError(`design.${key}: expected a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const dataflow = String(d.dataflow);
  if (!(DATAFLOWS as readonly string[]).includes(dataflow)) {
    const hint = closest(dataflow, DATAFLOWS);
    throw new UserError(`design.dataflow: unknown dataflow "${dataflow}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${DATAFLOWS.join(', ')}`);
  }
  return {
    rows: positive('rows', true),
    cols: positive('cols', true),
    dataflow: dataflow as Dataflow,
    ifmapSramKB: positive('ifmapSramKB', false),
    filterSramKB: positive('filterSramKB', false),
    ofmapSramKB: positive('ofmapSramKB', false),
  };
}

/** Folder of the shipped SCALE-Sim topology files (beside src/ and dist/). */
export const TOPOLOGY_DIR = path.resolve(__dirname, '..', 'topologies');

/** name -> file of every shipped topology. */
export function namedTopologies(): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(TOPOLOGY_DIR).filter((f) => f.endsWith('.csv')).sort().map((f) => [f.slice(0, -4), path.join(TOPOLOGY_DIR, f)]));
}

export class SystolicArrayModel implements HardwareModel {
  readonly name = MODEL_NAME;
  private readonly decisions: readonly Decision[];

  constructor(readonly settings: ModelSettings) {
    this.decisions = hardwareDecisions(settings.choices);
  }

  /** The layer tables shipped in topologies/ (AlexNet, ResNet-18, MobileNet v1, the paper's nets): `coex hw --topology <name>`. */
  topologies(): Record<string, string> {
    return namedTopologies();
  }

  /** Decisions the controller samples: only in `sample` mode (fixed and tune modes choose the design themselves). */
  designSpace(_space?: { maxLayers: number }): readonly Decision[] {
    return this.settings.mode === 'sample' ? this.decisions : [];
  }

  propose(architecture: Architecture, tokens: readonly number[], spec: HardwareSpec): SystolicDesign {
    switch (this.settings.mode) {
      case 'fixed':
        return toDesign(this.settings.fixed);
      case 'sample':
        return toDesign(decodeShape(this.settings.choices, tokens));
      case 'tune': {
        // When nothing meets the spec, the best design anyway: the prune stage then reports by how much it misses.
        const outcome = this.search(architecture, spec);
        const pick = outcome.best ?? outcome.bestIgnoringSpec;
        return toDesign(pick ? pick.shape : this.settings.fixed);
      }
    }
  }

  evaluate(architecture: Architecture, design: HardwareDesign): SystolicMetrics {
    return evaluateLayers(prepareLayers(architecture, this.settings.rounding), designShape(design), this.settings.params);
  }

  /** The best design of the space for this network under the spec and caps (exhaustive, so optimal within the space). */
  tune(architecture: Architecture, spec: HardwareSpec): (TuneResult & { metrics: SystolicMetrics }) | undefined {
    const best = this.search(architecture, spec).best;
    return best && { design: toDesign(best.shape), metrics: best.metrics };
  }

  /** The full search outcome, with the count of designs evaluated. */
  search(architecture: Architecture, spec: HardwareSpec): TuneOutcome {
    const layers = prepareLayers(architecture, this.settings.rounding);
    return tuneLayers(layers, this.settings.choices, this.settings.params, spec, this.settings.objective);
  }
}
