// Every shipped `<preset>-quick` resolves to exactly the configuration recorded in
// fixtures/quick-presets.json (plugins in order, with their validated options, and core's
// settings), and its listing keeps its description: the quick overlays of a family compose
// along `extends` (docs/presets.md), and a change to how they compose must not change a variant.
// After a deliberate change to an overlay, write the file again with COEX_WRITE_QUICK=1.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverPackages, quickPresetOf, resolveConfig } from '@coex/core/host';
import { ROOT } from './helpers/cli';

const SNAPSHOT = path.join(ROOT, 'test', 'fixtures', 'quick-presets.json');

function quickVariants(): Record<string, unknown> {
  const presets = discoverPackages(ROOT).filter((p) => p.kind === 'preset' && p.name.startsWith('@coex/preset-')).map((p) => p.shortName).sort();
  const variants: Record<string, unknown> = {};
  for (const preset of presets) {
    const quick = quickPresetOf(`${preset}-quick`, ROOT);
    if (!quick) continue;
    const { config } = resolveConfig({ preset: `${preset}-quick`, cwd: ROOT });
    const { plugins, coexVersion: _version, ...settings } = config;
    variants[`${preset}-quick`] = {
      description: quick.description,
      plugins: plugins.map((p) => ({ name: p.name, ...(p.role ? { role: p.role } : {}), options: p.options })),
      ...settings,
    };
  }
  return variants;
}

describe('quick variants of the shipped presets', () => {
  it('each resolves to the recorded plugins, options and settings', () => {
    const variants = JSON.parse(JSON.stringify(quickVariants()));
    if (process.env.COEX_WRITE_QUICK) fs.writeFileSync(SNAPSHOT, JSON.stringify(variants, null, 2) + '\n');
    const recorded = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8'));
    expect(Object.keys(variants)).to.deep.equal(Object.keys(recorded));
    for (const name of Object.keys(recorded)) expect(variants[name], name).to.deep.equal(recorded[name]);
  });
});
