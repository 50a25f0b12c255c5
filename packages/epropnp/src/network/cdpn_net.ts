/**
 * A small CDPN-style dense-correspondence network (Li et al., "CDPN", ICCV 2019; the
 * rotation head EPro-PnP reuses): an encoder of strided conv blocks, a decoder that upsamples
 * back with skip connections, and three outputs
 *   - x3d: object coordinates per output pixel, tanh(raw) · halfExtent per axis (metres), so
 *     the prediction stays inside the object's box, as EPro-PnP multiplies its normalised
 *     coordinates by the object's extent;
 *   - w2d logits per output pixel, 2 channels (the weights of the u and v residuals); the
 *     weights themselves are a softmax over the points times a global scale, computed
 *     outside the network (see pnp_inputs.ts);
 *   - a global scale: exp of a dense layer on the pooled deepest features, 2 numbers.
 * The model keeps plain tfjs-layers layers (serialisable); `cdpnForward` applies the fixed
 * input normalisation and output maps.
 */
import { ConfigError, nn, tf, tfl } from '@lacuna/core';

export interface CdpnNetOptions {
  /** Input crop side, a multiple of 8. Default 64. */
  readonly inputSize?: number;
  /** Output map side: inputSize (default) or inputSize / 2. */
  readonly outputSize?: number;
  /** Channels of the first block; deeper blocks have 2x and 4x. Default 32. */
  readonly width?: number;
  /** Default 'batch'. */
  readonly norm?: nn.NormKind;
  /** Weight-init seed (same seed, same weights). Default 0. */
  readonly seed?: number;
  /**
   * Correspondence hypotheses per output pixel (default 1): each pixel predicts K object
   * coordinates with their own weights, all at the pixel's 2-D point, so one crop can support
   * several poses at once (the two readings of a symmetric object).
   */
  readonly hypotheses?: number;
}

/**
 * The network: input [B, S, S, 3] (normalised image, see cdpnForward); outputs
 * [x3dRaw [B, H, W, 3K], w2dLogits [B, H, W, 2K], logScale [B, 2]] with H = W = outputSize and K
 * hypotheses (channels hypothesis-major: hypothesis k holds channels 3k..3k+2 and 2k..2k+1).
 */
export function buildCdpnNet(options: CdpnNetOptions = {}): tfl.LayersModel {
  const S = options.inputSize ?? 64;
  const out = options.outputSize ?? S;
  const w = options.width ?? 32;
  const norm = options.norm ?? 'batch';
  const K = options.hypotheses ?? 1;
  if (!(Number.isInteger(K) && K >= 1 && K <= 4)) throw new ConfigError(`buildCdpnNet: hypotheses must be an integer in 1..4, got ${K}`, 'hypotheses', K);
  if (!(Number.isInteger(S) && S >= 8 && S % 8 === 0)) throw new ConfigError(`buildCdpnNet: inputSize must be a multiple of 8, got ${S}`, 'inputSize', S);
  if (out !== S && out !== S / 2) throw new ConfigError(`buildCdpnNet: outputSize must be ${S} or ${S / 2}, got ${out}`, 'outputSize', out);
  if (!(Number.isInteger(w) && w >= 1)) throw new ConfigError(`buildCdpnNet: width must be a positive integer, got ${w}`, 'width', w);
  const init = new nn.WeightInit({ kind: 'torch', seed: options.seed ?? 0 });
  const block = (x: tfl.SymbolicTensor, filters: number, name: string, strides = 1) => nn.convNormAct(x, { filters, strides, norm, act: 'relu', init, name });
  const cat = (a: tfl.SymbolicTensor, b: tfl.SymbolicTensor, name: string) => tfl.layers.concatenate({ axis: -1, name }).apply([a, b]) as tfl.SymbolicTensor;

  const input = tfl.input({ shape: [S, S, 3], name: 'image' });
  const e1 = block(input, w, 'enc1'); // [B, S, S, w]
  const e2 = block(block(e1, 2 * w, 'enc2a', 2), 2 * w, 'enc2b'); // [B, S/2, S/2, 2w]
  const e3 = nn.residualBlock(block(e2, 4 * w, 'enc3a', 2), { norm, normAffine: true, padding: 'same', init, name: 'enc3b' }); // [B, S/4, S/4, 4w]
  const e4 = nn.residualBlock(block(e3, 4 * w, 'enc4a', 2), { norm, normAffine: true, padding: 'same', init, name: 'enc4b' }); // [B, S/8, S/8, 4w]

  const up = (x: tfl.SymbolicTensor, filters: number, name: string) => nn.upsample(x, { mode: 'bilinear', filters, norm, act: 'relu', init, name });
  let d = block(cat(up(e4, 4 * w, 'dec3up'), e3, 'dec3cat'), 4 * w, 'dec3'); // [B, S/4, S/4, 4w]
  d = block(cat(up(d, 2 * w, 'dec2up'), e2, 'dec2cat'), 2 * w, 'dec2'); // [B, S/2, S/2, 2w]
  if (out === S) d = block(cat(up(d, w, 'dec1up'), e1, 'dec1cat'), w, 'dec1'); // [B, S, S, w]

  const head = (filters: number, name: string) =>
    tfl.layers.conv2d({ filters, kernelSize: 1, useBias: true, kernelInitializer: init.kernel(), biasInitializer: 'zeros', name }).apply(d) as tfl.SymbolicTensor;
  const x3dRaw = head(3 * K, 'x3d_raw'); // [B, H, W, 3K]
  const w2dLogits = head(2 * K, 'w2d_logits'); // [B, H, W, 2K]
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'scale_pool' }).apply(e4) as tfl.SymbolicTensor; // [B, 4w]
  const logScale = tfl.layers.dense({ units: 2, kernelInitializer: init.kernel(), biasInitializer: 'zeros', name: 'log_scale' }).apply(pooled) as tfl.SymbolicTensor; // [B, 2]
  return tfl.model({ inputs: input, outputs: [x3dRaw, w2dLogits, logScale], name: 'cdpn' });
}

/** The network's outputs mapped to what the PnP layer uses. */
export interface CdpnOutputs {
  /** [B, H, W, 3K] object coordinates, metres: tanh(raw) · halfExtent, K hypotheses. */
  readonly x3d: tf.Tensor4D;
  /** [B, H, W, 2K] weight logits (u, v) per hypothesis. */
  readonly w2dLogits: tf.Tensor4D;
  /** [B, 2] global weight scale, exp(logScale) > 0. */
  readonly scale: tf.Tensor2D;
}

/**
 * Runs the network on `images` [B, S, S, 3] (RGB in [0, 1]; normalised here to [−1, 1]) for
 * an object of half-extent `halfExtent` (metres per axis). Differentiable; call inside
 * tf.variableGrads / optimizer.minimize for training with `training` true.
 */
export function cdpnForward(model: tfl.LayersModel, images: tf.Tensor4D, halfExtent: readonly number[], training = false): CdpnOutputs {
  return tf.tidy(() => {
    const x = tf.sub(tf.mul(images, 2), 1);
    const [raw, logits, logScale] = model.apply(x, { training }) as tf.Tensor[];
    const K = raw!.shape[3]! / 3;
    const extent = Array.from({ length: 3 * K }, (_, c) => halfExtent[c % 3]!);
    return {
      x3d: tf.mul(tf.tanh(raw!), tf.tensor1d(extent, 'float32')) as tf.Tensor4D,
      w2dLogits: logits as tf.Tensor4D,
      scale: tf.exp(logScale!) as tf.Tensor2D,
    };
  });
}

/** Hypotheses per pixel of a network or of its outputs (x3d channels / 3). */
export function hypothesesOf(x3dChannels: number): number {
  return x3dChannels / 3;
}

/** Hypothesis 0's maps of [B, H, W, 3K] coordinates (and [B, H, W, 2K] logits): what pictures and coordinate targets use. */
export function firstHypothesis(x3d: tf.Tensor4D): tf.Tensor4D {
  return x3d.shape[3] === 3 ? x3d : (tf.slice(x3d, [0, 0, 0, 0], [-1, -1, -1, 3]) as tf.Tensor4D);
}
