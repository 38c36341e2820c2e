// The layer tables shipped in topologies/: each is what its paper says (output sizes, multiply-
// accumulates), and `coex hw --topology <name>` finds it by name.
import * as fs from 'node:fs';
import { expect } from 'chai';
import { RELEASED_NETS, chainCnn, convLayersOf, layerMacs, readScaleSimTopology, type ConvLayersArchitecture } from '@coex/kit-chain-cnn';
import { namedTopologies } from '../src';
import { coexMany } from '../../../test/helpers/cli';

const topology = (name: string): ConvLayersArchitecture => {
  const file = namedTopologies()[name];
  return readScaleSimTopology(fs.readFileSync(file, 'utf8'), file);
};
const macs = (arch: ConvLayersArchitecture) => arch.layers.reduce((sum, l) => sum + layerMacs(l), 0);
const PAPER = ['paper_fixedstride_opthw', 'paper_predictablestride_opthw', 'paper_predictablestride_optsw'];

describe('systolic array: shipped topologies', function () {
  this.timeout(300_000);

  it('ships AlexNet, ResNet-18, MobileNet v1 and the paper\'s three released nets', () => {
    expect(Object.keys(namedTopologies())).to.deep.equal(['alexnet', 'mobilenet_v1', ...PAPER, 'resnet18']);
  });

  it('ResNet-18 has the paper\'s output sizes and about 1.8 G multiply-adds (He et al., Table 1)', () => {
    const resnet = topology('resnet18');
    expect(resnet.layers.filter((l) => l.filterHeight === 3)).to.have.length(16);
    expect([...new Set(resnet.layers.map((l) => l.ofmapHeight))]).to.deep.equal([112, 56, 28, 14, 7, 1]);
    expect(macs(resnet) / 1e9).to.be.closeTo(1.8, 0.05);
  });

  it('MobileNet v1 has 569 M multiply-adds (Howard et al., Table 2)', () => {
    const mobilenet = topology('mobilenet_v1');
    expect(mobilenet.layers).to.have.length(28);
    expect(Math.round(macs(mobilenet) / 1e6)).to.equal(569);
  });

  it('each released net has the layers and multiply-accumulates of the same chain CNN', () => {
    PAPER.forEach((name, i) => {
      const net = RELEASED_NETS[i];
      const chain = convLayersOf(chainCnn(net.layers, { height: 32, width: 32, channels: 3 }, 10));
      const shipped = topology(name);
      expect(shipped.layers.map((l) => [l.filterHeight, l.filters, l.stride, l.ofmapHeight]), net.name)
        .to.deep.equal(chain.map((l) => [l.filterHeight, l.filters, l.stride, l.ofmapHeight]));
      expect(macs(shipped), net.name).to.equal(chain.reduce((sum, l) => sum + layerMacs(l), 0));
    });
  });

  it('coex hw --topology <name> costs each of them; a file is still taken by path', async () => {
    const names = Object.keys(namedTopologies());
    const results = await coexMany([
      ...names.map((name) => ['hw', '--model', 'systolic-array', '--topology', name, '--json']),
      ['hw', '--model', 'systolic-array', '--topology', namedTopologies().alexnet, '--set', 'config=scalesim-32x32-os', '--set', 'ofmapRounding=scalesim', '--json'],
    ]);
    results.slice(0, names.length).forEach((r, i) => {
      expect(r.status, `${names[i]}: ${r.stderr}`).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out.layers, names[i]).to.have.length(topology(names[i]).layers.length);
      expect(out.cycles, names[i]).to.be.above(0);
    });
    const byPath = results[names.length];
    expect(byPath.status, byPath.stderr).to.equal(0);
    expect(JSON.parse(byPath.stdout).cycles).to.equal(850_960); // SCALE-Sim v2's own total for its AlexNet
  });
});
