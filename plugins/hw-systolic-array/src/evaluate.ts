// Whole-network evaluation: layers run one after another on the array (batch 1), each taking its
// compute cycles plus the stall cycles its DRAM traffic adds when the interface is too slow.
import { UserError, type Architecture, type HardwareMetrics } from '@coex/core';
import { convLayersOf, layerMacs, type ConvLayerShape } from '@coex/kit-chain-cnn';
import type { ArrayShape, Dataflow } from './configs';
import { layerCycles, type LayerCompute } from './cycles';
import { layerEnergy, type EnergyBreakdown, type EnergyCosts } from './energy';
import { layerTraffic } from './traffic';

/** The model's fixed parameters (everything that is not sampled or tuned). */
export interface ModelParams {
  wordBytes: number;
  /** DRAM interface words per cycle; Infinity = never stalls (SCALE-Sim's CALC mode). */
  bandwidth: number;
  clockMHz: number;
  energy: EnergyCosts;
  staticPowerW: number;
  maxPEs?: number;
  maxSramKB?: number;
}

export type OfmapRounding = 'floor' | 'scalesim';

export interface LayerReport {
  name: string;
  kind: 'conv' | 'dense';
  macs: number;
  folds: number;
  computeCycles: number;
  stallCycles: number;
  cycles: number;
  /** MACs / (PEs x cycles). */
  utilisation: number;
  mappingEfficiency: number;
  /** Words; SRAM counts include the DRAM side of each buffer (fills are writes, drains are reads). */
  sramReads: number;
  sramWrites: number;
  dramReads: number;
  dramWrites: number;
  /** Joules per image. */
  energy: number;
}

export interface SystolicMetrics extends HardwareMetrics {
  feasible: boolean;
  cycles: number;
  computeCycles: number;
  stallCycles: number;
  throughput: number;
  latency: number;
  power: number;
  energyEfficiency: number;
  gops: number;
  macs: number;
  /** Joules per image, and its split by component. */
  energy: number;
  energyBreakdown: EnergyBreakdown;
  utilisation: number;
  pes: number;
  sramKB: number;
  layers: LayerReport[];
}

/**
 * The conv-shaped layers of a network. With `scalesim` rounding, unpadded layers get SCALE-Sim's
 * output size ceil((I - K + S) / S) instead of floor((I - K) / S) + 1 (they differ when the stride
 * does not divide I - K, e.g. AlexNet conv1: 55 vs 54), so totals match SCALE-Sim to the cycle.
 */
export function prepareLayers(arch: Architecture, rounding: OfmapRounding = 'floor'): ConvLayerShape[] {
  const layers = convLayersOf(arch);
  if (layers.length === 0) throw new UserError('systolic-array: the network has no layers to cost');
  if (rounding === 'floor') return layers;
  return layers.map((l) =>
    l.padding === 'valid'
      ? { ...l, ofmapHeight: Math.ceil((l.ifmapHeight - l.filterHeight + l.stride) / l.stride),
          ofmapWidth: Math.ceil((l.ifmapWidth - l.filterWidth + l.stride) / l.stride) }
      : l,
  );
}

export function computeAll(layers: readonly ConvLayerShape[], rows: number, cols: number, dataflow: Dataflow): LayerCompute[] {
  return layers.map((l) => layerCycles(l, rows, cols, dataflow));
}

/** Why a design breaks the model's caps (empty: it fits). */
export function capViolations(shape: ArrayShape, params: ModelParams): string[] {
  const out: string[] = [];
  const pes = shape.rows * shape.cols;
  const sram = shape.ifmapSramKB + shape.filterSramKB + shape.ofmapSramKB;
  if (params.maxPEs !== undefined && pes > params.maxPEs) out.push(`${shape.rows}x${shape.cols} = ${pes} PEs exceeds maxPEs ${params.maxPEs}`);
  if (params.maxSramKB !== undefined && sram > params.maxSramKB) out.push(`${sram} KB of SRAM exceeds maxSramKB ${params.maxSramKB}`);
  return out;
}

/**
 * Metrics of a design for a network. `computes` may be passed in when several designs share an
 * array shape; `withLayers: false` leaves `layers` empty (the tuner's inner loop).
 */
export function evaluateLayers(
  layers: readonly ConvLayerShape[],
  shape: ArrayShape,
  params: ModelParams,
  computes: readonly LayerCompute[] = computeAll(layers, shape.rows, shape.cols, shape.dataflow),
  withLayers = true,
): SystolicMetrics {
  const pes = shape.rows * shape.cols;
  const kb = { ifmap: shape.ifmapSramKB, filter: shape.filterSramKB, ofmap: shape.ofmapSramKB };
  const total: EnergyBreakdown = { mac: 0, register: 0, sram: 0, dram: 0 };
  let cycles = 0;
  let computeCycles = 0;
  let macs = 0;
  const reports: LayerReport[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const c = computes[i];
    const traffic = layerTraffic(layer, c, shape, params.wordBytes);
    const dramReads = traffic.ifmap.dramReads + traffic.filter.dramReads + traffic.ofmap.dramReads;
    const dramWrites = traffic.ofmap.dramWrites;
    // Double buffering overlaps DRAM transfers with compute; the layer stalls only for the excess.
    const dramCycles = Number.isFinite(params.bandwidth) ? Math.ceil((dramReads + dramWrites) / params.bandwidth) : 0;
    const stallCycles = Math.max(0, dramCycles - c.computeCycles);
    const layerCyclesTotal = c.computeCycles + stallCycles;
    const layerMacCount = layerMacs(layer);
    const e = layerEnergy(layerMacCount, traffic, kb, params.energy);
    total.mac += e.mac;
    total.register += e.register;
    total.sram += e.sram;
    total.dram += e.dram;
    cycles += layerCyclesTotal;
    computeCycles += c.computeCycles;
    macs += layerMacCount;
    if (!withLayers) continue;
    reports.push({
      name: layer.name,
      kind: layer.kind,
      macs: layerMacCount,
      folds: c.folds,
      computeCycles: c.computeCycles,
      stallCycles,
      cycles: layerCyclesTotal,
      utilisation: layerMacCount / (pes * layerCyclesTotal),
      mappingEfficiency: c.mappingEfficiency,
      sramReads: traffic.ifmap.sramReads + traffic.filter.sramReads + traffic.ofmap.sramReads + dramWrites,
      sramWrites: traffic.ofmap.sramWrites + dramReads,
      dramReads,
      dramWrites,
      energy: e.mac + e.register + e.sram + e.dram,
    });
  }
  const latency = cycles / (params.clockMHz * 1e6);
  const throughput = 1 / latency;
  const energy = total.mac + total.register + total.sram + total.dram;
  const power = energy * throughput + params.staticPowerW;
  const gops = (2 * macs * throughput) / 1e9;
  const infeasible = capViolations(shape, params);
  const metrics: SystolicMetrics = {
    feasible: infeasible.length === 0,
    cycles,
    computeCycles,
    stallCycles: cycles - computeCycles,
    throughput,
    latency,
    power,
    energyEfficiency: gops / power,
    gops,
    macs,
    energy,
    energyBreakdown: total,
    utilisation: macs / (pes * cycles),
    pes,
    sramKB: kb.ifmap + kb.filter + kb.ofmap,
    layers: reports,
  };
  if (infeasible.length > 0) metrics.infeasible = infeasible;
  return metrics;
}
