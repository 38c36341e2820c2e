// Benchmark: how the RL controller's options trade off on a proxy co-exploration problem where the
// best tokens are known (no training involved), against random search with the same budget; and
// what one policy update costs on the cpu backend. Prints a markdown section.
import { Rng, type Decision, type DecisionSpace, type Proposal } from '@coex/core';
import * as tf from '@tensorflow/tfjs';
import { loadController, resolveRlOptions, type RlOptionsInput } from '../src';

const { RlController } = loadController();

function decisions(sizes: number[], prefix: string): Decision[] {
  return sizes.map((n, i) => ({ name: `${prefix}${i}`, choices: Array.from({ length: n }, (_, k) => k) }));
}

// 4 layers x (kernel, filters) architecture tokens and 4 hardware tokens.
const SPACE: DecisionSpace = { arch: decisions([4, 4, 4, 4, 4, 4, 4, 4], 'arch'), hw: decisions([5, 5, 5, 5], 'hw') };
const ARCH_TARGET = [1, 3, 2, 0, 3, 1, 0, 2];
const HW_TARGET = [4, 3, 1, 2];
const BUDGET = 160;
const TAIL = 40;
const SEEDS = [1, 2, 3];

/** The spec: hardware whose first two tokens sum below 3 is too slow and is pruned (reward -1). */
function pruned(p: Proposal): boolean {
  return p.hw[0] + p.hw[1] < 3;
}

/** Reward: -1 when pruned, else half "accuracy" (architecture matches) and half "efficiency" (hardware matches). */
function reward(p: Proposal): number {
  if (pruned(p)) return -1;
  const share = (tokens: number[], target: number[]) => tokens.filter((t, i) => t === target[i]).length / target.length;
  return 0.5 * share(p.arch, ARCH_TARGET) + 0.5 * share(p.hw, HW_TARGET);
}

interface Outcome {
  all: number;
  tail: number;
  tailPruned: number;
}

function summarise(proposals: Proposal[]): Outcome {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const tail = proposals.slice(-TAIL);
  return { all: mean(proposals.map(reward)), tail: mean(tail.map(reward)), tailPruned: tail.filter(pruned).length / tail.length };
}

async function searchRl(seed: number, options: RlOptionsInput): Promise<Outcome> {
  const c = new RlController({ rng: new Rng(seed), seed, options: resolveRlOptions(options) });
  await c.init(SPACE);
  const seen: Proposal[] = [];
  while (seen.length < BUDGET) {
    const proposals = c.ask(Math.min(c.batchSize, BUDGET - seen.length));
    c.tell(proposals.map((proposal, i) => ({ seq: seen.length + i, proposal, status: pruned(proposal) ? 'pruned' : 'done', reward: reward(proposal), metrics: {} })));
    seen.push(...proposals);
  }
  c.dispose();
  return summarise(seen);
}

function searchRandom(seed: number): Outcome {
  const rng = new Rng(seed);
  const seen = Array.from({ length: BUDGET }, () => ({
    arch: SPACE.arch.map((d) => rng.int(d.choices.length)),
    hw: SPACE.hw.map((d) => rng.int(d.choices.length)),
  }));
  return summarise(seen);
}

const CONFIGS: [string, RlOptionsInput][] = [
  ['defaults (adam, lr 0.01, batch 4, baseline decay 0.8)', {}],
  ['adam, lr 0.003', { learningRate: 0.003 }],
  ['adam, lr 0.03', { learningRate: 0.03 }],
  ['rmsprop, lr 0.003', { optimizer: 'rmsprop', learningRate: 0.003 }],
  ['rmsprop, lr 0.01', { optimizer: 'rmsprop', learningRate: 0.01 }],
  ['batch 8', { batchSize: 8 }],
  ['baseline decay 0.9', { baselineDecay: 0.9 }],
  ['baseline decay 0.95', { baselineDecay: 0.95 }],
  ['baseline decay 0.99', { baselineDecay: 0.99 }],
  ['entropy weight 0.01', { entropyWeight: 0.01 }],
  ['gradient clip norm 1', { gradientClipNorm: 1 }],
  ['hidden size 64', { hiddenSize: 64 }],
];

function row(label: string, outcomes: Outcome[]): string {
  const stat = (pick: (o: Outcome) => number) => {
    const xs = outcomes.map(pick);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
    return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
  };
  return `| ${label} | ${stat((o) => o.all)} | ${stat((o) => o.tail)} | ${stat((o) => 100 * o.tailPruned).replace(/ ± /, '% ± ')}% |`;
}

/** Median milliseconds of one ask(4) + tell(4) after warm-up, for a policy over `sizes`. */
async function updateCost(sizes: number[], hiddenSize: number): Promise<number> {
  const c = new RlController({ rng: new Rng(1), seed: 1, options: resolveRlOptions({ hiddenSize }) });
  await c.init({ arch: decisions(sizes, 'd'), hw: [] });
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const proposals = c.ask(4);
    c.tell(proposals.map((proposal, k) => ({ seq: 4 * i + k, proposal, status: 'done', reward: proposal.arch[0] === 0 ? 1 : 0, metrics: {} })));
    if (i >= 2) times.push(performance.now() - t0);
  }
  c.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const lines = [
    '## controller-rl: REINFORCE options on a proxy co-exploration problem',
    '',
    `Problem: ${SPACE.arch.length} architecture decisions (4 choices) + ${SPACE.hw.length} hardware decisions (5 choices); ` +
      'a child whose first two hardware tokens sum below 3 is "pruned" (reward -1, about 24% of uniform samples), ' +
      'otherwise reward = 0.5 x (share of architecture tokens on target) + 0.5 x (share of hardware tokens on target), best 1. ' +
      `Budget ${BUDGET} children per search; mean ± sd over seeds ${SEEDS.join(', ')}; "last ${TAIL}" = the last ${TAIL} children sampled. ` +
      'Each row changes one option from the defaults. tfjs cpu backend.',
    '',
    `| controller | mean reward, all ${BUDGET} | mean reward, last ${TAIL} | pruned, last ${TAIL} |`,
    '| --- | --- | --- | --- |',
    row('random search', SEEDS.map(searchRandom)),
  ];
  for (const [label, options] of CONFIGS) {
    const outcomes: Outcome[] = [];
    for (const seed of SEEDS) outcomes.push(await searchRl(seed, options));
    lines.push(row(label, outcomes));
  }
  lines.push('', '| policy | decisions | ms per ask(4) + tell(4) (median of 10) |', '| --- | --- | --- |');
  for (const [sizes, hidden] of [[Array(12).fill(4), 35], [Array(40).fill(5), 35]] as [number[], number][]) {
    lines.push(`| LSTM ${hidden} units | ${sizes.length} | ${(await updateCost(sizes, hidden)).toFixed(1)} |`);
  }
  lines.push('', '40 decisions is the paper-sized case (8 layers x 3 architecture decisions + 16 hardware decisions). ' +
    'Timings were taken on a shared machine and vary with its load.');
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
