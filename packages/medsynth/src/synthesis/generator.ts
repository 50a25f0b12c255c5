/**
 * The synthesis generator G: source modalities [B, H, W, inChannels] (e.g. T1 and T2 as two
 * channels) → target modalities [B, H, W, outChannels]. Two architectures from core:
 *
 * - 'unet': the encoder–decoder with skip connections (Ronneberger et al. 2015; pix2pix's
 *   generator is a U-Net). H and W must be divisible by 2^depth.
 * - 'resnet': the ResNet generator with nBlocks residual blocks (Johnson et al. 2016; 9
 *   blocks in pix2pix/CycleGAN's `resnet_9blocks`), ending in tanh. H, W divisible by 4.
 */
import { nn, lookUpOption, ConfigError, type tfl } from '@lacuna/core';

export type GeneratorArch = 'unet' | 'resnet';
export const GENERATOR_ARCHS: readonly GeneratorArch[] = ['unet', 'resnet'];

export interface GeneratorConfig {
  readonly arch: GeneratorArch;
  /** Source channels (modalities stacked on the last axis). */
  readonly inChannels: number;
  /** Target channels. */
  readonly outChannels: number;
  /** Width of the first level: U-Net baseChannels (default 32), ResNet ngf (default 64). */
  readonly base?: number;
  /** U-Net poolings. Default 4. */
  readonly depth?: number;
  /** ResNet residual blocks. Default 9. */
  readonly nBlocks?: number;
  /** Default 'instance'. */
  readonly norm?: 'batch' | 'instance' | 'none';
  /** U-Net: default 'none' (any intensity range). ResNet always ends in tanh (targets in [−1, 1]). */
  readonly finalActivation?: 'none' | 'tanh';
  /** ResNet: dropout 0.5 in the residual blocks (pix2pix `use_dropout`), seeded. Default false. */
  readonly dropout?: boolean;
  /** Weight init. Default 'glorot' for the U-Net, 'normal02' (pix2pix's N(0, 0.02)) for the ResNet. */
  readonly init?: nn.InitKind;
  /** Seeds the weights (and dropout masks): same seed, same network. */
  readonly seed: number;
  /** Layer-name prefix. Default 'generator'. */
  readonly name?: string;
}

function positiveInt(v: unknown, field: string): void {
  if (!(Number.isInteger(v) && (v as number) > 0)) throw new ConfigError(`buildGenerator: ${field} must be a positive integer, got ${String(v)}`, field, v);
}

/** Builds G from a config; throws ConfigError naming the bad field. */
export function buildGenerator(cfg: GeneratorConfig): tfl.LayersModel {
  const arch = lookUpOption(cfg.arch, GENERATOR_ARCHS, 'generator.arch');
  positiveInt(cfg.inChannels, 'generator.inChannels');
  positiveInt(cfg.outChannels, 'generator.outChannels');
  if (cfg.base !== undefined) positiveInt(cfg.base, 'generator.base');
  if (!(Number.isSafeInteger(cfg.seed) && cfg.seed >= 0)) throw new ConfigError(`buildGenerator: generator.seed must be a non-negative integer, got ${cfg.seed}`, 'generator.seed', cfg.seed);
  const norm = lookUpOption(cfg.norm ?? 'instance', nn.NORM_KINDS, 'generator.norm');
  const finalActivation = lookUpOption(cfg.finalActivation ?? (arch === 'unet' ? 'none' : 'tanh'), ['none', 'tanh'] as const, 'generator.finalActivation');
  const name = cfg.name ?? 'generator';
  if (arch === 'unet') {
    if (cfg.depth !== undefined) positiveInt(cfg.depth, 'generator.depth');
    if (cfg.nBlocks !== undefined) throw new ConfigError('buildGenerator: generator.nBlocks applies to arch resnet, not unet', 'generator.nBlocks', cfg.nBlocks);
    if (cfg.dropout) throw new ConfigError('buildGenerator: generator.dropout is only available for arch resnet', 'generator.dropout', cfg.dropout);
    return nn.unet2d({
      inChannels: cfg.inChannels,
      outChannels: cfg.outChannels,
      baseChannels: cfg.base ?? 32,
      depth: cfg.depth ?? 4,
      norm,
      finalActivation,
      init: { kind: cfg.init ?? 'glorot', seed: cfg.seed },
      name,
    });
  }
  if (cfg.depth !== undefined) throw new ConfigError('buildGenerator: generator.depth applies to arch unet, not resnet', 'generator.depth', cfg.depth);
  if (finalActivation !== 'tanh') throw new ConfigError("buildGenerator: the resnet generator always ends in tanh; set generator.finalActivation to 'tanh' or use arch unet", 'generator.finalActivation', finalActivation);
  const nBlocks = cfg.nBlocks ?? 9;
  if (!(Number.isInteger(nBlocks) && nBlocks >= 0)) throw new ConfigError(`buildGenerator: generator.nBlocks must be a non-negative integer, got ${nBlocks}`, 'generator.nBlocks', nBlocks);
  return nn.resnetGenerator({
    inChannels: cfg.inChannels,
    outChannels: cfg.outChannels,
    ngf: cfg.base ?? 64,
    nBlocks,
    norm,
    // SeededDropout needs a positive seed; resnetGenerator adds the block index.
    ...(cfg.dropout ? { dropoutSeed: cfg.seed * 97 + 1 } : {}),
    init: { kind: cfg.init ?? 'normal02', seed: cfg.seed },
    name,
  });
}
