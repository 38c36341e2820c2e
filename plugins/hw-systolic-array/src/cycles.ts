// Compute cycles of one layer on an R x C systolic array, counted the way SCALE-Sim v2 counts them
// (scalesim/compute/systolic_compute_{os,ws,is}.py): the layer is a matrix product mapped as
// Sr x Sc spatial work over T time steps, cut into ceil(Sr/R) x ceil(Sc/C) folds that run one
// after another, each fold lasting its demand-matrix length:
//   OS: R + C + T - 2   (operands skewed in from two edges, outputs drained behind them)
//   WS, IS: 2R + C + T - 2   (R extra cycles to load the stationary operand first)
// SCALE-Sim reports the index of the last cycle (its counter starts at 0), one less than the number
// of cycles, so a layer reports folds * foldCycles - 1; we do the same so totals agree to the cycle.
import type { ConvLayerShape } from '@coex/kit-chain-cnn';
import type { Dataflow } from './configs';

/** The matrix-product view of a layer: spatial rows, spatial columns, time steps (SCALE-Sim's Sr, Sc, T). */
export interface LayerMapping {
  sr: number;
  sc: number;
  t: number;
}

/** Output pixels x filters x window size, assigned to (Sr, Sc, T) per dataflow as SCALE-Sim does. */
export function layerMapping(layer: ConvLayerShape, dataflow: Dataflow): LayerMapping {
  const pixels = layer.ofmapHeight * layer.ofmapWidth;
  const window = layer.filterHeight * layer.filterWidth * layer.channels;
  switch (dataflow) {
    case 'os':
      return { sr: pixels, sc: layer.filters, t: window };
    case 'ws':
      return { sr: window, sc: layer.filters, t: pixels };
    case 'is':
      return { sr: window, sc: pixels, t: layer.filters };
  }
}

export interface LayerCompute extends LayerMapping {
  rowFolds: number;
  colFolds: number;
  folds: number;
  foldCycles: number;
  /** Cycles with no memory stalls (SCALE-Sim's total cycles under unlimited bandwidth). */
  computeCycles: number;
  /** Fraction of the array's PEs holding work, averaged over folds. */
  mappingEfficiency: number;
}

/** Compute cycles, folds and mapping efficiency of one layer on a rows x cols array. */
export function layerCycles(layer: ConvLayerShape, rows: number, cols: number, dataflow: Dataflow): LayerCompute {
  // Fields are listed, not spread: adding properties after a spread is ~40x slower on Node 20's V8.
  const { sr, sc, t } = layerMapping(layer, dataflow);
  const rowFolds = Math.ceil(sr / rows);
  const colFolds = Math.ceil(sc / cols);
  const folds = rowFolds * colFolds;
  const foldCycles = (dataflow === 'os' ? rows : 2 * rows) + cols + t - 2;
  return {
    sr,
    sc,
    t,
    rowFolds,
    colFolds,
    folds,
    foldCycles,
    computeCycles: folds * foldCycles - 1,
    // Every row of the array is busy except in the last row fold (likewise columns).
    mappingEfficiency: (sr * sc) / (rowFolds * rows * colFolds * cols),
  };
}
