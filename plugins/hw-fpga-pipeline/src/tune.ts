// The fast tuner: the best pipeline for a network within a pool of parts, by dynamic programming
// over stage boundaries and parts, with each (layer range, part)'s useful tilings precomputed.
//
// 1. Per part and candidate tiling: prefix sums of layer cycles and off-chip traffic, so any
//    layer range costs O(1). BRAM grows with the range (larger kernels, halos), so a range is
//    extended until the tiling no longer fits.
// 2. Per (range, part): the fastest tiling; when power matters, every tiling not dominated in
//    (latency, base power, traffic energy).
// 3a. Throughput objective, limits on throughput/latency only (the default): min-max DP over
//    (stages, layers covered) with labels (bottleneck, Σ latency). Exact over the candidates.
// 3b. When power matters (energy objective, maxPower, minEnergyEfficiency): a sweep over
//    bottleneck thresholds with a min-energy DP per threshold (see `sweep`).
// Which result is exact and which is a heuristic, with measured gaps: README "Tuner".
import type { HardwareSpec } from '@coex/core';
import { candidateTilings, type TilingChoices } from './candidates';
import type { FpgaLayer } from './layers';
import {
  ddrBytesPerCycle,
  evaluatePipeline,
  evaluateStage,
  linkSeconds,
  MODEL_NAME,
  type FpgaPipelineDesign,
  type FpgaPipelineMetrics,
  type PipelineConfig,
  type StageDesign,
} from './pipeline';
import { stageBasePower, trafficEnergy } from './power';
import { bramBlocksOf, bramDepth, bytesPerWord, dspPerLane, inputTileWords, layerCyclesPerPorts, type Tiling } from './tiling';

export type TuneObjective = 'throughput' | 'energyEfficiency';

export interface TuneSettings {
  config: PipelineConfig;
  pool: readonly string[];
  maxStages: number;
  objective: TuneObjective;
  choices: TilingChoices;
}

/** Narrows the search (used by fixed designs and by re-tuning a sampled design). */
export interface TuneRestriction {
  /** First layer of each stage; fixes the stage count and boundaries. */
  bounds?: readonly number[];
  /** Exact number of stages. */
  stages?: number;
  /** The part of each stage (undefined entries: any part of the pool). */
  parts?: readonly (string | undefined)[];
  /** A fixed tiling per stage (undefined entries: tuned). */
  tilings?: readonly (Tiling | undefined)[];
}

export interface TuneOutcome {
  design: FpgaPipelineDesign;
  metrics: FpgaPipelineMetrics;
  /** Stage options (range, part, tiling) the DP considered. */
  explored: number;
  /** True if a DP cell hit the label cap (the result may then not be optimal). */
  capped: boolean;
}

/** Which stage options a (range, part) keeps (see addOption). */
type Keep = 'fastest' | 'envelope' | 'pareto';

/** A stage choice for one (range, part): its tiling, latency (s), base power (W), traffic energy (J/batch). */
interface StageOption {
  tiling: Tiling;
  latency: number;
  basePower: number;
  trafficEnergy: number;
}

interface Label {
  /** Bottleneck so far (s). */
  bottleneck: number;
  /** Σ stage latency and link time so far (s). */
  latency: number;
  /** Σ base power (W). */
  basePower: number;
  /** Σ traffic energy per batch (J). */
  trafficEnergy: number;
  /** Σ energy per batch at the swept period U (sweep only). */
  cost: number;
  prev: Label | undefined;
  start: number;
  part: string;
  option: StageOption | undefined;
}

const NONE: readonly StageOption[] = [];

/** Labels kept per DP cell at most; far above what the default choice lists produce. */
const MAX_LABELS = 2000;

/** The best design for `layers` (undefined: nothing in the space meets the spec and fits). */
export function tuneFpgaPipeline(
  layers: readonly FpgaLayer[],
  spec: HardwareSpec,
  s: TuneSettings,
  restriction: TuneRestriction = {},
): TuneOutcome | undefined {
  const L = layers.length;
  const bounds = restriction.bounds;
  const exactStages = bounds?.length ?? restriction.stages;
  if (L === 0 || (exactStages !== undefined && exactStages > L)) return undefined;
  const K = Math.min(exactStages ?? s.maxStages, L);
  const partsFor = (k: number) => (restriction.parts?.[k] !== undefined ? [restriction.parts[k]!] : s.pool);
  const usedParts = [...new Set(Array.from({ length: K }, (_, k) => partsFor(k)).flat())];
  const powerAware = s.objective === 'energyEfficiency' || spec.maxPower !== undefined || spec.minEnergyEfficiency !== undefined;
  // Without a latency limit the sweep never needs an option that is slower, draws more base power
  // and costs more energy at its own latency than another (see addOption).
  const keep: Keep = !powerAware ? 'fastest' : spec.maxLatency === undefined ? 'envelope' : 'pareto';
  const table = new StageTable(layers, s.config, s.choices, usedParts, keep, bounds);
  const ctx: DpContext = {
    layers, spec, settings: s, layerCount: L, maxStages: K, bounds, exactStages, partsFor, table,
    fixed: restriction.tilings,
    link: layers.map((l, j) => (j < L - 1 ? linkSeconds(l.outWords, s.config) : 0)),
    explored: 0,
    capped: false,
  };
  return powerAware ? sweep(ctx) : fastest(ctx, spec, false);
}

interface DpContext {
  layers: readonly FpgaLayer[];
  spec: HardwareSpec;
  settings: TuneSettings;
  layerCount: number;
  maxStages: number;
  bounds: readonly number[] | undefined;
  exactStages: number | undefined;
  partsFor(k: number): readonly string[];
  fixed: readonly (Tiling | undefined)[] | undefined;
  table: StageTable;
  /** Seconds to send layer j's output to the next FPGA (0 for the last layer). */
  link: number[];
  explored: number;
  capped: boolean;
}

/**
 * Runs `visit(k, i, j, part, options, before, cell)` for every stage transition the restriction
 * allows: stage k-1 covers layers [i, j) after k-1 stages covered [0, i).
 */
function forEachTransition(ctx: DpContext, cells: Label[][][], visit: (k: number, i: number, j: number, part: string, options: readonly StageOption[], before: Label[], cell: Label[]) => void): void {
  const { layerCount: L, maxStages: K, bounds } = ctx;
  for (let k = 1; k <= K; k++) {
    for (let j = 1; j <= L; j++) {
      if (bounds && j !== (bounds[k] ?? L)) continue;
      for (let i = k - 1; i < j; i++) {
        if (bounds && i !== bounds[k - 1]) continue;
        const before = cells[k - 1][i];
        if (before.length === 0) continue;
        for (const part of ctx.partsFor(k - 1)) {
          const fixed = ctx.fixed?.[k - 1];
          const options = fixed ? ctx.table.fixedOption(i, j, part, fixed) : ctx.table.options(i, j, part);
          if (options.length > 0) visit(k, i, j, part, options, before, cells[k][j]);
        }
      }
    }
  }
}

function emptyCells(ctx: DpContext): Label[][][] {
  const cells: Label[][][] = Array.from({ length: ctx.maxStages + 1 }, () => Array.from({ length: ctx.layerCount + 1 }, () => []));
  cells[0][0].push({ bottleneck: 0, latency: 0, basePower: 0, trafficEnergy: 0, cost: 0, prev: undefined, start: 0, part: '', option: undefined });
  return cells;
}

function finalLabels(ctx: DpContext, cells: Label[][][]): Label[] {
  const out: Label[] = [];
  for (let k = ctx.exactStages ?? 1; k <= ctx.maxStages; k++) out.push(...cells[k][ctx.layerCount]);
  return out;
}

function toDesign(label: Label, L: number): FpgaPipelineDesign {
  const stages: StageDesign[] = [];
  for (let l: Label = label, end = L - 1; l.prev; end = l.start - 1, l = l.prev) {
    stages.unshift({ part: l.part, layers: [l.start, end], tiling: { ...l.option!.tiling } });
  }
  return { model: MODEL_NAME, stages };
}

/**
 * Throughput objective, limits on throughput and latency only: min-max DP over (stages, layers)
 * with labels (bottleneck, Σ latency), exact over the candidate tilings. `firstOnly`: use only each
 * range's fastest option (they are sorted by latency).
 */
function fastest(ctx: DpContext, spec: HardwareSpec, firstOnly: boolean): TuneOutcome | undefined {
  const c = ctx.settings.config;
  const maxBottleneck = spec.minThroughput !== undefined ? c.batch / spec.minThroughput : Infinity;
  const maxLatency = spec.maxLatency ?? Infinity;
  const watchLatency = spec.maxLatency !== undefined;
  const cells = emptyCells(ctx);
  forEachTransition(ctx, cells, (_k, i, j, part, options, before, cell) => {
    const linkTime = ctx.link[j - 1];
    for (let n = 0; n < (firstOnly ? 1 : options.length); n++) {
      const o = options[n];
      ctx.explored++;
      const stageBottleneck = Math.max(o.latency, linkTime);
      for (const p of before) {
        const bottleneck = Math.max(p.bottleneck, stageBottleneck);
        const latency = p.latency + o.latency + linkTime;
        if (bottleneck > maxBottleneck || latency > maxLatency) continue;
        const basePower = p.basePower + o.basePower;
        const trafficEnergy = p.trafficEnergy + o.trafficEnergy;
        if (!watchLatency) {
          // One label per cell: the lowest bottleneck, then the least energy per batch.
          const held = cell[0];
          if (held && (bottleneck > held.bottleneck || (bottleneck === held.bottleneck && basePower * bottleneck + trafficEnergy >= held.basePower * held.bottleneck + held.trafficEnergy))) continue;
          cell[0] = { bottleneck, latency, basePower, trafficEnergy, cost: 0, prev: p, start: i, part, option: o };
        } else if (!cell.some((h) => h.bottleneck <= bottleneck && h.latency <= latency)) {
          const label: Label = { bottleneck, latency, basePower, trafficEnergy, cost: 0, prev: p, start: i, part, option: o };
          ctx.capped = insertPareto(cell, label, (a, b) => a.bottleneck <= b.bottleneck && a.latency <= b.latency, (a, b) => preferred(a, b, 'throughput')) || ctx.capped;
        }
      }
    }
  });
  let best: Label | undefined;
  for (const label of finalLabels(ctx, cells)) if (!best || preferred(label, best, 'throughput')) best = label;
  if (!best) return undefined;
  const design = toDesign(best, ctx.layerCount);
  return { design, metrics: evaluatePipeline(ctx.layers, design, c), explored: ctx.explored, capped: ctx.capped };
}


/** Relative step of the bottleneck thresholds swept when power matters (the (1+ε) bound). */
export const SWEEP_STEP = 0.02;

/**
 * When power matters: for each bottleneck threshold U on a geometric grid (ratio 1+ε), a DP
 * finds the design with every stage at most U that needs the least energy per batch at period U
 * (Σ base power·U + traffic energy). Every distinct design found is evaluated exactly and checked
 * against the spec; the best by the objective wins. For the energy objective this is within
 * (1+ε) of the optimum over the candidate tilings (the optimum's bottleneck B* lies in some
 * [U/(1+ε), U], and the DP at that U finds energy at most (1+ε) times the optimum's); with a power
 * limit or the throughput objective it is a heuristic (measured in the tests).
 */
function sweep(ctx: DpContext): TuneOutcome | undefined {
  const { spec, settings: s } = ctx;
  const c = s.config;
  const fastestDesign = fastest(ctx, { minThroughput: spec.minThroughput, maxLatency: spec.maxLatency }, true);
  if (!fastestDesign) return undefined;
  const macs = ctx.layers.reduce((sum, l) => sum + l.macs, 0);
  const lo = Math.max(...fastestDesign.metrics.stages.map((st) => Math.max(st.latency, st.transfer)));
  const hi = Math.min(Math.max(ctx.table.slowest, ...ctx.link), spec.minThroughput !== undefined ? c.batch / spec.minThroughput : Infinity);
  const minStatic = Math.min(...ctx.partsFor(0).map((p) => c.parts[p].staticW));
  const maxLatency = spec.maxLatency ?? Infinity;
  const maxEnergy = spec.minEnergyEfficiency !== undefined ? (2 * macs * c.batch) / (1e9 * spec.minEnergyEfficiency) : Infinity;
  const maxPower = spec.maxPower ?? Infinity;
  const watchLatency = spec.maxLatency !== undefined;
  const maxBottleneck = spec.minThroughput !== undefined ? c.batch / spec.minThroughput : Infinity;
  let best: Label | undefined;
  let bestEnergy = Infinity;
  for (let U = lo; U <= hi * (1 + 1e-12); U = U < hi && U * (1 + SWEEP_STEP) > hi ? hi : U * (1 + SWEEP_STEP)) {
    // No design slower than this can need less energy than the best one found.
    if (s.objective === 'energyEfficiency' && minStatic > 0 && U * minStatic > bestEnergy * (1 + SWEEP_STEP)) break;
    const cells = emptyCells(ctx);
    forEachTransition(ctx, cells, (_k, i, j, part, options, before, cell) => {
      const linkTime = ctx.link[j - 1];
      if (linkTime > U) return;
      if (!watchLatency) {
        // One label per cell: only the option with the least energy at period U matters.
        let o: StageOption | undefined;
        for (const k of options) {
          if (k.latency > U) break; // sorted by latency
          ctx.explored++;
          if (!o || k.basePower * U + k.trafficEnergy < o.basePower * U + o.trafficEnergy) o = k;
        }
        const p = before[0];
        if (!o || p.basePower + o.basePower > maxPower || p.trafficEnergy + o.trafficEnergy > maxEnergy) return;
        const cost = p.cost + o.basePower * U + o.trafficEnergy;
        if (cell.length > 0 && cost >= cell[0].cost) return;
        const bottleneck = Math.max(p.bottleneck, o.latency, linkTime);
        cell[0] = { bottleneck, latency: p.latency + o.latency + linkTime, basePower: p.basePower + o.basePower, trafficEnergy: p.trafficEnergy + o.trafficEnergy, cost, prev: p, start: i, part, option: o };
        return;
      }
      for (const o of options) {
        if (o.latency > U) break;
        ctx.explored++;
        for (const p of before) {
          const latency = p.latency + o.latency + linkTime;
          const basePower = p.basePower + o.basePower;
          const trafficEnergy = p.trafficEnergy + o.trafficEnergy;
          const cost = p.cost + o.basePower * U + o.trafficEnergy;
          if (latency > maxLatency || basePower > maxPower || trafficEnergy > maxEnergy || cell.some((h) => h.cost <= cost && h.latency <= latency)) continue;
          const label: Label = { bottleneck: Math.max(p.bottleneck, o.latency, linkTime), latency, basePower, trafficEnergy, cost, prev: p, start: i, part, option: o };
          ctx.capped = insertPareto(cell, label, (a, b) => a.cost <= b.cost && a.latency <= b.latency, (a, b) => a.cost < b.cost) || ctx.capped;
        }
      }
    });
    // The labels carry what the spec and the objective read (bottleneck is the exact bottleneck).
    for (const label of finalLabels(ctx, cells)) {
      const energy = label.basePower * label.bottleneck + label.trafficEnergy;
      const power = label.basePower + label.trafficEnergy / label.bottleneck;
      if (label.bottleneck > maxBottleneck || power > maxPower || energy > maxEnergy || label.latency > maxLatency) continue;
      if (!best || preferred(label, best, s.objective)) best = label;
      bestEnergy = Math.min(bestEnergy, energy);
    }
  }
  if (!best) return undefined;
  const design = toDesign(best, ctx.layerCount);
  return { design, metrics: evaluatePipeline(ctx.layers, design, c), explored: ctx.explored, capped: ctx.capped };
}

/** By the objective: throughput (lower bottleneck) then energy per batch, or the reverse. */
function preferred(a: Label, b: Label, objective: TuneObjective): boolean {
  const ea = a.basePower * a.bottleneck + a.trafficEnergy;
  const eb = b.basePower * b.bottleneck + b.trafficEnergy;
  if (objective === 'throughput') return a.bottleneck < b.bottleneck || (a.bottleneck === b.bottleneck && ea < eb);
  return ea < eb || (ea === eb && a.bottleneck < b.bottleneck);
}

/** Adds a label unless one in the cell is no worse; drops those it makes redundant. True if capped. */
function insertPareto(cell: Label[], label: Label, noWorse: (a: Label, b: Label) => boolean, rank: (a: Label, b: Label) => boolean): boolean {
  for (const other of cell) if (noWorse(other, label)) return false;
  let w = 0;
  for (const other of cell) if (!noWorse(label, other)) cell[w++] = other;
  cell.length = w;
  cell.push(label);
  if (cell.length <= MAX_LABELS) return false;
  cell.sort((a, b) => (rank(a, b) ? -1 : rank(b, a) ? 1 : 0));
  cell.length = MAX_LABELS;
  return true;
}

/**
 * Stage options per (layer range, part): the fastest tiling, or (when power matters) every tiling
 * not dominated in (latency, base power, traffic energy), sorted by latency.
 */
class StageTable {
  private readonly L: number;
  private readonly table = new Map<string, StageOption[][]>();
  private readonly fixedCache = new Map<string, StageOption[]>();
  /** The largest latency of any kept option (an upper bound on any design's bottleneck). */
  slowest = 0;

  constructor(
    private readonly layers: readonly FpgaLayer[],
    private readonly c: PipelineConfig,
    choices: TilingChoices,
    parts: readonly string[],
    private readonly keep: Keep,
    bounds: readonly number[] | undefined,
  ) {
    this.L = layers.length;
    for (const name of parts) this.table.set(name, this.build(name, choices, bounds));
  }

  options(i: number, j: number, part: string): readonly StageOption[] {
    return this.table.get(part)?.[i * (this.L + 1) + j] ?? NONE;
  }

  /** The single option of a fixed tiling on a range (none if it does not fit). */
  fixedOption(i: number, j: number, part: string, tiling: Tiling): readonly StageOption[] {
    const key = `${i}:${j}:${part}`;
    let cached = this.fixedCache.get(key);
    if (!cached) {
      const m = evaluateStage(this.layers, { part, layers: [i, j - 1], tiling }, 0, this.c, true);
      cached = m.feasible ? [{ tiling, latency: m.latency, basePower: m.basePower, trafficEnergy: trafficEnergy(m.trafficBytes, this.c.power) }] : [];
      this.slowest = Math.max(this.slowest, m.latency);
      this.fixedCache.set(key, cached);
    }
    return cached;
  }

  private build(name: string, choices: TilingChoices, bounds: readonly number[] | undefined): StageOption[][] {
    const { layers, c, L } = this;
    const W = L + 1;
    const cells: StageOption[][] = new Array(W * W);
    const part = c.parts[name];
    if (!part || c.clockMHz > part.maxClockMHz) return cells;
    const { tilings, splits } = candidateTilings(part, c.bits, choices);
    const T = tilings.length;
    const G = T / splits;
    const ddr = ddrBytesPerCycle(part, c.clockMHz);
    // Per tiling, prefix sums of layer cycles: cyc[t*W + l] = cycles of layers < l. Traffic does
    // not depend on the ports, so it is summed per group: words[g*W + l].
    const cyc = scratch64('cyc', T * W);
    const words = scratch64('words', G * W);
    for (let g = 0; g < G; g++) {
      words[g * W] = 0;
      for (let s = 0; s < splits; s++) cyc[(g * splits + s) * W] = 0;
      for (let l = 0; l < L; l++) {
        words[g * W + l + 1] = words[g * W + l] + layerCyclesPerPorts(layers[l], tilings, g * splits, splits, c, ddr, cyc, g * splits * W + l + 1, W);
      }
    }
    // Drop tilings that another with no more resources beats or ties on every layer: a port split
    // of the same group (same DSPs and BRAM), or, when only speed counts, the same split with the
    // next smaller tile (less BRAM; compute-bound layers cost the same with any tile that divides
    // them). Per-layer cycles are still in `cyc` (not yet summed).
    const noSlower = (b: number, a: number): boolean => {
      for (let l = 1; l <= L; l++) if (cyc[b * W + l] > cyc[a * W + l]) return false;
      return true;
    };
    const kept: number[] = [];
    for (let a = 0; a < T; a++) {
      const g = Math.floor(a / splits);
      let dominated = false;
      for (let b = g * splits; b < (g + 1) * splits && !dominated; b++) {
        dominated = b !== a && noSlower(b, a) && (b < a || !noSlower(a, b));
      }
      const smaller = a - splits;
      if (!dominated && this.keep === 'fastest' && smaller >= 0) {
        const [x, y] = [tilings[smaller], tilings[a]];
        dominated = x.Tm === y.Tm && x.Tn === y.Tn && x.Tr <= y.Tr && x.Tc <= y.Tc && noSlower(smaller, a);
      }
      if (!dominated) kept.push(a);
    }
    for (const t of kept) for (let l = 1; l <= L; l++) cyc[t * W + l] += cyc[t * W + l - 1];
    // Per group and start i: the last end whose BRAM fits (BRAM only grows with the range), and
    // the base power of each range that fits. BRAM = Tn·a + Tm·Tn·b + 2·Tm·d, where a, b, d (blocks
    // per input, weight and output bank, bramBlocks) depend only on the tile shape and the range.
    const starts = bounds ?? Array.from({ length: L }, (_, i) => i);
    const lastEnd = scratch32('lastEnd', G * W);
    const psd = scratch64('psd', G * W * W);
    const depth = bramDepth(c.bits);
    const banks = new Map<string, Float64Array>();
    for (let g = 0; g < G; g++) {
      const { Tm, Tn, Tr, Tc } = tilings[g * splits];
      let perBank = banks.get(`${Tr}x${Tc}`);
      if (!perBank) {
        banks.set(`${Tr}x${Tc}`, (perBank = new Float64Array(3 * W * W)));
        for (const i of starts) {
          let inWords = 0;
          let wWords = 0;
          let outWords = 0;
          for (let j = i + 1; j <= L; j++) {
            const l = layers[j - 1];
            inWords = Math.max(inWords, inputTileWords(l, Tr, Tc));
            wWords = Math.max(wWords, l.Kh * l.Kw);
            outWords = Math.max(outWords, Math.min(Tr, l.R) * Math.min(Tc, l.C));
            const at = 3 * (i * W + j);
            perBank[at] = bramBlocksOf(0, 1, inWords, 0, 0, depth);
            perBank[at + 1] = bramBlocksOf(1, 1, 0, wWords, 0, depth);
            perBank[at + 2] = bramBlocksOf(1, 0, 0, 0, outWords, depth);
          }
        }
      }
      const dsp = dspPerLane(c.bits) * Tm * Tn;
      for (const i of starts) {
        let j = i;
        while (j < L) {
          const at = 3 * (i * W + j + 1);
          const bram = Tn * perBank[at] + Tm * Tn * perBank[at + 1] + Tm * perBank[at + 2];
          if (bram > part.bram18) break;
          j++;
          psd[g * W * W + i * W + j] = stageBasePower(part.staticW, dsp, bram, c.clockMHz, c.power);
        }
        lastEnd[g * W + i] = j;
      }
    }
    const hz = c.clockMHz * 1e6;
    const joulesPerWord = trafficEnergy(bytesPerWord(c.bits), c.power);
    const option = (t: number, i: number, j: number): StageOption => {
      const g = Math.floor(t / splits);
      return {
        tiling: tilings[t],
        latency: (cyc[t * W + j] - cyc[t * W + i]) / hz,
        basePower: psd[g * W * W + i * W + j],
        trafficEnergy: (words[g * W + j] - words[g * W + i]) * joulesPerWord,
      };
    };
    if (this.keep !== 'fastest') {
      const envelope = this.keep === 'envelope';
      for (const t of kept) {
        const g = Math.floor(t / splits);
        for (const i of starts) {
          for (let j = i + 1; j <= lastEnd[g * W + i]; j++) addOption((cells[i * W + j] ??= []), option(t, i, j), envelope);
        }
      }
    } else {
      // The fastest tiling per range (ties: less base power), in a tight loop over typed arrays.
      const bestCycles = scratch64('bestCycles', W * W).fill(Infinity);
      const bestT = scratch32('bestT', W * W).fill(-1);
      for (const t of kept) {
        const g = Math.floor(t / splits);
        for (const i of starts) {
          const from = cyc[t * W + i];
          const end = lastEnd[g * W + i];
          for (let j = i + 1; j <= end; j++) {
            const at = i * W + j;
            const cycles = cyc[t * W + j] - from;
            if (cycles < bestCycles[at] || (cycles === bestCycles[at] && psd[g * W * W + at] < psd[Math.floor(bestT[at] / splits) * W * W + at])) {
              bestCycles[at] = cycles;
              bestT[at] = t;
            }
          }
        }
      }
      for (let at = 0; at < W * W; at++) if (bestT[at] >= 0) cells[at] = [option(bestT[at], Math.floor(at / W), at % W)];
    }
    for (const cell of cells) {
      if (!cell) continue;
      cell.sort((a, b) => a.latency - b.latency);
      this.slowest = Math.max(this.slowest, cell[cell.length - 1].latency);
    }
    return cells;
  }
}

// Work arrays reused across tune calls (tune runs once per candidate: avoid refilling the heap).
const scratchF64 = new Map<string, Float64Array>();
const scratchI32 = new Map<string, Int32Array>();

function scratch64(name: string, size: number): Float64Array {
  let a = scratchF64.get(name);
  if (!a || a.length < size) scratchF64.set(name, (a = new Float64Array(size)));
  return a.subarray(0, size);
}

function scratch32(name: string, size: number): Int32Array {
  let a = scratchI32.get(name);
  if (!a || a.length < size) scratchI32.set(name, (a = new Int32Array(size)));
  return a.subarray(0, size);
}

/**
 * Adds a stage option unless one in the cell makes it redundant; drops those it makes redundant.
 * Pareto: no slower, no more base power, no more traffic energy. Envelope (no latency limit): no
 * slower, no more base power, and no more energy at the option's own latency, so no more energy
 * psd·U + e at any period U the option could serve (a transitive relation).
 */
function addOption(cell: StageOption[], o: StageOption, envelope: boolean): void {
  for (const k of cell) if (covers(k, o, envelope)) return;
  let w = 0;
  for (const k of cell) if (!covers(o, k, envelope)) cell[w++] = k;
  cell.length = w;
  cell.push(o);
}

function covers(a: StageOption, b: StageOption, envelope: boolean): boolean {
  return a.latency <= b.latency && a.basePower <= b.basePower && (envelope ? a.basePower * b.latency + a.trafficEnergy <= b.basePower * b.latency + b.trafficEnergy : a.trafficEnergy <= b.trafficEnergy);
}
