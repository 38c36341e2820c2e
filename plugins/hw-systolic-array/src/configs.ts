// The named array configurations (`hardware.config`) and the vocabulary they use. One editable
// table: each entry says where its numbers come from.

export const DATAFLOWS = ['os', 'ws', 'is'] as const;
/** Output stationary, weight stationary, input stationary (SCALE-Sim's names). */
export type Dataflow = (typeof DATAFLOWS)[number];

/** The part of a design the controller samples and the tuner searches. */
export interface ArrayShape {
  rows: number;
  cols: number;
  dataflow: Dataflow;
  ifmapSramKB: number;
  filterSramKB: number;
  ofmapSramKB: number;
}

export interface NamedConfig extends ArrayShape {
  clockMHz: number;
  source: string;
}

export const DEFAULT_CONFIG = 'scalesim-32x32-os';

export const SYSTOLIC_CONFIGS: Readonly<Record<string, Readonly<NamedConfig>>> = Object.freeze({
  'scalesim-32x32-os': {
    rows: 32, cols: 32, dataflow: 'os', ifmapSramKB: 64, filterSramKB: 64, ofmapSramKB: 64, clockMHz: 200,
    source: 'SCALE-Sim v2 configs/scale.cfg (SCALE-Sim has no clock; 200 MHz is our choice)',
  },
  'tpu-256x256-ws': {
    rows: 256, cols: 256, dataflow: 'ws', ifmapSramKB: 6144, filterSramKB: 6144, ofmapSramKB: 2048, clockMHz: 700,
    source: 'SCALE-Sim v2 configs/google.cfg (TPU-v1-like); 700 MHz from Jouppi et al., ISCA 2017',
  },
  'eyeriss-12x14-ws': {
    rows: 12, cols: 14, dataflow: 'ws', ifmapSramKB: 36, filterSramKB: 36, ofmapSramKB: 36, clockMHz: 200,
    source: "Eyeriss (Chen et al., JSSC 2017): 12x14 PEs, 108 KB global buffer split evenly as in SCALE-Sim v2 configs/eyeriss.cfg, 200 MHz",
  },
});
