import { expect } from 'chai';
import { createTestPipeline } from '@coex/testing';
import plugin from '../src';

describe('__PACKAGE_NAME__', () => {
  it('holds the run, every trial, the events and the controller state after a run', async () => {
    const pipeline = createTestPipeline({ plugins: [plugin], budget: 6 });
    const { trials } = await pipeline.execute();
    const store = await pipeline.role('store');
    const runId = pipeline.run.runId;
    expect((await store.getRun(runId))?.status).to.equal('finished');
    expect(await store.listTrials(runId)).to.deep.equal(JSON.parse(JSON.stringify(trials)));
    expect((await store.listEvents(runId)).map((e) => e.type)).to.include.members(['run-start', 'run-end']);
    expect((await store.getControllerState(runId))?.batch).to.equal(1);
  });

  it('replaces a trial written twice and hands out copies', async () => {
    const store = await createTestPipeline({ plugins: [plugin] }).role('store');
    const trial = { seq: 0, batch: 0, seed: 1, status: 'training' as const, candidate: { tokens: { arch: [], hw: [] }, architecture: { kind: 'x' } }, metrics: {}, timings: {} };
    await store.putTrial('r', trial);
    await store.putTrial('r', { ...trial, status: 'done' });
    const [stored] = await store.listTrials('r');
    expect(stored.status).to.equal('done');
    stored.metrics.accuracy = 1;
    expect((await store.listTrials('r'))[0].metrics).to.deep.equal({});
  });

  it('keeps only the newest maxEvents events', async () => {
    const store = await createTestPipeline({ plugins: [[plugin, { maxEvents: 2 }]] }).role('store');
    for (const type of ['a', 'b', 'c']) await store.appendEvent('r', { at: '', type });
    expect((await store.listEvents('r')).map((e) => e.type)).to.deep.equal(['b', 'c']);
  });
});
