import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '@coex/core';
import { csvColumn, csvNumber, csvRowsByKey, parseCsv, readCsvTable, tableKeyOf } from '@coex/kit-table';

describe('kit-table CSV reader', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text = '\ufeffname, "value"\r\n"a,b",1\r\n"say ""hi""",2\r\n"two\nlines",3\r\n\r\nlast,4';
    const table = parseCsv(text, 'mem.csv');
    expect(table.columns).to.deep.equal(['name', 'value']);
    expect(table.rows.map((r) => r.values)).to.deep.equal([['a,b', '1'], ['say "hi"', '2'], ['two\nlines', '3'], ['last', '4']]);
    // Lines are where each row starts, counting the line break inside the quoted field.
    expect(table.rows.map((r) => r.line)).to.deep.equal([2, 3, 4, 7]);
  });

  it('counts a CRLF inside a quoted field as one line, and takes another delimiter', () => {
    const table = parseCsv('k;v\r\n"a\r\nb";1\r\n\r\n  c;"2;3"\r\nd;4', 'semi.csv', ';');
    expect(table.rows).to.deep.equal([
      { line: 2, values: ['a\r\nb', '1'] },
      { line: 5, values: ['c', '2;3'] },
      { line: 6, values: ['d', '4'] },
    ]);
    expect(() => parseCsv('k;v\r\n"a\r\nb";1\r\nc\r\n', 'semi.csv', ';')).to.throw(UserError, 'semi.csv:4: expected 2 fields as in the header, found 1');
  });

  it('names file and line for malformed rows', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'f.csv')).to.throw(UserError, 'f.csv:3: expected 2 fields as in the header, found 1');
    expect(() => parseCsv('a,b\n1,2,3\n', 'f.csv')).to.throw(UserError, /f.csv:2: expected 2 fields as in the header, found 3 \(an unquoted delimiter/);
    expect(() => parseCsv('a,b\n1,"2\n3,4\n', 'f.csv')).to.throw(UserError, 'f.csv:2: a quoted field opened on this line is never closed');
    expect(() => parseCsv('a,b\n"1"x,2\n', 'f.csv')).to.throw(UserError, /f.csv:2: unexpected text after the closing quote of field 1/);
    expect(() => parseCsv('a,b\r\n"x\r\ny",1\r\n3,"4\r\n', 'f.csv')).to.throw(UserError, 'f.csv:4: a quoted field opened on this line is never closed');
    expect(() => parseCsv('a,a\n1,2\n', 'f.csv')).to.throw(UserError, 'f.csv:1: column "a" appears twice in the header (fields 1 and 2)');
    expect(() => parseCsv('\n\n', 'f.csv')).to.throw(UserError, /CSV file f.csv is empty/);
  });

  it('names a missing file and the option that named it', () => {
    const missing = path.join(os.tmpdir(), 'coex-no-such-table.csv');
    expect(() => readCsvTable(missing, { option: 'trainer.csv' })).to.throw(UserError, `trainer.csv: cannot read CSV file ${missing}: no such file`);
    expect(() => readCsvTable(os.tmpdir())).to.throw(UserError, /it is a folder/);
  });

  it('finds columns, suggests a near name and lists the columns', () => {
    const table = parseCsv('arch,val_acc,latency_ms\nx,0.5,2\n', 't.csv');
    expect(csvColumn(table, 'val_acc', 'trainer.valColumn')).to.equal(1);
    expect(() => csvColumn(table, 'val_ac', 'trainer.valColumn')).to.throw(
      UserError,
      'trainer.valColumn: column "val_ac" is not in t.csv (did you mean "val_acc"?); its columns are "arch", "val_acc", "latency_ms"',
    );
    expect(() => csvColumn(table, 'cifar10_valid', 'trainer.valColumn')).to.throw(UserError, /is not in t.csv; its columns are/);
  });

  it('reads numbers and keys strictly, at file:line', () => {
    const table = parseCsv('arch,acc\nx, 0.5 \ny,n/a\nx,1\n,2\n', 't.csv');
    expect(csvNumber(table, table.rows[0], 1)).to.equal(0.5);
    expect(() => csvNumber(table, table.rows[1], 1)).to.throw(UserError, 't.csv:3: column "acc" should be a number, found "n/a"');
    expect(() => csvRowsByKey(table, 0)).to.throw(UserError, 't.csv:4: "x" in column "arch" is repeated (first on line 2)');
    const blank = parseCsv('arch,acc\n,2\n', 't.csv');
    expect(() => csvRowsByKey(blank, 0)).to.throw(UserError, 't.csv:2: column "arch" is empty');
  });

  it('reads a file from disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-csv-'));
    try {
      const file = path.join(dir, 't.csv');
      fs.writeFileSync(file, 'k,v\r\na,1\r\n');
      expect(readCsvTable(file)).to.deep.equal({ file, columns: ['k', 'v'], rows: [{ line: 2, values: ['a', '1'] }] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the lookup key from an architecture field', () => {
    expect(tableKeyOf({ kind: 'nb201-cell', cell: ' |x| ' }, 'cell', 'trainer.archField')).to.equal('|x|');
    expect(() => tableKeyOf({ kind: 'chain-cnn', layers: [] }, 'cell', 'trainer.archField')).to.throw(
      UserError,
      'trainer.archField: a chain-cnn architecture has no text field "cell" to look up in the table; its fields are kind, layers',
    );
  });
});
