// A multi-FPGA pipeline: contiguous stages of layers, one FPGA part per stage, one tiling per
// stage (the accelerator on an FPGA is fixed, so all of a stage's layers share it).
//   stage latency = Σ layer cycles / clock;  link time = stage output bits / link bandwidth
//   throughput = batch / max(stage latencies, link times)   (images/s)
//   latency    = Σ stage latencies + Σ link times            (end to end, one batch)
//   GOPS = 2·MACs·throughput / 1e9;  energy efficiency = GOPS / Σ stage power
import type { HardwareDesign, HardwareMetrics } from '@coex/core';
import type { FpgaLayer } from './layers';
import type { FpgaPart } from './parts';
import { stageBasePower, trafficEnergy, type PowerCoefficients } from './power';
import {
  bufferNeeds,
  bytesPerWord,
  layerCycles,
  resourceViolations,
  stageResources,
  type Bound,
  type Tiling,
  type TilingParams,
} from './tiling';

export const MODEL_NAME = 'fpga-pipeline';

/** Everything the evaluation needs besides the network and the design. */
export interface PipelineConfig extends TilingParams {
  parts: Readonly<Record<string, FpgaPart>>;
  clockMHz: number;
  /** Inter-FPGA link bandwidth, Gb/s. */
  linkGbps: number;
  power: PowerCoefficients;
}

export interface StageDesign {
  part: string;
  /** First and last layer index of the stage (inclusive). */
  layers: [number, number];
  tiling: Tiling;
}

export interface FpgaPipelineDesign extends HardwareDesign {
  model: typeof MODEL_NAME;
  stages: StageDesign[];
  /** How propose() arrived at it: sampled, tuned, fixed, or a re-tune step after a bad sample. */
  origin?: string;
}

export interface LayerReport {
  name: string;
  cycles: number;
  tilingCycles: number;
  ddrCycles: number;
  bound: Bound;
}

export interface StageMetrics {
  index: number;
  part: string;
  layers: [number, number];
  tiling: Tiling;
  feasible: boolean;
  infeasible: string[];
  dsp: number;
  bram18: number;
  portBits: number;
  cycles: number;
  /** Seconds per batch. */
  latency: number;
  /** Seconds to send this stage's output to the next FPGA (0 for the last stage). */
  transfer: number;
  trafficBytes: number;
  /** Static plus compute dynamic power, W. */
  basePower: number;
  /** basePower plus off-chip traffic power at the pipeline's rate, W. */
  power: number;
  macs: number;
  layerCycles: LayerReport[];
}

export interface FpgaPipelineMetrics extends HardwareMetrics {
  stages: StageMetrics[];
  /** What sets the throughput: "stage 2" or "link 1->2". */
  bottleneck?: string;
  macs: number;
}

/** DDR bytes the board delivers per accelerator cycle. */
export const ddrBytesPerCycle = (part: FpgaPart, clockMHz: number): number => (part.ddrGBps * 1e9) / (clockMHz * 1e6);

/** Seconds to send `words` over the inter-FPGA link. */
export const linkSeconds = (words: number, c: PipelineConfig): number => (words * c.batch * c.bits) / (c.linkGbps * 1e9);

/** Structural problems of a design for a network of `count` layers (empty: well formed). */
export function designProblems(design: FpgaPipelineDesign, count: number, parts: Readonly<Record<string, FpgaPart>>): string[] {
  const problems: string[] = [];
  if (!Array.isArray(design.stages) || design.stages.length === 0) return ['the design has no stages'];
  let next = 0;
  design.stages.forEach((s, i) => {
    if (!parts[s.part]) problems.push(`stage ${i}: unknown FPGA part "${s.part}"`);
    const [first, last] = s.layers ?? [];
    if (first !== next || !(last >= first)) problems.push(`stage ${i}: layers [${s.layers}] should start at ${next} and not end before it`);
    next = (last ?? next) + 1;
    const t = s.tiling ?? ({} as Tiling);
    for (const key of ['Tm', 'Tn', 'Tr', 'Tc', 'Ip', 'Wp', 'Op'] as const) {
      if (!Number.isInteger(t[key]) || t[key] <= 0) problems.push(`stage ${i}: tiling ${key} must be a positive integer, got ${t[key]}`);
    }
  });
  if (next !== count) problems.push(`the stages cover layers 0..${next - 1} but the network has ${count} layers (0..${count - 1})`);
  return problems;
}

export function evaluateStage(layers: readonly FpgaLayer[], s: StageDesign, index: number, c: PipelineConfig, last: boolean): StageMetrics {
  const part = c.parts[s.part];
  const own = layers.slice(s.layers[0], s.layers[1] + 1);
  const ddr = ddrBytesPerCycle(part, c.clockMHz);
  let cycles = 0;
  let traffic = 0;
  let macs = 0;
  const reports: LayerReport[] = [];
  for (const l of own) {
    const cost = layerCycles(l, s.tiling, c, ddr);
    cycles += cost.cycles;
    traffic += cost.trafficWords;
    macs += l.macs;
    reports.push({ name: l.name, cycles: cost.cycles, tilingCycles: cost.tilingCycles, ddrCycles: cost.ddrCycles, bound: cost.bound });
  }
  const res = stageResources(s.tiling, bufferNeeds(own, s.tiling), c.bits);
  const problems = resourceViolations(res, part, c.clockMHz).map((p) => `stage ${index} (${s.part}): ${p}`);
  const basePower = stageBasePower(part.staticW, res.dsp, res.bram18, c.clockMHz, c.power);
  return {
    index,
    part: s.part,
    layers: [s.layers[0], s.layers[1]],
    tiling: { ...s.tiling },
    feasible: problems.length === 0,
    infeasible: problems,
    ...res,
    cycles,
    latency: cycles / (c.clockMHz * 1e6),
    transfer: last ? 0 : linkSeconds(own[own.length - 1].outWords, c),
    trafficBytes: traffic * bytesPerWord(c.bits),
    basePower,
    power: basePower,
    macs,
    layerCycles: reports,
  };
}

export function evaluatePipeline(layers: readonly FpgaLayer[], design: FpgaPipelineDesign, c: PipelineConfig): FpgaPipelineMetrics {
  const macs = layers.reduce((sum, l) => sum + l.macs, 0);
  const problems = designProblems(design, layers.length, c.parts);
  if (problems.length > 0) return { feasible: false, infeasible: problems, stages: [], macs };
  const stages = design.stages.map((s, i) => evaluateStage(layers, s, i, c, i === design.stages.length - 1));
  let bottleneck = 0;
  let where = '';
  let latency = 0;
  stages.forEach((s, i) => {
    latency += s.latency + s.transfer;
    if (s.latency > bottleneck) [bottleneck, where] = [s.latency, `stage ${i}`];
    if (s.transfer > bottleneck) [bottleneck, where] = [s.transfer, `link ${i}->${i + 1}`];
  });
  const batchesPerSecond = 1 / bottleneck;
  let power = 0;
  for (const s of stages) {
    s.power = s.basePower + trafficEnergy(s.trafficBytes, c.power) * batchesPerSecond;
    power += s.power;
  }
  const throughput = c.batch * batchesPerSecond;
  const gops = (2 * macs * throughput) / 1e9;
  const infeasible = stages.flatMap((s) => s.infeasible);
  return {
    feasible: infeasible.length === 0,
    ...(infeasible.length > 0 ? { infeasible } : {}),
    throughput,
    latency,
    power,
    energyEfficiency: gops / power,
    gops,
    cycles: Math.max(...stages.map((s) => s.cycles)),
    bottleneck: where,
    macs,
    stages,
  };
}
