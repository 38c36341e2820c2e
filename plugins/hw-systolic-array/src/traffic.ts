// SRAM and DRAM traffic of one layer, in words. SRAM counts follow SCALE-Sim v2's request counts
// (operands are read from SRAM in im2col form, once per fold that needs them); DRAM counts are our
// analytical model of a double-buffered scratchpad (SCALE-Sim measures them by simulating traces).
import type { ConvLayerShape } from '@coex/kit-chain-cnn';
import type { ArrayShape } from './configs';
import type { LayerCompute } from './cycles';

/** Half of each double-buffered SRAM serves the array while the other half is filled (SCALE-Sim's 0.5). */
export const ACTIVE_BUFFER_FRACTION = 0.5;

export interface BufferTraffic {
  /** Reads by the array (ofmap: partial sums read back for accumulation). */
  sramReads: number;
  /** Writes by the array (ofmap only). */
  sramWrites: number;
  dramReads: number;
  dramWrites: number;
}

export interface LayerTraffic {
  ifmap: BufferTraffic;
  filter: BufferTraffic;
  ofmap: BufferTraffic;
}

/**
 * DRAM words to bring in `unique` words that the array streams `passes` times, in `groups` equal
 * independent parts, through a scratchpad that can keep `capacity` words resident between passes:
 * the first pass fetches everything, later passes only what did not stay on chip.
 */
export function refetchWords(unique: number, groups: number, passes: number, capacity: number): number {
  return unique + groups * (passes - 1) * Math.max(0, unique / groups - capacity);
}

/** Words a buffer of `kb` KB keeps resident for reuse. */
export function residentWords(kb: number, wordBytes: number): number {
  return ACTIVE_BUFFER_FRACTION * Math.floor((kb * 1024) / wordBytes);
}

/**
 * Per-buffer traffic. SCALE-Sim's fold loop runs column folds outside row folds, so:
 * OS: the ifmap (Sr x T) is streamed once per column fold, each filter column block (T x C) once per
 *     row fold; every output is written once.
 * WS / IS: the stationary operand (Sr x Sc: filters for WS, ifmap windows for IS) is loaded once;
 *     the streamed one (T x Sr) once per column fold; each column block of outputs (T x C partial
 *     sums) is written once per row fold and read back for all but the first.
 * Unique words: ifmap H x W x C, filters K x K x C x M, ofmap H' x W' x M.
 */
export function layerTraffic(layer: ConvLayerShape, compute: LayerCompute, shape: ArrayShape, wordBytes: number): LayerTraffic {
  const { sr, sc, t, rowFolds, colFolds } = compute;
  const ifmapUnique = layer.ifmapHeight * layer.ifmapWidth * layer.channels;
  const filterUnique = layer.filterHeight * layer.filterWidth * layer.channels * layer.filters;
  const ofmapUnique = layer.ofmapHeight * layer.ofmapWidth * layer.filters;
  const ifmapCap = residentWords(shape.ifmapSramKB, wordBytes);
  const filterCap = residentWords(shape.filterSramKB, wordBytes);
  const ofmapCap = residentWords(shape.ofmapSramKB, wordBytes);

  if (shape.dataflow === 'os') {
    return {
      ifmap: { sramReads: colFolds * sr * t, sramWrites: 0, dramReads: refetchWords(ifmapUnique, 1, colFolds, ifmapCap), dramWrites: 0 },
      filter: { sramReads: rowFolds * sc * t, sramWrites: 0, dramReads: refetchWords(filterUnique, colFolds, rowFolds, filterCap), dramWrites: 0 },
      ofmap: { sramReads: 0, sramWrites: sr * sc, dramReads: 0, dramWrites: ofmapUnique },
    };
  }
  const stationaryReads = sr * sc;
  const streamedReads = colFolds * t * sr;
  // Partial sums of a column block that do not fit on chip go out and come back once per extra row fold.
  const spilled = colFolds * (rowFolds - 1) * Math.max(0, ofmapUnique / colFolds - ofmapCap);
  const ofmap: BufferTraffic = {
    sramReads: (rowFolds - 1) * t * sc,
    sramWrites: rowFolds * t * sc,
    dramReads: spilled,
    dramWrites: ofmapUnique + spilled,
  };
  if (shape.dataflow === 'ws') {
    return {
      ifmap: { sramReads: streamedReads, sramWrites: 0, dramReads: refetchWords(ifmapUnique, 1, colFolds, ifmapCap), dramWrites: 0 },
      filter: { sramReads: stationaryReads, sramWrites: 0, dramReads: filterUnique, dramWrites: 0 },
      ofmap,
    };
  }
  return {
    ifmap: { sramReads: stationaryReads, sramWrites: 0, dramReads: ifmapUnique, dramWrites: 0 },
    filter: { sramReads: streamedReads, sramWrites: 0, dramReads: refetchWords(filterUnique, 1, colFolds, filterCap), dramWrites: 0 },
    ofmap,
  };
}
