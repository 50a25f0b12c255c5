/**
 * Perceptual loss (Johnson et al. 2016): distances between the activations of a fixed
 * network on the prediction and on the target. Here it is the weighted sum over layers of
 * the mean absolute difference (L1, as pix2pixHD's VGG loss), the target's features held
 * constant. The network is any tfjs-layers model, e.g. synthesis/perceptual_net.ts's,
 * trained in Lacuna; it runs in inference mode and its weights are never updated here (an
 * optimiser only updates the variables it is given).
 */
import { tf, tfl, nn, ValueError, stopGradient, checkCount } from '@lacuna/core';
import { checkSameImages } from './image_pair.js';

// A feature model is a new graph over the same layers; build it once per (net, layers).
const featureModels = new WeakMap<tfl.LayersModel, Map<string, tfl.LayersModel>>();

function featuresOf(net: tfl.LayersModel, layers: readonly string[]): tfl.LayersModel {
  let byKey = featureModels.get(net);
  if (!byKey) featureModels.set(net, (byKey = new Map()));
  const key = layers.join('\n');
  let model = byKey.get(key);
  if (!model) byKey.set(key, (model = nn.featureModel(net, layers, false)));
  return model;
}

/**
 * Σ_i weights[i] · mean |φ_i(pred) − φ_i(target)| over the named layers of `net` (default
 * weights: 1/L each): a scalar. pred and target are [B, H, W, C] with C = net's input channels.
 */
export function perceptualLoss(
  net: tfl.LayersModel,
  pred: tf.Tensor,
  target: tf.Tensor,
  layers: readonly string[],
  weights?: readonly number[],
): tf.Scalar {
  checkSameImages(pred, target, 'perceptualLoss');
  if (layers.length === 0) throw new ValueError('perceptualLoss: layers is empty');
  const w = weights ?? layers.map(() => 1 / layers.length);
  if (w.length !== layers.length || !w.every((v) => Number.isFinite(v) && v >= 0)) {
    throw new ValueError(`perceptualLoss: need one finite weight >= 0 per layer (${layers.length}), got [${w.join(', ')}]`);
  }
  const inC = net.inputs[0]!.shape[3];
  if (inC != null) checkCount(pred.shape[3]!, inC, () => `perceptualLoss: net '${net.name}' takes ${inC} channels, images have ${pred.shape[3]}`);
  const features = featuresOf(net, layers);
  return tf.tidy(() => {
    const asList = (x: tf.Tensor | tf.Tensor[]) => (Array.isArray(x) ? x : [x]);
    const fp = asList(features.apply(pred, { training: false }) as tf.Tensor | tf.Tensor[]);
    const ft = asList(features.apply(target, { training: false }) as tf.Tensor | tf.Tensor[]);
    const terms = fp.map((f, i) => tf.mul(tf.mean(tf.abs(tf.sub(f, stopGradient(ft[i]!)))), w[i]!));
    return tf.addN(terms) as tf.Scalar;
  });
}
