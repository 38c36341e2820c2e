// Deterministic resume under SIGKILL. Several run folders at once: each `coex run` is killed at a
// point drawn from a seeded RNG (anywhere from the moment config.json exists, through store
// creation, sampling and tuning, training and store writes), then `coex resume` is killed again a
// few times, and finally resumed to the end. Every folder must end with every trial exactly once
// and with the trials and Pareto front of an uninterrupted run with the same seed.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng, deriveSeed } from '@coex/core';
import { summarizeTrials } from '@coex/core/host';
import { describedResults } from '../../cli/src/show';
import { tempDir, TINY_PRESET, type CliResult } from '../helpers/cli';
import { coexKilledAt, comparable, finalTrials, fixturePlugin, fixturePreset, readStore, seqs, writeConfig, type KillPoint } from './helpers';

const BUDGET = 20;
const TRAIN_MS = 40;
const FOLDERS = 3;
const KILLS_PER_FOLDER = 4;

interface Arm {
  name: string;
  seed: number;
  config: { preset: string; plugins: unknown[] };
}

const slowFastLevel = [fixturePlugin('slow-fast-level'), { sampleMs: 5, tuneMs: 20 }];
const ARMS: Arm[] = [
  // A controller that learns from rewards: resume must replay its feedback exactly.
  { name: 'in-process executor, regularized evolution', seed: 101, config: { preset: fixturePreset('tiny-evolution'), plugins: [slowFastLevel] } },
  { name: 'worker-pool executor (2 workers), random search', seed: 202, config: { preset: TINY_PRESET, plugins: [slowFastLevel, ['executor-pool', { workers: 2 }]] } },
];

/** A kill point spread over what is left of the run: early (startup, store, first batch) or after some trials. */
function killPoint(rng: Rng, remaining: number): KillPoint {
  const trials = remaining > 3 ? rng.int(remaining - 2) : 0;
  return trials === 0 ? { trials, delayMs: Math.floor(rng.float() * 600) } : { trials, delayMs: Math.floor(rng.float() * TRAIN_MS) };
}

interface Kill {
  command: 'run' | 'resume';
  at: KillPoint;
  /** Final trials in the store after the kill, and trials it left in training. */
  final: number;
  inFlight: number;
}

/** One run folder: `coex run` and then `coex resume` killed in turn, then resumed until finished. */
async function killAndResume(dir: string, configFile: string, rng: Rng, immediateFirstKill: boolean) {
  const kills: Kill[] = [];
  const resumes: CliResult[] = [];
  let final = 0;
  for (let i = 0; i < KILLS_PER_FOLDER; i++) {
    const command = i === 0 ? 'run' : 'resume';
    // The first kill of one folder per arm comes the moment config.json exists, before the store does.
    const at = i === 0 && immediateFirstKill ? { trials: 0, delayMs: 0 } : killPoint(rng, BUDGET - final);
    const outcome = await coexKilledAt(command === 'run' ? ['run', '--config', configFile, '--out', dir] : ['resume', '--trust-folder', dir], at);
    if (command === 'resume') resumes.push(outcome);
    if (!outcome.killed) {
      expect(outcome.status, outcome.stderr).to.equal(0);
      break; // it finished before the kill point: nothing left to kill in this folder
    }
    const { trials } = await readStore(dir);
    final = finalTrials(trials).length;
    kills.push({ command, at, final, inFlight: trials.length - final });
  }
  const last = await coexKilledAt(['resume', '--trust-folder', dir]);
  expect(last.status, `${dir}\n${last.stderr}`).to.equal(0);
  resumes.push(last);
  return { kills, resumes };
}

describe('reliability: SIGKILL at random points, then coex resume', function () {
  this.timeout(600_000);

  for (const arm of ARMS) {
    it(`${arm.name}: every trial exactly once, and the trials and Pareto front of an uninterrupted run`, async () => {
      const base = tempDir('coex-chaos-');
      const configFile = writeConfig(base, 'config', { ...arm.config, seed: arm.seed, budget: { candidates: BUDGET }, trainer: { delayMs: TRAIN_MS } });
      const reference = path.join(base, 'reference');
      const folders = seqs(FOLDERS).map((i) => path.join(base, `killed-${i}`));
      const exportOf = async (dir: string) => {
        const r = await coexKilledAt(['export', dir, '--format', 'json']);
        expect(r.status, r.stderr).to.equal(0);
        return JSON.parse(r.stdout) as Record<string, unknown>[];
      };
      // Folders run side by side; each is checked through `coex export` as soon as it is done.
      const [ref, ...histories] = await Promise.all([
        (async () => {
          const run = await coexKilledAt(['run', '--config', configFile, '--out', reference]);
          expect(run.status, run.stderr).to.equal(0);
          const show = await coexKilledAt(['show', reference, '--json']);
          expect(show.status, show.stderr).to.equal(0);
          return { show: JSON.parse(show.stdout), rows: await exportOf(reference) };
        })(),
        ...folders.map(async (dir, i) => {
          const history = await killAndResume(dir, configFile, new Rng(deriveSeed(arm.seed, 'chaos', i)), i === 0);
          return { ...history, rows: await exportOf(dir), stored: await readStore(dir) };
        }),
      ]);

      const kills = histories.flatMap((h) => h.kills);
      const where = kills.map((k) => `${k.command} after ${k.at.trials} trials + ${k.at.delayMs} ms: ${k.final} final, ${k.inFlight} in flight`).join('\n');
      expect(kills.length, where).to.be.at.least(10);
      expect(kills.filter((k) => k.command === 'resume').length, where).to.be.at.least(3);
      expect(kills.some((k) => k.inFlight > 0), `no kill caught a trial in training:\n${where}`).to.equal(true);
      for (const resume of histories.flatMap((h) => h.resumes)) {
        expect(resume.stderr, 'a resume saw the controller propose other tokens than the stored ones').to.not.match(/warning: trial \d+/);
      }

      expect(ref.show.counts).to.deep.equal({ sampled: BUDGET, pruned: 0, trained: BUDGET, failed: 0, stopped: 0 });
      folders.forEach((dir, i) => {
        const { rows, stored } = histories[i];
        expect(rows.map((r) => r.trial), dir).to.deep.equal(seqs(BUDGET));
        expect(rows.map(comparable), dir).to.deep.equal(ref.rows.map(comparable));
        expect(stored.runs.map((r) => r.status), dir).to.deep.equal(['finished']);
        // The front `coex show --json` computes from the store (same functions, same objectives).
        const results = JSON.parse(JSON.stringify(describedResults(summarizeTrials(stored.trials, ref.show.objectives))));
        expect(results.counts, dir).to.deep.equal(ref.show.counts);
        expect(results.pareto, dir).to.deep.equal(ref.show.pareto);
      });
      fs.rmSync(base, { recursive: true, force: true }); // kept when a check fails, to look into
    });
  }
});
