// The hardware design space (array shape, dataflow, three SRAM sizes) as controller decisions, and
// the tuner: an exhaustive search of that space for one network. The space is a small discrete
// product (defaults: 6 x 6 x 3 x 7^3 = 37,044 designs), so exhaustive search is fast and returns
// the optimum of the space, not an approximation. Compute cycles depend only on the array shape and
// dataflow, so they are computed once per (rows, cols, dataflow) and reused for every buffer choice.
import { checkSpec, type Decision, type HardwareSpec } from '@coex/core';
import type { ConvLayerShape } from '@coex/kit-chain-cnn';
import type { ArrayShape, Dataflow } from './configs';
import { capViolations, computeAll, evaluateLayers, type ModelParams, type SystolicMetrics } from './evaluate';

/** What the tuner maximises (the other metric breaks ties). */
export const OBJECTIVES = ['throughput', 'energyEfficiency'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export interface DesignChoices {
  rows: readonly number[];
  cols: readonly number[];
  dataflows: readonly Dataflow[];
  /** Shared by the ifmap, filter and ofmap SRAMs. */
  sramKB: readonly number[];
}

/** Decision order: rows, cols, dataflow, ifmapSramKB, filterSramKB, ofmapSramKB. */
export function hardwareDecisions(c: DesignChoices): Decision[] {
  return [
    { name: 'rows', choices: c.rows },
    { name: 'cols', choices: c.cols },
    { name: 'dataflow', choices: c.dataflows },
    { name: 'ifmapSramKB', choices: c.sramKB },
    { name: 'filterSramKB', choices: c.sramKB },
    { name: 'ofmapSramKB', choices: c.sramKB },
  ];
}

export function decodeShape(c: DesignChoices, tokens: readonly number[]): ArrayShape {
  const decisions = hardwareDecisions(c);
  if (tokens.length !== decisions.length) {
    throw new Error(`systolic-array design space expects ${decisions.length} hardware tokens, got ${tokens.length}`);
  }
  const pick = (i: number) => {
    const choice = decisions[i].choices[tokens[i]];
    if (choice === undefined) throw new Error(`hardware token ${tokens[i]} is out of range for decision ${decisions[i].name}`);
    return choice;
  };
  return {
    rows: pick(0) as number,
    cols: pick(1) as number,
    dataflow: pick(2) as Dataflow,
    ifmapSramKB: pick(3) as number,
    filterSramKB: pick(4) as number,
    ofmapSramKB: pick(5) as number,
  };
}

/** True when `a` beats `b`: the objective, then the other metric, then fewer PEs, then less SRAM. */
export function betterDesign(a: SystolicMetrics, b: SystolicMetrics, objective: Objective): boolean {
  const other: Objective = objective === 'throughput' ? 'energyEfficiency' : 'throughput';
  for (const key of [objective, other]) {
    const d = a[key] - b[key];
    if (Math.abs(d) > 1e-12 * Math.max(Math.abs(a[key]), Math.abs(b[key]))) return d > 0;
  }
  if (a.pes !== b.pes) return a.pes < b.pes;
  return a.sramKB < b.sramKB;
}

export interface TuneOutcome {
  /** Best design meeting the spec and the caps. */
  best?: { shape: ArrayShape; metrics: SystolicMetrics };
  /** Best design within the caps, spec ignored (what propose falls back to). */
  bestIgnoringSpec?: { shape: ArrayShape; metrics: SystolicMetrics };
  evaluated: number;
}

export function tuneLayers(
  layers: readonly ConvLayerShape[],
  choices: DesignChoices,
  params: ModelParams,
  spec: HardwareSpec,
  objective: Objective,
): TuneOutcome {
  const out: TuneOutcome = { evaluated: 0 };
  for (const rows of choices.rows) {
    for (const cols of choices.cols) {
      if (params.maxPEs !== undefined && rows * cols > params.maxPEs) continue;
      for (const dataflow of choices.dataflows) {
        const computes = computeAll(layers, rows, cols, dataflow);
        for (const ifmapSramKB of choices.sramKB) {
          for (const filterSramKB of choices.sramKB) {
            for (const ofmapSramKB of choices.sramKB) {
              const shape: ArrayShape = { rows, cols, dataflow, ifmapSramKB, filterSramKB, ofmapSramKB };
              if (capViolations(shape, params).length > 0) continue;
              const metrics = evaluateLayers(layers, shape, params, computes, false);
              out.evaluated++;
              if (!out.bestIgnoringSpec || betterDesign(metrics, out.bestIgnoringSpec.metrics, objective)) {
                out.bestIgnoringSpec = { shape, metrics };
              }
              if (checkSpec(metrics, spec).length > 0) continue;
              if (!out.best || betterDesign(metrics, out.best.metrics, objective)) out.best = { shape, metrics };
            }
          }
        }
      }
    }
  }
  // The winners get their per-layer reports.
  if (out.best) out.best.metrics = evaluateLayers(layers, out.best.shape, params);
  if (out.bestIgnoringSpec) out.bestIgnoringSpec.metrics = evaluateLayers(layers, out.bestIgnoringSpec.shape, params);
  return out;
}
