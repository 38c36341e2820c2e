import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '@coex/core';
import {
  CELL_COUNT,
  CellSet,
  NB201_KIND,
  Nb201Space,
  OPS,
  allCellTokens,
  canonicalCell,
  decodeCell,
  encodeCell,
  readCellSet,
} from '../src';
import { NB201_SAMPLE } from '@coex/testing';

const FIXTURE = NB201_SAMPLE;
const fixtureCells = () =>
  fs.readFileSync(FIXTURE, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(',')[1]);

describe('space-nasbench201: cells', () => {
  it('round-trips all 15,625 token vectors and cell strings, each string distinct', () => {
    const strings = new Set<string>();
    let count = 0;
    for (const tokens of allCellTokens()) {
      const cell = decodeCell(tokens);
      expect(encodeCell(cell)).to.deep.equal(tokens);
      strings.add(cell);
      count++;
    }
    expect(count).to.equal(CELL_COUNT).and.equal(15625);
    expect(strings.size).to.equal(15625);
  });

  it('writes cells exactly as the benchmark does (every fixture row round-trips)', () => {
    const cells = fixtureCells();
    expect(cells.length).to.be.greaterThan(100);
    for (const cell of cells) expect(decodeCell(encodeCell(cell))).to.equal(cell);
    expect(decodeCell([4, 2, 1, 2, 1, 1])).to.equal(
      '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
    );
  });

  it('rejects malformed cell strings with the reason', () => {
    expect(() => encodeCell('|none~0|+|none~0|none~1|')).to.throw(UserError, /expected 3 nodes/);
    expect(() => encodeCell('|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|')).to.throw(UserError, /unknown operation "conv"; operations are none, skip_connect/);
    expect(() => encodeCell('|none~0|+|none~1|none~0|+|none~0|none~1|none~2|')).to.throw(UserError, /edge none~1 of node 2 should read <op>~0/);
    expect(() => encodeCell('|none~0|+|none~0|+|none~0|none~1|none~2|')).to.throw(UserError, /node 2 should have 2 input edge/);
    expect(() => decodeCell([0, 0, 0, 0, 0])).to.throw(/6 edges, got 5 tokens/);
    expect(() => decodeCell([0, 0, 0, 0, 0, 5])).to.throw(/token 5 of edge 3<-2/);
  });

  it('has six decisions over the five ops and decodes to an nb201-cell', () => {
    const space = new Nb201Space();
    expect(space.maxLayers).to.equal(6);
    expect(space.decisions().map((d) => d.name)).to.deep.equal([
      'node1.from0', 'node2.from0', 'node2.from1', 'node3.from0', 'node3.from1', 'node3.from2',
    ]);
    for (const d of space.decisions()) expect(d.choices).to.deep.equal(OPS);
    expect(space.decode([3, 3, 3, 3, 3, 3])).to.deep.equal({
      kind: NB201_KIND,
      cell: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    });
  });
});

describe('space-nasbench201: isomorphism classes', () => {
  it("counts NAS-Bench-201's 6,466 unique cells among the 15,625", () => {
    const classes = new Set<string>();
    for (const tokens of allCellTokens()) classes.add(canonicalCell(tokens));
    expect(classes.size).to.equal(6466);
  });

  it('treats skip as identity, sums as commutative, and ignores what cannot reach the output', () => {
    // node1 = x (skip); node3 = conv3(x) + node1 versus x + conv3(node1): the same sum, reordered.
    const a = canonicalCell('|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|skip_connect~1|none~2|');
    const b = canonicalCell('|skip_connect~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|none~2|');
    expect(a).to.equal(b);
    // Edges into node 1 and 2 do not matter when nothing leaves them towards the output.
    const dead1 = canonicalCell('|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|none~2|');
    const dead2 = canonicalCell('|skip_connect~0|+|none~0|skip_connect~1|+|nor_conv_3x3~0|none~1|none~2|');
    expect(dead1).to.equal(dead2);
    // skip_connect x -> node1 -> conv equals conv straight from x when the other terms agree.
    expect(canonicalCell('|skip_connect~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|')).to.equal(
      canonicalCell('|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|'),
    );
    // Different ops on a live edge are different functions.
    expect(canonicalCell('|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|')).to.not.equal(
      canonicalCell('|none~0|+|none~0|none~1|+|avg_pool_3x3~0|none~1|none~2|'),
    );
  });

  it('accepts tokens or a string alike', () => {
    for (const tokens of [[0, 1, 2, 3, 4, 0], [4, 4, 4, 1, 1, 1]]) expect(canonicalCell(tokens)).to.equal(canonicalCell(decodeCell(tokens)));
  });
});

describe('space-nasbench201: restricting to the cells of a table', () => {
  const listed = [
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|', // [3,3,3,3,3,3]
    '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', // [0,0,0,0,0,0]
    '|none~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|', // [0,0,0,0,0,1]
  ];

  it('keeps a listed cell and maps any other to a nearest listed one', () => {
    const set = new CellSet(listed);
    expect(set.size).to.equal(3);
    const space = new Nb201Space(set);
    expect(space.decode([3, 3, 3, 3, 3, 3])).to.deep.equal({ kind: NB201_KIND, cell: listed[0] });
    const near = space.decode([3, 3, 3, 3, 3, 0]);
    expect(near.cell).to.equal(listed[0]);
    expect(near.proposedCell).to.equal(decodeCell([3, 3, 3, 3, 3, 0]));
    expect(space.decode([0, 0, 0, 0, 2, 1]).cell).to.equal(listed[2]);
    // Equidistant from listed[1] and listed[2]: one of them, the same one every time.
    const tie = space.decode([0, 0, 0, 0, 0, 2]).cell;
    expect([listed[1], listed[2]]).to.include(tie);
    expect(space.decode([0, 0, 0, 0, 0, 2]).cell).to.equal(tie);
  });

  it('breaks ties evenly rather than by file order', () => {
    const set = new CellSet(listed.slice(1)); // all none, and all none but a last skip
    // A cell whose last edge is a conv or pool is equally far from both, whatever its other edges.
    let first = 0;
    let total = 0;
    for (const tokens of allCellTokens()) {
      if (tokens[5] < 2) continue;
      total++;
      if (set.nearest(tokens) === listed[1]) first++;
    }
    expect(total).to.equal(3 * 5 ** 5);
    expect(first / total).to.be.within(0.4, 0.6);
  });

  it('reads the allowed cells from a CSV column, with errors at file:line', () => {
    const set = readCellSet(FIXTURE, { column: 'arch_str', fileOption: 'space.cellsCsv', columnOption: 'space.cellsColumn' });
    expect(set.size).to.equal(fixtureCells().length);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb201-cells-'));
    try {
      const bad = path.join(dir, 'bad.csv');
      fs.writeFileSync(bad, `name,genotype\na,${listed[0]}\nb,|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|\n`);
      expect(() => readCellSet(bad, { column: 'genotype', fileOption: 'space.cellsCsv', columnOption: 'space.cellsColumn' })).to.throw(
        UserError, new RegExp(`${bad}:3: not a NAS-Bench-201 cell string.*unknown operation "conv"`),
      );
      expect(() => readCellSet(bad, { column: 'arch_str', fileOption: 'space.cellsCsv', columnOption: 'space.cellsColumn' })).to.throw(
        UserError, /space.cellsColumn: column "arch_str" is not in .*bad.csv; its columns are "name", "genotype"/,
      );
      expect(() => readCellSet(path.join(dir, 'none.csv'), { column: 'x', fileOption: 'space.cellsCsv', columnOption: 'space.cellsColumn' })).to.throw(
        UserError, /space.cellsCsv: cannot read CSV file .*none.csv: no such file/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
