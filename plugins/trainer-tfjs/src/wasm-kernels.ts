// Training kernels for the tfjs `wasm` backend, composed from kernels it already has (XNNPACK
// convolution and fully-connected, transposes, slices), so every heavy loop runs in XNNPACK's
// SIMD code. Both are checked against the cpu backend in test/wasm-kernels.spec.ts.
//
// * Conv2DBackpropFilter (missing from the backend): the filter gradient is a convolution of the
//   input with the output gradient. With the input seen as [Cin, H, W, N] (batch <-> channels
//   swapped) and the output gradient as a [OH, OW, N, Cout] filter, a stride-1 convolution with
//   dilation = forward stride and the forward padding written out gives [Cin, KH, KW, Cout],
//   transposed to [KH, KW, Cin, Cout]. 1x1 filters use one fully-connected product x^T dy.
// * Conv2DBackpropInput (the backend's own is a plain C++ loop, over half of a training step): the
//   input gradient is a forward convolution of the (padded) output gradient with the spatially
//   flipped filter whose in/out channels are swapped. For stride s > 1 the same holds with zeros
//   inserted between output-gradient rows and columns; instead of multiplying by those zeros (s^2
//   times the work), each of the s^2 residues of the input position gets its own stride-1
//   convolution with only the taps that reach it, and the results are interleaved.
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type Attrs = tf.NamedAttrMap;
type Shape4 = [number, number, number, number];

interface WasmLikeBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Runs another wasm kernel on tensor infos (kernel level: no tape, no engine bookkeeping). */
function run(backend: WasmLikeBackend, name: string, inputs: Record<string, Info>, attrs: Attrs = {}): Info {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as Info;
}

/**
 * Runs kernels and frees the intermediate results passed to `temp` (except the one returned and
 * the kernel's own inputs, which a helper may hand back unchanged).
 */
function withScratch(backend: WasmLikeBackend, inputs: Info[], body: (temp: (info: Info) => Info) => Info): Info {
  const scratch = new Set<Info>();
  const temp = (info: Info) => {
    if (!inputs.includes(info)) scratch.add(info);
    return info;
  };
  const result = body(temp);
  for (const info of scratch) if (info !== result) backend.disposeData(info.dataId);
  return result;
}

function convInfoOf(inShape: Shape4, filterShape: Shape4, attrs: Attrs): tf.backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`wasm training kernels support dataFormat NHWC only, got ${dataFormat}`);
  }
  return tf.backend_util.computeConv2DInfo(inShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
}

/** Crops rows/columns where a pad is negative, so that the remaining pads (>= 0) can go to Conv2D. */
function cropForPads(backend: WasmLikeBackend, x: Info, top: number, bottom: number, left: number, right: number): Info {
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return x;
  const [n, h, w, c] = x.shape;
  const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
  const size = [n, h - begin[1] - Math.max(0, -bottom), w - begin[2] - Math.max(0, -right), c];
  return run(backend, 'Slice', { x }, { begin, size });
}

const nonNegative = (v: number) => Math.max(0, v);

/**
 * 1x1 filters (any stride; their "same" padding is always zero): dW = x^T dy as one XNNPACK
 * fully-connected product over the N*OH*OW positions (3-5x faster than the convolution form).
 */
function pointwiseFilterGradient(b: WasmLikeBackend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo, temp: (info: Info) => Info): Info {
  const { strideHeight: sh, strideWidth: sw, inChannels: cin, outChannels: cout } = info;
  const [n, h, w] = x.shape;
  const sampled =
    sh > 1 || sw > 1
      ? temp(run(b, 'StridedSlice', { x }, { begin: [0, 0, 0, 0], end: [n, h, w, cin], strides: [1, sh, sw, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 }))
      : x;
  const positions = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const x2d = temp(run(b, 'Reshape', { x: sampled }, { shape: [positions, cin] }));
  const xT = temp(run(b, 'Transpose', { x: x2d }, { perm: [1, 0] }));
  const dy2d = temp(run(b, 'Reshape', { x: dy }, { shape: [positions, cout] }));
  const grad = temp(run(b, 'BatchMatMul', { a: xT, b: dy2d }, { transposeA: false, transposeB: false }));
  return run(b, 'Reshape', { x: grad }, { shape: [1, 1, cin, cout] });
}

function conv2dBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: Attrs }): Info {
  const b = backend as WasmLikeBackend;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = convInfoOf(x.shape as Shape4, filterShape, attrs ?? {});
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  return withScratch(b, [x, dy], (temp) => {
    if (kh === 1 && kw === 1 && top === 0 && left === 0) return pointwiseFilterGradient(b, x, dy, info, temp);
    // The padded input the forward pass read spans (O - 1) * s + K rows: top pad, the input, then
    // the bottom pad, or a crop of rows it never read when the "same" padding total is negative.
    const bottom = (oh - 1) * sh + kh - top - x.shape[1];
    const right = (ow - 1) * sw + kw - left - x.shape[2];
    const xUsed = temp(cropForPads(b, x, 0, bottom, 0, right));
    const xT = temp(run(b, 'Transpose', { x: xUsed }, { perm: [3, 1, 2, 0] })); // [Cin, H, W, N]
    const dyT = temp(run(b, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] })); // [OH, OW, N, Cout]
    const grad = temp(
      run(b, 'Conv2D', { x: xT, filter: dyT }, {
        strides: [1, 1],
        pad: [[0, 0], [top, nonNegative(bottom)], [left, nonNegative(right)], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [sh, sw],
      }),
    ); // [Cin, KH, KW, Cout]
    return run(b, 'Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  });
}

/**
 * Input positions i = s*q + r (residue r) of one spatial axis receive dy[q + d] * w[k] for every
 * k = r + pad - s*d in [0, K): a stride-1 correlation of dy with the taps k listed for d = lo..hi
 * (flipped order), needing `padBefore` = -lo and `padAfter` rows around dy (negative: crop).
 */
interface ResidueTaps {
  taps: number[];
  padBefore: number;
  padAfter: number;
}

function residueTaps(kernel: number, stride: number, pad: number, outLength: number, inLength: number): ResidueTaps[] {
  const count = Math.ceil(inLength / stride);
  return Array.from({ length: stride }, (_, r) => {
    const lo = Math.ceil((r + pad - (kernel - 1)) / stride);
    const hi = Math.floor((r + pad) / stride);
    const taps: number[] = [];
    for (let d = lo; d <= hi; d++) taps.push(r + pad - stride * d);
    return { taps, padBefore: -lo, padAfter: count - 1 + hi - (outLength - 1) };
  });
}

/** The residue's filter [rows, cols, Cout, Cin]: the kernel's taps, flipped, in/out channels swapped. */
function residueFilter(w: Float32Array, [, kw, cin, cout]: Shape4, rows: number[], cols: number[]): Float32Array {
  const out = new Float32Array(rows.length * cols.length * cout * cin);
  rows.forEach((k1, a) => {
    cols.forEach((k2, b) => {
      const base = (a * cols.length + b) * cout * cin;
      for (let ci = 0; ci < cin; ci++) {
        const src = ((k1 * kw + k2) * cin + ci) * cout;
        for (let co = 0; co < cout; co++) out[base + co * cin + ci] = w[src + co];
      }
    });
  });
  return out;
}

interface HeapBackend extends WasmLikeBackend {
  readSync(dataId: object): Float32Array;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

/** Writes residue (rh, rw) results [N, Qh, Qw, C] into rows rh + sh*q and columns rw + sw*p of `out`. */
function interleave(b: HeapBackend, out: Info, parts: (Info | undefined)[][], sh: number, sw: number): void {
  const [n, h, w, c] = out.shape;
  const target = b.typedArrayFromHeap(out);
  parts.forEach((row, rh) =>
    row.forEach((part, rw) => {
      const source = part && b.typedArrayFromHeap(part);
      const [, qh, qw] = part?.shape ?? [];
      for (let img = 0; img < n; img++) {
        for (let q = 0, i = rh; i < h; q++, i += sh) {
          for (let p = 0, j = rw; j < w; p++, j += sw) {
            const to = ((img * h + i) * w + j) * c;
            if (!source) target.fill(0, to, to + c); // no tap reaches these positions
            else {
              const from = ((img * qh + q) * qw + p) * c;
              target.set(source.subarray(from, from + c), to);
            }
          }
        }
      }
    }),
  );
}

function conv2dBackpropInput({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: Attrs }): Info {
  const b = backend as HeapBackend;
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const { inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = convInfoOf(inputShape, filter.shape as Shape4, attrs ?? {});
  const rows = residueTaps(info.filterHeight, info.strideHeight, info.padInfo.top, info.outHeight, info.inHeight);
  const cols = residueTaps(info.filterWidth, info.strideWidth, info.padInfo.left, info.outWidth, info.inWidth);
  const weights = b.readSync(filter.dataId);
  return withScratch(b, [dy, filter], (temp) => {
    // One stride-1 convolution per residue pair: only real taps, no multiplications by inserted zeros.
    const parts = rows.map((r) =>
      cols.map((c) => {
        if (r.taps.length === 0 || c.taps.length === 0) return undefined;
        const f = residueFilter(weights, filter.shape as Shape4, r.taps, c.taps);
        const subFilter = temp(b.makeOutput([r.taps.length, c.taps.length, info.outChannels, info.inChannels], 'float32', undefined, f));
        const used = temp(cropForPads(b, dy, r.padBefore, r.padAfter, c.padBefore, c.padAfter));
        return temp(
          run(b, 'Conv2D', { x: used, filter: subFilter }, {
            strides: [1, 1],
            pad: [[0, 0], [nonNegative(r.padBefore), nonNegative(r.padAfter)], [nonNegative(c.padBefore), nonNegative(c.padAfter)], [0, 0]],
            dataFormat: 'NHWC',
            dilations: [1, 1],
          }),
        );
      }),
    );
    if (rows.length === 1 && cols.length === 1 && parts[0][0]) return parts[0][0]; // stride 1: done
    const out = b.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32');
    interleave(b, out, parts, info.strideHeight, info.strideWidth);
    return out;
  });
}

export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter },
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2dBackpropInput },
];

/** Registers (or re-registers) the training kernels for `wasm`. Idempotent. */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm')?.kernelFunc === config.kernelFunc) continue;
    if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}
