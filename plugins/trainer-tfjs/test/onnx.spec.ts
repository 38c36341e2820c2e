// The ONNX export against the network it exports: onnxruntime-node runs the exported model on the
// same images as the saved tfjs model (max absolute difference of the class probabilities below
// 1e-4), and Debian's python3-onnx 1.12 checker accepts it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { chainCnn } from '@coex/kit-chain-cnn';
import { ONNX_INPUT, ONNX_OUTPUT, loadSavedModel, savedModelToOnnx, trainOnce } from '../src/index';
import { syntheticSplits, useBackend } from './helpers';

const PYTHON = '/usr/bin/python3';

/** NHWC images (as tfjs takes them) to NCHW (as the ONNX model takes them). */
function toNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
    out[((i * c + ch) * h + y) * w + xx] = x[((i * h + y) * w + xx) * c + ch];
  }
  return out;
}

describe('trainer-tfjs ONNX export', function () {
  this.timeout(180_000);
  useBackend('wasm');

  // Odd sizes and kernel/stride mixes where TensorFlow's "same" padding is asymmetric (more at the
  // bottom/right), and a 1x1 kernel with stride 2 (kernel < stride): the cases a layout or padding
  // slip would show.
  const shape = { height: 9, width: 7, channels: 2 };
  const data = syntheticSplits(5, { shape, classes: 3, train: 96, validation: 32, test: 16 });
  const arch = chainCnn([[3, 6, 2], [1, 5, 2], [4, 4, 1], [5, 3, 2]], shape, data.classes);
  let dir: string;
  let onnxFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-onnx-'));
    // Two epochs move the BatchNorm moving statistics well away from 0/1.
    const result = await trainOnce(arch, data, { seed: 2, epochs: 2, batchSize: 16, saveDir: path.join(dir, 'model'), backend: 'wasm' });
    onnxFile = path.join(dir, 'net.onnx');
    fs.writeFileSync(onnxFile, await savedModelToOnnx(result.savedTo!, arch));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('onnxruntime-node gives the saved tfjs model\'s probabilities (max abs difference < 1e-4)', async () => {
    const split = data.test!;
    const model = await loadSavedModel(path.join(dir, 'model'));
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(split.x, [split.count, shape.height, shape.width, shape.channels])) as tf.Tensor).dataSync());
    model.dispose();

    const session = await ort.InferenceSession.create(fs.readFileSync(onnxFile));
    const input = new ort.Tensor('float32', toNchw(split.x, split.count, shape.height, shape.width, shape.channels), [split.count, shape.channels, shape.height, shape.width]);
    const output = (await session.run({ [ONNX_INPUT]: input }))[ONNX_OUTPUT];
    await session.release();
    expect(output.dims).to.deep.equal([split.count, data.classes]);
    const actual = output.data as Float32Array;
    let max = 0;
    for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
    expect(max).to.be.below(1e-4);
    // Not a trivially uniform output: the net separates the classes somewhat.
    expect(Math.max(...expected)).to.be.above(1 / data.classes + 0.05);
  });

  it('passes the onnx checker of Debian python3-onnx (IR <= 8, opset <= 17)', function () {
    if (spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }).status !== 0) {
      console.log(`      skipped: ${PYTHON} cannot import onnx (install Debian's python3-onnx)`);
      return this.skip();
    }
    const script = 'import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); '
      + 'print(m.ir_version, m.opset_import[0].version, " ".join(n.op_type for n in m.graph.node))';
    const r = spawnSync(PYTHON, ['-c', script, onnxFile], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const [ir, opset, ...ops] = r.stdout.trim().split(' ');
    expect(Number(ir)).to.be.at.most(8);
    expect(Number(opset)).to.be.at.most(17);
    expect(ops).to.deep.equal([...arch.layers.flatMap(() => ['Conv', 'Relu', 'BatchNormalization']), 'Flatten', 'Gemm', 'Softmax']);
  });
});
