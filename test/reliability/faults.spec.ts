// Faults around a run, through the real `coex` bin: training workers that die, a store file or a
// run folder locked by another process, a disk that fills up, a run stopped before its store
// existed. Each must end with a clear message and exit code, and lose nothing: `coex resume`
// then completes the run with every trial exactly once.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HookName } from '@coex/core';
import { prepareRun } from '@coex/core/host';
import { coexMany, tempDir as makeTempDir, TINY_PRESET } from '../helpers/cli';
import { CoexProcess, coexKilledAt, finalTrials, fixturePlugin, holdWriteLocks, integrityCheck, readStore, seqs, writeConfig } from './helpers';

const lockFile = (dir: string) => path.join(dir, 'coex.lock');
/** A pid that no process has any more. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('reliability: faults', function () {
  this.timeout(300_000);
  const scratch: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = makeTempDir(prefix);
    scratch.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a training worker thread that exits or runs out of memory fails only its trial, with the reason and the penalty; the run completes', async () => {
    const base = tempDir('coex-worker-');
    const dir = path.join(base, 'run');
    const config = writeConfig(base, 'pool', {
      preset: TINY_PRESET,
      plugins: [['executor-pool', { workers: 2, maxMemoryMB: 64 }]],
      budget: { candidates: 8 },
      trainer: { delayMs: 20, exitSeqs: [1], oomSeqs: [4] },
    });
    const run = await coexKilledAt(['run', '--config', config, '--out', dir]);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/trial 1 \(\d\/8 candidates\) failed: worker thread-\d+ exited unexpectedly with code 3/);
    expect(run.stderr).to.match(/trial 4 \(\d\/8 candidates\) failed: worker thread-\d+ ran out of memory \(limit 64 MB\)/);
    expect(run.stdout).to.include('candidates: 8 sampled, 0 pruned, 6 trained, 0 stopped early, 2 failed');

    const [show, exported] = await coexMany([['show', dir], ['export', dir, '--format', 'json']]);
    expect(show.stdout).to.include(': finished\ncandidates: 8 sampled, 0 pruned, 6 trained, 0 stopped early, 2 failed');
    const rows = JSON.parse(exported.stdout) as { trial: number; status: string; reward: number; accuracy?: number; error?: string }[];
    expect(rows.map((r) => r.trial)).to.deep.equal(seqs(8));
    for (const row of rows) {
      if (row.trial === 1 || row.trial === 4) {
        expect(row.status).to.equal('failed');
        expect(row.reward, 'the failed trial gets the penalty reward').to.equal(-1);
        expect(row.accuracy).to.equal(undefined);
      } else {
        expect(row.status).to.equal('done');
        expect(row.reward).to.equal(row.accuracy);
      }
    }
    expect(rows[1].error).to.match(/^worker thread-\d+ exited unexpectedly with code 3$/);
    expect(rows[4].error).to.match(/^worker thread-\d+ ran out of memory \(limit 64 MB\)$/);
  });

  it('a store file held locked by another process: coex resume and coex run exit 2 naming the file; once released, both complete and nothing is damaged', async () => {
    const base = tempDir('coex-store-lock-');
    const dir = path.join(base, 'interrupted');
    const fresh = path.join(base, 'fresh');
    const shared = path.join(base, 'shared.db');
    const run = ['--preset', TINY_PRESET, '--budget', '8', '--set', 'trainer.delayMs=100', '--set', 'store.busyTimeout=300'];
    const crashed = await coexKilledAt(['run', ...run, '--out', dir], { trials: 3, delayMs: 10 });
    expect(crashed.killed, crashed.stderr).to.equal(true);
    const before = await readStore(dir);

    const holder = await holdWriteLocks([path.join(dir, 'coex.db'), shared]);
    let refused;
    try {
      refused = await Promise.all([
        coexKilledAt(['resume', '--trust-folder', dir]),
        coexKilledAt(['run', ...run, '--out', fresh, '--set', `store.file=${shared}`]),
      ]);
    } finally {
      await holder.release();
    }
    for (const [r, file] of [[refused[0], path.join(dir, 'coex.db')], [refused[1], shared]] as const) {
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.include(`store file ${file} is locked by another process (waited 300 ms); wait for that process to finish`);
      expect(r.stderr).to.not.match(/\n\s+at /);
    }
    expect(fs.existsSync(lockFile(dir)), 'the refused resume left the folder locked').to.equal(false);
    expect(await readStore(dir)).to.deep.equal(before);

    const resumed = await coexMany([['resume', '--trust-folder', dir], ['resume', '--trust-folder', fresh]]);
    for (const r of resumed) expect(r.status, r.stderr).to.equal(0);
    for (const [folder, file] of [[dir, path.join(dir, 'coex.db')], [fresh, shared]]) {
      const { trials, runs } = await readStore(folder, file);
      expect(runs.map((r) => r.status), folder).to.deep.equal(['finished']);
      expect(trials.map((t) => `${t.seq} ${t.status}`), folder).to.deep.equal(seqs(8).map((s) => `${s} done`));
      expect(integrityCheck(file)).to.equal('ok');
    }
    // Trials saved before the crash were kept as they were, not trained again.
    const after = await readStore(dir);
    for (const t of finalTrials(before.trials)) expect(after.trials[t.seq]).to.deep.equal(t);
  });

  it('a store locked by another process in the middle of a run: exit 2 naming the trial and the file; resume completes the run', async () => {
    const dir = path.join(tempDir('coex-midrun-lock-'), 'run');
    // Long enough that the lock is taken well before the run could finish, even on a busy machine.
    const coex = new CoexProcess(['run', '--preset', TINY_PRESET, '--budget', '20', '--set', 'trainer.delayMs=200', '--set', 'store.busyTimeout=300', '--out', dir]);
    await coex.waitFor(/^coex: trial 1 /);
    const holder = await holdWriteLocks([path.join(dir, 'coex.db')]);
    const stopped = await coex.done;
    await holder.release();
    expect(stopped.status, stopped.stderr).to.equal(2);
    expect(stopped.stderr).to.match(new RegExp(
      `coex: plugin @coex/plugin-store-sqlite, role method store.putTrial, trial (\\d+): could not save trial \\1 of run main: ` +
      `store file ${escapeRegExp(path.join(dir, 'coex.db'))} is locked by another process \\(waited 300 ms\\)`));
    expect(fs.existsSync(lockFile(dir))).to.equal(false);

    const resumed = await coexKilledAt(['resume', '--trust-folder', dir]);
    expect(resumed.status, resumed.stderr).to.equal(0);
    const { trials } = await readStore(dir);
    expect(trials.map((t) => `${t.seq} ${t.status}`)).to.deep.equal(seqs(20).map((s) => `${s} done`));
  });

  it('Ctrl-C (SIGTERM) mid-run: exit 130, the run recorded interrupted, its lock released; resume completes it', async () => {
    const dir = path.join(tempDir('coex-sigterm-'), 'run');
    const coex = new CoexProcess(['run', '--preset', TINY_PRESET, '--budget', '8', '--set', 'trainer.delayMs=100', '--out', dir]);
    await coex.waitFor(/^coex: trial 2 /);
    coex.child.kill('SIGTERM');
    const stopped = await coex.done;
    expect(stopped.status, stopped.stderr).to.equal(130);
    expect(stopped.stderr).to.include('coex: stopping: finished trials are kept, trials in flight will run again on `coex resume`');
    expect(stopped.stderr).to.include(`continue with: coex resume ${dir}`);
    expect(fs.existsSync(lockFile(dir))).to.equal(false);
    const before = await readStore(dir);
    expect(before.runs.map((r) => r.status)).to.deep.equal(['interrupted']);

    const resumed = await coexKilledAt(['resume', '--trust-folder', dir]);
    expect(resumed.status, resumed.stderr).to.equal(0);
    const after = await readStore(dir);
    expect(after.trials.map((t) => `${t.seq} ${t.status}`)).to.deep.equal(seqs(8).map((s) => `${s} done`));
    for (const t of finalTrials(before.trials)) expect(after.trials[t.seq], `trial ${t.seq} was changed`).to.deep.equal(t);
  });

  it('a new run given the store file of another run refuses instead of overwriting that run\'s trials', async () => {
    const base = tempDir('coex-shared-store-');
    const first = path.join(base, 'first');
    const done = await coexKilledAt(['run', '--preset', TINY_PRESET, '--budget', '4', '--seed', '1', '--out', first]);
    expect(done.status, done.stderr).to.equal(0);
    const before = await readStore(first);
    const second = await coexKilledAt(['run', '--preset', TINY_PRESET, '--budget', '4', '--seed', '2', '--out', path.join(base, 'second'),
      '--set', `store.file=${path.join(first, 'coex.db')}`]);
    expect(second.status, second.stderr).to.equal(2);
    expect(second.stderr).to.match(/the store of this run already holds a run "main" \(seed 1, created [^,]+, finished\); a new run would overwrite its trials/);
    expect(await readStore(first)).to.deep.equal(before);
  });

  it('the run folder lock: a live owner is refused, a lock from another host is refused naming it, a dead owner is taken over', async () => {
    const dir = path.join(tempDir('coex-folder-lock-'), 'run');
    const crashed = await coexKilledAt(['run', '--preset', TINY_PRESET, '--budget', '8', '--set', 'trainer.delayMs=100', '--out', dir], { trials: 2, delayMs: 0 });
    expect(crashed.killed, crashed.stderr).to.equal(true);
    const lockBy = (pid: number, host = os.hostname()) => {
      const text = JSON.stringify({ pid, host, since: '2025-01-02T03:04:05.000Z' });
      fs.writeFileSync(lockFile(dir), text);
      return text;
    };
    // This test's own process stands for another `coex` working in the folder.
    const live = lockBy(process.pid);
    const elsewhere = lockBy(4242, 'build-server-7');
    fs.writeFileSync(lockFile(dir), live);
    const refusedLive = await coexKilledAt(['resume', '--trust-folder', dir]);
    expect(refusedLive.status, refusedLive.stderr).to.equal(2);
    expect(refusedLive.stderr).to.equal(`coex: ${dir} is in use by process ${process.pid} (since 2025-01-02T03:04:05.000Z); wait for it or stop it, then retry [COEX_LOCKED]\n`);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).to.equal(live);

    fs.writeFileSync(lockFile(dir), elsewhere);
    const refusedForeign = await coexKilledAt(['resume', '--trust-folder', dir]);
    expect(refusedForeign.status, refusedForeign.stderr).to.equal(2);
    expect(refusedForeign.stderr).to.equal(`coex: ${dir} is locked by process 4242 on host build-server-7; if that process is gone, delete ${lockFile(dir)} [COEX_LOCKED]\n`);
    expect(fs.readFileSync(lockFile(dir), 'utf8')).to.equal(elsewhere);

    lockBy(deadPid());
    const takenOver = await coexKilledAt(['resume', '--trust-folder', dir, '--json']);
    expect(takenOver.status, takenOver.stderr).to.equal(0);
    expect(JSON.parse(takenOver.stdout).counts).to.deep.equal({ sampled: 8, pruned: 0, trained: 8, failed: 0, stopped: 0 });
    expect(fs.existsSync(lockFile(dir)), 'the lock is released at the end').to.equal(false);
  });

  it('a run stopped after writing config.json but before creating its store is started by coex resume', async () => {
    const dir = path.join(tempDir('coex-no-store-'), 'run');
    // Exactly what such a stop leaves: the folder, config.json, and the dead process's lock.
    (await prepareRun({ preset: TINY_PRESET, budget: 8, out: dir })).release();
    fs.writeFileSync(lockFile(dir), JSON.stringify({ pid: deadPid(), host: os.hostname(), since: new Date().toISOString() }));
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['coex.lock', 'config.json']);

    const [again, resumed] = await coexMany([['run', '--preset', TINY_PRESET, '--budget', '8', '--out', dir], ['resume', '--trust-folder', dir, '--json']], { parallel: 1 });
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/already holds a run; continue it with `coex resume/);
    expect(resumed.status, resumed.stderr).to.equal(0);
    expect(JSON.parse(resumed.stdout).counts).to.deep.equal({ sampled: 8, pruned: 0, trained: 8, failed: 0, stopped: 0 });
  });

  it('a disk that fills up while trial 5 is saved (in-process and worker-pool executors): exit 1 naming the trial and the file, earlier trials intact; resume completes the run', async () => {
    await Promise.all((['in-process', 'worker-pool'] as const).map(async (executor) => {
      const base = tempDir('coex-disk-full-');
      const dir = path.join(base, 'run');
      const config = writeConfig(base, 'disk-full', {
        preset: TINY_PRESET,
        plugins: [[fixturePlugin('disk-full-store'), { fullAtTrial: 5 }], ...(executor === 'worker-pool' ? [['executor-pool', { workers: 2 }]] : [])],
        budget: { candidates: 12 },
        trainer: { delayMs: 20 },
      });
      const failed = await coexKilledAt(['run', '--config', config, '--out', dir]);
      expect(failed.status, `${executor}: ${failed.stderr}`).to.equal(1);
      const file = path.join(dir, 'coex.db');
      expect(failed.stderr, executor).to.include(
        `coex: plugin coex-plugin-disk-full-store, role method store.putTrial, trial 5: could not save trial 5 of run main to ${file}: SQLITE_FULL: database or disk is full\n`);
      expect(failed.stderr, executor).to.not.match(/internal error|\n\s+at /);
      expect(fs.existsSync(lockFile(dir)), executor).to.equal(false);

      expect(integrityCheck(file), executor).to.equal('ok');
      const before = await readStore(dir);
      const saved = finalTrials(before.trials);
      // Trials finish in order in-process; in the pool, trial 4 may still be training when 5 fills the disk.
      expect(saved.map((t) => t.seq), executor).to.include.members(executor === 'in-process' ? [0, 1, 2, 3, 4] : [0, 1, 2, 3]).and.not.include(5);
      // The disk stayed full, so not even the failure could be recorded: the run reads as not finished.
      expect(before.runs.map((r) => r.status), executor).to.deep.equal(['running']);

      const resumed = await coexKilledAt(['resume', '--trust-folder', dir]);
      expect(resumed.status, `${executor}: ${resumed.stderr}`).to.equal(0);
      const after = await readStore(dir);
      expect(after.runs.map((r) => r.status), executor).to.deep.equal(['finished']);
      expect(after.trials.map((t) => `${t.seq} ${t.status}`), executor).to.deep.equal(seqs(12).map((s) => `${s} done`));
      for (const t of saved) expect(after.trials[t.seq], `${executor}: trial ${t.seq} was changed`).to.deep.equal(t);
    }));
  });

  describe('a plugin that throws in a hook', () => {
    const kept = (...ranges: [number, number][]) => ranges.flatMap(([from, to]) => seqs(to - from + 1).map((i) => from + i));
    // Budget 8 in two batches of 4; per-trial hooks fail at trial 5, controllerUpdate after batch 0.
    // In-process training is sequential, so which trials are final by then is exact.
    const cases: { hook: HookName; trial?: number; final: number[] }[] = [
      { hook: 'runStart', final: [] },
      { hook: 'trialStart', trial: 5, final: kept([0, 3]) },
      { hook: 'sample', trial: 5, final: kept([0, 3]) },
      { hook: 'fastEvaluate', trial: 5, final: kept([0, 3]) },
      { hook: 'prune', trial: 5, final: kept([0, 3]) },
      { hook: 'train', trial: 5, final: kept([0, 4]) },
      { hook: 'reward', trial: 5, final: kept([0, 4]) },
      { hook: 'trialEnd', trial: 5, final: kept([0, 5]) },
      { hook: 'controllerUpdate', final: kept([0, 3]) },
      { hook: 'runEnd', final: kept([0, 7]) },
    ];

    it(`in each of the ${cases.length} hooks: exit 1 naming plugin, hook and trial; the run is recorded failed, finished trials kept, the lock released; resume completes it`, async () => {
      const base = tempDir('coex-hooks-');
      const dirs = cases.map((c) => path.join(base, c.hook));
      const runs = await coexMany(cases.map((c, i) => {
        const config = writeConfig(base, c.hook, {
          preset: TINY_PRESET,
          plugins: [[fixturePlugin('faulty-hooks'), { hook: c.hook, trial: 5, batch: 0 }]],
          budget: { candidates: 8 },
        });
        return ['run', '--config', config, '--out', dirs[i]];
      }));
      const before = await Promise.all(dirs.map((dir) => readStore(dir)));
      cases.forEach((c, i) => {
        const r = runs[i];
        const message = `plugin coex-plugin-faulty-hooks, hook ${c.hook}${c.trial === undefined ? '' : `, trial ${c.trial}`}: injected fault in ${c.hook}`;
        expect(r.status, `${c.hook}: ${r.stderr}`).to.equal(1);
        expect(r.stderr, c.hook).to.include(`\ncoex: ${message}\ncoex: (set COEX_DEBUG=1 for the stack trace)\n`);
        expect(r.stderr, c.hook).to.not.match(/internal error|\n\s+at /);
        const [record] = before[i].runs;
        expect(record.status, c.hook).to.equal('failed');
        expect((record.summary as { error?: string }).error, c.hook).to.equal(message);
        expect(finalTrials(before[i].trials).map((t) => t.seq), c.hook).to.deep.equal(c.final);
        expect(fs.existsSync(lockFile(dirs[i])), `${c.hook}: the lock was not released`).to.equal(false);
      });

      // The fault was transient (it fires once per folder): the resume goes on from the kept trials.
      const resumes = await coexMany(dirs.map((dir) => ['resume', '--trust-folder', dir]));
      for (const [i, c] of cases.entries()) {
        expect(resumes[i].status, `${c.hook}: ${resumes[i].stderr}`).to.equal(0);
        const after = await readStore(dirs[i]);
        expect(after.runs.map((r) => r.status), c.hook).to.deep.equal(['finished']);
        expect(after.trials.map((t) => `${t.seq} ${t.status}`), c.hook).to.deep.equal(seqs(8).map((s) => `${s} done`));
        for (const t of finalTrials(before[i].trials)) expect(after.trials[t.seq], `${c.hook}: trial ${t.seq} was changed`).to.deep.equal(t);
      }
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
