// @coex/study in process, without the CLI: parsing --arms and --seeds, planning (labels, overrides
// per arm or for every arm, budgets), preparing a study folder, running it, stopping and resuming it.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@coex/core';
import { STUDY_FILE, openStudyStore, readStudy, studyRunConfig } from '@coex/core/host';
import { parseArmList, parseSeedList, planStudy, prepareStudy, resumeStudy, runStudy, studyRunDir, studyRunId } from '../src';
import { TINY_PRESET, tempDir } from '../../test/helpers/cli';

const arms = (text: string) => parseArmList(text);

describe('@coex/study', function () {
  this.timeout(60_000);

  it('parses --arms and --seeds, refusing what it cannot use', () => {
    expect(parseArmList('a=co-exploration, random ,b=./x.ts')).to.deep.equal([{ label: 'a', preset: 'co-exploration' }, { preset: 'random' }, { label: 'b', preset: './x.ts' }]);
    expect(() => parseArmList('a=')).to.throw(UserError, /--arms a=: no preset after "a="/);
    expect(() => parseArmList(' , ')).to.throw(UserError, /--arms: expected \[<label>=\]<preset>/);
    expect(parseSeedList('3, 1,2')).to.deep.equal([3, 1, 2]);
    expect(() => parseSeedList('1,2,1')).to.throw(UserError, /--seeds: seed 1 is listed twice/);
    expect(() => parseSeedList('1,x')).to.throw(UserError, /--seeds/);
  });

  it('plans arms x seeds seed by seed, with overrides for one arm or for every arm', () => {
    const out = path.join(tempDir(), 's');
    const { dir, study } = planStudy({
      arms: arms(`a=${TINY_PRESET},${TINY_PRESET}`), seeds: [5, 6], budget: 6,
      sets: ['a.controller.batchSize=2', 'trainer.delayMs=3'], out,
    });
    expect(dir).to.equal(out);
    expect(study.arms.map((a) => a.label)).to.deep.equal(['a', 'tiny']);
    expect(study.arms.map((a) => a.sets)).to.deep.equal([['trainer.delayMs=3', 'controller.batchSize=2'], ['trainer.delayMs=3']]);
    expect(study.runs.map((r) => r.id)).to.deep.equal(['a/seed5', 'tiny/seed5', 'a/seed6', 'tiny/seed6']);
    expect(study.budget).to.deep.equal({ equal: true, candidates: 6 });
    const option = (label: string, role: string, key: string) =>
      study.arms.find((a) => a.label === label)!.config.plugins.find((p) => p.role === role)!.options[key];
    expect(option('a', 'controller', 'batchSize')).to.equal(2);
    expect(option('tiny', 'controller', 'batchSize')).to.equal(4);
    expect(option('tiny', 'trainer', 'delayMs')).to.equal(3);
    // Each run takes the arm's configuration with its own seed.
    expect(studyRunConfig(study, study.runs[2]).seed).to.equal(6);
    expect(fs.existsSync(out), 'planning writes nothing').to.equal(false);
  });

  it('tells unequal budgets apart and refuses ambiguous labels and overrides', () => {
    const unequal = planStudy({ arms: arms(`a=${TINY_PRESET},b=${TINY_PRESET}`), seeds: [1], sets: ['b.budget.candidates=20'] }).study;
    expect(unequal.budget.equal).to.equal(false);
    const refused: [Parameters<typeof planStudy>[0], RegExp][] = [
      [{ arms: arms(`a=${TINY_PRESET},a=${TINY_PRESET}`), seeds: [1] }, /two arms are labelled "a"/],
      [{ arms: arms(`spec=${TINY_PRESET}`), seeds: [1] }, /label "spec" is also a setting name/],
      [{ arms: arms(`a=${TINY_PRESET}`), seeds: [1], sets: ['seed=3'] }, /a study sets the seed of every run from --seeds/],
      [{ arms: arms(`a=${TINY_PRESET}`), seeds: [1], sets: ['a.seed=3'] }, /a study sets the seed of every run from --seeds/],
      [{ arms: arms(`a=${TINY_PRESET}`), seeds: [1], sets: ['traner.epochs=1'] }, /"traner" is neither an arm label \(a\) nor a setting .*did you mean "trainer"\?/],
      [{ arms: arms(`a=${TINY_PRESET}`), seeds: [1], sets: ['a=1'] }, /name the setting after the label/],
      [{ arms: arms(`a=${TINY_PRESET}`), seeds: [1], sets: ['a.controller.nope=1'] }, /arm a \(.*tiny\.ts\): .*nope/],
      [{ arms: [], seeds: [1] }, /at least one arm/],
    ];
    for (const [request, message] of refused) expect(() => planStudy(request), String(message)).to.throw(UserError, message);
  });

  it('prepares, runs, stops and resumes a study; a finished study has nothing to resume', async () => {
    const dir = path.join(tempDir(), 'study');
    const request = { arms: arms(`a=${TINY_PRESET},b=${TINY_PRESET}`), seeds: [1], budget: 4, sets: ['b.controller.batchSize=2'], out: dir };
    const prepared = await prepareStudy(request);
    expect(readStudy(dir).runs.map((r) => r.id)).to.deep.equal(['a/seed1', 'b/seed1']);

    // Stopped before the first run: nothing runs, the study is resumable.
    const stop = new AbortController();
    stop.abort();
    expect((await runStudy(prepared, { signal: stop.signal })).status).to.equal('interrupted');
    prepared.release();
    await expectRejection(prepareStudy(request), /already holds a study; continue it with `coex resume/);

    const resumed = await resumeStudy(dir, { trustFolder: true }); // the fixture's plugins are module paths
    expect(resumed).to.not.equal(undefined);
    const seen: string[] = [];
    const outcome = await runStudy(resumed!, { onRun: (info) => seen.push(`${info.index}/${info.total} ${info.id}`) });
    resumed!.release();
    expect(outcome.status).to.equal('finished');
    expect(seen).to.deep.equal(['1/2 a/seed1', '2/2 b/seed1']);
    expect(outcome.runs.map((r) => [r.id, r.skipped, r.summary?.counts.sampled])).to.deep.equal([['a/seed1', false, 4], ['b/seed1', false, 4]]);

    const { store, runs } = await openStudyStore(dir);
    const trials = await store.listTrials(studyRunId('b', 1));
    await store.close();
    expect(runs.map((r) => [r.id, r.status])).to.deep.equal([['a/seed1', 'finished'], ['b/seed1', 'finished']]);
    expect(trials).to.have.length(4);
    expect(studyRunDir(dir, 'b/seed1')).to.equal(path.join(dir, 'runs', 'b', 'seed1'));
    expect(await resumeStudy(dir, { trustFolder: true })).to.equal(undefined);
  });

  it('reading a damaged study.json names the file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, STUDY_FILE), '{"arms": [');
    expect(() => readStudy(dir)).to.throw(UserError, new RegExp(`${STUDY_FILE}: unreadable study definition`));
    fs.writeFileSync(path.join(dir, STUDY_FILE), '{"arms": []}');
    expect(() => readStudy(dir)).to.throw(UserError, /not a study definition/);
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
  let error: unknown;
  await promise.catch((e) => (error = e));
  expect(error).to.be.instanceOf(UserError);
  expect((error as Error).message).to.match(message);
}
