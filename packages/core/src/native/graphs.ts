/**
 * One-kernel ONNX graphs for the native engine, in tfjs' layouts: images NHWC, filters
 * [KH, KW, Ci, Co] (HWIO). ONNX convolutions are NCHW / OIHW, so the graphs transpose on
 * the way in and out; ONNX Runtime's NCHWc layout pass folds those transposes into its own
 * reorders, so they cost little (measured: 43 ms with them, 40 ms without, for the
 * 8x128x128x32 -> 32 3x3 convolution on one thread).
 */
import type { Activation } from '@tensorflow/tfjs-core/dist/ops/fused_types.js';
import type { ConvGeometry } from '../kernels/Conv2DBackpropFilter.js';
import type { OnnxGraph, OnnxNode } from './onnx_model.js';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const HWIO_TO_OIHW = [3, 2, 0, 1];

export interface Epilogue {
  readonly activation: Activation;
  readonly leakyreluAlpha?: number;
  /** Shape of a bias added after the convolution / product, if any. */
  readonly biasShape?: readonly number[];
  /** Shape of PReLU slopes, if activation is 'prelu'. */
  readonly preluShape?: readonly number[];
}

/** Nodes applying `activation` to `x`, producing `y`. */
function activationNodes(x: string, y: string, e: Epilogue, floats: Record<string, number>): OnnxNode[] {
  switch (e.activation) {
    case 'linear':
      return [{ op: 'Identity', inputs: [x], outputs: [y] }];
    case 'relu':
      return [{ op: 'Relu', inputs: [x], outputs: [y] }];
    case 'relu6':
      floats['zero'] = 0;
      floats['six'] = 6;
      return [{ op: 'Clip', inputs: [x, 'zero', 'six'], outputs: [y] }];
    case 'leakyrelu':
      return [{ op: 'LeakyRelu', inputs: [x], outputs: [y], attrs: { alpha: { float: e.leakyreluAlpha ?? 0.2 } } }];
    case 'sigmoid':
      return [{ op: 'Sigmoid', inputs: [x], outputs: [y] }];
    case 'elu':
      return [{ op: 'Elu', inputs: [x], outputs: [y], attrs: { alpha: { float: 1 } } }];
    case 'prelu':
      return [{ op: 'PRelu', inputs: [x, 'prelu'], outputs: [y] }];
  }
}

/** Bias add (when not fused into the Conv) and activation, from `x` to `y`. */
function epilogueNodes(x: string, y: string, e: Epilogue, floats: Record<string, number>): OnnxNode[] {
  const nodes: OnnxNode[] = [];
  let cur = x;
  if (e.biasShape) {
    nodes.push({ op: 'Add', inputs: [cur, 'bias'], outputs: ['biased'] });
    cur = 'biased';
  }
  return [...nodes, ...activationNodes(cur, y, e, floats)];
}

function epilogueInputs(e: Epilogue): Record<string, readonly number[]> {
  return { ...(e.biasShape ? { bias: e.biasShape } : {}), ...(e.activation === 'prelu' && e.preluShape ? { prelu: e.preluShape } : {}) };
}

const convAttrs = (g: ConvGeometry) => ({ strides: [g.sh, g.sw], dilations: [g.dh, g.dw], pads: [g.pt, g.pl, g.pb, g.pr] });

/**
 * y [B, OH, OW, Co] = act(conv(x [B, H, W, Ci], w [KH, KW, Ci, Co]) + bias).
 * A bias of shape [Co] is fused into the Conv; any other bias shape is broadcast in NHWC.
 */
export function conv2dGraph(g: ConvGeometry, e: Epilogue, biasPerChannel: boolean): OnnxGraph {
  const floats: Record<string, number> = {};
  const x = [g.B, g.H, g.W, g.Ci];
  const w = [g.KH, g.KW, g.Ci, g.Co];
  const y = [g.B, g.OH, g.OW, g.Co];
  const inputs: Record<string, readonly number[]> = { x, w };
  const convInputs = ['xn', 'wn'];
  let post: Epilogue = e;
  if (biasPerChannel && e.biasShape) {
    inputs['convBias'] = [g.Co];
    convInputs.push('convBias');
    post = { ...e, biasShape: undefined };
  }
  const nodes: OnnxNode[] = [
    { op: 'Transpose', inputs: ['x'], outputs: ['xn'], attrs: { perm: TO_NCHW } },
    { op: 'Transpose', inputs: ['w'], outputs: ['wn'], attrs: { perm: HWIO_TO_OIHW } },
    { op: 'Conv', inputs: convInputs, outputs: ['yn'], attrs: convAttrs(g) },
  ];
  // Elementwise activations commute with the transpose; applying them in NCHW lets ORT fuse
  // them into the convolution. Broadcast bias and PReLU slopes are NHWC-shaped, so go after.
  if (!post.biasShape && post.activation !== 'prelu') {
    nodes.push(...activationNodes('yn', 'ya', post, floats));
    nodes.push({ op: 'Transpose', inputs: ['ya'], outputs: ['y'], attrs: { perm: TO_NHWC } });
  } else {
    nodes.push({ op: 'Transpose', inputs: ['yn'], outputs: ['yt'], attrs: { perm: TO_NHWC } });
    nodes.push(...epilogueNodes('yt', 'y', post, floats));
  }
  return { nodes, inputs: { ...inputs, ...epilogueInputs(post) }, outputs: { y }, floatConstants: floats };
}

/** 1x1, stride 1, unpadded convolution as one product: y [B*H*W, Co] = x [B*H*W, Ci] @ w [Ci, Co]. */
export function pointwiseConvGraph(g: ConvGeometry, e: Epilogue): OnnxGraph {
  const floats: Record<string, number> = {};
  const P = g.B * g.H * g.W;
  return {
    nodes: [
      { op: 'Reshape', inputs: ['x', 'xShape'], outputs: ['x2'] },
      { op: 'Reshape', inputs: ['w', 'wShape'], outputs: ['w2'] },
      { op: 'MatMul', inputs: ['x2', 'w2'], outputs: ['y2'] },
      { op: 'Reshape', inputs: ['y2', 'yShape'], outputs: ['y4'] },
      ...epilogueNodes('y4', 'y', e, floats),
    ],
    inputs: { x: [g.B, g.H, g.W, g.Ci], w: [1, 1, g.Ci, g.Co], ...epilogueInputs(e) },
    outputs: { y: [g.B, g.OH, g.OW, g.Co] },
    int64Constants: { xShape: [P, g.Ci], wShape: [g.Ci, g.Co], yShape: [g.B, g.OH, g.OW, g.Co] },
    floatConstants: floats,
  };
}

export const isPointwise = (g: ConvGeometry): boolean =>
  g.KH === 1 && g.KW === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.pb === 0 && g.pr === 0;

/**
 * dx [B, H, W, Ci] = conv2d_transpose(dy [B, OH, OW, Co], w [KH, KW, Ci, Co]), the gradient of
 * conv2d with respect to its input (and tfjs' conv2dTranspose). Stride 1 runs as a forward
 * convolution of dy with the flipped, transposed filter (MLAS' direct NCHWc convolution, about
 * 15 % faster than its ConvTranspose); other strides as ConvTranspose. Returns null when the
 * geometry needs a negative output padding, which ONNX cannot express.
 */
export function conv2dBackpropInputGraph(g: ConvGeometry): OnnxGraph | null {
  const io = { inputs: { dy: [g.B, g.OH, g.OW, g.Co], w: [g.KH, g.KW, g.Ci, g.Co] }, outputs: { dx: [g.B, g.H, g.W, g.Ci] } };
  if (g.sh === 1 && g.sw === 1) {
    // dx[h] = sum_k dy[h - P + k*dh] w[KH-1-k]: a convolution with pads P = (KH-1)dh - pt on top
    // and H - OH + pt at the bottom (likewise for the width).
    const pads = [(g.KH - 1) * g.dh - g.pt, (g.KW - 1) * g.dw - g.pl, g.H - g.OH + g.pt, g.W - g.OW + g.pl];
    if (pads.every((p) => p >= 0)) {
      return {
        nodes: [
          { op: 'Transpose', inputs: ['dy'], outputs: ['dyn'], attrs: { perm: TO_NCHW } },
          { op: 'Slice', inputs: ['w', 'flipStart', 'flipEnd', 'flipAxes', 'flipSteps'], outputs: ['wf'] },
          { op: 'Transpose', inputs: ['wf'], outputs: ['wn'], attrs: { perm: [2, 3, 0, 1] } },
          { op: 'Conv', inputs: ['dyn', 'wn'], outputs: ['dxn'], attrs: { dilations: [g.dh, g.dw], pads } },
          { op: 'Transpose', inputs: ['dxn'], outputs: ['dx'], attrs: { perm: TO_NHWC } },
        ],
        ...io,
        int64Constants: { flipStart: [-1, -1], flipEnd: [-(2 ** 31), -(2 ** 31)], flipAxes: [0, 1], flipSteps: [-1, -1] },
      };
    }
  }
  const opH = g.H - ((g.OH - 1) * g.sh + (g.KH - 1) * g.dh + 1 - g.pt - g.pb);
  const opW = g.W - ((g.OW - 1) * g.sw + (g.KW - 1) * g.dw + 1 - g.pl - g.pr);
  if (opH < 0 || opW < 0 || opH >= Math.max(g.sh, g.dh) || opW >= Math.max(g.sw, g.dw)) return null;
  return {
    nodes: [
      { op: 'Transpose', inputs: ['dy'], outputs: ['dyn'], attrs: { perm: TO_NCHW } },
      { op: 'Transpose', inputs: ['w'], outputs: ['wn'], attrs: { perm: HWIO_TO_OIHW } },
      { op: 'ConvTranspose', inputs: ['dyn', 'wn'], outputs: ['dxn'], attrs: { ...convAttrs(g), output_padding: [opH, opW] } },
      { op: 'Transpose', inputs: ['dxn'], outputs: ['dx'], attrs: { perm: TO_NHWC } },
    ],
    ...io,
  };
}

/**
 * dw [KH, KW, Ci, Co] = sum over b, oh, ow of x[b, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, :]^T
 * dy[b, oh, ow, :]: per filter tap, a strided slice of the padded input times dy, one GEMM
 * [Ci, P] @ [P, Co] with P = B*OH*OW (MLAS reads the slice transposed, no copy).
 */
export function conv2dBackpropFilterGraph(g: ConvGeometry): OnnxGraph {
  const P = g.B * g.OH * g.OW;
  const ints: Record<string, number[]> = { dyShape: [P, g.Co], colShape: [P, g.Ci], wShape: [g.KH, g.KW, g.Ci, g.Co], axes: [1, 2], steps: [g.sh, g.sw] };
  const nodes: OnnxNode[] = [{ op: 'Reshape', inputs: ['dy', 'dyShape'], outputs: ['dy2'] }];
  if (isPointwise(g)) {
    nodes.push({ op: 'Reshape', inputs: ['x', 'colShape'], outputs: ['x2'] });
    nodes.push({ op: 'Gemm', inputs: ['x2', 'dy2'], outputs: ['g'], attrs: { transA: 1 } });
    nodes.push({ op: 'Reshape', inputs: ['g', 'wShape'], outputs: ['dw'] });
  } else {
    const extentH = (g.KH - 1) * g.dh + (g.OH - 1) * g.sh + 1;
    const extentW = (g.KW - 1) * g.dw + (g.OW - 1) * g.sw + 1;
    // Pad only as far as the taps reach (the conv's own bottom/right padding may exceed that).
    const pb = Math.max(0, extentH - g.pt - g.H);
    const pr = Math.max(0, extentW - g.pl - g.W);
    let src = 'x';
    if (g.pt + g.pl + pb + pr > 0) {
      ints['pads'] = [0, g.pt, g.pl, 0, 0, pb, pr, 0];
      nodes.push({ op: 'Pad', inputs: ['x', 'pads'], outputs: ['xp'] });
      src = 'xp';
    }
    const taps: string[] = [];
    for (let kh = 0; kh < g.KH; kh++) {
      for (let kw = 0; kw < g.KW; kw++) {
        const t = `t${kh}_${kw}`;
        ints[`${t}s`] = [kh * g.dh, kw * g.dw];
        ints[`${t}e`] = [kh * g.dh + (g.OH - 1) * g.sh + 1, kw * g.dw + (g.OW - 1) * g.sw + 1];
        nodes.push({ op: 'Slice', inputs: [src, `${t}s`, `${t}e`, 'axes', 'steps'], outputs: [`${t}x`] });
        nodes.push({ op: 'Reshape', inputs: [`${t}x`, 'colShape'], outputs: [`${t}c`] });
        nodes.push({ op: 'Gemm', inputs: [`${t}c`, 'dy2'], outputs: [`${t}g`], attrs: { transA: 1 } });
        taps.push(`${t}g`);
      }
    }
    nodes.push({ op: 'Concat', inputs: taps, outputs: ['g'], attrs: { axis: 0 } });
    nodes.push({ op: 'Reshape', inputs: ['g', 'wShape'], outputs: ['dw'] });
  }
  return {
    nodes,
    inputs: { x: [g.B, g.H, g.W, g.Ci], dy: [g.B, g.OH, g.OW, g.Co] },
    outputs: { dw: [g.KH, g.KW, g.Ci, g.Co] },
    int64Constants: ints,
  };
}

/**
 * c [batch, M, N] = act(op(a) @ op(b) + bias), op = optional transpose of the last two axes,
 * with tfjs' batch broadcasting. A batch of one runs as a single Gemm with the transposes as
 * flags (no copies).
 */
export function matMulGraph(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean, e: Epilogue): OnnxGraph {
  const floats: Record<string, number> = {};
  const [ba, a1, a2] = aShape as [number, number, number];
  const [bb, b1, b2] = bShape as [number, number, number];
  const M = transposeA ? a2 : a1;
  const N = transposeB ? b1 : b2;
  const batch = Math.max(ba, bb);
  const nodes: OnnxNode[] = [];
  const ints: Record<string, number[]> = {};
  if (ba === 1 && bb === 1) {
    ints['aShape'] = [a1, a2];
    ints['bShape'] = [b1, b2];
    ints['cShape'] = [1, M, N];
    nodes.push({ op: 'Reshape', inputs: ['a', 'aShape'], outputs: ['a2'] });
    nodes.push({ op: 'Reshape', inputs: ['b', 'bShape'], outputs: ['b2'] });
    nodes.push({ op: 'Gemm', inputs: ['a2', 'b2'], outputs: ['c2'], attrs: { transA: transposeA ? 1 : 0, transB: transposeB ? 1 : 0 } });
    nodes.push({ op: 'Reshape', inputs: ['c2', 'cShape'], outputs: ['c3'] });
  } else {
    let a = 'a';
    let b = 'b';
    if (transposeA) nodes.push({ op: 'Transpose', inputs: ['a'], outputs: [(a = 'at')], attrs: { perm: [0, 2, 1] } });
    if (transposeB) nodes.push({ op: 'Transpose', inputs: ['b'], outputs: [(b = 'bt')], attrs: { perm: [0, 2, 1] } });
    nodes.push({ op: 'MatMul', inputs: [a, b], outputs: ['c3'] });
  }
  nodes.push(...epilogueNodes('c3', 'c', e, floats));
  return {
    nodes,
    inputs: { a: aShape, b: bShape, ...epilogueInputs(e) },
    outputs: { c: [batch, M, N] },
    int64Constants: ints,
    floatConstants: floats,
  };
}
