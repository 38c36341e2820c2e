// @coex/plugin-hw-fpga-pipeline: the paper's multi-FPGA pipeline hardware model. Layers are split
// into contiguous stages, one FPGA part per stage, each running a loop-tiled convolution
// accelerator (Zhang et al., FPGA 2015); a DP tuner picks the split, parts and tilings.
import { definePlugin } from '@coex/core';
import { FpgaPipelineModel } from './model';
import { optionsSchema, PREFIX, resolveSettings } from './options';

export const PLUGIN_NAME = '@coex/plugin-hw-fpga-pipeline';

const { version } = require('../package.json') as { version: string };

export const fpgaPipelinePlugin = definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'hardware',
  description: 'Multi-FPGA pipeline (Zhang et al. FPGA 2015 tiling per stage) with a DP tuner over splits, parts and tilings',
  options: optionsSchema,
  apply(ctx, options) {
    const settings = resolveSettings(options); // cross-field checks fail at apply time, not mid-run
    ctx.provide('hardware', () => new FpgaPipelineModel(settings));
  },
});

export default fpgaPipelinePlugin;

/** The model straight from raw options (validated like the plugin's), for the CLI and scripts. */
export function createFpgaPipelineModel(options: unknown = {}): FpgaPipelineModel {
  return new FpgaPipelineModel(resolveSettings(fpgaPipelinePlugin.parse(options, { prefix: PREFIX })));
}

export { FpgaPipelineModel } from './model';
export { FPGA_PARTS, DEFAULT_POOL, PART_FIELDS, type FpgaPart } from './parts';
export { fpgaLayersOf, toFpgaLayer, type FpgaLayer } from './layers';
export {
  layerCycles,
  bufferNeeds,
  bramBlocks,
  stageResources,
  resourceViolations,
  splitPorts,
  dspPerLane,
  bramDepth,
  PORT_SPLITS,
  type Tiling,
  type Bits,
  type EdgeTiles,
  type TilingParams,
  type LayerCost,
  type Bound,
  type BufferNeeds,
  type StageResources,
} from './tiling';
export { DEFAULT_POWER, stageBasePower, trafficEnergy, type PowerCoefficients } from './power';
export {
  evaluatePipeline,
  evaluateStage,
  designProblems,
  MODEL_NAME,
  type PipelineConfig,
  type StageDesign,
  type FpgaPipelineDesign,
  type FpgaPipelineMetrics,
  type StageMetrics,
  type LayerReport,
} from './pipeline';
export { candidateTilings, DEFAULT_CHOICES, type TilingChoices, type PartCandidates } from './candidates';
export { tuneFpgaPipeline, SWEEP_STEP, type TuneSettings, type TuneRestriction, type TuneOutcome, type TuneObjective } from './tune';
export { hardwareDecisions, decodeDesign, type SpaceSettings } from './design-space';
export { optionsSchema, resolveSettings, resolveParts, MODES, type Mode, type ModelSettings, type FixedStage, type FpgaPipelineOptions } from './options';
