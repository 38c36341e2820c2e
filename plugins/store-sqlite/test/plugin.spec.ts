import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { UserError, type PluginContext, type RoleResolver, type Store } from '@coex/core';
import storePlugin, { SqliteStore } from '../src';
import { makeTempDirs, prunedTrial } from './fixtures';

/** Applies the plugin with a context that has only what a store plugin uses, and builds the store. */
async function provideStore(options: unknown, dir: string, readOnly: boolean): Promise<Store> {
  let factory: ((roles: RoleResolver) => Store | Promise<Store>) | undefined;
  const context = {
    dir,
    readOnly,
    provide: (role: string, f: typeof factory) => {
      expect(role).to.equal('store');
      factory = f;
    },
  } as unknown as PluginContext;
  await storePlugin(options).apply(context);
  return factory!({} as RoleResolver);
}

describe('store-sqlite: plugin', () => {
  const temp = makeTempDirs();
  afterEach(() => temp.removeAll());

  it('fills the store role with a SqliteStore on coex.db in the run folder, read-only when the command is', async () => {
    const dir = temp.create();
    const writer = await provideStore({}, dir, false);
    expect(writer).to.be.instanceOf(SqliteStore);
    expect(writer.location).to.equal(path.join(dir, 'coex.db'));
    await writer.putTrial('r1', prunedTrial(0));
    const reader = (await provideStore(undefined, dir, true)) as SqliteStore;
    expect(reader.readOnly).to.equal(true);
    expect(await reader.listTrials('r1')).to.deep.equal([prunedTrial(0)]);
    await reader.close();
    await writer.close();
  });

  it('resolves the file option against the run folder', async () => {
    const dir = temp.create();
    const store = await provideStore({ file: 'results/store.sqlite', synchronous: 'normal', busyTimeout: 100 }, dir, false);
    await store.close();
    expect(fs.existsSync(path.join(dir, 'results', 'store.sqlite'))).to.equal(true);
  });

  it('rejects bad options naming the option path', () => {
    expect(() => storePlugin({ fil: 'x.db' })).to.throw(UserError, /unknown option store\.fil \(did you mean store\.file\?\)/);
    expect(() => storePlugin({ synchronous: 'off' })).to.throw(UserError, /option store\.synchronous/);
    expect(() => storePlugin({ busyTimeout: -1 })).to.throw(UserError, /option store\.busyTimeout/);
  });
});
