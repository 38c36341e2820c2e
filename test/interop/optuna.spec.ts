// `coex export --format optuna`: the journal is opened by Optuna itself (Debian python3-optuna 3.1,
// /usr/bin/python3), and what Optuna reads back (states, params, values, its Pareto front) is
// compared with what Coex stored and shows.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import type { Trial } from '@coex/core';
import { optunaJournal } from '@coex/core/host';
import { TINY_PRESET, coex, tempDir } from '../helpers/cli';

const PYTHON = '/usr/bin/python3';

/** Loads every study of a journal with Optuna; JSON of what Optuna sees. */
const READ_JOURNAL = `
import json, sys, math
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))
out = []
for summary in optuna.get_all_study_summaries(storage):
    study = optuna.load_study(study_name=summary.study_name, storage=storage)
    trial = lambda t: {"number": t.number, "state": t.state.name, "params": t.params, "values": t.values,
                       "user_attrs": t.user_attrs, "intermediate": {str(k): v for k, v in t.intermediate_values.items()}}
    out.append({"name": study.study_name, "directions": [d.name for d in study.directions],
                "user_attrs": study.user_attrs, "trials": [trial(t) for t in study.trials],
                "best": [{"number": t.number, "values": t.values} for t in study.best_trials]})
print(json.dumps(out))
`;

interface OptunaTrial { number: number; state: string; params: Record<string, unknown>; values: number[] | null; user_attrs: Record<string, unknown>; intermediate: Record<string, number> }
interface OptunaStudy { name: string; directions: string[]; user_attrs: Record<string, unknown>; trials: OptunaTrial[]; best: { number: number; values: number[] }[] }

function hasOptuna(): boolean {
  return spawnSync(PYTHON, ['-c', 'import optuna'], { encoding: 'utf8' }).status === 0;
}

function readWithOptuna(file: string): OptunaStudy[] {
  const r = spawnSync(PYTHON, ['-c', READ_JOURNAL, file], { encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout);
}

const STATE: Record<string, string> = { done: 'COMPLETE', pruned: 'PRUNED', stopped: 'PRUNED', failed: 'FAIL' };
/** The chain-CNN space's decisions, as Optuna params, of a decoded network. */
const paramsOf = (a: { layers: { kernel: number; filters: number; stride: number }[] }) =>
  Object.fromEntries(a.layers.flatMap((l, i) => [[`layer${i}.kernel`, l.kernel], [`layer${i}.filters`, l.filters], [`layer${i}.stride`, l.stride]]));

interface ExportRow { trial: number; status: string; architecture: string; [metric: string]: unknown }
interface ShowRun { objectives: { metric: string; goal: string }[]; pareto: { trial: number; metrics: Record<string, number> }[] }

/** One Optuna study checked against the run's stored trials and its front from `coex show --json`. */
function checkStudy(study: OptunaStudy, rows: ExportRow[], shown: ShowRun): void {
  expect(study.directions).to.deep.equal(shown.objectives.map((o) => (o.goal === 'max' ? 'MAXIMIZE' : 'MINIMIZE')));
  expect(study.trials.map((t) => t.number)).to.deep.equal(rows.map((r) => r.trial));
  for (const [t, row] of study.trials.map((t, i) => [t, rows[i]] as const)) {
    expect(t.state, `trial ${row.trial}`).to.equal(STATE[row.status]);
    // Params are the decisions' choices: the decoded network's kernels, filters and strides.
    expect(t.params).to.deep.equal(paramsOf(JSON.parse(row.architecture)));
    expect(t.user_attrs.network).to.deep.equal(JSON.parse(row.architecture));
    expect(t.user_attrs).to.include.keys('design', 'hardware', 'reward');
    if (row.status === 'done') expect(t.values).to.deep.equal(shown.objectives.map((o) => row[o.metric]));
    else expect(t.values).to.equal(null);
  }
  expect(study.best.map((b) => b.number)).to.deep.equal(shown.pareto.map((p) => p.trial));
  expect(study.best.map((b) => b.values)).to.deep.equal(shown.pareto.map((p) => shown.objectives.map((o) => p.metrics[o.metric])));
}

describe('coex export --format optuna (read back by Optuna 3.1)', function () {
  this.timeout(300_000); // each coex call is a Node process with ts-node: seconds each on a busy machine

  before(function () {
    if (!hasOptuna()) {
      console.log(`      skipped: ${PYTHON} cannot import optuna (install Debian's python3-optuna)`);
      this.skip();
    }
  });

  it('a run: one study, states, params, values and best_trials equal to the Pareto front of coex show', () => {
    const dir = path.join(tempDir(), 'run');
    const run = coex(['run', '--preset', TINY_PRESET, '--budget', '16', '--seed', '3', '--set', 'spec.minThroughput=150',
      '--set', 'trainer.failSeqs=[1,3,5,8]', '--out', dir]);
    expect(run.status, run.stderr).to.equal(0);
    const file = path.join(dir, '..', 'journal.log');
    const r = coex(['export', dir, '--format', 'optuna', '--out', file]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/wrote 1 Optuna study \(16 trials\)/);

    const rows = JSON.parse(coex(['export', dir, '--format', 'json']).stdout) as ExportRow[];
    const shown = JSON.parse(coex(['show', dir, '--json']).stdout) as ShowRun;
    // The run holds every outcome Optuna has a state for, and a front of several trials.
    expect(new Set(rows.map((row) => row.status))).to.deep.equal(new Set(['done', 'pruned', 'failed']));
    expect(shown.pareto.length).to.be.greaterThan(1);

    const studies = readWithOptuna(file);
    expect(studies.map((s) => s.name)).to.deep.equal(['tiny/seed3']);
    expect(studies[0].user_attrs).to.deep.include({ run: 'main', seed: 3, preset: 'tiny' });
    checkStudy(studies[0], rows, shown);
    // Exporting again replaces the file (a journal appended to twice would hold the study twice).
    expect(coex(['export', dir, '--format', 'optuna', '--out', file]).status).to.equal(0);
    expect(readWithOptuna(file)).to.have.length(1);
  });

  it('a study: one Optuna study per arm and seed, named <arm>/seed<s>, each with its own objectives', () => {
    const dir = path.join(tempDir(), 'study');
    const twoObjectives = JSON.stringify([{ metric: 'accuracy', goal: 'max' }, { metric: 'latency', goal: 'min' }]);
    const r = coex(['ablate', '--arms', `a=${TINY_PRESET},b=${TINY_PRESET}`, '--seeds', '1,2', '--budget', '8',
      '--set', 'spec.minThroughput=150', '--set', `b.objectives=${twoObjectives}`, '--out', dir]);
    expect(r.status, r.stderr).to.equal(0);
    const file = path.join(dir, '..', 'study.journal');
    expect(coex(['export', dir, '--format', 'optuna', '--out', file]).status).to.equal(0);
    const studies = readWithOptuna(file);
    expect(studies.map((s) => s.name).sort()).to.deep.equal(['a/seed1', 'a/seed2', 'b/seed1', 'b/seed2']);
    const summary = JSON.parse(coex(['show', dir, '--json']).stdout) as { runs: ({ run: { id: string } } & ShowRun)[] };
    const rows = JSON.parse(coex(['export', dir, '--format', 'json']).stdout) as (ExportRow & { run: string })[];
    for (const study of studies) {
      const shown = summary.runs.find((s) => s.run.id === study.name)!;
      checkStudy(study, rows.filter((row) => row.run === study.name), shown);
    }
    expect(studies.find((s) => s.name === 'b/seed1')!.directions).to.deep.equal(['MAXIMIZE', 'MINIMIZE']);
  });

  it('learning curves become intermediate values; stopped trials are PRUNED; unknown statuses FAIL', () => {
    const base = { batch: 0, seed: 1, timings: {}, candidate: { tokens: { arch: [0], hw: [] }, architecture: { kind: 'x' } } };
    const trials = [
      { ...base, seq: 0, status: 'done', metrics: { accuracy: 0.5 }, curve: [{ step: 8, epoch: 1, accuracy: 0.3, loss: 1.2 }, { step: 16, epoch: 2, accuracy: 0.5, loss: 0.9 }] },
      { ...base, seq: 1, status: 'stopped', metrics: { accuracy: 0.2 }, curve: [{ step: 8, epoch: 1, accuracy: 0.2, loss: 1.5 }] },
      { ...base, seq: 2, status: 'done', metrics: {} },
      { ...base, seq: 3, status: 'mystery', metrics: {} },
    ] as unknown as Trial[];
    const file = path.join(tempDir(), 'curves.journal');
    fs.writeFileSync(file, optunaJournal([{ name: 'curves', objectives: [{ metric: 'accuracy', goal: 'max' }], trials,
      decisions: { arch: [{ name: 'op', choices: ['conv', 'pool'] }], hw: [] } }]));
    const [study] = readWithOptuna(file);
    expect(study.trials.map((t) => t.state)).to.deep.equal(['COMPLETE', 'PRUNED', 'FAIL', 'FAIL']);
    expect(study.trials[0].intermediate).to.deep.equal({ 8: 0.3, 16: 0.5 });
    expect(study.trials[1].intermediate).to.deep.equal({ 8: 0.2 });
    expect(study.trials[0].params).to.deep.equal({ op: 'conv' });
    expect(study.trials[2].user_attrs.note).to.match(/without a finite value for accuracy/);
    expect(study.best.map((b) => b.number)).to.deep.equal([0]);
  });
});
