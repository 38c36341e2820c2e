// @coex/plugin-hw-systolic-array: a systolic-array hardware model whose cycle counts agree with
// SCALE-Sim v2, with SRAM/DRAM traffic, bandwidth stalls, per-access energy and a design tuner.
import { systolicArrayPlugin } from './plugin';

export default systolicArrayPlugin;
export { PLUGIN_NAME, systolicArrayPlugin, createSystolicArrayModel } from './plugin';
export { SystolicArrayModel, MODEL_NAME, TOPOLOGY_DIR, namedTopologies, toDesign, designShape, type SystolicDesign } from './model';
export { DATAFLOWS, DEFAULT_CONFIG, SYSTOLIC_CONFIGS, type ArrayShape, type Dataflow, type NamedConfig } from './configs';
export { layerCycles, layerMapping, type LayerCompute, type LayerMapping } from './cycles';
export { layerTraffic, refetchWords, residentWords, ACTIVE_BUFFER_FRACTION, type LayerTraffic, type BufferTraffic } from './traffic';
export { layerEnergy, sramAccessPJ, DEFAULT_ENERGY, REGISTER_ACCESSES_PER_MAC, type EnergyCosts, type EnergyBreakdown } from './energy';
export {
  evaluateLayers,
  prepareLayers,
  computeAll,
  capViolations,
  type LayerReport,
  type ModelParams,
  type OfmapRounding,
  type SystolicMetrics,
} from './evaluate';
export { hardwareDecisions, decodeShape, tuneLayers, betterDesign, OBJECTIVES, type DesignChoices, type Objective, type TuneOutcome } from './space';
export { optionsSchema, resolveSettings, MODES, OFMAP_ROUNDINGS, type ModelSettings, type SystolicOptions, type Mode } from './options';
