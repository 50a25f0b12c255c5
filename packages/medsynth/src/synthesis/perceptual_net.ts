/**
 * The fixed network behind the perceptual loss, trained inside Lacuna instead of downloaded
 * (no ImageNet VGG): a small convolutional denoising autoencoder (Vincent et al. 2008) that
 * learns to restore target-modality images from noisy copies. Its encoder activations
 * respond to edges and textures of that modality, which is what a perceptual loss compares.
 *
 * Layout, for C channels and widths [w1, w2, w3]: three 3×3 conv → ReLU encoder stages
 * (`perceptual_e1` at full size, `_e2` and `_e3` stride 2), two 2×2 stride-2 transposed
 * conv → ReLU decoder stages, and a 3×3 linear conv back to C channels. No normalisation
 * layers, so the features keep the image's contrast and do not depend on the batch. H and W
 * must be divisible by 4. After training every layer is frozen (trainable = false).
 */
import { tf, tfl, nn, data, train, checkShape, ValueError } from '@lacuna/core';

/** The ReLU outputs of the three encoder stages, fine to coarse: the perceptual features. */
export const PERCEPTUAL_LAYERS: readonly string[] = ['perceptual_e1_act', 'perceptual_e2_act', 'perceptual_e3_act'];

export interface PerceptualNetOptions {
  /** Image channels. */
  readonly channels: number;
  /** Encoder widths. Default [16, 32, 64]. */
  readonly widths?: readonly [number, number, number];
  /** Weight seed. Default 1. */
  readonly seed?: number;
}

/** An untrained denoising autoencoder: [B, H, W, C] → [B, H, W, C]. */
export function buildPerceptualNet(options: PerceptualNetOptions): tfl.LayersModel {
  const [w1, w2, w3] = options.widths ?? [16, 32, 64];
  for (const v of [options.channels, w1, w2, w3]) {
    if (!(Number.isInteger(v) && v > 0)) throw new ValueError(`buildPerceptualNet: channels and widths must be positive integers, got ${options.channels} and [${options.widths?.join(', ')}]`);
  }
  const init = new nn.WeightInit({ kind: 'glorot', seed: options.seed ?? 1 });
  const stage = { kernelSize: 3, padding: 'same', norm: 'none', act: 'relu', init } as const;
  const input = tfl.input({ shape: [null, null, options.channels], name: 'perceptual_input' }); // [B, H, W, C]
  const e1 = nn.convNormAct(input, { ...stage, filters: w1, name: 'perceptual_e1' }); // [B, H, W, w1]
  const e2 = nn.convNormAct(e1, { ...stage, filters: w2, strides: 2, name: 'perceptual_e2' }); // [B, H/2, W/2, w2]
  const e3 = nn.convNormAct(e2, { ...stage, filters: w3, strides: 2, name: 'perceptual_e3' }); // [B, H/4, W/4, w3]
  let x = nn.upsample(e3, { mode: 'transpose', filters: w2, act: 'relu', norm: 'none', init, name: 'perceptual_d2' }); // [B, H/2, W/2, w2]
  x = nn.upsample(x, { mode: 'transpose', filters: w1, act: 'relu', norm: 'none', init, name: 'perceptual_d1' }); // [B, H, W, w1]
  x = nn.convNormAct(x, { ...stage, filters: options.channels, act: 'none', name: 'perceptual_out' });
  return tfl.model({ inputs: input, outputs: x, name: 'perceptual' });
}

export interface TrainPerceptualNetOptions {
  /** Adam steps. Default 300. */
  readonly steps?: number;
  /** Images per step. Default 8. */
  readonly batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  readonly lr?: number;
  /** Gaussian noise σ as a fraction of the images' data range (max − min). Default 0.1. */
  readonly noise?: number;
  /** Seeds the weights, batches and noise. Default 1. */
  readonly seed?: number;
  readonly widths?: readonly [number, number, number];
  /** After each step, with the 0-based step and its loss (MSE). */
  readonly onStep?: (step: number, loss: number) => void;
}

/**
 * Trains the denoising autoencoder on `images` [N, H, W, C] (e.g. target-modality slices of
 * the training set), freezes it and returns it. Feature layers: PERCEPTUAL_LAYERS.
 */
export function trainPerceptualNet(images: tf.Tensor4D, options: TrainPerceptualNetOptions = {}): tfl.LayersModel {
  const { N, H, W, C } = checkShape(images.shape, ['N', 'H', 'W', 'C'], 'trainPerceptualNet images');
  if (H! % 4 !== 0 || W! % 4 !== 0) throw new ValueError(`trainPerceptualNet: image size ${H}×${W} must be divisible by 4`);
  const steps = options.steps ?? 300;
  const batchSize = Math.min(options.batchSize ?? 8, N!);
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(steps) && steps >= 0)) throw new ValueError(`trainPerceptualNet: steps must be a non-negative integer, got ${steps}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new ValueError(`trainPerceptualNet: batchSize must be a positive integer, got ${options.batchSize}`);
  const sigma = (options.noise ?? 0.1) * dataRangeOf(images);
  const model = buildPerceptualNet({ channels: C!, widths: options.widths, seed });
  const optimizer = new train.Optimizer({ kind: 'adam', lr: options.lr ?? 1e-3 });
  const rng = new data.Random(seed);
  train.fitSteps({
    steps,
    step: () => {
      const idx = Array.from({ length: batchSize }, () => rng.int(0, N!));
      const noiseSeed = rng.int(1, 2 ** 31);
      return tf.tidy(() => {
        const clean = tf.gather(images, idx);
        const noisy = tf.add(clean, tf.randomNormal(clean.shape, 0, sigma, 'float32', noiseSeed));
        return optimizer.minimize(() => tf.mean(tf.squaredDifference(model.apply(noisy, { training: true }) as tf.Tensor, clean)) as tf.Scalar, model);
      });
    },
    dispose: [optimizer],
    ...(options.onStep ? { onStep: (s: number, l: Readonly<Record<string, number>>) => options.onStep!(s, l['loss']!) } : {}),
  });
  model.trainable = false;
  return model;
}

/**
 * Mean squared error of `model`'s restoration of `images` corrupted with Gaussian noise of σ
 * = noise × data range, seeded: the number its training lowers.
 */
export function denoisingLoss(model: tfl.LayersModel, images: tf.Tensor4D, options: { noise?: number; seed?: number } = {}): number {
  const sigma = (options.noise ?? 0.1) * dataRangeOf(images);
  return tf.tidy(() => {
    const noisy = tf.add(images, tf.randomNormal(images.shape, 0, sigma, 'float32', options.seed ?? 7));
    return tf.mean(tf.squaredDifference(model.apply(noisy, { training: false }) as tf.Tensor, images)).dataSync()[0]!;
  });
}

function dataRangeOf(images: tf.Tensor): number {
  const range = tf.tidy(() => tf.sub(tf.max(images), tf.min(images)).dataSync()[0]!);
  if (!(range > 0 && Number.isFinite(range))) throw new ValueError(`trainPerceptualNet: images have data range ${range}; they must not be constant`);
  return range;
}
