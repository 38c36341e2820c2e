// Options of the plugin: one zod schema (types and ranges), then cross-field checks that need the
// parts table (pool names, fixed designs), all reported as UserError naming `hardware.<path>`.
import { closest, listOption, UserError, z } from '@coex/core';
import { DEFAULT_CHOICES, type TilingChoices } from './candidates';
import { DEFAULT_POOL, FPGA_PARTS, PART_FIELDS, type FpgaPart } from './parts';
import type { PipelineConfig } from './pipeline';
import { DEFAULT_POWER } from './power';
import { dspPerLane, PORT_SPLITS, splitPorts, type Bits, type Tiling } from './tiling';
import type { TuneObjective } from './tune';

export const PREFIX = 'hardware';
export const MODES = ['sample', 'tune', 'fixed'] as const;
export type Mode = (typeof MODES)[number];
export type PartsTable = Readonly<Record<string, FpgaPart>>;

const positiveInt = z.coerce.number().int().positive();
const positive = z.coerce.number().positive();
const nonNegative = z.coerce.number().nonnegative();

const partSchema = z
  .object({
    dsp: positiveInt,
    bram18: positiveInt,
    portBits: positiveInt,
    ddrGBps: positive,
    staticW: nonNegative,
    maxClockMHz: positive,
  })
  .partial()
  .strict();

const tilingSchema = z
  .object({ Tm: positiveInt, Tn: positiveInt, Tr: positiveInt, Tc: positiveInt, Ip: positiveInt.optional(), Wp: positiveInt.optional(), Op: positiveInt.optional() })
  .strict();

const stageSchema = z
  .object({
    part: z.string().min(1),
    /** [first, last] layer (inclusive); last -1 means the network's last layer. */
    layers: z.tuple([z.number().int().nonnegative(), z.number().int().min(-1)]).optional(),
    tiling: tilingSchema.optional(),
  })
  .strict();

const designSchema = z.object({ stages: z.array(stageSchema).min(1) }).strict();

export const optionsSchema = z.object({
  /** sample: decode the controller's tokens (re-tune a bad sample); tune: tune per network; fixed: `design`. */
  mode: z.enum(MODES).default('sample'),
  pool: listOption(z.string().min(1)).default([...DEFAULT_POOL]),
  /** Extra parts, or overrides of built-in ones: { NAME: { dsp, bram18, portBits, ddrGBps, staticW, maxClockMHz } }. */
  parts: z.record(z.string(), partSchema).default({}),
  maxStages: z.coerce.number().int().min(1).max(32).default(4),
  objective: z.enum(['throughput', 'energyEfficiency']).default('throughput'),
  clockMHz: positive.default(100),
  bits: z.coerce.number().refine((b) => b === 16 || b === 32, { message: 'bits must be 16 (fixed point) or 32 (float)' }).default(16),
  batch: positiveInt.default(1),
  edgeTiles: z.enum(['full', 'partial']).default('full'),
  linkGbps: positive.default(10),
  dspWatts: nonNegative.default(DEFAULT_POWER.dspWatts),
  bramWatts: nonNegative.default(DEFAULT_POWER.bramWatts),
  ddrPicojoulesPerBit: nonNegative.default(DEFAULT_POWER.ddrPicojoulesPerBit),
  retuneSteps: z.coerce.number().int().min(0).max(3).default(3),
  tmChoices: listOption(positiveInt).default([...DEFAULT_CHOICES.tmChoices]),
  tnChoices: listOption(positiveInt).default([...DEFAULT_CHOICES.tnChoices]),
  tileChoices: listOption(positiveInt).default([...DEFAULT_CHOICES.tileChoices]),
  portSplits: listOption(z.enum(Object.keys(PORT_SPLITS) as [string, ...string[]])).default([...DEFAULT_CHOICES.portSplits]),
  /** The fixed design (mode fixed): { stages: [{ part, layers?, tiling? }] } or "PART[:first-last],...". */
  design: z.union([z.string(), designSchema]).optional(),
  /**
   * A fixed design's tile larger than every layer of its stage: 'strict' rejects it (a design costed
   * for one network, `coex hw`); 'clamp' runs partial tiles (one accelerator for every network of a
   * search, as hardware-aware NAS needs).
   */
  fixedTiling: z.enum(['strict', 'clamp']).default('strict'),
});

export type FpgaPipelineOptions = z.input<typeof optionsSchema>;
type ParsedOptions = z.output<typeof optionsSchema>;

/** A stage of a fixed design after validation; missing layers/tiling are tuned per network. */
export interface FixedStage {
  part: string;
  layers?: [number, number];
  tiling?: Tiling;
}

export interface ModelSettings {
  mode: Mode;
  config: PipelineConfig;
  pool: string[];
  maxStages: number;
  objective: TuneObjective;
  retuneSteps: number;
  choices: TilingChoices;
  design?: FixedStage[];
  fixedTiling: 'strict' | 'clamp';
}

/** Parsed options -> settings, with the checks zod cannot make. Throws UserError. */
export function resolveSettings(o: ParsedOptions): ModelSettings {
  const bits = o.bits as Bits;
  const parts = resolveParts(o.parts);
  const known = Object.keys(parts);
  const pool = [...new Set(o.pool)];
  if (pool.length === 0) throw new UserError(`${PREFIX}.pool: give at least one FPGA part; known parts: ${known.join(', ')}`);
  o.pool.forEach((name, i) => checkPart(name, parts, `${PREFIX}.pool[${i}]`));
  for (const key of ['tmChoices', 'tnChoices', 'tileChoices', 'portSplits'] as const) {
    if (o[key].length === 0) throw new UserError(`${PREFIX}.${key}: give at least one choice`);
  }
  const config: PipelineConfig = {
    parts,
    bits,
    batch: o.batch,
    edgeTiles: o.edgeTiles,
    clockMHz: o.clockMHz,
    linkGbps: o.linkGbps,
    power: { dspWatts: o.dspWatts, bramWatts: o.bramWatts, ddrPicojoulesPerBit: o.ddrPicojoulesPerBit },
  };
  if (o.mode === 'fixed' && o.design === undefined) {
    throw new UserError(`${PREFIX}.design: required when ${PREFIX}.mode is "fixed" (e.g. "XC7Z020:0-3,XC7A50T:4-6" or { stages: [{ part, layers, tiling }] })`);
  }
  return {
    mode: o.mode,
    config,
    pool,
    maxStages: o.maxStages,
    objective: o.objective,
    retuneSteps: o.retuneSteps,
    choices: { tmChoices: o.tmChoices, tnChoices: o.tnChoices, tileChoices: o.tileChoices, portSplits: o.portSplits },
    design: o.design === undefined ? undefined : resolveFixedDesign(o.design, config),
    fixedTiling: o.fixedTiling,
  };
}

/** Built-in parts plus the user's: a new part needs every field, a known one may override some. */
export function resolveParts(extra: Record<string, Partial<FpgaPart>>): PartsTable {
  const parts: Record<string, FpgaPart> = { ...FPGA_PARTS };
  for (const [name, given] of Object.entries(extra)) {
    const base = FPGA_PARTS[name];
    const missing = PART_FIELDS.filter((f) => given[f] === undefined && base === undefined);
    if (missing.length > 0) {
      const hint = closest(name, Object.keys(FPGA_PARTS));
      throw new UserError(
        `${PREFIX}.parts.${name}: a new part needs ${PART_FIELDS.join(', ')}; missing ${missing.join(', ')}` +
          (hint ? ` (or did you mean to override ${hint}?)` : ''),
      );
    }
    parts[name] = { ...base, ...given } as FpgaPart;
  }
  return Object.freeze(parts);
}

function checkPart(name: string, parts: PartsTable, where: string): void {
  if (parts[name]) return;
  const known = Object.keys(parts);
  const hint = closest(name, known);
  throw new UserError(
    `${where}: unknown FPGA part "${name}"${hint ? ` (did you mean ${hint}?)` : ''}; known parts: ${known.join(', ')} ` +
      `(add one with ${PREFIX}.parts.${name} = { ${PART_FIELDS.join(', ')} })`,
  );
}

/** Parses "XC7Z020:0-3,XC7A50T:4-" or "XC7Z020,XC7A50T" into stages. */
function parseDesignString(text: string): z.output<typeof designSchema> {
  const stages = text.split(',').map((s) => s.trim()).filter(Boolean).map((item, i) => {
    const m = /^([^:]+?)(?::(\d+)-(\d*))?$/.exec(item);
    if (!m) throw new UserError(`${PREFIX}.design: stage ${i} "${item}" should be PART or PART:first-last (e.g. XC7Z020:0-3)`);
    return { part: m[1].trim(), ...(m[2] !== undefined ? { layers: [Number(m[2]), m[3] === '' ? -1 : Number(m[3])] as [number, number] } : {}) };
  });
  if (stages.length === 0) throw new UserError(`${PREFIX}.design: no stages in "${text}"`);
  return { stages };
}

function resolveFixedDesign(raw: string | z.output<typeof designSchema>, c: PipelineConfig): FixedStage[] {
  const spec = typeof raw === 'string' ? parseDesignString(raw) : raw;
  const given = spec.stages.filter((s) => s.layers !== undefined).length;
  if (given !== 0 && given !== spec.stages.length) {
    throw new UserError(`${PREFIX}.design.stages: give layers for every stage or for none (none: the split is tuned per network)`);
  }
  let next = 0;
  return spec.stages.map((s, i): FixedStage => {
    const where = `${PREFIX}.design.stages[${i}]`;
    checkPart(s.part, c.parts, `${where}.part`);
    const part = c.parts[s.part];
    const stage: FixedStage = { part: s.part };
    if (s.layers) {
      const [first, last] = s.layers;
      const isLast = i === spec.stages.length - 1;
      if (first !== next) throw new UserError(`${where}.layers: stage should start at layer ${next} (stages are contiguous from layer 0), got ${first}`);
      if (last === -1 ? !isLast : last < first) {
        throw new UserError(`${where}.layers: [${first}, ${last}] must end at or after its first layer (-1, "to the end", only in the last stage)`);
      }
      stage.layers = [first, last];
      next = last + 1;
    }
    if (s.tiling) {
      const t = s.tiling;
      const ports = [t.Ip, t.Wp, t.Op];
      if (ports.some((p) => p !== undefined) && ports.some((p) => p === undefined)) {
        throw new UserError(`${where}.tiling: give all of Ip, Wp, Op or none (none: the balanced split of the part's port)`);
      }
      const split = t.Ip !== undefined ? { Ip: t.Ip, Wp: t.Wp!, Op: t.Op! } : splitPorts(part, c.bits, PORT_SPLITS.balanced);
      if (!split) throw new UserError(`${where}.part: ${s.part}'s port (${part.portBits} bits) is narrower than three ${c.bits}-bit words`);
      const dsp = dspPerLane(c.bits) * t.Tm * t.Tn;
      if (dsp > part.dsp) {
        throw new UserError(`${where}.tiling: Tm·Tn = ${t.Tm}·${t.Tn} needs ${dsp} DSPs at ${c.bits} bits, but ${s.part} has ${part.dsp}`);
      }
      const portBits = c.bits * (split.Ip + split.Wp + split.Op);
      if (portBits > part.portBits) {
        throw new UserError(`${where}.tiling: ports Ip+Wp+Op = ${portBits} bits exceed ${s.part}'s ${part.portBits}-bit port`);
      }
      stage.tiling = { Tm: t.Tm, Tn: t.Tn, Tr: t.Tr, Tc: t.Tc, ...split };
    }
    if (c.clockMHz > part.maxClockMHz) {
      throw new UserError(`${where}.part: ${PREFIX}.clockMHz ${c.clockMHz} exceeds ${s.part}'s ${part.maxClockMHz} MHz`);
    }
    return stage;
  });
}
