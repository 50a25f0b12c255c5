/**
 * A small FCOS3D-style monocular 3-D detector (Wang et al., "FCOS3D", ICCVW 2021), the direct
 * baseline of EPro-PnP's Table 3, at the scale of a 128x96 image: a strided conv backbone with
 * residual blocks down to 1/16, a top-down path back to one output level at stride 4, and two
 * dense head branches (classification; centerness and box regression). Per output location:
 *   [0, C)          class logits (sigmoid, focal loss)
 *   C               centerness logit
 *   C+1, C+2        projected 3-D centre offset from the location (stride units)
 *   C+3             log depth of the centre (m)
 *   C+4 .. C+6      log of size / class mean size (w, h, l)
 *   C+7, C+8        sin and cos of the observation angle (yaw as seen from the camera)
 *   C+9 .. C+12     2-D box: log of the distances to its left, top, right, bottom (stride units)
 */
import { ConfigError, nn, tf, tfl } from '@lacuna/core';

/** Regression channels after the C class channels (centerness + 12). */
export const HEAD_EXTRA_CHANNELS = 13;
export const OUTPUT_STRIDE = 4;
/** Depth channel bias at initialisation: log of a typical depth (m). */
const DEPTH_PRIOR = Math.log(15);
/** Focal-loss prior (FCOS): class logits start at log(π / (1 − π)), π = 0.01. */
const CLASS_PRIOR = Math.log(0.01 / 0.99);

export interface DirectDetectorOptions {
  readonly classes: number;
  /** Image size; both multiples of 16. Default 128 x 96. */
  readonly width?: number;
  readonly height?: number;
  /** Channels at stride 2; deeper levels 2x and 4x. Default 16. */
  readonly channels?: number;
  /** Weight-init seed. Default 0. */
  readonly seed?: number;
  /** Also output the stride-4 features the head reads ([B, H/4, W/4, 4w]), for the deformable head. Default false. */
  readonly withFeatures?: boolean;
}

/** The network: [B, H, W, 3] normalised image → [B, H/4, W/4, C + 13] (and the features, with `withFeatures`). */
export function buildDirectDetector(o: DirectDetectorOptions): tfl.LayersModel {
  const W = o.width ?? 128, H = o.height ?? 96, w = o.channels ?? 16, C = o.classes;
  if (!(Number.isInteger(W) && Number.isInteger(H) && W % 16 === 0 && H % 16 === 0 && W > 0 && H > 0)) throw new ConfigError(`buildDirectDetector: width and height must be multiples of 16, got ${W} x ${H}`, 'width', W);
  if (!(Number.isInteger(C) && C >= 1)) throw new ConfigError(`buildDirectDetector: classes must be a positive integer, got ${C}`, 'classes', C);
  if (!(Number.isInteger(w) && w >= 4)) throw new ConfigError(`buildDirectDetector: channels must be an integer >= 4, got ${w}`, 'channels', w);
  const init = new nn.WeightInit({ kind: 'torch', seed: o.seed ?? 0 });
  const block = (x: tfl.SymbolicTensor, filters: number, name: string, strides = 1) => nn.convNormAct(x, { filters, strides, norm: 'batch', act: 'relu', init, name });
  const res = (x: tfl.SymbolicTensor, name: string) => nn.residualBlock(x, { norm: 'batch', normAffine: true, padding: 'same', init, name });
  const cat = (a: tfl.SymbolicTensor, b: tfl.SymbolicTensor, name: string) => tfl.layers.concatenate({ axis: -1, name }).apply([a, b]) as tfl.SymbolicTensor;
  const up = (x: tfl.SymbolicTensor, filters: number, name: string) => nn.upsample(x, { mode: 'bilinear', filters, norm: 'batch', act: 'relu', init, name });

  const input = tfl.input({ shape: [H, W, 3], name: 'image' });
  const s2 = block(block(input, w, 'stem_a', 2), w, 'stem_b'); // [B, H/2, W/2, w]
  const s4 = res(block(s2, 2 * w, 'down4', 2), 'res4'); // [B, H/4, W/4, 2w]
  const s8 = res(res(block(s4, 4 * w, 'down8', 2), 'res8a'), 'res8b'); // [B, H/8, W/8, 4w]
  const s16 = res(block(s8, 4 * w, 'down16', 2), 'res16'); // [B, H/16, W/16, 4w]
  const t8 = block(cat(up(s16, 4 * w, 'up8'), s8, 'cat8'), 4 * w, 'top8'); // [B, H/8, W/8, 4w]
  const t4 = block(cat(up(t8, 2 * w, 'up4'), s4, 'cat4'), 4 * w, 'top4'); // [B, H/4, W/4, 4w]

  // FCOS's head init: N(0, 0.01) kernels; the biases are set below.
  const conv1x1 = (x: tfl.SymbolicTensor, filters: number, name: string) =>
    tfl.layers.conv2d({ filters, kernelSize: 1, useBias: true, kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: (o.seed ?? 0) + filters }), biasInitializer: 'zeros', name }).apply(x) as tfl.SymbolicTensor;
  const clsBranch = block(t4, 2 * w, 'cls_tower'); // [B, H/4, W/4, 2w]
  const regBranch = block(t4, 2 * w, 'reg_tower');
  const cls = conv1x1(clsBranch, C, 'cls_logits'); // [B, H/4, W/4, C]
  const reg = conv1x1(regBranch, HEAD_EXTRA_CHANNELS, 'box_regression'); // [B, H/4, W/4, 13]
  const out = cat(cls, reg, 'dense_head');
  const model = tfl.model({ inputs: input, outputs: o.withFeatures ? [out, t4] : out, name: 'direct_detector' });
  // Output biases: FCOS's class prior, a typical depth, cos(α) = 1 / sin(α) = 0 is left at zero.
  const clsLayer = model.getLayer('cls_logits'), regLayer = model.getLayer('box_regression');
  const [ck, cb] = clsLayer.getWeights(), [rk] = regLayer.getWeights();
  const regBias = new Float32Array(HEAD_EXTRA_CHANNELS);
  regBias[3] = DEPTH_PRIOR;
  clsLayer.setWeights([ck!, tf.fill(cb!.shape, CLASS_PRIOR)]);
  regLayer.setWeights([rk!, tf.tensor1d(regBias)]);
  return model;
}

/** Runs the network on `images` [B, H, W, 3] in [0, 1] (normalised here to [−1, 1]); the dense head's output; differentiable. */
export function detectorForward(model: tfl.LayersModel, images: tf.Tensor4D, training = false): tf.Tensor4D {
  return tf.tidy(() => {
    const out = model.apply(tf.sub(tf.mul(images, 2), 1), { training });
    if (!Array.isArray(out)) return out as tf.Tensor4D;
    tf.dispose(out.slice(1) as tf.Tensor[]);
    return out[0] as tf.Tensor4D;
  });
}

/** As detectorForward, for a network built `withFeatures`: the dense head's output and the stride-4 features. */
export function detectorForwardWithFeatures(model: tfl.LayersModel, images: tf.Tensor4D, training = false): { dense: tf.Tensor4D; features: tf.Tensor4D } {
  const [dense, features] = model.apply(tf.tidy(() => tf.sub(tf.mul(images, 2), 1)), { training }) as tf.Tensor4D[];
  return { dense: dense!, features: features! };
}
