// Without space.cellsCsv the space searches the cells of the trainer's table (trainer-tabular), so a
// search over one table is never restricted to another table's cells nor sent to cells it lacks.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, type PluginEntry } from '@coex/core';
import { loadRole, resolveConfig } from '@coex/core/host';
import { decodeCell } from '../src';

const CELLS = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
  '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
];

async function spaceWith(plugins: PluginEntry[]) {
  const { config, plugins: loaded } = resolveConfig({ plugins });
  return loadRole('space', { dir: '/nonexistent', config, plugins: loaded });
}

describe('space-nasbench201: cells of the trainer\'s table', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-nb201-trainer-cells-'));
  const csv = path.join(dir, 'three.csv');
  fs.writeFileSync(csv, `arch_str,cifar10_val_12ep,cifar10_test_12ep\n${CELLS.map((c, i) => `${c},${80 + i},${81 + i}`).join('\n')}\n`);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const proposals = () => {
    const rng = new Rng(3);
    return Array.from({ length: 50 }, () => Array.from({ length: 6 }, () => rng.int(5)));
  };

  it('decodes every proposal to a cell of trainer.csv when space.cellsCsv is not set', async () => {
    const space = await spaceWith(['space-nasbench201', ['trainer-tabular', { csv }]]);
    const decoded = new Set(proposals().map((tokens) => space.decode(tokens).cell as string));
    expect([...decoded].every((cell) => CELLS.includes(cell)), [...decoded].join('\n')).to.equal(true);
    expect(decoded.size).to.be.at.least(2);
  });

  it('searches all 15,625 cells when no trainer is a table', async () => {
    const space = await spaceWith(['space-nasbench201']);
    const tokens = proposals();
    expect(tokens.map((t) => space.decode(t).cell)).to.deep.equal(tokens.map((t) => decodeCell(t)));
  });
});
