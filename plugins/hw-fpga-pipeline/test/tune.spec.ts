import { expect } from 'chai';
import { checkSpec, Rng, type HardwareSpec } from '@coex/core';
import { chainCnn, RELEASED_NETS } from '@coex/kit-chain-cnn';
import { createFpgaPipelineModel, fpgaLayersOf, SWEEP_STEP, tuneFpgaPipeline } from '../src';
import { exhaustiveSearch } from './exhaustive';

// Small spaces so that exhaustive search stays quick: 2 parts x 8 tilings per stage.
const SMALL = { tmChoices: [4, 16], tnChoices: [2, 4], tileChoices: [8], portSplits: ['balanced', 'weight'], pool: ['XC7Z015', 'XC7A50T'] };

type Limit = keyof HardwareSpec;
const CASES: { name: string; objective: 'throughput' | 'energyEfficiency'; limits: Limit[]; exact: boolean }[] = [
  { name: 'throughput', objective: 'throughput', limits: [], exact: true },
  { name: 'throughput, max latency', objective: 'throughput', limits: ['maxLatency'], exact: true },
  { name: 'throughput, max power', objective: 'throughput', limits: ['maxPower'], exact: false },
  { name: 'throughput, min energy efficiency', objective: 'throughput', limits: ['minEnergyEfficiency'], exact: false },
  { name: 'energy efficiency', objective: 'energyEfficiency', limits: [], exact: false },
  { name: 'energy efficiency, min throughput', objective: 'energyEfficiency', limits: ['minThroughput'], exact: false },
  { name: 'energy efficiency, max latency', objective: 'energyEfficiency', limits: ['maxLatency'], exact: false },
  { name: 'energy efficiency, max power', objective: 'energyEfficiency', limits: ['maxPower'], exact: false },
];

/** Spec limits set relative to the unconstrained optimum so that they bind. */
function specFor(limits: Limit[], free: { throughput?: number; latency?: number; power?: number; energyEfficiency?: number }): HardwareSpec {
  const spec: HardwareSpec = {};
  if (limits.includes('maxLatency')) spec.maxLatency = free.latency! * 1.3;
  if (limits.includes('minThroughput')) spec.minThroughput = free.throughput! * 0.6;
  if (limits.includes('maxPower')) spec.maxPower = free.power! * 0.8;
  if (limits.includes('minEnergyEfficiency')) spec.minEnergyEfficiency = free.energyEfficiency! * 1.05;
  return spec;
}

describe('fpga-pipeline: tuner versus exhaustive search', function () {
  this.timeout(60_000);
  const rng = new Rng(20_200);
  const nets = [
    { maxStages: 3, layers: [[5, 36, 1], [3, 64, 2]] as [number, number, number][], tiles: [8] },
    { maxStages: 3, layers: [[7, 24, 2], [1, 48, 1]] as [number, number, number][], tiles: [8] },
    // a seeded random 3-conv net, at most 2 stages, three tile sizes (exercises tile dominance)
    { maxStages: 2, layers: Array.from({ length: 3 }, () => [[1, 3, 5, 7][rng.int(4)], [24, 36, 48, 64][rng.int(4)], 1 + rng.int(2)] as [number, number, number]), tiles: [4, 8, 16] },
  ];
  for (const [n, { maxStages, layers: spec, tiles }] of nets.entries()) {
    const net = chainCnn(spec, { height: 16, width: 16, channels: 3 }, 10);
    const layers = fpgaLayersOf(net);
    for (const c of CASES) {
      it(`net ${n} (${JSON.stringify(spec)}), ${c.name}: ${c.exact ? 'equal to' : `within ${SWEEP_STEP * 100}% of`} the exhaustive best`, () => {
        const model = createFpgaPipelineModel({ ...SMALL, tileChoices: tiles, maxStages, objective: c.objective });
        const free = exhaustiveSearch(layers, {}, model.settings).best!.metrics;
        const limits = specFor(c.limits, free);
        const truth = exhaustiveSearch(layers, limits, model.settings);
        const tuned = tuneFpgaPipeline(layers, limits, model.settings);
        if (!truth.best) {
          expect(tuned, 'nothing meets the spec, so tune finds nothing').to.equal(undefined);
          return;
        }
        expect(tuned, 'tune finds a design when one exists').to.not.equal(undefined);
        expect(tuned!.metrics.feasible).to.equal(true);
        expect(checkSpec(tuned!.metrics, limits)).to.deep.equal([]);
        expect(tuned!.design.stages.length).to.be.at.most(maxStages);
        const key = c.objective;
        const ratio = tuned!.metrics[key]! / truth.best.metrics[key]!;
        expect(ratio).to.be.at.most(1 + 1e-9); // the oracle is the best there is
        expect(ratio).to.be.at.least(c.exact ? 1 - 1e-9 : 1 / (1 + SWEEP_STEP));
      });
    }
  }

  it('returns undefined when nothing meets the spec, and respects the pool and stage limit', () => {
    const net = chainCnn(RELEASED_NETS[1].layers, { height: 32, width: 32, channels: 3 }, 10);
    const model = createFpgaPipelineModel({ maxStages: 2, pool: ['XC7A50T'] });
    expect(model.tune(net, { minThroughput: 1e9 })).to.equal(undefined);
    const tuned = model.tune(net, {})!;
    expect(tuned.design.stages.length).to.be.at.most(2);
    expect(tuned.design.stages.every((s) => s.part === 'XC7A50T')).to.equal(true);
  });

  it('more stages never lower the tuned throughput, and a throughput spec is met', () => {
    const net = chainCnn(RELEASED_NETS[2].layers, { height: 32, width: 32, channels: 3 }, 10);
    const thr = [1, 2, 4].map((maxStages) => createFpgaPipelineModel({ maxStages }).tune(net, {})!.metrics.throughput!);
    expect(thr[1]).to.be.at.least(thr[0]);
    expect(thr[2]).to.be.at.least(thr[1]);
    const spec = { minThroughput: thr[1] * 1.01 };
    const met = createFpgaPipelineModel({ maxStages: 4 }).tune(net, spec)!;
    expect(met.metrics.throughput).to.be.at.least(spec.minThroughput);
  });
});
