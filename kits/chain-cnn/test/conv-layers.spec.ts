import { expect } from 'chai';
import { UserError } from '@coex/core';
import { chainCnn, convLayersOf, layerMacs, readScaleSimTopology } from '@coex/kit-chain-cnn';

describe('conv layers of an architecture', () => {
  it('gives a chain CNN as same-padded conv layers and the dense head as a 1x1 layer', () => {
    const layers = convLayersOf(chainCnn([[3, 8, 1], [5, 16, 2]], { height: 8, width: 8, channels: 1 }, 4));
    expect(layers.map((l) => [l.name, l.padding, l.ifmapHeight, l.channels, l.filters, l.ofmapHeight])).to.deep.equal([
      ['conv0', 'same', 8, 1, 8, 8],
      ['conv1', 'same', 8, 8, 16, 4],
      ['dense', 'valid', 1, 4 * 4 * 16, 4, 1],
    ]);
    expect(layers.map(layerMacs)).to.deep.equal([8 * 8 * 9 * 1 * 8, 4 * 4 * 25 * 8 * 16, 256 * 4]);
  });

  it('refuses an architecture kind it cannot cost', () => {
    expect(() => convLayersOf({ kind: 'nb201-cell' })).to.throw(UserError, 'not "nb201-cell"');
  });

  it('reads a SCALE-Sim topology: comments, trailing commas, unpadded output sizes', () => {
    const text = '# AlexNet, first layers\nLayer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n' +
      'Conv1, 227, 227, 11, 11, 3, 96, 4,\n\nConv2, 31, 31, 5, 5, 96, 256, 1,\n';
    const arch = readScaleSimTopology(text, 'alexnet.csv');
    expect(arch.kind).to.equal('conv-layers');
    expect(arch.layers.map((l) => [l.name, l.ofmapHeight, l.ofmapWidth, l.padding])).to.deep.equal([['Conv1', 55, 55, 'valid'], ['Conv2', 27, 27, 'valid']]);
  });

  it('names file and line of a bad topology, counting comment lines', () => {
    const header = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides';
    expect(() => readScaleSimTopology('# only a comment\n', 't.csv')).to.throw(UserError, 't.csv: expected a header line and at least one layer');
    expect(() => readScaleSimTopology('Layer name, h\nc, 1\n', 't.csv')).to.throw(UserError, 't.csv:1: column 2 should be "IFMAP Height", found "h"');
    expect(() => readScaleSimTopology(`# source\n${header}\nc1, 8, 8, 3, 3, 1, 4, 1\nc2, 8, 8, x, 3, 1, 4, 1\n`, 't.csv'))
      .to.throw(UserError, 't.csv:4: expected a name and 7 positive integers');
    expect(() => readScaleSimTopology(`${header}\nc1, 4, 4, 5, 5, 1, 4, 1\n`, 't.csv')).to.throw(UserError, 't.csv:2: filter 5x5 is larger than the 4x4 input');
  });
});
