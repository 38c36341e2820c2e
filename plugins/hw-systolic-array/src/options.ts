// The plugin's options (one zod schema, the single source of truth) and how they resolve into the
// model's settings: a named config gives the array's defaults, explicit options override it.
import { closest, listOption, z } from '@coex/core';
import { DATAFLOWS, DEFAULT_CONFIG, SYSTOLIC_CONFIGS, type ArrayShape, type Dataflow } from './configs';
import { DEFAULT_ENERGY } from './energy';
import type { ModelParams, OfmapRounding } from './evaluate';
import { OBJECTIVES, type DesignChoices, type Objective } from './space';

export const MODES = ['fixed', 'sample', 'tune'] as const;
export type Mode = (typeof MODES)[number];
export const OFMAP_ROUNDINGS = ['floor', 'scalesim'] as const;

/** A string that must be one of `values`; a near miss gets a "did you mean" hint. */
function oneOf<T extends string>(what: string, values: readonly T[]) {
  return z.string().transform((value, ctx): T => {
    if ((values as readonly string[]).includes(value)) return value as T;
    const hint = closest(value, values);
    ctx.addIssue({
      code: 'custom',
      message: `unknown ${what} "${value}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${values.join(', ')}`,
    });
    return z.NEVER;
  });
}

const positiveInt = z.number().int().positive();
const positiveKB = z.number().positive().finite();
const energy = z.number().nonnegative().finite();
const nonEmpty = <T>(list: T[]) => list.length > 0;

export const optionsSchema = z.object({
  /** Named configuration giving rows, cols, dataflow, SRAM sizes and clock (see SYSTOLIC_CONFIGS). */
  config: oneOf('config', Object.keys(SYSTOLIC_CONFIGS)).default(DEFAULT_CONFIG),
  /** fixed: evaluate the configured array; sample: the controller picks the design; tune: best design per network. */
  mode: oneOf('mode', MODES).default('fixed'),
  rows: positiveInt.optional(),
  cols: positiveInt.optional(),
  dataflow: oneOf('dataflow', DATAFLOWS).optional(),
  ifmapSramKB: positiveKB.optional(),
  filterSramKB: positiveKB.optional(),
  ofmapSramKB: positiveKB.optional(),
  /** Bytes per word (SCALE-Sim: 1). */
  wordBytes: positiveInt.default(1),
  /** DRAM interface words per cycle; absent = unlimited (no stalls, like SCALE-Sim's CALC mode). */
  bandwidth: z.number().positive().optional(),
  /** Clock in MHz; default: the config's. */
  clockMHz: z.number().positive().finite().optional(),
  macEnergyPJ: energy.default(DEFAULT_ENERGY.macEnergyPJ),
  registerEnergyPJ: energy.default(DEFAULT_ENERGY.registerEnergyPJ),
  sramEnergyPJ: energy.default(DEFAULT_ENERGY.sramEnergyPJ),
  dramEnergyPJ: energy.default(DEFAULT_ENERGY.dramEnergyPJ),
  sramReferenceKB: positiveKB.default(DEFAULT_ENERGY.sramReferenceKB),
  sramSizeScaling: z.boolean().default(DEFAULT_ENERGY.sramSizeScaling),
  /** Power drawn regardless of activity (leakage, clock tree, I/O), added to the dynamic power. */
  staticPowerW: energy.default(0),
  /** Output size of unpadded layers: floor((I-K)/S)+1, or SCALE-Sim's ceil((I-K+S)/S). */
  ofmapRounding: oneOf('ofmap rounding', OFMAP_ROUNDINGS).default('floor'),
  /** What tune maximises. */
  objective: oneOf('objective', OBJECTIVES).default('throughput'),
  /** Caps that make a design infeasible (tune and sample modes search below them). */
  maxPEs: positiveInt.optional(),
  maxSramKB: positiveKB.optional(),
  /** The design space of sample and tune modes. */
  rowChoices: listOption(z.coerce.number().int().positive()).refine(nonEmpty, 'needs at least one choice').default([8, 16, 32, 64, 128, 256]),
  colChoices: listOption(z.coerce.number().int().positive()).refine(nonEmpty, 'needs at least one choice').default([8, 16, 32, 64, 128, 256]),
  dataflowChoices: listOption(oneOf('dataflow', DATAFLOWS)).refine(nonEmpty, 'needs at least one choice').default(['os', 'ws', 'is']),
  sramKBChoices: listOption(z.coerce.number().positive().finite()).refine(nonEmpty, 'needs at least one choice').default([32, 64, 128, 256, 512, 1024, 2048]),
});

export type SystolicOptions = z.output<typeof optionsSchema>;

export interface ModelSettings {
  mode: Mode;
  objective: Objective;
  rounding: OfmapRounding;
  /** The configured design (fixed mode). */
  fixed: ArrayShape;
  params: ModelParams;
  choices: DesignChoices;
}

export function resolveSettings(o: SystolicOptions): ModelSettings {
  const base = SYSTOLIC_CONFIGS[o.config];
  return {
    mode: o.mode,
    objective: o.objective,
    rounding: o.ofmapRounding,
    fixed: {
      rows: o.rows ?? base.rows,
      cols: o.cols ?? base.cols,
      dataflow: (o.dataflow ?? base.dataflow) as Dataflow,
      ifmapSramKB: o.ifmapSramKB ?? base.ifmapSramKB,
      filterSramKB: o.filterSramKB ?? base.filterSramKB,
      ofmapSramKB: o.ofmapSramKB ?? base.ofmapSramKB,
    },
    params: {
      wordBytes: o.wordBytes,
      bandwidth: o.bandwidth ?? Infinity,
      clockMHz: o.clockMHz ?? base.clockMHz,
      energy: {
        macEnergyPJ: o.macEnergyPJ,
        registerEnergyPJ: o.registerEnergyPJ,
        sramEnergyPJ: o.sramEnergyPJ,
        dramEnergyPJ: o.dramEnergyPJ,
        sramReferenceKB: o.sramReferenceKB,
        sramSizeScaling: o.sramSizeScaling,
      },
      staticPowerW: o.staticPowerW,
      maxPEs: o.maxPEs,
      maxSramKB: o.maxSramKB,
    },
    choices: { rows: o.rowChoices, cols: o.colChoices, dataflows: o.dataflowChoices, sramKB: o.sramKBChoices },
  };
}
