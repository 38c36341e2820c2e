// Bad input, table-driven: every case exits 2 with a clear one-paragraph message naming what was
// wrong and where, and no stack trace. Cases that touch a run folder must leave its store intact.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { coex, coexMany, tempDir, TINY_PRESET } from './helpers/cli';

describe('bad input', function () {
  this.timeout(900_000);
  const dir = tempDir('coex-bad-');
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const existingRun = path.join(dir, 'existing');
  const notAPlugin = file('not-a-plugin.js', 'module.exports = { hello: 1 };\n');
  const selfPreset = file('loop-preset.js', `module.exports = { name: 'loop', extends: ${JSON.stringify(path.join(dir, 'loop-preset.js'))}, plugins: [] };\n`);
  // Fashion-MNIST folders with a missing, a truncated and a wrong-magic image file (IDX, uncompressed).
  const idx = (magic: number, dims: number[], bytes: number) => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([header, Buffer.alloc(bytes)]);
  };
  const fashionDir = (name: string, images: Buffer | undefined) => {
    const d = path.join(dir, name);
    fs.mkdirSync(d);
    const labels = idx(2049, [4], 4);
    for (const part of ['train', 't10k']) {
      if (images) fs.writeFileSync(path.join(d, `${part}-images-idx3-ubyte`), images);
      fs.writeFileSync(path.join(d, `${part}-labels-idx1-ubyte`), labels);
    }
    return d;
  };
  const missingData = fashionDir('fm-missing', undefined);
  const truncatedData = fashionDir('fm-truncated', idx(2051, [4, 28, 28], 100));
  const wrongMagic = fashionDir('fm-magic', idx(2049, [4, 28, 28], 4 * 28 * 28));
  const train = (data: string) => ['train', '--arch', '[[3,8,2]]', '--dataset', 'fashion-mnist', '--set', `dataset.path=${JSON.stringify(data)}`, '--json'];
  const run = (...args: string[]) => ['run', '--preset', TINY_PRESET, '--out', path.join(dir, `r${Math.random().toString(36).slice(2)}`), ...args];

  const issue13ux = uxCases(dir, file, run);
  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'malformed JSON config', args: ['run', '--config', file('bad.json', '{"preset": "tiny",\n "seed": }\n')], message: /bad\.json:2:\d+: invalid JSON/ },
    { name: 'malformed YAML config', args: ['run', '--config', file('bad.yaml', 'preset: tiny\nspec: [1,\n')], message: /bad\.yaml:\d+:\d+: invalid YAML/ },
    { name: 'config that is a list', args: ['run', '--config', file('list.yaml', '- a\n- b\n')], message: /expected a mapping of settings at the top level/ },
    { name: 'missing config file', args: ['run', '--config', path.join(dir, 'nope.yaml')], message: /cannot read config file .*nope\.yaml: ENOENT/ },
    { name: 'unknown setting in a config file', args: ['run', '--config', file('typo.yaml', `preset: ${TINY_PRESET}\nbudgett: {candidates: 2}\n`)], message: /unknown setting "budgett" \(did you mean "budget"\?\)/ },
    { name: 'unknown preset', args: ['run', '--preset', 'randon-quick'], message: /unknown preset "randon-quick"/ },
    { name: 'a plugin named as a preset', args: ['run', '--preset', 'controller-random'], message: /"controller-random" is a plugin, not a preset/ },
    { name: 'unknown plugin', args: ['run', '--config', file('plug.yaml', `preset: ${TINY_PRESET}\nplugins: [space-chain-cn]\n`)], message: /unknown plugin "space-chain-cn".*Did you mean "space-chain-cnn"\?/ },
    { name: 'a module that is not a plugin', args: ['run', '--config', file('np.yaml', `preset: ${TINY_PRESET}\nplugins: [${notAPlugin}]\n`)], message: /is not a Coex plugin/ },
    { name: 'a malformed plugin entry in a preset file', args: ['run', '--preset', file('entry.yaml', `name: bad-entry\nextends: ${TINY_PRESET}\nplugins:\n  - { plugin: space-chain-cnn }\n`)], message: /preset bad-entry: a plugin entry is a name, \[name, options\] or \{name, options, enabled\}; got \{"plugin":"space-chain-cnn"\}/ },
    { name: 'a preset that extends itself', args: ['run', '--preset', selfPreset], message: /extends itself/ },
    { name: 'wrong option type', args: run('--set', 'trainer.delayMs="slow"'), message: /option trainer\.delayMs: Invalid input: expected number, received string/ },
    { name: 'option out of range', args: run('--set', 'space.depth=0'), message: /option space\.depth: Too small: expected number to be >=1/ },
    { name: 'unknown option', args: run('--set', 'space.dept=3'), message: /unknown option space\.dept \(did you mean space\.depth\?\)/ },
    { name: 'options for a role nobody fills', args: ['run', '--config', file('role.yaml', `preset: ${TINY_PRESET}\nplugins: ["!coex-plugin-fake-hardware"]\nhardware: {pool: [XC7Z020]}\n`)], message: /options were given for the hardware role \(pool\), but no plugin of this run fills it/ },
    { name: '--set without a value', args: run('--set', 'trainer.delayMs'), message: /expected <path>=<value>/ },
    { name: '--set with an unknown prefix', args: run('--set', 'trainr.epochs=2'), message: /did you mean "trainer"/ },
    { name: '--budget 0', args: run('--budget', '0'), message: /--budget expects a whole number of at least 1, got "0"/ },
    { name: 'negative --budget', args: run('--budget', '-3'), message: /--budget expects a whole number of at least 1, got "-3"/ },
    { name: 'budget.candidates 0 in a config', args: run('--set', 'budget.candidates=0'), message: /budget\.candidates: expected a whole number of at least 1, got 0/ },
    { name: 'negative budget.trained', args: run('--set', 'budget.trained=-1'), message: /budget\.trained: expected a whole number of at least 1, got -1/ },
    { name: 'negative spec limit', args: run('--set', 'spec.minThroughput=-5'), message: /spec\.minThroughput: expected a positive number, got -5/ },
    { name: 'unknown spec limit', args: run('--set', 'spec.minThroughputt=5'), message: /unknown setting "minThroughputt" \(did you mean "minThroughput"\?\)/ },
    { name: 'bad --seed', args: run('--seed', 'abc'), message: /--seed expects a whole number of at least 0, got "abc"/ },
    { name: 'bad --time-limit', args: run('--time-limit', 'soon'), message: /budget\.timeLimit: expected a positive duration such as 90s, 30m, 2h or 1h30m, got "soon"/ },
    { name: 'architecture with an impossible layer', args: ['arch', '--arch', '[[0,24,1]]'], message: /layer 0 kernel must be a positive integer, got 0/ },
    { name: 'architecture that is not JSON', args: ['arch', '--arch', '[[3,24,1]'], message: /--arch: not valid JSON/ },
    { name: 'architecture layer that is not a triple', args: ['arch', '--arch', '[[3,24]]'], message: /layer 0 must be \[kernel, filters, stride\], got \[3,24\]/ },
    { name: 'bad input shape', args: ['arch', '--arch', '[[3,24,1]]', '--input', '32x32'], message: /--input: expected HxWxC such as 32x32x3, got "32x32"/ },
    { name: 'dataset file missing', args: train(missingData), message: /fm-missing\/(train|t10k)-images-idx3-ubyte.*apt-get install dataset-fashion-mnist|missing file .*fm-missing/s },
    { name: 'dataset file truncated', args: train(truncatedData), message: /fm-truncated\/(train|t10k)-images-idx3-ubyte.*truncated: expected \d+ bytes/ },
    { name: 'dataset file with the wrong magic number', args: train(wrongMagic), message: /fm-magic\/(train|t10k)-images-idx3-ubyte.*expected IDX magic 2051/ },
    { name: 'show of a folder that is not a run', args: ['show', dir], message: /is not a Coex run folder \(no config\.json\)/ },
    { name: 'resume of a folder that is not a run', args: ['resume', path.join(dir, 'missing')], message: /is not a Coex run folder/ },
    { name: 'run into a folder that holds a run', args: ['run', '--preset', TINY_PRESET, '--out', existingRun], message: /already holds a run; continue it with `coex resume/ },
    { name: 'unknown export format', args: ['export', existingRun, '--format', 'xml'], message: /--format must be one of json, csv, optuna, onnx, got "xml"/ },
    // issue 13, points 7-10
    ...issue13ux.cases,
  ];

  before(issue13ux.before);
  after(issue13ux.after);

  it(`has at least 25 cases (${cases.length})`, () => expect(cases.length).to.be.at.least(25));

  it('each case exits 2 with its message and no stack trace; the existing run is untouched', async () => {
    expect(coex(['run', '--preset', TINY_PRESET, '--budget', '4', '--out', existingRun]).status).to.equal(0);
    const before = coex(['export', existingRun, '--format', 'json']).stdout;
    const results = await coexMany(cases.map((c) => c.args));
    const problems: string[] = [];
    results.forEach((r, i) => {
      const c = cases[i];
      if (r.status !== 2) problems.push(`${c.name}: exit ${r.status}\n${r.stderr}`);
      else if (!c.message.test(r.stderr)) problems.push(`${c.name}: message ${JSON.stringify(r.stderr)} does not match ${c.message}`);
      else if (/\n\s+at /.test(r.stderr)) problems.push(`${c.name}: printed a stack trace`);
    });
    expect(problems, problems.join('\n\n')).to.deep.equal([]);
    expect(coex(['export', existingRun, '--format', 'json']).stdout).to.equal(before);
  });

  it('issue 13, points 7-10: a refused run, study or export creates nothing, and the damaged run keeps its other trials', () => {
    expect(issue13ux.mustNotExist.filter((p) => fs.existsSync(p))).to.deep.equal([]);
    expect(issue13ux.intact()).to.equal(true);
  });
});

/**
 * Issue 13, points 7-10: output paths, foreign and damaged run folders, configuration values a
 * parser turns into something else, configurations no plugin completes, missing inputs (preflight).
 */
function uxCases(dir: string, file: (name: string, text: string) => string, run: (...args: string[]) => string[]) {
  const sub = (name: string) => path.join(dir, name);
  const aFile = file('plain-file.txt', 'not a folder\n');
  const dangling = sub('dangling-link');
  const foreign = (name: string, text: string) => {
    fs.mkdirSync(sub(name));
    fs.writeFileSync(path.join(sub(name), 'config.json'), text);
    return sub(name);
  };
  const lockedByFolder = sub('lock-is-a-folder');
  const immutable = sub('immutable');
  const damagedRun = sub('damaged');
  const refusedOut = (name: string) => sub(`refused-${name}`);
  const mustNotExist = [refusedOut('no-space'), refusedOut('no-trainer'), refusedOut('study-no-space'), sub('missing-folder'),
    refusedOut('fashion-mnist'), refusedOut('study-fashion-mnist'), refusedOut('program'), refusedOut('nb201'), refusedOut('nb201-hw'), refusedOut('study-nb201')];
  const noData = sub('no-fashion-mnist-here');
  const withPlugin = (name: string, entry: string) => file(`${name}.yaml`, `preset: ${TINY_PRESET}\nplugins: [${entry}]\n`);
  const threeCells = file('three-cells.csv', 'arch_str,cifar10_val_12ep,cifar10_test_12ep\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10,10\n');
  // An alias bomb: nine levels of nine aliases each would expand to 9^9 copies.
  let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  const noRole = (role: string, plugin: string) => file(`no-${role}.yaml`, `preset: ${TINY_PRESET}\nplugins: ["!${plugin}"]\n`);
  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: '--out that is a file', args: ['run', '--preset', TINY_PRESET, '--out', aFile], message: /--out .*plain-file\.txt is a file, not a folder/ },
    { name: '--out below a file', args: ['run', '--preset', TINY_PRESET, '--out', path.join(aFile, 'run')], message: /--out .*plain-file\.txt\/run: .*plain-file\.txt is a file, so no folder can be made below it/ },
    { name: '--out with a 300-character name', args: ['run', '--preset', TINY_PRESET, '--out', sub('n'.repeat(300))], message: /the name "n+…" is 300 bytes long; a file or folder name may have at most 255/ },
    { name: '--out below a dangling symbolic link', args: ['run', '--preset', TINY_PRESET, '--out', path.join(dangling, 'run')], message: /dangling-link is a symbolic link to .*nowhere, which does not exist/ },
    // Root may write almost anywhere: sysfs refuses it (EACCES/EPERM), as an immutable folder does (below, when chattr works here).
    { name: '--out an existing folder nobody can write (sysfs)', args: ['run', '--preset', TINY_PRESET, '--out', '/sys/kernel'], message: /--out \/sys\/kernel: \/sys\/kernel is on the sysfs virtual file system, which cannot hold files/ },
    { name: '--out under /proc (recursive mkdir used to loop there)', args: ['run', '--preset', TINY_PRESET, '--out', '/proc/coex-run'], message: /--out \/proc\/coex-run: \/proc is on the proc virtual file system/ },
    { name: 'ablate --out under /proc', args: ['ablate', '--arms', TINY_PRESET, '--seeds', '1', '--out', '/proc/coex-study'], message: /--out \/proc\/coex-study: \/proc is on the proc virtual file system/ },
    { name: 'export --out a folder', args: ['export', sub('existing'), '--out', dir], message: /--out .* is a folder; give the name of the file to write/ },
    { name: 'export --out under a missing folder', args: ['export', sub('existing'), '--out', path.join(sub('missing-folder'), 'trials.json')], message: /--out .*missing-folder\/trials\.json: the folder .*missing-folder does not exist/ },
    { name: 'resume of a folder with another tool\'s config.json (an object)', args: ['resume', foreign('foreign-object', '{"name": "webpack", "mode": "production"}\n')], message: /foreign-object\/config\.json is not a Coex run configuration .*found \{"name":"webpack"/ },
    { name: 'resume of a folder whose config.json is a list', args: ['resume', foreign('foreign-list', '[1,2]\n')], message: /foreign-list\/config\.json is not a Coex run configuration .*found \[1,2\]/ },
    { name: 'resume of a folder whose config.json is null', args: ['resume', foreign('foreign-null', 'null\n')], message: /foreign-null\/config\.json is not a Coex run configuration .*found null/ },
    { name: 'show of a folder whose config.json is a list', args: ['show', sub('foreign-list')], message: /foreign-list\/config\.json is not a Coex run configuration/ },
    { name: 'plugins given as a string', args: ['run', '--config', file('plugins-string.yaml', `preset: ${TINY_PRESET}\nplugins: space-chain-cnn\n`)], message: /plugins-string\.yaml: plugins: expected a list of plugin entries .*got "space-chain-cnn"/ },
    { name: 'a YAML alias bomb', args: ['run', '--config', file('bomb.yaml', bomb)], message: /config file .*bomb\.yaml: .*alias/ },
    { name: '1e309 in --set', args: run('--set', 'trainer.delayMs=1e309'), message: /--set trainer\.delayMs=1e309: 1e309 is not a finite number/ },
    { name: '1e309 in a YAML config', args: ['run', '--config', file('huge.yaml', `preset: ${TINY_PRESET}\nspec:\n  minThroughput: 1e309\n`)], message: /huge\.yaml:3:18: 1e309 is not a finite number/ },
    { name: '1e309 in a JSON config', args: ['run', '--config', file('huge.json', `{"preset": ${JSON.stringify(TINY_PRESET)}, "seed": 1e309}\n`)], message: /huge\.json:1:\d+: 1e309 is not a finite number/ },
    { name: 'a damaged metrics JSON in one trial row', args: ['show', damagedRun], message: /trial 2 of run main is damaged: its metrics column is not valid JSON/ },
    { name: 'export of a run with a damaged trial row', args: ['export', damagedRun, '--format', 'csv'], message: /trial 2 of run main is damaged/ },
    { name: 'coex.lock that is a folder', args: ['run', '--preset', TINY_PRESET, '--budget', '2', '--out', lockedByFolder], message: /lock-is-a-folder\/coex\.lock is a folder, not Coex's lock file/ },
    { name: 'no plugin fills the space role', args: ['run', '--config', noRole('space', 'space-chain-cnn'), '--out', refusedOut('no-space')], message: /no plugin of this run fills the space role.*\[COEX_NO_SPACE\]/ },
    { name: 'no plugin fills the trainer role', args: ['run', '--config', noRole('trainer', 'coex-plugin-fake-trainer'), '--out', refusedOut('no-trainer')], message: /no plugin of this run fills the trainer role.*\[COEX_NO_TRAINER\]/ },
    { name: 'a study arm no plugin completes', args: ['ablate', '--arms', `a=${TINY_PRESET},b=${file('no-space-preset.yaml', `name: no-space\nextends: ${TINY_PRESET}\nplugins: ["!space-chain-cnn"]\n`)}`, '--seeds', '1', '--out', refusedOut('study-no-space')], message: /arm b .*no plugin of this run fills the space role.*\[COEX_NO_SPACE\]/ },
    // Point 8: a missing input fails the run (or study) before its folder is made and anything is sampled.
    { name: 'a missing Fashion-MNIST folder (co-exploration)', args: ['run', '--preset', 'co-exploration', '--set', `dataset.path=${noData}`, '--out', refusedOut('fashion-mnist')], message: /fashion-mnist: missing file .*no-fashion-mnist-here\/train-images-idx3-ubyte\.gz.*apt-get install dataset-fashion-mnist/ },
    { name: 'ablate with a missing dataset in one arm', args: ['ablate', '--arms', 'a=co-exploration-quick,b=co-exploration', '--seeds', '1', '--set', `b.dataset.path=${noData}`, '--out', refusedOut('study-fashion-mnist')], message: /arm b \(co-exploration\): .*fashion-mnist: missing file .*apt-get install dataset-fashion-mnist/ },
    { name: 'CIFAR-10 without dataset.path', args: ['run', '--config', withPlugin('cifar', 'dataset-cifar10')], message: /cifar10: option dataset\.path is required .*cifar-10-binary\.tar\.gz/ },
    { name: 'CIFAR-10 in a folder without its batches', args: ['run', '--config', withPlugin('cifar-empty', `[dataset-cifar10, {path: ${JSON.stringify(dir)}}]`)], message: /cifar10: missing file .*data_batch_1\.bin/ },
    { name: 'a trainer command whose program does not exist', args: ['run', '--config', withPlugin('program', '[trainer-command, {command: "coex-no-such-trainer-xyz {arch}"}]'), '--out', refusedOut('program')], message: /trainer\.command: the program "coex-no-such-trainer-xyz" is not found on this machine/ },
    { name: 'a tabular trainer whose table does not exist', args: ['run', '--config', withPlugin('tabular', `[trainer-tabular, {csv: ${JSON.stringify(sub('no-table.csv'))}}]`)], message: /trainer\.csv: cannot read CSV file .*no-table\.csv: no such file/ },
    // Point 9: the nb201 presets ship no table; a topology by name.
    { name: 'nb201-random without a table', args: ['run', '--preset', 'nb201-random', '--out', refusedOut('nb201')], message: /trainer\.csv: no table given\. The NAS-Bench-201 presets .*--set trainer\.csv=<table\.csv> --set hardware\.csv=<table\.csv> .*--set space\.cellsCsv=<cells\.csv>.*docs\/presets\.md.*\[COEX_NO_TABLE\]/ },
    { name: 'nb201-evolution with a trainer table but no hardware table', args: ['run', '--preset', 'nb201-evolution', '--set', `trainer.csv=${threeCells}`, '--out', refusedOut('nb201-hw')], message: /hardware\.csv: no table given\. The NAS-Bench-201 presets/ },
    { name: 'ablate of nb201 presets without a table', args: ['ablate', '--arms', 'nb201-random,nb201-rl', '--seeds', '1', '--out', refusedOut('study-nb201')], message: /arm nb201-random \(nb201-random\): .*trainer\.csv: no table given/ },
    { name: 'a topology name the model does not ship', args: ['hw', '--model', 'systolic-array', '--topology', 'alexnt'], message: /--topology alexnt: no such file, nor a topology of systolic-array \(it ships alexnet, .*resnet18\); did you mean "alexnet"\?/ },
    { name: 'a topology name for a model that ships none', args: ['hw', '--model', 'fpga-pipeline', '--topology', 'alexnet'], message: /--topology alexnet: no such file \(the fpga-pipeline model ships no named topologies\)/ },
    // Point 10: show and export of a damaged run name the trial (above); a study's damaged row does too.
    { name: 'show --json of a run with a damaged trial row', args: ['show', damagedRun, '--json'], message: /store file .*damaged\/coex\.db: trial 2 of run main is damaged/ },
  ];
  fs.mkdirSync(immutable);
  // chattr +i stops root too; not every file system supports it, so the row is added only where it does.
  const immutableFlag = spawnSync('chattr', ['+i', immutable]).status === 0;
  if (immutableFlag) cases.push({ name: '--out below an immutable folder (chattr +i)', args: ['run', '--preset', TINY_PRESET, '--out', path.join(immutable, 'run')], message: /immutable\/run: the folder .*immutable is not writable \(EPERM\)/ });
  return {
    cases,
    mustNotExist,
    before() {
      fs.symlinkSync(path.join(dir, 'nowhere'), dangling);
      fs.mkdirSync(path.join(lockedByFolder, 'coex.lock'), { recursive: true });
      expect(coex(['run', '--preset', TINY_PRESET, '--budget', '4', '--out', damagedRun]).status).to.equal(0);
      const Database = require('better-sqlite3');
      const db = new Database(path.join(damagedRun, 'coex.db'));
      db.prepare("UPDATE trials SET metrics = '{\"accuracy\": 0.5,' WHERE seq = 2").run();
      db.close();
    },
    after() {
      if (immutableFlag) spawnSync('chattr', ['-i', immutable]);
    },
    /** The damaged run's other trials are still there. */
    intact() {
      const Database = require('better-sqlite3');
      const db = new Database(path.join(damagedRun, 'coex.db'), { readonly: true });
      const rows = db.prepare('SELECT seq, metrics FROM trials ORDER BY seq').all() as { seq: number; metrics: string }[];
      db.close();
      return rows.length === 4 && rows.filter((r) => r.seq !== 2).every((r) => typeof JSON.parse(r.metrics) === 'object');
    },
  };
}
