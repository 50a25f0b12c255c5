/**
 * CycleGAN (Zhu et al. 2017; junyanz/pytorch-CycleGAN-and-pix2pix `CycleGANModel`): synthesis
 * from two *unpaired* sets of images. Two generators, G: A → B (source → target, the one a
 * synthesis model keeps) and F: B → A, and two unconditional PatchGANs, D_B (real B or G(a)?)
 * and D_A (real A or F(b)?). Per step, with a batch a of A and an unrelated batch b of B:
 *
 * 1. G step (G and F together, one Adam):
 *      LSGAN(D_B(G(a)), real) + LSGAN(D_A(F(b)), real)                     adversarial
 *    + λ·(‖F(G(a)) − a‖₁ + ‖G(F(b)) − b‖₁)                                cycle consistency (λ = 10)
 *    + λ·λ_id·(‖G(b) − b‖₁ + ‖F(a) − a‖₁)                                 identity (λ_id = 0.5; needs A and B with the same channels)
 * 2. D step (both Ds, one Adam): ½·(LSGAN(D(real), real) + LSGAN(D(pooled fake), fake)) each,
 *    the fakes drawn through an image pool of 50 (image_pool.ts).
 *
 * Masks (optional, [B, H, W, 1]) weight the cycle and identity terms, as the reconstruction
 * terms of the paired trainer are weighted, so background neither helps nor hurts. Adam lr
 * 2e-4, β1 0.5. Seeded: same seed, same losses step for step; the pools go into checkpoints
 * through `state()`.
 */
import { tf, train, ConfigError, checkShape, type tfl } from '@lacuna/core';
import { ganLoss } from '../losses/adversarial.js';
import { l1Loss } from '../losses/reconstruction.js';
import { buildDiscriminator, type DiscriminatorConfig } from './discriminator.js';
import { buildGenerator, type GeneratorConfig } from './generator.js';
import { ImagePool, type ImagePoolState } from './image_pool.js';
import type { AdamSettings } from './trainer.js';

export interface CycleGanOptions {
  /** Both generators' architecture (G: a → b, F: b → a); channels and seeds are set here. */
  readonly generator: Omit<GeneratorConfig, 'inChannels' | 'outChannels' | 'seed' | 'name'>;
  /** Channels of domain A (the source) and B (the target). */
  readonly channels: { readonly a: number; readonly b: number };
  /** Both PatchGANs (CycleGAN's default: ndf 64, 3 layers, instance norm). */
  readonly discriminator?: Partial<Omit<DiscriminatorConfig, 'inChannels' | 'seed' | 'name'>>;
  /** Seeds G (seed), F (seed + 1), D_B (seed + 2), D_A (seed + 3) and the pools. */
  readonly seed: number;
  /** λ of the cycle terms. Default 10. */
  readonly cycle?: number;
  /** λ_id, relative to λ. Default 0.5 (0 when A and B differ in channels is required). */
  readonly identity?: number;
  /** Image pool size. Default 50. */
  readonly pool?: number;
  readonly optimizer?: AdamSettings;
}

export interface CycleGanStepResult {
  /** G and F's total loss. */
  readonly g: number;
  /** The Ds' loss (sum of both halves). */
  readonly d: number;
  /** Unweighted terms: adv_a, adv_b, cycle_a, cycle_b, idt_a, idt_b, d_a, d_b. */
  readonly parts: Record<string, number>;
}

/**
 * ‖F(G(a)) − a‖₁ + ‖G(F(b)) − b‖₁ (means, over the masks when given): the cycle terms, a
 * scalar. a: [B, H, W, Ca], b: [B', H, W, Cb].
 */
export function cycleConsistencyLoss(g: tfl.LayersModel, f: tfl.LayersModel, a: tf.Tensor4D, b: tf.Tensor4D, masks: { a?: tf.Tensor4D; b?: tf.Tensor4D } = {}): tf.Scalar {
  return tf.tidy(() => {
    const recA = f.apply(g.apply(a, { training: true }), { training: true }) as tf.Tensor4D;
    const recB = g.apply(f.apply(b, { training: true }), { training: true }) as tf.Tensor4D;
    return tf.add(l1Loss(recA, a, { mask: masks.a }), l1Loss(recB, b, { mask: masks.b })) as tf.Scalar;
  });
}

function adam(s: AdamSettings | undefined): train.Optimizer {
  return new train.Optimizer({ kind: 'adam', lr: s?.lr ?? 2e-4, beta1: s?.beta1 ?? 0.5, beta2: s?.beta2 ?? 0.999 });
}

export class CycleGanTrainer {
  readonly cycle: number;
  readonly identity: number;
  private readonly gAB: tfl.LayersModel;
  private readonly gBA: tfl.LayersModel;
  private readonly dA: tfl.LayersModel;
  private readonly dB: tfl.LayersModel;
  private readonly optG: train.Optimizer;
  private readonly optD: train.Optimizer;
  private readonly poolA: ImagePool;
  private readonly poolB: ImagePool;
  private readonly channels: { readonly a: number; readonly b: number };

  constructor(o: CycleGanOptions) {
    this.cycle = o.cycle ?? 10;
    this.identity = o.identity ?? (o.channels.a === o.channels.b ? 0.5 : 0);
    if (!(this.cycle >= 0)) throw new ConfigError(`CycleGanTrainer: cycle must be >= 0, got ${o.cycle}`, 'cycle', o.cycle);
    if (!(this.identity >= 0)) throw new ConfigError(`CycleGanTrainer: identity must be >= 0, got ${o.identity}`, 'identity', o.identity);
    if (this.identity > 0 && o.channels.a !== o.channels.b) {
      throw new ConfigError(`CycleGanTrainer: the identity term needs A and B with the same channels (A has ${o.channels.a}, B ${o.channels.b}); set identity to 0`, 'identity', o.identity);
    }
    this.channels = o.channels;
    this.gAB = buildGenerator({ ...o.generator, inChannels: o.channels.a, outChannels: o.channels.b, seed: o.seed, name: 'generator' });
    this.gBA = buildGenerator({ ...o.generator, inChannels: o.channels.b, outChannels: o.channels.a, seed: o.seed + 1, name: 'generator_ba' });
    const d = { norm: 'instance' as const, ...o.discriminator };
    this.dB = buildDiscriminator({ ...d, inChannels: o.channels.b, seed: o.seed + 2, name: 'discriminator_b' });
    this.dA = buildDiscriminator({ ...d, inChannels: o.channels.a, seed: o.seed + 3, name: 'discriminator_a' });
    this.optG = adam(o.optimizer);
    this.optD = adam(o.optimizer);
    this.poolA = new ImagePool(o.pool ?? 50, o.seed * 7919 + 1);
    this.poolB = new ImagePool(o.pool ?? 50, o.seed * 7919 + 2);
  }

  /** G: A → B, the synthesis model. */
  get generator(): tfl.LayersModel {
    return this.gAB;
  }

  /** F: B → A. */
  get inverseGenerator(): tfl.LayersModel {
    return this.gBA;
  }

  /** For checkpoints: the four networks. */
  models(): Record<string, tfl.LayersModel> {
    return { generator: this.gAB, generator_ba: this.gBA, discriminator_a: this.dA, discriminator_b: this.dB };
  }

  /** For checkpoints: G and F's optimiser, the Ds'. */
  optimizers(): Record<string, train.Optimizer> {
    return { generators: this.optG, discriminators: this.optD };
  }

  /** For checkpoints: the two image pools. */
  state(): { get: () => unknown; set: (v: unknown) => void } {
    return {
      get: () => ({ poolA: this.poolA.getState(), poolB: this.poolB.getState() }),
      set: (v) => {
        const s = v as { poolA: ImagePoolState; poolB: ImagePoolState };
        this.poolA.setState(s.poolA);
        this.poolB.setState(s.poolB);
      },
    };
  }

  /** a: [B, H, W, Ca] source images, b: [B', H, W, Cb] target images (unrelated to a); masks [.., 1]. Inputs are not disposed. */
  step(a: tf.Tensor4D, b: tf.Tensor4D, masks: { a?: tf.Tensor4D; b?: tf.Tensor4D } = {}): CycleGanStepResult {
    checkShape(a.shape, ['B', 'H', 'W', this.channels.a], 'CycleGanTrainer.step', () => `CycleGanTrainer.step: a must be [B, H, W, ${this.channels.a}], got [${a.shape.join(', ')}]`);
    checkShape(b.shape, ['B', a.shape[1], a.shape[2], this.channels.b], 'CycleGanTrainer.step', () => `CycleGanTrainer.step: b must be [B, ${a.shape[1]}, ${a.shape[2]}, ${this.channels.b}], got [${b.shape.join(', ')}]`);
    const kept: Record<string, tf.Scalar> = {};
    let fakeA: tf.Tensor4D | null = null;
    let fakeB: tf.Tensor4D | null = null;
    const keep = (name: string, v: tf.Scalar) => (kept[name] = tf.keep(v));
    try {
      kept['__g'] = this.optG.minimize(() => {
        const fb = this.gAB.apply(a, { training: true }) as tf.Tensor4D;
        const fa = this.gBA.apply(b, { training: true }) as tf.Tensor4D;
        fakeB = tf.keep(tf.clone(fb));
        fakeA = tf.keep(tf.clone(fa));
        const terms: tf.Scalar[] = [
          keep('adv_b', ganLoss(this.dB.apply(fb, { training: true }) as tf.Tensor, true, 'lsgan')),
          keep('adv_a', ganLoss(this.dA.apply(fa, { training: true }) as tf.Tensor, true, 'lsgan')),
        ];
        const recA = this.gBA.apply(fb, { training: true }) as tf.Tensor4D;
        const recB = this.gAB.apply(fa, { training: true }) as tf.Tensor4D;
        terms.push(tf.mul(keep('cycle_a', l1Loss(recA, a, { mask: masks.a })), this.cycle) as tf.Scalar);
        terms.push(tf.mul(keep('cycle_b', l1Loss(recB, b, { mask: masks.b })), this.cycle) as tf.Scalar);
        if (this.identity > 0) {
          const w = this.cycle * this.identity;
          terms.push(tf.mul(keep('idt_b', l1Loss(this.gAB.apply(b, { training: true }) as tf.Tensor4D, b, { mask: masks.b })), w) as tf.Scalar);
          terms.push(tf.mul(keep('idt_a', l1Loss(this.gBA.apply(a, { training: true }) as tf.Tensor4D, a, { mask: masks.a })), w) as tf.Scalar);
        }
        return tf.addN(terms) as tf.Scalar;
      }, [this.gAB, this.gBA]);
      const pooledA = this.poolA.query(fakeA!);
      const pooledB = this.poolB.query(fakeB!);
      try {
        kept['__d'] = this.optD.minimize(() => {
          const half = (d: tfl.LayersModel, real: tf.Tensor4D, fake: tf.Tensor4D) =>
            tf.mul(tf.add(ganLoss(d.apply(real, { training: true }) as tf.Tensor, true, 'lsgan'), ganLoss(d.apply(fake, { training: true }) as tf.Tensor, false, 'lsgan')), 0.5) as tf.Scalar;
          return tf.add(keep('d_a', half(this.dA, a, pooledA)), keep('d_b', half(this.dB, b, pooledB))) as tf.Scalar;
        }, [this.dA, this.dB]);
      } finally {
        tf.dispose([pooledA, pooledB]);
      }
      const names = Object.keys(kept);
      const values = tf.tidy(() => tf.stack(names.map((n) => kept[n]!)).dataSync());
      const parts: Record<string, number> = {};
      names.forEach((n, i) => {
        if (!n.startsWith('__')) parts[n] = values[i]!;
      });
      return { g: values[names.indexOf('__g')]!, d: values[names.indexOf('__d')]!, parts };
    } finally {
      tf.dispose(Object.values(kept));
      if (fakeA) tf.dispose(fakeA);
      if (fakeB) tf.dispose(fakeB);
    }
  }

  /** Frees the optimisers, the Ds and F; G too unless keepGenerator. */
  dispose(options: { readonly keepGenerator?: boolean } = {}): void {
    this.optG.dispose();
    this.optD.dispose();
    this.dA.dispose();
    this.dB.dispose();
    this.gBA.dispose();
    if (!options.keepGenerator) this.gAB.dispose();
  }
}
