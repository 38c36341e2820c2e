// The systolic-array presets: co-exploration of the network and the array under one area cap, and
// its two baselines (one fixed array; accuracy-only search with the best array found afterwards).
import { expect } from 'chai';
import * as path from 'node:path';
import { resolveConfig } from '@coex/core/host';
import { coex, tempDir } from './helpers/cli';

const hardwareOf = (preset: string) => resolveConfig({ preset }).config.plugins.find((p) => p.role === 'hardware')!;

describe('systolic-array presets', function () {
  this.timeout(300_000);

  it('search the array, fix it, or ignore it, under the same area cap and memory interface', () => {
    const co = hardwareOf('co-exploration-systolic');
    expect(co.name).to.equal('@coex/plugin-hw-systolic-array');
    expect(co.options).to.include({ mode: 'sample', maxPEs: 1024, maxSramKB: 192, bandwidth: 8 });
    expect(resolveConfig({ preset: 'co-exploration-systolic' }).config.spec).to.deep.equal({ minThroughput: 1500 });

    const fixed = hardwareOf('hw-aware-nas-systolic');
    expect(fixed.options).to.include({ mode: 'fixed', config: 'scalesim-32x32-os', maxPEs: 1024, maxSramKB: 192, bandwidth: 8 });

    const accOnly = resolveConfig({ preset: 'accuracy-only-nas-systolic' }).config;
    expect(hardwareOf('accuracy-only-nas-systolic').options).to.include({ mode: 'tune', maxPEs: 1024, maxSramKB: 192 });
    expect(accOnly.spec).to.deep.equal({});
    expect(accOnly.plugins.find((p) => p.name === '@coex/plugin-spec-report')!.options).to.include({ minThroughput: 1500 });

    // The systolic counterpart of co-exploration-guided: the array tuned per network, same cap.
    const guided = resolveConfig({ preset: 'co-exploration-systolic-guided' }).config;
    expect(hardwareOf('co-exploration-systolic-guided').options).to.include({ mode: 'tune', maxPEs: 1024, maxSramKB: 192, bandwidth: 8 });
    expect(guided.spec).to.deep.equal({ minThroughput: 1500 });
    expect(guided.plugins.map((p) => p.name)).to.include.members(['@coex/plugin-scheduler-asha', '@coex/plugin-predictor-ensemble']);

    for (const p of ['co-exploration-systolic', 'co-exploration-systolic-guided', 'hw-aware-nas-systolic', 'accuracy-only-nas-systolic']) {
      const quick = resolveConfig({ preset: `${p}-quick` }).config.plugins.find((x) => x.role === 'dataset')!;
      expect(quick.name, p).to.equal('@coex/plugin-dataset-mnist');
      expect(hardwareOf(`${p}-quick`).options, p).to.deep.equal(hardwareOf(p).options);
    }
  });

  it('co-exploration-systolic-quick runs, and its best trial names the array it was co-explored with', () => {
    const out = path.join(tempDir('coex-systolic-'), 'run');
    const run = coex(['run', '--preset', 'co-exploration-systolic-quick', '--budget', '12', '--set', 'budget.trained=2',
      '--set', 'dataset.subset=128', '--set', 'dataset.validationSize=128', '--set', 'executor.workers=1', '--out', out, '--json']);
    expect(run.status, run.stderr).to.equal(0);
    const shown = JSON.parse(coex(['show', out, '--json']).stdout);
    expect(shown.counts.trained).to.be.at.least(1);
    const design = shown.best.candidate.design;
    expect(design.model).to.equal('systolic-array');
    expect(design.rows * design.cols).to.be.at.most(1024);
    expect(['os', 'ws', 'is']).to.include(design.dataflow);
    expect(design.ifmapSramKB + design.filterSramKB + design.ofmapSramKB).to.be.at.most(192);
    expect(shown.best.metrics.throughput).to.be.at.least(1500);
  });
});
