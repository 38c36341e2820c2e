// Test oracle: every design of the tuner's space (contiguous splits into at most maxStages stages,
// any part of the pool per stage, any candidate tiling per stage), evaluated one by one.
import { checkSpec, type HardwareSpec } from '@coex/core';
import {
  candidateTilings,
  evaluatePipeline,
  MODEL_NAME,
  type FpgaLayer,
  type FpgaPipelineDesign,
  type FpgaPipelineMetrics,
  type StageDesign,
  type TuneSettings,
} from '../src';

export interface Exhaustive {
  best?: { design: FpgaPipelineDesign; metrics: FpgaPipelineMetrics };
  designs: number;
}

export function exhaustiveSearch(layers: readonly FpgaLayer[], spec: HardwareSpec, s: TuneSettings): Exhaustive {
  const c = s.config;
  const perStage = s.pool.flatMap((part) => candidateTilings(c.parts[part], c.bits, s.choices).tilings.map((tiling) => ({ part, tiling })));
  let best: Exhaustive['best'];
  let designs = 0;
  const better = (a: FpgaPipelineMetrics, b: FpgaPipelineMetrics) => {
    const [x, y] = s.objective === 'throughput' ? (['throughput', 'energyEfficiency'] as const) : (['energyEfficiency', 'throughput'] as const);
    return a[x]! > b[x]! || (a[x] === b[x] && a[y]! > b[y]!);
  };
  const visit = (stages: StageDesign[], next: number) => {
    if (next === layers.length) {
      designs++;
      const design: FpgaPipelineDesign = { model: MODEL_NAME, stages };
      const metrics = evaluatePipeline(layers, design, c);
      if (!metrics.feasible || checkSpec(metrics, spec).length > 0) return;
      if (!best || better(metrics, best.metrics)) best = { design, metrics };
      return;
    }
    if (stages.length === s.maxStages) return;
    for (let last = next; last < layers.length; last++) {
      for (const { part, tiling } of perStage) visit([...stages, { part, layers: [next, last], tiling }], last + 1);
    }
  };
  visit([], 0);
  return { best, designs };
}
