import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { Rng, UserError, type Decision, type DecisionSpace, type Feedback, type Proposal, type Trial } from '@coex/core';
import { MemoryStore } from '@coex/core/host';
import { createTestPipeline } from '@coex/testing';
import { invertCdf, loadController, resolveRlOptions, type RlController, type RlOptionsInput } from '../src';
import { ensureBackend } from '../src/backend';

const TINY = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');

function decisions(sizes: number[], prefix: string): Decision[] {
  return sizes.map((n, i) => ({ name: `${prefix}${i}`, choices: Array.from({ length: n }, (_, k) => k) }));
}

/** Co-exploration toy: 3 architecture and 2 hardware decisions of different sizes, one best sequence. */
const SPACE: DecisionSpace = { arch: decisions([3, 5, 2], 'arch'), hw: decisions([4, 6], 'hw') };
const TARGET = [2, 0, 1, 3, 5];
/** Expected reward of uniform random sampling: the mean of 1/choices over the decisions. */
const RANDOM_EXPECTATION = (1 / 3 + 1 / 5 + 1 / 2 + 1 / 4 + 1 / 6) / 5;

function reward(p: Proposal): number {
  const tokens = [...p.arch, ...p.hw];
  return tokens.filter((t, i) => t === TARGET[i]).length / TARGET.length;
}

async function controller(seed: number, options: RlOptionsInput = {}, space = SPACE): Promise<RlController> {
  const { RlController } = loadController();
  const c = new RlController({ rng: new Rng(seed), seed, options: resolveRlOptions(options) });
  await c.init(space);
  return c;
}

let nextSeq = 0;
function feedback(proposals: Proposal[], score = reward): Feedback[] {
  return proposals.map((proposal) => ({ seq: nextSeq++, proposal, status: 'done', reward: score(proposal), metrics: {} }));
}

/** Runs `updates` ask/tell rounds and returns the mean reward of each batch. */
function train(c: RlController, updates: number, score = reward): number[] {
  const means: number[] = [];
  for (let u = 0; u < updates; u++) {
    const told = feedback(c.ask(c.batchSize), score);
    c.tell(told);
    means.push(told.reduce((sum, f) => sum + f.reward, 0) / told.length);
  }
  return means;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('controller-rl: sampling by CDF inversion', () => {
  it('maps a uniform number to the index whose cumulative interval holds it', () => {
    const p = [0.2, 0.5, 0.3];
    expect([0, 0.19, 0.2, 0.69, 0.7, 0.999].map((u) => invertCdf(p, u))).to.deep.equal([0, 0, 1, 1, 2, 2]);
  });

  it('never returns a zero-probability choice and tolerates sums that are not exactly 1', () => {
    expect(invertCdf([0, 1, 0], 0)).to.equal(1);
    expect(invertCdf([0.5, 0.5, 0], 0.9999999999)).to.equal(1);
    expect(invertCdf(Float32Array.from([0.1, 0.1, 0.1]), 0.5)).to.equal(1); // scaled by the sum 0.3
    expect(() => invertCdf([NaN, NaN], 0.5)).to.throw(/sum to NaN/);
  });
});

describe('controller-rl: the LSTM policy and REINFORCE', () => {
  it('emits architecture tokens then hardware tokens, each within its decision', async () => {
    const c = await controller(1);
    const proposals = c.ask(20);
    expect(proposals).to.have.length(20);
    for (const p of proposals) {
      expect(p.arch).to.have.length(3);
      expect(p.hw).to.have.length(2);
      [...p.arch, ...p.hw].forEach((t, i) => expect(t).to.be.within(0, [3, 5, 2, 4, 6][i] - 1));
    }
    // The untrained policy is close to uniform: over 20 draws the 5-way decision shows several values.
    expect(new Set(proposals.map((p) => p.arch[1])).size).to.be.at.least(3);
    c.dispose();
  });

  it('emits architecture tokens only when the hardware decision list is empty', async () => {
    const c = await controller(2, {}, { arch: decisions([4, 4, 4, 4], 'a'), hw: [] });
    const [p] = c.ask(1);
    expect(p.arch).to.have.length(4);
    expect(p.hw).to.deep.equal([]);
    c.dispose();
  });

  it('raises the mean reward of its samples well above random search on a toy problem', async () => {
    const c = await controller(3);
    const means = train(c, 30);
    const first = mean(means.slice(0, 5));
    const last = mean(means.slice(-5));
    expect(first).to.be.below(0.45);
    expect(last).to.be.above(0.7);
    expect(last).to.be.above(RANDOM_EXPECTATION + 0.4);
    expect(c.lastUpdate?.update).to.equal(30);
    // The baseline tracks the rising reward.
    expect(c.baseline).to.be.above(first);
    c.dispose();
  });

  it('also learns with RMSProp, gradient clipping and an entropy bonus', async () => {
    const c = await controller(4, { optimizer: 'rmsprop', learningRate: 0.005, gradientClipNorm: 1, entropyWeight: 0.001 });
    const means = train(c, 30);
    expect(mean(means.slice(-5))).to.be.above(mean(means.slice(0, 5)) + 0.25);
    expect(c.lastUpdate?.gradientNorm).to.be.a('number');
    c.dispose();
  });

  it('learns from pruned children that arrive with the penalty reward -1', async () => {
    // Children whose first hardware token is 0 "miss the spec"; the policy learns to avoid it.
    const c = await controller(5, { batchSize: 8 });
    const pruned = (p: Proposal) => (p.hw[0] === 0 ? -1 : 0.5);
    const share = (ps: Proposal[]) => ps.filter((p) => p.hw[0] === 0).length / ps.length;
    const before = share(c.ask(200));
    train(c, 15, pruned);
    const after = share(c.ask(200));
    expect(before).to.be.within(0.15, 0.35);
    expect(after).to.be.below(before / 2);
    c.dispose();
  });

  it('rejects feedback that does not fit the decision space or has a non-finite reward', async () => {
    const c = await controller(6);
    const [p] = c.ask(1);
    expect(() => c.tell([{ seq: 9, proposal: { arch: p.arch, hw: [] }, status: 'done', reward: 0, metrics: {} }])).to.throw(/trial 9: the proposal has 3 architecture and 0 hardware tokens/);
    expect(() => c.tell([{ seq: 10, proposal: { arch: [7, 0, 0], hw: p.hw }, status: 'done', reward: 0, metrics: {} }])).to.throw(/trial 10: token 7 of decision arch0 is not in 0..2/);
    expect(() => c.tell([{ seq: 11, proposal: p, status: 'done', reward: NaN, metrics: {} }])).to.throw(/trial 11 has a non-finite reward/);
    c.dispose();
  });
});

describe('controller-rl: determinism and state', () => {
  it('the same seed gives the same proposals and the same updates; another seed differs', async () => {
    const a = await controller(11);
    const b = await controller(11);
    const other = await controller(12);
    expect(other.ask(4)).to.not.deep.equal(a.ask(4));
    b.ask(4); // keep b's generator in step with a's
    train(a, 5);
    train(b, 5);
    expect(a.ask(8)).to.deep.equal(b.ask(8));
    expect(a.getState()).to.deep.equal(b.getState());
    for (const c of [a, b, other]) c.dispose();
  });

  it('a state saved as JSON and restored into a fresh controller continues the same policy', async () => {
    const a = await controller(21);
    train(a, 4);
    const snapshot = JSON.parse(JSON.stringify(a.getState()));
    const b = await controller(99); // other seed: everything it does next must come from the snapshot
    b.setState(snapshot);
    expect(b.getState()).to.deep.equal(snapshot);
    expect(b.baseline).to.equal(a.baseline);
    for (let round = 0; round < 3; round++) {
      const pa = a.ask(4);
      const pb = b.ask(4);
      expect(pb).to.deep.equal(pa);
      const told = feedback(pa);
      a.tell(told);
      b.tell(told);
    }
    expect(b.getState()).to.deep.equal(a.getState());
    a.dispose();
    b.dispose();
  });

  it('refuses a state made for another policy, naming what differs', async () => {
    const a = await controller(31, { hiddenSize: 8 });
    const b = await controller(31, { hiddenSize: 9 });
    const c = await controller(31, { hiddenSize: 8 }, { arch: decisions([3, 5], 'a'), hw: [] });
    expect(() => b.setState(a.getState())).to.throw(/the saved policy has \[3,5,2,4,6\] choices with 8 units, this run's policy has \[3,5,2,4,6\] choices with 9 units/);
    expect(() => c.setState(a.getState())).to.throw(/\[3,5\] choices with 8 units/);
    expect(() => c.setState({ weights: [] })).to.throw(/not a coex-controller-rl\/1 state/);
    for (const x of [a, b, c]) x.dispose();
  });

  it('keeps the number of live tensors flat over many updates and state round trips', async () => {
    const c = await controller(41);
    train(c, 2);
    const before = tf.memory().numTensors;
    train(c, 10);
    c.setState(c.getState());
    c.ask(16);
    expect(tf.memory().numTensors).to.equal(before);
    c.dispose();
  });

  it('uses the tfjs backend someone else set instead of switching it', async () => {
    const cpu = tf.findBackend('cpu');
    tf.registerBackend('controller-rl-test', () => cpu as tf.KernelBackend);
    const previous = tf.getBackend();
    try {
      await tf.setBackend('controller-rl-test');
      expect(await ensureBackend()).to.equal('controller-rl-test');
      expect(tf.getBackend()).to.equal('controller-rl-test');
    } finally {
      await tf.setBackend(previous || 'cpu');
      tf.removeBackend('controller-rl-test');
    }
  });

  it('reports bad options as a UserError naming the option', () => {
    expect(() => resolveRlOptions({ learningrate: 0.1 } as RlOptionsInput)).to.throw(UserError, /unknown option controller.learningrate \(did you mean controller.learningRate\?\)/);
    expect(() => resolveRlOptions({ optimizer: 'sgd' } as unknown as RlOptionsInput)).to.throw(UserError, /option controller.optimizer/);
    expect(resolveRlOptions({})).to.include({ batchSize: 4, hiddenSize: 35, optimizer: 'adam', baselineDecay: 0.8, entropyWeight: 0 });
  });
});

describe('controller-rl in the engine (tiny preset)', () => {
  /** A tiny run; runs given one `store` share it, so a later one can resume an earlier one. */
  async function runTiny(options: { budget: number; store?: MemoryStore; resume?: boolean; log?: (message: string) => void }) {
    const pipeline = createTestPipeline({
      preset: TINY,
      budget: options.budget,
      plugins: ['!store-sqlite', ['controller-rl', { hiddenSize: 8 }]],
      overrides: { store: options.store },
      resume: options.resume,
      log: options.log,
    });
    return { run: pipeline.run, ...(await pipeline.execute()) };
  }

  it('replaces the random controller and finishes the budget, saving its state after every batch', async () => {
    const store = new MemoryStore();
    const { run, summary, trials } = await runTiny({ budget: 12, store });
    expect(run.roleProviders().controller).to.equal('@coex/plugin-controller-rl');
    expect(summary.status).to.equal('finished');
    expect(summary.counts.sampled).to.equal(12);
    expect(trials.map((t) => t.seq)).to.deep.equal([...Array(12).keys()]);
    const saved = await store.getControllerState('main');
    expect(saved?.batch).to.equal(2);
    expect((saved?.state as { updates: number }).updates).to.equal(3);
  });

  it('a run resumed from the saved state proposes what an uninterrupted run proposes', async () => {
    const whole = await runTiny({ budget: 12 });
    const store = new MemoryStore();
    await runTiny({ budget: 8, store });
    const logs: string[] = [];
    const resumed = await runTiny({ budget: 12, store, resume: true, log: (m) => logs.push(m) });
    // The policy was restored from the state (not replayed from the seed): 2 batches were told before.
    expect(logs.some((m) => /\[@coex\/plugin-controller-rl\] resumed the policy after 2 updates/.test(m)), logs.join('\n')).to.equal(true);
    expect(resumed.trials.map((t) => t.seq)).to.deep.equal([8, 9, 10, 11]);
    const tokens = (ts: Trial[]) => ts.map((t) => t.candidate.tokens);
    expect(tokens(resumed.trials)).to.deep.equal(tokens(whole.trials.slice(8)));
  });
});
