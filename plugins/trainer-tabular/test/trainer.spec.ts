import { expect } from 'chai';
import * as path from 'node:path';
import { UserError, isUserError, type PluginEntry } from '@coex/core';
import { loadRole, resolveConfig } from '@coex/core/host';
import { createTestPipeline, scratchFolder, NB201_SAMPLE, NB201_FULL, plainCsvRows } from '@coex/testing';
import { AccuracyTable } from '../src';

const FIXTURE = NB201_SAMPLE;
const FULL_TABLE = NB201_FULL;

const fixtureRows = () => plainCsvRows(FIXTURE);

async function trainerWith(options: Record<string, unknown>) {
  const { config, plugins } = resolveConfig({ plugins: [['trainer-tabular', { csv: FIXTURE, ...options }]] });
  return loadRole('trainer', { dir: '/nonexistent', config, plugins });
}

const nb201 = (cell: string) => ({ seq: 0, seed: 1, architecture: { kind: 'nb201-cell', cell } });

describe('trainer-tabular', () => {
  const scratch = scratchFolder('coex-trainer-tabular');
  const write = scratch.write;

  it('without a table, says that the NAS-Bench-201 presets need one and which options give it', async () => {
    const error = await trainerWith({ csv: undefined }).catch((e: unknown) => e);
    expect(isUserError(error), String(error)).to.equal(true);
    expect((error as Error).message).to.match(/trainer\.csv: no table given\. The NAS-Bench-201 presets .* need a NAS-Bench-201 table.*--set trainer\.csv=<table\.csv> --set hardware\.csv=<table\.csv> .*--set space\.cellsCsv=<cells\.csv>/);
  });

  it('lists the architectures of its table (a space can restrict itself to them)', async () => {
    const keys = (await trainerWith({})).architectureKeys!();
    expect(keys.length).to.equal(505);
    expect(keys[0]).to.equal('|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|');
  });

  it('records the table as an absolute path in the run configuration', () => {
    const { config } = resolveConfig({ plugins: [['trainer-tabular', { csv: 'tables/nb201.csv' }]] });
    expect(config.plugins[0].options.csv).to.equal(path.resolve('tables/nb201.csv'));
  });

  it('looks every fixture row up, percent scaled to 0..1', async () => {
    const trainer = await trainerWith({});
    const rows = fixtureRows();
    for (const row of rows) {
      const result = await trainer.train(nb201(row.arch_str));
      expect(result.accuracy).to.be.closeTo(Number(row.cifar10_val_12ep) / 100, 1e-12);
      expect(result.testAccuracy).to.be.closeTo(Number(row.cifar10_test_12ep) / 100, 1e-12);
      expect(result).to.include({ backend: 'table', queries: 1 });
      expect(result.simulatedSeconds).to.equal(undefined);
      expect(result.seconds).to.be.at.least(0);
    }
    const table = AccuracyTable.load({ csv: FIXTURE, archColumn: 'arch_str', valColumn: 'cifar10_val_12ep', testColumn: 'cifar10_test_12ep', accuracyUnit: 'auto' });
    expect(table.size).to.equal(rows.length);
    expect(table.units).to.deep.equal({ val: 'percent', test: 'percent' });
  });

  it('reads any table: other column names, other key field, percent accuracies, simulated time', async () => {
    const csv = write('other.csv', [
      'id,genotype,acc_valid,acc_test,train_time_s',
      '1,"net,a",91.5,90.25,1200',
      '2,net-b,45,44,600.5',
      '3,net-c,0.5,0.4,10', // 0.5 % in a percent column: still percent
    ].join('\n'));
    const trainer = await trainerWith({ csv, archColumn: 'genotype', archField: 'hash', valColumn: 'acc_valid', testColumn: 'acc_test', timeColumn: 'train_time_s' });
    const a = await trainer.train({ seq: 1, seed: 1, architecture: { kind: 'nb101', hash: 'net,a' } });
    expect(a).to.deep.equal({ accuracy: 0.915, testAccuracy: 0.9025, backend: 'table', queries: 1, simulatedSeconds: 1200, seconds: 1200 });
    const c = await trainer.train({ seq: 2, seed: 1, architecture: { kind: 'nb101', hash: 'net-c' } });
    expect(c.accuracy).to.be.closeTo(0.005, 1e-12);
  });

  it('keeps fractions as they are and can leave the test column out', async () => {
    const csv = write('fraction.csv', 'arch,val\nx,0.75\ny,1\n');
    const trainer = await trainerWith({ csv, archColumn: 'arch', valColumn: 'val', testColumn: '' });
    expect(await trainer.train(nb201('x'))).to.include({ accuracy: 0.75 }).and.not.have.property('testAccuracy');
    expect((await trainer.train(nb201('y'))).accuracy).to.equal(1);
    const percent = await trainerWith({ csv, archColumn: 'arch', valColumn: 'val', testColumn: '', accuracyUnit: 'percent' });
    expect((await percent.train(nb201('x'))).accuracy).to.be.closeTo(0.0075, 1e-12);
  });

  it('a cell missing from the table rejects with the cell and the file (a failed trial)', async () => {
    const trainer = await trainerWith({});
    const cell = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
    const known = new Set(fixtureRows().map((r) => r.arch_str));
    expect(known.has(cell)).to.equal(false);
    let error: unknown;
    await trainer.train(nb201(cell)).catch((e) => { error = e; });
    expect((error as Error).message).to.equal(`architecture ${cell} is not in ${FIXTURE} (${known.size} rows)`);
  });

  it('in a run, missing cells fail their trials and the search goes on', async () => {
    const { summary, trials } = await createTestPipeline({
      // The space proposes every cell of the full table; the trainer's sample lacks most of them.
      plugins: ['controller-random', ['space-nasbench201', { cellsCsv: FULL_TABLE }], ['trainer-tabular', { csv: FIXTURE }]] as PluginEntry[],
      seed: 3,
      budget: 40,
    }).execute();
    expect(summary.status).to.equal('finished');
    const rows = new Map(fixtureRows().map((r) => [r.arch_str, r]));
    for (const t of trials) {
      const cell = t.candidate.architecture.cell as string;
      if (rows.has(cell)) {
        expect(t.status).to.equal('done');
        expect(t.metrics.accuracy).to.be.closeTo(Number(rows.get(cell)!.cifar10_val_12ep) / 100, 1e-12);
      } else {
        expect(t.status).to.equal('failed');
        expect(t.error).to.equal(`architecture ${cell} is not in ${FIXTURE} (${rows.size} rows)`);
      }
    }
    expect(trials.filter((t) => t.status === 'failed').length).to.be.greaterThan(30);
  });

  it('clear user errors: missing file, missing column, bad values, bad options', async () => {
    const fail = async (options: Record<string, unknown>) => {
      let error: unknown;
      await trainerWith(options).catch((e) => { error = e; });
      expect(isUserError(error), String(error)).to.equal(true);
      return (error as Error).message;
    };
    expect(await fail({ csv: scratch.file('absent.csv') })).to.match(/trainer.csv: cannot read CSV file .*absent.csv: no such file/);
    expect(await fail({ valColumn: 'cifar10_val' })).to.match(
      /trainer.valColumn: column "cifar10_val" is not in .*nb201_sample.csv; its columns are "index", "arch_str", "cifar10_val_12ep"/,
    );
    expect(await fail({ valColumn: 'cifar10_val_12e' })).to.match(/did you mean "cifar10_val_12ep"\?/);
    const bad = write('bad.csv', 'arch,val\nx,0.5\ny,abc\n');
    expect(await fail({ csv: bad, archColumn: 'arch', valColumn: 'val', testColumn: '' })).to.match(/bad.csv:3: column "val" should be a number, found "abc"/);
    const high = write('high.csv', 'arch,val\nx,0.5\ny,120\n');
    expect(await fail({ csv: high, archColumn: 'arch', valColumn: 'val', testColumn: '' })).to.match(/high.csv:3: column "val" holds accuracy 120, outside 0..100 \(percent; set trainer.accuracyUnit/);
    expect(await fail({ csv: high, archColumn: 'arch', valColumn: 'val', testColumn: '', accuracyUnit: 'fraction' })).to.match(/high.csv:3: .*outside 0..1 \(fraction/);
    const dup = write('dup.csv', 'arch,val\nx,0.5\nx,0.6\n');
    expect(await fail({ csv: dup, archColumn: 'arch', valColumn: 'val', testColumn: '' })).to.match(/dup.csv:3: "x" in column "arch" is repeated \(first on line 2\)/);
    expect(() => resolveConfig({ plugins: [['trainer-tabular', { valColum: 'x' }]] })).to.throw(UserError, /unknown option trainer.valColum \(did you mean trainer.valColumn\?\)/);
  });
});
