// One FPGA's tiled convolution accelerator (Zhang et al., FPGA 2015), as in PAPER.md:
//   tI = Tn·Tr'·Tc'/Ip (Tr' = (Tr-1)·S+Kh, Tc' likewise), tW = Tm·Tn·Kh·Kw/Wp, tC = Kh·Kw·Tr·Tc,
//   tO = Tm·Tr·Tc/Op; L1 = max(tI, tW, tC); L2 = max(⌈N/Tn⌉·L1, tO);
//   cycles = B·⌈R/Tr⌉·⌈C/Tc⌉·⌈M/Tm⌉·L2
// Transfers are whole cycles (⌈·⌉). A tile dimension larger than the layer is clamped to it
// (Zhang's loops run to min(row+Tr, R)), and an off-chip roofline caps the layer at the board's
// DDR bandwidth: cycles = max(tiling cycles, traffic bytes / DDR bytes per cycle).
import type { FpgaLayer } from './layers';
import type { FpgaPart } from './parts';

/** Loop tiles (Tm output channels, Tn input channels, Tr x Tc output pixels) and port widths in words/cycle. */
export interface Tiling {
  Tm: number;
  Tn: number;
  Tr: number;
  Tc: number;
  Ip: number;
  Wp: number;
  Op: number;
}

export type Bits = 16 | 32;

/**
 * How tiles at the right/bottom edge of a feature map are costed: `full` (PAPER.md and the
 * authors' code: every tile costs a full Tr x Tc tile) or `partial` (Zhang's loop bounds: an edge
 * tile costs only the rows and columns it has).
 */
export type EdgeTiles = 'full' | 'partial';

export interface TilingParams {
  bits: Bits;
  batch: number;
  edgeTiles: EdgeTiles;
}

export type Bound = 'compute' | 'input' | 'weight' | 'output' | 'ddr';

export interface LayerCost {
  /** Cycles of the layer for one batch: max(tilingCycles, ddrCycles). */
  cycles: number;
  /** Cycles of the tiling model alone. */
  tilingCycles: number;
  /** Cycles the board's DDR needs to move the layer's off-chip traffic. */
  ddrCycles: number;
  /** Off-chip words moved for one batch (inputs and weights per tile, outputs once per tile). */
  trafficWords: number;
  /** What limits the layer. */
  bound: Bound;
}

export const bytesPerWord = (bits: Bits): number => bits / 8;
/** DSP slices per multiply-accumulate lane: one for 16-bit fixed point, five for 32-bit float (Zhang et al.). */
export const dspPerLane = (bits: Bits): number => (bits === 16 ? 1 : 5);
/** Words per BRAM18 in the widest mode that holds a word: 1K x 18 for 16-bit, 512 x 36 for 32-bit. */
export const bramDepth = (bits: Bits): number => (bits === 16 ? 1024 : 512);

/** One tile shape: its loads (words), compute cycles tC, how many tiles of a batch have it, and what bounds it. */
interface TileShape {
  inWords: number;
  weightWords: number;
  outWords: number;
  computeCycles: number;
  /** Tiles of this shape in the layer, for the whole batch. */
  count: number;
  bound: Bound;
}

/**
 * A layer cut into tiles by one Tm, Tn, Tr, Tc: the part of the cost model that does not depend on
 * the ports, computed once for every port split of a tiling (the tuner's inner loop).
 */
interface TiledLayer {
  /** One shape (full tiles), or up to four (full/edge rows x full/edge columns); the first is the main tile. */
  shapes: TileShape[];
  /** ⌈N/Tn⌉: loads per output tile. */
  nN: number;
  /** Off-chip words moved for one batch (inputs and weights per load, outputs once per tile). */
  trafficWords: number;
}

/** Loads of one tile of tr x tc output pixels (tm, tn already clamped), and tC. */
function tileShape(l: FpgaLayer, tm: number, tn: number, tr: number, tc: number, count: number): TileShape {
  const k = l.Kh * l.Kw;
  return {
    inWords: tn * ((tr - 1) * l.S + l.Kh) * ((tc - 1) * l.S + l.Kw),
    weightWords: tm * tn * k,
    outWords: tm * tr * tc,
    computeCycles: k * tr * tc,
    count,
    bound: 'compute',
  };
}

/** The tile shapes of a layer under a tiling (its ports aside), with their counts and traffic. */
function tileLayer(l: FpgaLayer, t: Pick<Tiling, 'Tm' | 'Tn' | 'Tr' | 'Tc'>, p: TilingParams): TiledLayer {
  const tm = Math.min(t.Tm, l.M);
  const tn = Math.min(t.Tn, l.N);
  const nM = Math.ceil(l.M / t.Tm);
  const nN = Math.ceil(l.N / t.Tn);
  const shapes: TileShape[] = [];
  if (p.edgeTiles === 'full' || (l.R <= t.Tr && l.C <= t.Tc)) {
    const tiles = Math.ceil(l.R / t.Tr) * Math.ceil(l.C / t.Tc) * nM;
    shapes.push(tileShape(l, tm, tn, Math.min(t.Tr, l.R), Math.min(t.Tc, l.C), tiles));
  } else {
    const rows = edgeSplit(l.R, t.Tr);
    const cols = edgeSplit(l.C, t.Tc);
    for (let i = 0; i < 4; i += 2) {
      if (rows[i + 1] === 0) continue;
      for (let j = 0; j < 4; j += 2) {
        if (cols[j + 1] === 0) continue;
        shapes.push(tileShape(l, tm, tn, rows[i], cols[j], rows[i + 1] * cols[j + 1] * nM));
      }
    }
  }
  let traffic = 0;
  for (const s of shapes) traffic += s.count * (nN * (s.inWords + s.weightWords) + s.outWords);
  return { shapes, nN, trafficWords: traffic * p.batch };
}

/** L2 of a tile with these ports; records what bounds it in `t.bound`. */
function tileL2(t: TileShape, Ip: number, Wp: number, Op: number, nN: number): number {
  const tI = Math.ceil(t.inWords / Ip);
  const tW = Math.ceil(t.weightWords / Wp);
  const tO = Math.ceil(t.outWords / Op);
  const L1 = Math.max(tI, tW, t.computeCycles);
  if (tO > nN * L1) {
    t.bound = 'output';
    return tO;
  }
  t.bound = L1 === t.computeCycles ? 'compute' : L1 === tI ? 'input' : 'weight';
  return nN * L1;
}

/** Tiling cycles of a tiled layer for one batch with these ports (bounds recorded in its shapes). */
function tilingCyclesOf(tiled: TiledLayer, ports: Pick<Tiling, 'Ip' | 'Wp' | 'Op'>, p: TilingParams): number {
  let cycles = 0;
  for (const s of tiled.shapes) cycles += s.count * tileL2(s, ports.Ip, ports.Wp, ports.Op, tiled.nN);
  return cycles * p.batch;
}

const ddrCyclesOf = (trafficWords: number, p: TilingParams, ddrBytesPerCycle: number): number =>
  Number.isFinite(ddrBytesPerCycle) ? Math.ceil((trafficWords * bytesPerWord(p.bits)) / ddrBytesPerCycle) : 0;

/**
 * Cycles of one layer on one accelerator, with what makes them up and what bounds them: the one
 * entry point of the cycle model (layerCyclesPerPorts is its batched form over port splits).
 * `ddrBytesPerCycle` is the board's DDR bandwidth divided by the clock (Infinity: no off-chip limit).
 */
export function layerCycles(l: FpgaLayer, t: Tiling, p: TilingParams, ddrBytesPerCycle = Infinity): LayerCost {
  const tiled = tileLayer(l, t, p);
  const tilingCycles = tilingCyclesOf(tiled, t, p);
  const { trafficWords } = tiled;
  const ddrCycles = ddrCyclesOf(trafficWords, p, ddrBytesPerCycle);
  return ddrCycles > tilingCycles
    ? { cycles: ddrCycles, tilingCycles, ddrCycles, trafficWords, bound: 'ddr' }
    : { cycles: tilingCycles, tilingCycles, ddrCycles, trafficWords, bound: tiled.shapes[0].bound };
}

/**
 * layerCycles(...).cycles of one layer under `count` tilings that share Tm, Tn, Tr, Tc and differ
 * only in their ports (tilings[first], ...), written to out[at + k·stride]; returns their common
 * traffic words. The tiles are cut once for all of them.
 */
export function layerCyclesPerPorts(
  l: FpgaLayer, tilings: readonly Tiling[], first: number, count: number, p: TilingParams, ddrBytesPerCycle: number,
  out: Float64Array, at: number, stride: number,
): number {
  const tiled = tileLayer(l, tilings[first], p);
  const ddrCycles = ddrCyclesOf(tiled.trafficWords, p, ddrBytesPerCycle);
  for (let k = 0; k < count; k++) out[at + k * stride] = Math.max(tilingCyclesOf(tiled, tilings[first + k], p), ddrCycles);
  return tiled.trafficWords;
}

/** [full size, full count, edge size, edge count] of a dimension of `size` cut into tiles of `tile`. */
function edgeSplit(size: number, tile: number): [number, number, number, number] {
  if (tile >= size) return [size, 1, 0, 0];
  const full = Math.floor(size / tile);
  const edge = size - full * tile;
  return [tile, full, edge, edge > 0 ? 1 : 0];
}

/** The buffer sizes (words per bank) an accelerator needs to run a set of layers. */
export interface BufferNeeds {
  /** Largest input tile per input channel: Tr'·Tc'. */
  inWords: number;
  /** Largest kernel: Kh·Kw. */
  wWords: number;
  /** Largest output tile per output channel: Tr·Tc. */
  outWords: number;
}

export function bufferNeeds(layers: readonly FpgaLayer[], t: Pick<Tiling, 'Tr' | 'Tc'>): BufferNeeds {
  const needs = { inWords: 0, wWords: 0, outWords: 0 };
  for (const l of layers) growNeeds(needs, l, t.Tr, t.Tc);
  return needs;
}

/** Adds one layer's needs (used incrementally by the tuner as a stage grows). */
export function growNeeds(needs: BufferNeeds, l: FpgaLayer, Tr: number, Tc: number): void {
  needs.inWords = Math.max(needs.inWords, inputTileWords(l, Tr, Tc));
  needs.wWords = Math.max(needs.wWords, l.Kh * l.Kw);
  needs.outWords = Math.max(needs.outWords, Math.min(Tr, l.R) * Math.min(Tc, l.C));
}

/** Tr'·Tc' of a layer: the input tile (with its halo) behind a Tr x Tc output tile, clamped to the layer. */
export function inputTileWords(l: FpgaLayer, Tr: number, Tc: number): number {
  return ((Math.min(Tr, l.R) - 1) * l.S + l.Kh) * ((Math.min(Tc, l.C) - 1) * l.S + l.Kw);
}

/**
 * BRAM18 blocks of the double-buffered tiles, bank-partitioned as in Zhang et al. (Tn input
 * banks, Tm·Tn weight banks, Tm output banks, each read every cycle). Input and weight banks hold
 * both halves of their ping-pong buffer in one dual-port block (one port loads the next tile, the
 * other feeds the compute), so a bank needs ⌈2·words/depth⌉ blocks; output banks need both ports
 * for accumulation, so their two halves are separate: 2·⌈words/depth⌉.
 */
export function bramBlocks(Tm: number, Tn: number, needs: BufferNeeds, bits: Bits): number {
  return bramBlocksOf(Tm, Tn, needs.inWords, needs.wWords, needs.outWords, bramDepth(bits));
}

/** bramBlocks on plain numbers (the tuner's inner loop). */
export function bramBlocksOf(Tm: number, Tn: number, inWords: number, wWords: number, outWords: number, depth: number): number {
  return Tn * Math.ceil((2 * inWords) / depth) + Tm * Tn * Math.ceil((2 * wWords) / depth) + 2 * Tm * Math.ceil(outWords / depth);
}

export interface StageResources {
  dsp: number;
  bram18: number;
  portBits: number;
}

export function stageResources(t: Tiling, needs: BufferNeeds, bits: Bits): StageResources {
  return {
    dsp: dspPerLane(bits) * t.Tm * t.Tn,
    bram18: bramBlocks(t.Tm, t.Tn, needs, bits),
    portBits: bits * (t.Ip + t.Wp + t.Op),
  };
}

/** Why a stage's accelerator does not fit its part (empty: it fits). */
export function resourceViolations(r: StageResources, part: FpgaPart, clockMHz: number): string[] {
  const out: string[] = [];
  if (r.dsp > part.dsp) out.push(`DSP ${r.dsp} > ${part.dsp}`);
  if (r.bram18 > part.bram18) out.push(`BRAM18 ${r.bram18} > ${part.bram18}`);
  if (r.portBits > part.portBits) out.push(`port ${r.portBits} bits > ${part.portBits}`);
  if (clockMHz > part.maxClockMHz) out.push(`clock ${clockMHz} MHz > ${part.maxClockMHz} MHz`);
  return out;
}

/** Ratios Ip:Wp:Op of the named port splits a design can choose. */
export const PORT_SPLITS: Readonly<Record<string, readonly [number, number, number]>> = Object.freeze({
  balanced: [1, 1, 1],
  input: [2, 1, 1],
  weight: [1, 2, 1],
  output: [1, 1, 2],
});

/**
 * Splits a part's port (portBits / bits words per cycle) by a ratio: ⌊P·w/Σw⌋ each (at least
 * one word), the leftover to the largest share (the first on ties). Undefined if P < 3.
 */
export function splitPorts(part: FpgaPart, bits: Bits, ratio: readonly [number, number, number]): Pick<Tiling, 'Ip' | 'Wp' | 'Op'> | undefined {
  const words = Math.floor(part.portBits / bits);
  if (words < 3) return undefined;
  const sum = ratio[0] + ratio[1] + ratio[2];
  const share = ratio.map((w) => Math.max(1, Math.floor((words * w) / sum)));
  const largest = share.indexOf(Math.max(...share));
  share[largest] += words - share[0] - share[1] - share[2];
  if (share[largest] < 1) return undefined;
  return { Ip: share[0], Wp: share[1], Op: share[2] };
}
