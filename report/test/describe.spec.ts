// The compact network and design forms shown in the report's tables and tooltips and the dashboard
// (core's describe.ts, one formatter for every reader; coex show's cases are in core/test/describe.spec.ts).
import { expect } from 'chai';
import { describeDesign, describeNetwork } from '../src';

describe('compact network and design', () => {
  it('a chain CNN: kernel x filters, /stride when not 1', () => {
    const layers = [{ kernel: 3, filters: 36, stride: 1 }, { kernel: 5, filters: 48, stride: 2 }];
    expect(describeNetwork({ kind: 'chain-cnn', input: { height: 28, width: 28, channels: 1 }, classes: 10, layers })).to.equal('3x36 5x48/2');
  });

  it('an FPGA pipeline: part[first-last layer] per stage; a systolic array: rows x cols and dataflow', () => {
    const stages = [{ part: 'XC7Z020', layers: [0, 2], tiling: {} }, { part: 'XC7A50T', layers: [3, 6], tiling: {} }, { part: 'XC7A50T', layers: [7, 7], tiling: {} }];
    expect(describeDesign({ model: 'fpga-pipeline', stages })).to.equal('XC7Z020[0-2] XC7A50T[3-6] XC7A50T[7]');
    expect(describeDesign({ model: 'systolic-array', rows: 32, cols: 16, dataflow: 'ws', ifmapSramKB: 64 })).to.equal('32x16 ws');
    expect(describeDesign({ model: 'systolic-array', rows: 32, cols: 16, dataflow: 'ws', ifmapSramKB: 64, filterSramKB: 32, ofmapSramKB: 16 })).to.equal('32x16 ws 64/32/16KB');
  });

  it('anything else: its kind or model name; no design is a dash', () => {
    expect(describeNetwork({ kind: 'nb201', cell: [1, 2, 3] })).to.equal('nb201');
    expect(describeDesign({ model: 'tabular' })).to.equal('tabular');
    expect(describeDesign(undefined)).to.equal('-');
    expect(describeDesign({ model: 'x', blob: 'y'.repeat(200) })).to.equal('x');
  });
});
