/**
 * Feature matching on discriminator features (pix2pixHD, Wang et al. 2018, eq. 4): the L1
 * distance between D's intermediate activations on the real pair and on the synthesised
 * pair, layer by layer, with the real features held constant. Here the per-layer mean
 * absolute differences are averaged over layers; pix2pixHD sums them with weight
 * 4/(nLayers + 1) each, i.e. 4 × this average, then multiplies by λ_feat = 10.
 */
import { tf, ValueError, stopGradient, checkSameShape } from '@lacuna/core';

/** mean over layers i of mean |fake_i − detach(real_i)|: a scalar. */
export function featureMatchingLoss(realFeats: readonly tf.Tensor[], fakeFeats: readonly tf.Tensor[]): tf.Scalar {
  if (realFeats.length === 0 || realFeats.length !== fakeFeats.length) {
    throw new ValueError(`featureMatchingLoss: need the same non-zero number of real and fake feature maps, got ${realFeats.length} and ${fakeFeats.length}`);
  }
  realFeats.forEach((r, i) => {
    const f = fakeFeats[i]!;
    checkSameShape(r.shape, f.shape, `featureMatchingLoss: layer ${i}`, ['real', 'fake']);
  });
  return tf.tidy(() => {
    const perLayer = realFeats.map((r, i) => tf.mean(tf.abs(tf.sub(fakeFeats[i]!, stopGradient(r)))));
    return tf.div(tf.addN(perLayer), perLayer.length) as tf.Scalar;
  });
}
