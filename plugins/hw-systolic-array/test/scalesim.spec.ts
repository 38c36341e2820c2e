// Agreement with SCALE-Sim v2 on its AlexNet topology (reference totals measured with SCALE-Sim v2,
// InterfaceBandwidth CALC, 1-byte words; see /work/shared/data/scalesim/README.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { readScaleSimTopology } from '@coex/kit-chain-cnn';
import { TOPOLOGY_DIR, createSystolicArrayModel } from '../src';

const FIXTURE = path.join(TOPOLOGY_DIR, 'alexnet.csv');
const alexnet = readScaleSimTopology(fs.readFileSync(FIXTURE, 'utf8'), FIXTURE);

const REFERENCES = [
  { config: 'scalesim-32x32-os', scaleSim: 850_960 },
  { config: 'tpu-256x256-ws', scaleSim: 73_747 },
];

describe('systolic array vs SCALE-Sim v2 (AlexNet)', () => {
  for (const { config, scaleSim } of REFERENCES) {
    it(`${config}: total cycles within 5 % of SCALE-Sim's ${scaleSim}, exact with SCALE-Sim's output rounding`, () => {
      const floor = createSystolicArrayModel({ config });
      const exact = createSystolicArrayModel({ config, ofmapRounding: 'scalesim' });
      const ours = floor.evaluate(alexnet, floor.propose(alexnet, [], {}));
      const ourExact = exact.evaluate(alexnet, exact.propose(alexnet, [], {}));
      const pct = (x: number) => (((x - scaleSim) / scaleSim) * 100).toFixed(3);
      console.log(
        `      ${config}: SCALE-Sim ${scaleSim}, ours ${ours.cycles} (${pct(ours.cycles)} %), ` +
          `ours with ofmapRounding=scalesim ${ourExact.cycles} (${pct(ourExact.cycles)} %)`,
      );
      expect(Math.abs(ours.cycles - scaleSim) / scaleSim).to.be.below(0.05);
      expect(ourExact.cycles).to.equal(scaleSim);
      expect(ours.stallCycles).to.equal(0);
    });
  }

  it('counts conv1 with SCALE-Sim\'s 55x55 output only when asked to', () => {
    const exact = createSystolicArrayModel({ ofmapRounding: 'scalesim' });
    const floor = createSystolicArrayModel({});
    const design = floor.propose(alexnet, [], {});
    // (224 - 11) / 4 = 53.25: floor + 1 = 54, SCALE-Sim's ceil((224 - 11 + 4) / 4) = 55.
    // OS folds: ceil(55*55/32) x ceil(96/32) = 95 x 3 = 285, each 32 + 32 + 363 - 2 = 425 cycles.
    expect(exact.evaluate(alexnet, design).layers[0].computeCycles).to.equal(285 * 425 - 1);
    expect(floor.evaluate(alexnet, design).layers[0].computeCycles).to.equal(Math.ceil((54 * 54) / 32) * 3 * 425 - 1);
  });
});
