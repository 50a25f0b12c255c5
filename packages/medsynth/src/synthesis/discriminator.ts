/**
 * The conditional PatchGAN discriminator of pix2pix (Isola et al. 2017): it sees the source
 * and a target (real or synthesised) stacked on the channel axis and gives one logit per
 * overlapping patch. With nLayers = 3 each logit sees a 70×70 patch.
 */
import { nn, lookUpOption, ConfigError, type tfl } from '@lacuna/core';

export interface DiscriminatorConfig {
  /** Source + target channels (pix2pix's conditional D). */
  readonly inChannels: number;
  /** Channels of the first conv. Default 64. */
  readonly ndf?: number;
  /** Stride-2 convs. Default 3 (70×70 patches). */
  readonly nLayers?: number;
  /** Default 'batch' (pix2pix). */
  readonly norm?: 'batch' | 'instance' | 'none';
  /** Seeds the weights (pix2pix's N(0, 0.02) init). */
  readonly seed: number;
  /** Layer-name prefix (feature layers are `${name}_feat<i>`). Default 'discriminator'. */
  readonly name?: string;
}

/** Builds the PatchGAN: [B, H, W, inChannels] → logits [B, H', W', 1]. */
export function buildDiscriminator(cfg: DiscriminatorConfig): tfl.LayersModel {
  for (const [field, v] of [['inChannels', cfg.inChannels], ['ndf', cfg.ndf ?? 64], ['nLayers', cfg.nLayers ?? 3]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new ConfigError(`buildDiscriminator: discriminator.${field} must be a positive integer, got ${v}`, `discriminator.${field}`, v);
  }
  if (!(Number.isSafeInteger(cfg.seed) && cfg.seed >= 0)) throw new ConfigError(`buildDiscriminator: discriminator.seed must be a non-negative integer, got ${cfg.seed}`, 'discriminator.seed', cfg.seed);
  return nn.patchGanDiscriminator({
    inChannels: cfg.inChannels,
    ndf: cfg.ndf ?? 64,
    nLayers: cfg.nLayers ?? 3,
    norm: lookUpOption(cfg.norm ?? 'batch', nn.NORM_KINDS, 'discriminator.norm'),
    init: { kind: 'normal02', seed: cfg.seed },
    name: cfg.name ?? 'discriminator',
  });
}

/**
 * Receptive field of one PatchGAN logit: 4×4 convs, nLayers with stride 2, then two with
 * stride 1. Walking back from one output pixel, r ← (r − 1)·stride + 4. nLayers 3 → 70.
 */
export function patchGanReceptiveField(nLayers: number): number {
  const strides = [...Array.from({ length: nLayers }, () => 2), 1, 1];
  return strides.reduceRight((r, s) => (r - 1) * s + 4, 1);
}
