import { expect } from 'chai';
import { type ChainCnnArchitecture } from '../src';
import { describeDesign, describeNetwork, formatAccuracy } from '../src/host';

const chain: ChainCnnArchitecture = {
  kind: 'chain-cnn',
  input: { height: 32, width: 32, channels: 3 },
  classes: 10,
  layers: [{ kernel: 3, filters: 36, stride: 1 }, { kernel: 5, filters: 48, stride: 2 }, { kernel: 1, filters: 64, stride: 1 }],
};

describe('compact descriptions of networks and designs', () => {
  it('writes a chain CNN as kernel x filters, with /stride above 1', () => {
    expect(describeNetwork(chain)).to.equal('3x36 5x48/2 1x64');
  });

  it('writes a NAS-Bench-201 cell as its cell string and a layer table by its size', () => {
    expect(describeNetwork({ kind: 'nb201-cell', cell: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|' })).to.equal('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|');
    expect(describeNetwork({ kind: 'conv-layers', layers: [{}, {}] })).to.equal('2 layers');
  });

  it('writes FPGA pipeline stages with their layer ranges and a systolic array by shape, dataflow and SRAM', () => {
    const tiling = { Tm: 1, Tn: 1, Tr: 1, Tc: 1, Ip: 1, Wp: 1, Op: 1 };
    expect(describeDesign({ model: 'fpga-pipeline', stages: [{ part: 'XC7Z020', layers: [0, 2], tiling }, { part: 'XC7A50T', layers: [3, 6], tiling }] }))
      .to.equal('XC7Z020[0-2] XC7A50T[3-6]');
    expect(describeDesign({ model: 'systolic-array', rows: 32, cols: 32, dataflow: 'ws', ifmapSramKB: 64, filterSramKB: 64, ofmapSramKB: 32 })).to.equal('32x32 ws 64/64/32KB');
    expect(describeDesign({ model: 'tabular' })).to.equal('tabular');
    expect(describeDesign(undefined)).to.equal('-');
  });

  it('gives accuracy in percent with two decimals', () => {
    expect(formatAccuracy(0.865)).to.equal('86.50 %');
    expect(formatAccuracy(1)).to.equal('100.00 %');
    expect(formatAccuracy(undefined)).to.equal('-');
  });
});
