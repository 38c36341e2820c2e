// The plugin host apart from the search loop: roles outside a run, one container per host, core's
// defaults from the root container, and where errors are said to come from.
import { expect } from 'chai';
import { resolveConfig } from '../src/config';
import { DEFAULT_ROLES, rootContainer } from '../src/di';
import { PluginError, UserError, codeOf } from '../src/errors';
import { PluginHost, loadRole } from '../src/plugin-host';
import { definePlugin } from '../src/plugin';
import { z } from 'zod';

const config = resolveConfig({ plugins: ['controller-random'] }).config;
const inline = (plugin: ReturnType<ReturnType<typeof definePlugin>>) => ({ plugin, resolved: { name: plugin.name, version: plugin.version, module: 'inline', options: plugin.options } });

let made = 0;
const counter = definePlugin({
  name: 'coex-plugin-counter', version: '1.0.0', role: 'reward', options: z.object({ base: z.number().default(0) }),
  apply(ctx, options) {
    ctx.provide('reward', () => ({ id: ++made, compute: () => options.base }) as never);
  },
});

describe('plugin host', () => {
  it('loadRole gives one role of a configuration outside any run, made once per host', async () => {
    const host = new PluginHost({ dir: '/nonexistent', config, plugins: [inline(counter({ base: 4 }))] });
    await host.applyPlugins();
    const first = await host.role('reward');
    expect(await host.role('reward')).to.equal(first);
    expect(first.compute({} as never, {})).to.equal(4);
    const other = await loadRole('reward', { dir: '/nonexistent', config, plugins: [inline(counter())] });
    expect(other).to.not.equal(first);
    expect(host.roleProviders()).to.include({ reward: 'coex-plugin-counter', store: 'coex (default)' });
  });

  it('each host has its own child of rootContainer, which holds core\'s default role factories', async () => {
    const a = new PluginHost({ dir: '/x', config, plugins: [] });
    const b = new PluginHost({ dir: '/x', config, plugins: [] });
    expect(a.container).to.not.equal(b.container);
    expect(Object.keys(rootContainer.get(DEFAULT_ROLES)).sort()).to.deep.equal(['executor', 'reward', 'scheduler', 'store']);
    await a.applyPlugins();
    await b.applyPlugins();
    const [storeA, storeB] = [await a.role('store'), await b.role('store')];
    expect(storeA.location).to.equal(':memory:');
    expect(storeA).to.not.equal(storeB);
  });

  it('a role no plugin fills is a coded user error, not a plugin error', async () => {
    const error = await loadRole('space', { dir: '/x', config, plugins: [] }).catch((e) => e);
    expect(error).to.be.instanceOf(UserError);
    expect(codeOf(error)).to.equal('COEX_NO_SPACE');
    const { plugins } = resolveConfig({ plugins: ['controller-random'] });
    const preflight = await new PluginHost({ dir: '/x', config, plugins }).preflight().catch((e) => e);
    expect(codeOf(preflight)).to.equal('COEX_NO_SPACE');
  });

  it('plugin errors say whether a hook or a role method threw, and keep the thrown code', async () => {
    const failing = definePlugin({ name: 'coex-plugin-failing', version: '1.0.0', role: 'reward', apply(ctx) {
      ctx.provide('reward', () => {
        throw Object.assign(new Error('no table'), { code: 'ENOENT' });
      });
    } });
    const error = await loadRole('reward', { dir: '/x', config, plugins: [inline(failing())] }).catch((e) => e);
    expect(error).to.be.instanceOf(PluginError);
    expect(error).to.include({ plugin: 'coex-plugin-failing', hook: 'reward.create', kind: 'role', code: 'COEX_PLUGIN_ERROR', pluginCode: 'ENOENT' });
    expect(error.message).to.equal('plugin coex-plugin-failing, role method reward.create: no table');
    const applying = definePlugin({ name: 'coex-plugin-applying', version: '1.0.0', apply() { throw new Error('bad apply'); } });
    const applied = await new PluginHost({ dir: '/x', config, plugins: [inline(applying())] }).applyPlugins().catch((e) => e);
    expect(applied).to.include({ hook: 'apply', kind: 'hook' });
    expect(applied.message).to.equal('plugin coex-plugin-applying, hook apply: bad apply');
  });

  it('definePlugin(...).parse validates options as the plugin does, with defaults filled', () => {
    expect(counter.parse({})).to.deep.equal({ base: 0 });
    expect(counter.parse({ base: 2 })).to.deep.equal({ base: 2 });
    expect(() => counter.parse({ bse: 1 })).to.throw(UserError, /plugin coex-plugin-counter: unknown option reward\.bse \(did you mean reward\.base\?\)/);
    expect(() => counter.parse({ base: 'x' }, { prefix: 'arm.reward' })).to.throw(UserError, /option arm\.reward\.base: /);
  });
});
