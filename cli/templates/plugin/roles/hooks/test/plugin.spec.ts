import * as path from 'node:path';
import { expect } from 'chai';
import { chainCnn, describeChainCnn } from '@coex/kit-chain-cnn';
import { createTestPipeline, loadHookFixtures, runHook, runHookFixture, testCandidate } from '@coex/testing';
import plugin from '../src';

const input = { height: 8, width: 8, channels: 1 };

describe('__PACKAGE_NAME__', () => {
  it('prunes a network over maxParams and lets a smaller one through', async () => {
    const big = testCandidate(chainCnn([[3, 64, 1], [3, 64, 1]], input, 4));
    const small = testCandidate(chainCnn([[3, 8, 1]], input, 4));
    const limited = plugin({ maxParams: 10000 });
    expect(await runHook(limited, 'prune', big, {})).to.deep.equal({ reason: '54212 parameters, over maxParams 10000' });
    expect(await runHook(limited, 'prune', small, {})).to.equal(undefined);
  });

  it('in a run, pruned networks are over the limit and trained ones within it', async () => {
    const { trials } = await createTestPipeline({ plugins: [[plugin, { maxParams: 4000 }]], budget: 12, seed: 1 }).execute();
    const params = (t: (typeof trials)[number]) => describeChainCnn(t.candidate.architecture as never).params;
    const pruned = trials.filter((t) => t.status === 'pruned');
    expect(pruned.length).to.be.greaterThan(0);
    for (const t of pruned) expect(params(t)).to.be.greaterThan(4000);
    for (const t of trials.filter((x) => x.status === 'done')) expect(params(t)).to.be.at.most(4000);
  });

  // One folder per case: input.json { hook, args, options } and expected.json.
  describe('fixtures', () => {
    for (const fixture of loadHookFixtures(path.join(__dirname, 'fixtures'))) {
      it(fixture.name, async () => {
        const { actual, expected } = await runHookFixture(plugin, fixture);
        expect(actual).to.deep.equal(expected);
      });
    }
  });
});
