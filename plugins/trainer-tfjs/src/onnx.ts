// ONNX export of a chain CNN saved by this trainer (model.json + weights.bin). The graph is the
// network model.ts builds, node for node: per layer Conv (bias, TensorFlow "same" padding written
// out as explicit pads) -> Relu -> BatchNormalization (inference: moving statistics), then
// Flatten -> Gemm -> Softmax. ONNX convolutions are NCHW where tfjs is NHWC, so the model takes
// NCHW input, kernels are transposed HWIO -> OIHW, and the dense kernel's rows are reordered from
// NHWC to NCHW flattening order (no Transpose node: FPGA flows such as hls4ml and FINN read plain
// Conv/Gemm chains best). IR 7 with opset 13: what Debian's python3-onnx 1.12 checker, onnxruntime
// and those flows all accept.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { UserError, messageOf, type Architecture } from '@coex/core';
import { asChainCnn, samePadding } from './model';
import { MODEL_FILE, WEIGHTS_FILE } from './save';
import { PLUGIN_NAME, PLUGIN_VERSION } from './options';

export const ONNX_IR_VERSION = 7;
export const ONNX_OPSET = 13;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'probabilities';

/** A saved model's float32 weights by name (`conv0/kernel`, `bn0/moving_mean`, `dense/bias`, ...). */
export type SavedWeights = Map<string, { shape: number[]; values: Float32Array }>;

interface LayerConfig { class_name: string; config: { name: string; epsilon?: number } }

/** Reads the weights and BatchNorm epsilons of a folder written by saveModel, without tfjs. */
export async function readSavedWeights(dir: string): Promise<{ weights: SavedWeights; epsilon: Map<string, number> }> {
  let json: { modelTopology: { config: { layers: LayerConfig[] } }; weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[] };
  let bin: Buffer;
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), 'utf8'));
    bin = await fs.readFile(path.join(dir, WEIGHTS_FILE));
  } catch (error) {
    throw new UserError(`${dir}: not a model saved by ${PLUGIN_NAME} (${MODEL_FILE} + ${WEIGHTS_FILE}): ${messageOf(error)}`);
  }
  const weights: SavedWeights = new Map();
  let offset = 0;
  for (const spec of json.weightsManifest.flatMap((group) => group.weights)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== 'float32' || offset + size * 4 > bin.byteLength) throw new UserError(`${dir}/${WEIGHTS_FILE}: weight ${spec.name} (${spec.dtype}) does not fit the file`);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = bin.readFloatLE(offset + i * 4);
    weights.set(spec.name, { shape: spec.shape, values });
    offset += size * 4;
  }
  const epsilon = new Map(json.modelTopology.config.layers
    .filter((l) => l.class_name === 'BatchNormalization' && typeof l.config.epsilon === 'number')
    .map((l) => [l.config.name, l.config.epsilon!]));
  return { weights, epsilon };
}

const attr = {
  ints: (name: string, ints: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints }),
  int: (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i }),
  float: (name: string, f: number) => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f }),
};

function tensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4)); // ONNX raw_data is little-endian
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** HWIO (tfjs) -> OIHW (ONNX). */
function oihw(kernel: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let h = 0; h < k; h++) for (let w = 0; w < k; w++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) {
    out[((o * cin + i) * k + h) * k + w] = kernel[((h * k + w) * cin + i) * cout + o];
  }
  return out;
}

/** Dense kernel rows from NHWC flattening (h, w, c) to NCHW flattening (c, h, w). */
function nchwRows(kernel: Float32Array, h: number, w: number, c: number, units: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    const from = ((y * w + x) * c + ch) * units;
    out.set(kernel.subarray(from, from + units), ((ch * h + y) * w + x) * units);
  }
  return out;
}

/** The ONNX model (serialised ModelProto) of a chain CNN with these saved weights. */
export function chainCnnOnnx(architecture: Architecture, saved: { weights: SavedWeights; epsilon: Map<string, number> }): Uint8Array {
  const arch = asChainCnn(architecture);
  const get = (name: string, size: number) => {
    const w = saved.weights.get(name);
    if (!w || w.values.length !== size) {
      throw new UserError(`the saved model does not match the network: weight ${name} ${w ? `holds ${w.values.length} values, expected ${size}` : 'is missing'}`);
    }
    return w.values;
  };
  const nodes: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  let [h, w, c] = [arch.input.height, arch.input.width, arch.input.channels];
  let x = ONNX_INPUT;
  arch.layers.forEach((layer, i) => {
    const { kernel: k, filters: f, stride: s } = layer;
    const [, [top, bottom], [left, right]] = samePadding(h, w, c, k, f, s);
    initializer.push(
      tensor(`conv${i}.weight`, [f, c, k, k], oihw(get(`conv${i}/kernel`, k * k * c * f), k, c, f)),
      tensor(`conv${i}.bias`, [f], get(`conv${i}/bias`, f)),
      tensor(`bn${i}.scale`, [f], get(`bn${i}/gamma`, f)),
      tensor(`bn${i}.bias`, [f], get(`bn${i}/beta`, f)),
      tensor(`bn${i}.mean`, [f], get(`bn${i}/moving_mean`, f)),
      tensor(`bn${i}.var`, [f], get(`bn${i}/moving_variance`, f)),
    );
    nodes.push(
      { name: `conv${i}`, opType: 'Conv', input: [x, `conv${i}.weight`, `conv${i}.bias`], output: [`conv${i}.out`],
        attribute: [attr.ints('kernel_shape', [k, k]), attr.ints('strides', [s, s]), attr.ints('pads', [top, left, bottom, right]), attr.ints('dilations', [1, 1]), attr.int('group', 1)] },
      { name: `relu${i}`, opType: 'Relu', input: [`conv${i}.out`], output: [`relu${i}.out`] },
      { name: `bn${i}`, opType: 'BatchNormalization', input: [`relu${i}.out`, `bn${i}.scale`, `bn${i}.bias`, `bn${i}.mean`, `bn${i}.var`], output: [`bn${i}.out`],
        attribute: [attr.float('epsilon', saved.epsilon.get(`bn${i}`) ?? 1e-3)] },
    );
    [h, w, c] = [Math.ceil(h / s), Math.ceil(w / s), f];
    x = `bn${i}.out`;
  });
  const features = h * w * c;
  initializer.push(
    tensor('dense.weight', [features, arch.classes], nchwRows(get('dense/kernel', features * arch.classes), h, w, c, arch.classes)),
    tensor('dense.bias', [arch.classes], get('dense/bias', arch.classes)),
  );
  nodes.push(
    { name: 'flatten', opType: 'Flatten', input: [x], output: ['flatten.out'], attribute: [attr.int('axis', 1)] },
    { name: 'dense', opType: 'Gemm', input: ['flatten.out', 'dense.weight', 'dense.bias'], output: ['logits'] },
    { name: 'softmax', opType: 'Softmax', input: ['logits'], output: [ONNX_OUTPUT], attribute: [attr.int('axis', 1)] },
  );
  const model: onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PLUGIN_NAME,
    producerVersion: PLUGIN_VERSION,
    docString: 'Coex chain CNN: Conv -> Relu -> BatchNormalization per layer, then Flatten -> Gemm -> Softmax. Input NCHW in 0..1.',
    graph: {
      name: 'chain_cnn',
      node: nodes,
      initializer,
      input: [valueInfo(ONNX_INPUT, ['batch', arch.input.channels, arch.input.height, arch.input.width])],
      output: [valueInfo(ONNX_OUTPUT, ['batch', arch.classes])],
    },
    metadataProps: [{ key: 'coex.architecture', value: JSON.stringify(arch) }],
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Reads a model saved by this trainer (its model.json path or folder) and returns its ONNX bytes. */
export async function savedModelToOnnx(savedTo: string, architecture: Architecture): Promise<Uint8Array> {
  const dir = path.basename(savedTo) === MODEL_FILE ? path.dirname(savedTo) : savedTo;
  return chainCnnOnnx(architecture, await readSavedWeights(dir));
}
