// Name resolution of plugins and presets (short names, scopes, community prefixes, local paths,
// did-you-mean), on a project folder with its own node_modules.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeOf } from '../src/errors';
import { candidateNames, discoverPackages, resolveModule, shortNameOf } from '../src/resolve';

describe('resolution of plugin and preset names', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-resolve-'));
  const pkg = (name: string, extra: Record<string, unknown> = {}) => {
    const dir = path.join(project, 'node_modules', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '2.0.0', main: 'index.js', ...extra }));
    fs.writeFileSync(path.join(dir, 'index.js'), 'module.exports = {};\n');
  };
  before(() => {
    pkg('coex-plugin-toy');
    pkg('@acme/coex-plugin-gadget');
    pkg('coex-preset-weekend');
    pkg('tabulate', { keywords: ['coex-plugin'], description: 'found by its keyword' });
    fs.writeFileSync(path.join(project, 'local-plugin.js'), 'module.exports = {};\n');
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it('expands a short name to the first-party scope, each role prefix, then the community prefix', () => {
    const names = candidateNames('random', 'plugin');
    expect(names[0]).to.equal('@coex/plugin-random');
    expect(names).to.include.members(['@coex/plugin-controller-random', '@coex/plugin-hw-random', 'coex-plugin-random']);
    expect(names.at(-1)).to.equal('random');
    expect(candidateNames('co-exploration', 'preset')).to.deep.equal(['@coex/preset-co-exploration', 'coex-preset-co-exploration', 'co-exploration']);
    expect(candidateNames('@acme/gadget', 'plugin')).to.deep.equal(['@acme/coex-plugin-gadget', '@acme/gadget']);
    expect(candidateNames('@coex/plugin-store-sqlite', 'plugin')).to.deep.equal(['@coex/plugin-store-sqlite']);
    expect(candidateNames('./x.js', 'plugin')).to.deep.equal(['./x.js']);
    expect(shortNameOf('@coex/plugin-controller-rl')).to.equal('controller-rl');
    expect(shortNameOf('@acme/coex-plugin-gadget')).to.equal('@acme/gadget');
  });

  it('finds community packages in the project, first-party ones beside core, and local files', () => {
    expect(resolveModule('toy', 'plugin', project)).to.include({ id: 'coex-plugin-toy' });
    expect(resolveModule('@acme/gadget', 'plugin', project).packageJson?.name).to.equal('@acme/coex-plugin-gadget');
    expect(resolveModule('weekend', 'preset', project).id).to.equal('coex-preset-weekend');
    expect(resolveModule('controller-random', 'plugin', project).id).to.equal('@coex/plugin-controller-random');
    expect(resolveModule('random', 'plugin', project).id).to.equal('@coex/plugin-controller-random');
    expect(resolveModule('./local-plugin.js', 'plugin', project).file).to.equal(path.join(project, 'local-plugin.js'));
  });

  it('a name that does not resolve lists what is installed, suggests the closest, or says it names the other kind', () => {
    const failure = (name: string, kind: 'plugin' | 'preset') => {
      try {
        resolveModule(name, kind, project);
      } catch (error) {
        expect(codeOf(error)).to.equal('COEX_NOT_FOUND');
        return (error as Error).message;
      }
      throw new Error(`${name} resolved`);
    };
    expect(failure('controler-random', 'plugin')).to.match(/unknown plugin "controler-random" \(looked for @coex\/plugin-controler-random, .*\)\. Did you mean "controller-random"\?/);
    expect(failure('weekend', 'plugin')).to.match(/"weekend" is a preset, not a plugin\./);
    expect(failure('toy', 'preset')).to.match(/"toy" is a plugin, not a preset\./);
    expect(failure('./missing.js', 'plugin')).to.match(/plugin file .*missing\.js does not exist \(given as "\.\/missing\.js", relative to /);
  });

  it('discovers packages by naming convention and by the coex-plugin keyword', () => {
    const found = discoverPackages(project);
    const byName = new Map(found.map((p) => [p.name, p]));
    expect(byName.get('coex-plugin-toy')).to.include({ kind: 'plugin', shortName: 'toy', version: '2.0.0' });
    expect(byName.get('tabulate')).to.include({ kind: 'plugin', description: 'found by its keyword' });
    expect(byName.get('coex-preset-weekend')).to.include({ kind: 'preset', shortName: 'weekend' });
    expect(byName.get('@coex/plugin-controller-random')?.kind).to.equal('plugin');
  });
});
