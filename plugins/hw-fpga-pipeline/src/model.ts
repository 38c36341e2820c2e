// The `hardware` role: a multi-FPGA pipeline whose design is sampled by the controller, tuned per
// network, or fixed by the user.
import {
  checkSpec,
  UserError,
  type Architecture,
  type Decision,
  type HardwareDesign,
  type HardwareModel,
  type HardwareSpec,
} from '@coex/core';
import { candidateTilings } from './candidates';
import { decodeDesign, hardwareDecisions } from './design-space';
import { fpgaLayersOf, type FpgaLayer } from './layers';
import { PREFIX, type FixedStage, type ModelSettings } from './options';
import { evaluatePipeline, MODEL_NAME, type FpgaPipelineDesign, type FpgaPipelineMetrics } from './pipeline';
import { tuneFpgaPipeline, type TuneOutcome, type TuneRestriction } from './tune';

/** Re-tune steps after a sampled design fails, widest last: tilings, then parts, then everything. */
const RETUNE_STEPS: { name: string; restrict(d: FpgaPipelineDesign): TuneRestriction }[] = [
  { name: 'tilings', restrict: (d) => ({ bounds: d.stages.map((s) => s.layers[0]), parts: d.stages.map((s) => s.part) }) },
  { name: 'parts', restrict: (d) => ({ bounds: d.stages.map((s) => s.layers[0]) }) },
  { name: 'full', restrict: () => ({}) },
];

export class FpgaPipelineModel implements HardwareModel {
  readonly name = MODEL_NAME;
  private decisions: Decision[] | undefined;
  private readonly tuned = new WeakMap<Architecture, Map<string, TuneOutcome | undefined>>();

  constructor(readonly settings: ModelSettings) {}

  designSpace(space: { maxLayers: number }): readonly Decision[] {
    if (this.settings.mode !== 'sample') return [];
    this.decisions = hardwareDecisions(space.maxLayers, this.settings);
    return this.decisions;
  }

  propose(architecture: Architecture, tokens: readonly number[], spec: HardwareSpec): FpgaPipelineDesign {
    const layers = fpgaLayersOf(architecture);
    if (this.settings.mode === 'fixed') return this.fixedDesign(layers, spec);
    if (this.settings.mode === 'tune' || tokens.length === 0) return this.bestEffort(architecture, layers, spec);
    const decisions = this.decisions ?? hardwareDecisions(layers.length - 1, this.settings);
    const design = decodeDesign(tokens, decisions, layers.length, this.settings.config.parts, this.settings.config.bits);
    if (this.meets(evaluatePipeline(layers, design, this.settings.config), spec)) return design;
    for (const step of RETUNE_STEPS.slice(0, this.settings.retuneSteps)) {
      const outcome = this.tuneWith(layers, spec, step.restrict(design));
      if (outcome) return { ...outcome.design, origin: `sampled, re-tuned (${step.name})` };
    }
    return design;
  }

  evaluate(architecture: Architecture, design: HardwareDesign): FpgaPipelineMetrics {
    const layers = fpgaLayersOf(architecture);
    if (design.model !== MODEL_NAME) {
      return { feasible: false, infeasible: [`a ${design.model} design, not a ${MODEL_NAME} one`], stages: [], macs: 0 };
    }
    return evaluatePipeline(layers, design as FpgaPipelineDesign, this.settings.config);
  }

  tune(architecture: Architecture, spec: HardwareSpec): TuneOutcome | undefined {
    const key = JSON.stringify(spec);
    let bySpec = this.tuned.get(architecture);
    if (!bySpec) this.tuned.set(architecture, (bySpec = new Map()));
    if (!bySpec.has(key)) bySpec.set(key, this.tuneWith(fpgaLayersOf(architecture), spec, {}));
    return bySpec.get(key);
  }

  private tuneWith(layers: readonly FpgaLayer[], spec: HardwareSpec, restriction: TuneRestriction): TuneOutcome | undefined {
    return tuneFpgaPipeline(layers, spec, this.settings, restriction);
  }

  private meets(metrics: FpgaPipelineMetrics, spec: HardwareSpec): boolean {
    return metrics.feasible && checkSpec(metrics, spec).length === 0;
  }

  /** Tune's best; if nothing meets the spec, the best that fits (the prune stage then reports the spec). */
  private bestEffort(architecture: Architecture, layers: readonly FpgaLayer[], spec: HardwareSpec): FpgaPipelineDesign {
    const met = this.tune(architecture, spec);
    if (met) return { ...met.design, origin: 'tuned' };
    const fits = this.tune(architecture, {});
    if (fits) return { ...fits.design, origin: 'tuned (spec not met)' };
    return this.unfit(layers, this.settings.pool[0]);
  }

  /** A one-stage design with the smallest tiling: nothing fits, evaluate() will say why. */
  private unfit(layers: readonly FpgaLayer[], part: string): FpgaPipelineDesign {
    const c = this.settings.config;
    const [tiling] = candidateTilings(c.parts[part], c.bits, this.settings.choices).tilings;
    return {
      model: MODEL_NAME,
      origin: 'nothing fits',
      stages: [{ part, layers: [0, layers.length - 1], tiling: tiling ?? { Tm: 1, Tn: 1, Tr: 1, Tc: 1, Ip: 1, Wp: 1, Op: 1 } }],
    };
  }

  private fixedDesign(layers: readonly FpgaLayer[], spec: HardwareSpec): FpgaPipelineDesign {
    const stages = this.settings.design!;
    const last = layers.length - 1;
    const withLayers = stages.map((s) => (s.layers && s.layers[1] === -1 ? { ...s, layers: [s.layers[0], last] as [number, number] } : s));
    checkFixedAgainst(withLayers, layers, this.settings.fixedTiling === 'strict');
    if (withLayers.every((s) => s.layers && s.tiling)) {
      return { model: MODEL_NAME, origin: 'fixed', stages: withLayers.map((s) => ({ part: s.part, layers: s.layers!, tiling: s.tiling! })) };
    }
    const restriction: TuneRestriction = {
      stages: withLayers.length,
      bounds: withLayers[0].layers ? withLayers.map((s) => s.layers![0]) : undefined,
      parts: withLayers.map((s) => s.part),
      tilings: withLayers.map((s) => s.tiling),
    };
    const outcome = this.tuneWith(layers, spec, restriction) ?? this.tuneWith(layers, {}, restriction);
    if (outcome) return { ...outcome.design, origin: 'fixed, tuned' };
    return this.unfit(layers, withLayers[0].part);
  }
}

/** Checks a fixed design against a network: coverage and tiles no larger than every layer. */
function checkFixedAgainst(stages: FixedStage[], layers: readonly FpgaLayer[], strictTiling: boolean): void {
  if (stages.length > layers.length) {
    throw new UserError(`${PREFIX}.design.stages: ${stages.length} stages for a network of ${layers.length} layers`);
  }
  const last = stages[stages.length - 1].layers;
  if (last && last[1] !== layers.length - 1) {
    throw new UserError(`${PREFIX}.design.stages[${stages.length - 1}].layers: the design ends at layer ${last[1]} but the network's last layer is ${layers.length - 1} (use -1 for "to the end")`);
  }
  stages.forEach((s, i) => {
    if (!s.tiling || !strictTiling) return;
    const own = s.layers ? layers.slice(s.layers[0], s.layers[1] + 1) : layers;
    const dims = [['Tm', 'M', 'output channels'], ['Tn', 'N', 'input channels'], ['Tr', 'R', 'output rows'], ['Tc', 'C', 'output columns']] as const;
    for (const [tile, dim, what] of dims) {
      const most = Math.max(...own.map((l) => l[dim]));
      if (s.tiling[tile] > most) {
        throw new UserError(`${PREFIX}.design.stages[${i}].tiling.${tile}: ${s.tiling[tile]} is larger than every layer of the stage (most ${what}: ${most})`);
      }
    }
  });
}
