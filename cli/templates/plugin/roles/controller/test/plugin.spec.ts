import { expect } from 'chai';
import { createTestPipeline } from '@coex/testing';
import plugin from '../src';

describe('__PACKAGE_NAME__', () => {
  it('proposes a valid token for every decision, batch by batch', async () => {
    const pipeline = createTestPipeline({ plugins: [plugin], sets: ['controller.batchSize=3'], budget: 7 });
    const { summary, trials, events } = await pipeline.execute();
    expect(summary.counts.sampled).to.equal(7);
    const decisions = (await pipeline.role('space')).decisions();
    for (const t of trials) {
      expect(t.candidate.tokens.arch).to.have.length(decisions.length);
      t.candidate.tokens.arch.forEach((token, i) => expect(token).to.be.within(0, decisions[i].choices.length - 1));
    }
    expect(events.flatMap((e) => (e.type === 'controller-update' ? [e.size] : []))).to.deep.equal([3, 3, 1]);
  });

  it('is reproducible from the run seed', async () => {
    const tokens = async (seed: number) =>
      (await createTestPipeline({ plugins: [plugin], budget: 8, seed }).execute()).trials.map((t) => t.candidate.tokens);
    expect(await tokens(5)).to.deep.equal(await tokens(5));
    expect(await tokens(5)).to.not.deep.equal(await tokens(6));
  });

  it('continues from a saved state as if it had never stopped', async () => {
    const space = { arch: [{ name: 'a', choices: [1, 2, 3] }, { name: 'b', choices: [4, 5] }], hw: [] };
    const first = await createTestPipeline({ plugins: [plugin] }).role('controller');
    await first.init(space);
    await first.ask(2);
    const state = JSON.parse(JSON.stringify(await first.getState!()));
    const expected = await first.ask(4);
    const second = await createTestPipeline({ plugins: [plugin], seed: 99 }).role('controller');
    await second.init(space);
    await second.setState!(state);
    expect(await second.ask(4)).to.deep.equal(expected);
  });
});
