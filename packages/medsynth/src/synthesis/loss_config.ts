/**
 * Which losses train the generator, with their weights. pix2pix (Isola et al. 2017) uses
 * L1 × 100 plus the vanilla GAN loss × 1, the default here. A discriminator is built only
 * when `adversarial` is set; without it the generator trains on its reconstruction terms
 * alone (plain supervised U-Net training).
 */
import { ConfigError, lookUpOption } from '@lacuna/core';
import { GAN_LOSS_KINDS, type GanLossKind } from '../losses/adversarial.js';

export interface LossConfig {
  readonly l1?: number;
  readonly mse?: number;
  /** Weight of 1 − SSIM. */
  readonly ssim?: number;
  /** Weight of 1 − MS-SSIM. */
  readonly msSsim?: number;
  /** The GAN loss of G's output; D is trained with the same kind. weight may be 0 (D trained, G not pushed). */
  readonly adversarial?: { readonly kind: GanLossKind; readonly weight: number };
  /** Weight of pix2pixHD feature matching on D's features (needs adversarial). */
  readonly featureMatching?: number;
  /** Weight of the perceptual loss (needs a perceptual net). */
  readonly perceptual?: number;
}

export const PIX2PIX_LOSSES: LossConfig = { l1: 100, adversarial: { kind: 'vanilla', weight: 1 } };

const WEIGHT_FIELDS = ['l1', 'mse', 'ssim', 'msSsim', 'featureMatching', 'perceptual'] as const;

/** Throws ConfigError naming the field unless every weight is finite and ≥ 0 and some term is on. */
export function validateLossConfig(cfg: LossConfig): void {
  const weight = (v: unknown, field: string) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new ConfigError(`losses.${field} must be a finite number >= 0, got ${String(v)}`, `losses.${field}`, v);
  };
  for (const k of WEIGHT_FIELDS) if (cfg[k] !== undefined) weight(cfg[k], k);
  if (cfg.adversarial) {
    lookUpOption(cfg.adversarial.kind, GAN_LOSS_KINDS, 'losses.adversarial.kind');
    weight(cfg.adversarial.weight, 'adversarial.weight');
  }
  if ((cfg.featureMatching ?? 0) > 0 && !cfg.adversarial) {
    throw new ConfigError('losses.featureMatching needs losses.adversarial (the discriminator is trained by the adversarial loss)', 'losses.featureMatching', cfg.featureMatching);
  }
  const any = WEIGHT_FIELDS.some((k) => (cfg[k] ?? 0) > 0) || (cfg.adversarial?.weight ?? 0) > 0;
  if (!any) throw new ConfigError('losses: every weight is 0 or missing; nothing would train the generator', 'losses', cfg);
}
