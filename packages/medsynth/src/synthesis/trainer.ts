/**
 * One training step of a synthesis generator, supervised or as a pix2pix-style conditional
 * GAN (Isola et al. 2017; junyanz/pytorch-CycleGAN-and-pix2pix `Pix2PixModel`):
 *
 * 1. D step (only with an adversarial loss): D sees real pairs concat(source, target) and
 *    fake pairs concat(source, G(source)) with G's output held fixed; its loss is
 *    ½·(GAN(D(real), real) + GAN(D(fake), fake)), halved as in pix2pix so D learns more
 *    slowly than G.
 * 2. G step: weighted sum of GAN(D(fake pair), real) and the reconstruction terms (L1, MSE,
 *    1 − SSIM, 1 − MS-SSIM, over the mask when one is given), pix2pixHD feature matching on
 *    D's features of the real and fake pairs, and the perceptual loss of a fixed network.
 *    The mask weights only the reconstruction terms; D, the perceptual net and F see whole images.
 * 3. Task term (option `task`, issue 4; Cohen et al. MICCAI 2018): G's loss adds weight × D_t,
 *    a task-oriented term built from a task model F (task/task_terms.ts), recorded unweighted
 *    as 'task'. With `task.joint`, F is trained alongside, alternating as in the source
 *    article: after D's step and before G's, each step updates F on min_F CE(F(G(X)), T) +
 *    CE(F(Y), T) (G(X) held fixed, T the step's labels; + the term's soft Dice if configured),
 *    recorded as 'task_f'; G's step then uses the updated F. Without `joint`, F is a fixed
 *    loss network: only G's variables are differentiated, so F never changes.
 *
 * G's output for the D step is computed with the same weights as in the G step (G has not
 * been updated yet), so recomputing it inside the G step's gradient tape changes nothing but
 * the cost of one extra forward pass (and, with dropout, the mask).
 *
 * Optimisers: Adam, lr 2e-4, β1 0.5, β2 0.999 for both networks (pix2pix). Everything is
 * seeded: two trainers built from the same config give the same losses step for step.
 * Use `models()` and `optimizers()` with core `train.runTraining` for checkpoints and resume.
 */
import { tf, nn, train, ConfigError, type tfl, checkShape } from '@lacuna/core';
import { ganLoss } from '../losses/adversarial.js';
import { featureMatchingLoss } from '../losses/feature_matching.js';
import { checkMask } from '../losses/masked_mean.js';
import { perceptualLoss } from '../losses/perceptual.js';
import { l1Loss, mseLoss } from '../losses/reconstruction.js';
import { msSsimLoss, ssimLoss } from '../losses/structural.js';
import { buildDiscriminator, type DiscriminatorConfig } from './discriminator.js';
import { buildGenerator, type GeneratorConfig } from './generator.js';
import { PIX2PIX_LOSSES, validateLossConfig, type LossConfig } from './loss_config.js';
import { PERCEPTUAL_LAYERS } from './perceptual_net.js';
import { labelIds } from '../task/seg_labels.js';
import { segmentationLoss } from '../losses/segmentation_loss.js';
import { taskTerm, termNeedsNet, validateTaskTermConfig, type TaskTermConfig } from '../losses/task_terms.js';

export interface AdamSettings {
  /** Default 2e-4 (pix2pix). A schedule of the update index is allowed (e.g. train.linearDecayLr). */
  readonly lr?: number | train.LrSchedule;
  /** Default 0.5 (pix2pix). */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
}

export interface SynthesisTrainerOptions {
  /** A config to build G from, or a model (e.g. loaded from a checkpoint). */
  readonly generator: GeneratorConfig | tfl.LayersModel;
  /**
   * PatchGAN settings (inChannels is source + target channels; seed defaults to `seed` + 1),
   * or a model. Used only with an adversarial loss.
   */
  readonly discriminator?: Partial<Omit<DiscriminatorConfig, 'inChannels'>> | tfl.LayersModel;
  /** Base seed for the networks built here. Default: the generator config's seed, else 0. */
  readonly seed?: number;
  /** Default PIX2PIX_LOSSES: L1 × 100 + vanilla GAN × 1. */
  readonly losses?: LossConfig;
  /** G's Adam settings; D uses them too unless `discriminatorOptimizer` is given. */
  readonly optimizer?: AdamSettings;
  readonly discriminatorOptimizer?: AdamSettings;
  /** The fixed network of the perceptual loss (needs losses.perceptual > 0). */
  readonly perceptual?: { readonly net: tfl.LayersModel; readonly layers?: readonly string[]; readonly weights?: readonly number[] };
  /** Data range for SSIM / MS-SSIM (1 for [0, 1] images). Default: each target's max − min. */
  readonly dataRange?: number;
  /** MS-SSIM scales. Default: the most that fit the image (see losses/structural.ts). */
  readonly msSsimScales?: number;
  /**
   * A task-oriented term for G (task/task_terms.ts). `net` is the task model F (input: the
   * target's channels; needed by every kind but 'huThreshold'). `joint`: also train F each
   * step with Adam (default lr 1e-3, β1 0.9, β2 0.999: the usual segmenter settings); F must
   * have trainable weights. The caller keeps ownership of `net` (dispose does not free it).
   */
  readonly task?: TaskOptions;
}

export interface TaskOptions {
  readonly term: TaskTermConfig;
  readonly net?: tfl.LayersModel;
  readonly joint?: AdamSettings;
}

export interface SynthesisStepResult {
  /** G's total weighted loss. */
  readonly g: number;
  /** D's loss ½·(real + fake), when there is a D. */
  readonly d?: number;
  /**
   * Unweighted terms: l1, mse, ssim (= 1 − SSIM), msSsim (= 1 − MS-SSIM), adv (G's GAN
   * loss), fm, perceptual, task (the task term D_t), and D's d_real, d_fake, F's task_f (joint
   * F training); only those in use.
   */
  readonly parts: Record<string, number>;
}

const isModel = (x: unknown): x is tfl.LayersModel => typeof (x as tfl.LayersModel)?.apply === 'function' && Array.isArray((x as tfl.LayersModel).layers);

function adam(s: AdamSettings | undefined): train.Optimizer {
  return new train.Optimizer({ kind: 'adam', lr: s?.lr ?? 2e-4, beta1: s?.beta1 ?? 0.5, beta2: s?.beta2 ?? 0.999 });
}

export class SynthesisTrainer {
  readonly losses: LossConfig;
  readonly sourceChannels: number;
  readonly targetChannels: number;
  private readonly g: tfl.LayersModel;
  private readonly d: tfl.LayersModel | null;
  /** D with its LeakyReLU features as extra outputs (shares D's weights); for feature matching. */
  private readonly dFeatures: tfl.LayersModel | null;
  private readonly optG: train.Optimizer;
  private readonly optD: train.Optimizer | null;
  private readonly options: SynthesisTrainerOptions;
  /** The task model F, when the task term has one. */
  private readonly f: tfl.LayersModel | null;
  /** F's optimiser with joint training. */
  private readonly optF: train.Optimizer | null;

  constructor(options: SynthesisTrainerOptions) {
    this.options = options;
    this.losses = options.losses ?? PIX2PIX_LOSSES;
    validateLossConfig(this.losses);
    if ((this.losses.perceptual ?? 0) > 0 && !options.perceptual) {
      throw new ConfigError('SynthesisTrainer: losses.perceptual > 0 needs options.perceptual.net (see trainPerceptualNet)', 'losses.perceptual', this.losses.perceptual);
    }
    this.g = isModel(options.generator) ? options.generator : buildGenerator(options.generator);
    this.sourceChannels = this.g.inputs[0]!.shape[3]!;
    this.targetChannels = this.g.outputs[0]!.shape[3]!;
    this.optG = adam(options.optimizer);
    if (this.losses.adversarial) {
      const dOpt = options.discriminator;
      const seed = options.seed ?? (isModel(options.generator) ? 0 : options.generator.seed);
      this.d = isModel(dOpt) ? dOpt : buildDiscriminator({ ...dOpt, seed: dOpt?.seed ?? seed + 1, inChannels: this.sourceChannels + this.targetChannels });
      const dIn = this.d.inputs[0]!.shape[3];
      if (dIn !== this.sourceChannels + this.targetChannels) {
        throw new ConfigError(`SynthesisTrainer: the discriminator takes ${dIn} channels, expected source + target = ${this.sourceChannels + this.targetChannels}`, 'discriminator', dIn);
      }
      this.dFeatures = (this.losses.featureMatching ?? 0) > 0 ? nn.patchGanFeatures(this.d) : null;
      this.optD = adam(options.discriminatorOptimizer ?? options.optimizer);
    } else {
      this.d = null;
      this.dFeatures = null;
      this.optD = null;
    }
    const task = options.task;
    this.f = task?.net ?? null;
    this.optF = null;
    if (task) {
      validateTaskTermConfig(task.term, 'task.term');
      if (termNeedsNet(task.term.kind) && !task.net) throw new ConfigError(`SynthesisTrainer: task term '${task.term.kind}' needs task.net (a task model F, e.g. buildSegmenter)`, 'task.net');
      if (task.joint && !task.net) throw new ConfigError('SynthesisTrainer: task.joint needs task.net (the F to train)', 'task.joint');
      if (task.net) {
        const fIn = task.net.inputs[0]!.shape[3];
        if (fIn !== this.targetChannels) throw new ConfigError(`SynthesisTrainer: task.net takes ${fIn} channels, expected the target's ${this.targetChannels}`, 'task.net', fIn);
        if (task.joint && task.net.trainableWeights.length === 0) throw new ConfigError('SynthesisTrainer: task.joint needs a trainable task.net (it has no trainable weights)', 'task.joint');
      }
      if (task.joint) this.optF = new train.Optimizer({ kind: 'adam', lr: task.joint.lr ?? 1e-3, beta1: task.joint.beta1 ?? 0.9, beta2: task.joint.beta2 ?? 0.999 });
    }
  }

  /** The task model F, if any. */
  get taskNet(): tfl.LayersModel | null {
    return this.f;
  }

  /** True when `step` needs labels (a 'supervised' term or joint F training). */
  get needsLabels(): boolean {
    const t = this.options.task;
    return !!t && (t.term.kind === 'supervised' || !!t.joint);
  }

  get generator(): tfl.LayersModel {
    return this.g;
  }

  get discriminator(): tfl.LayersModel | null {
    return this.d;
  }

  /** The trained models by name, for checkpoints: generator (and discriminator, and task: F when trained jointly). */
  models(): Record<string, tfl.LayersModel> {
    const out: Record<string, tfl.LayersModel> = { generator: this.g };
    if (this.d) out['discriminator'] = this.d;
    if (this.optF) out['task'] = this.f!;
    return out;
  }

  /** The optimisers by name (same names as models()), for checkpoints. */
  optimizers(): Record<string, train.Optimizer> {
    const out: Record<string, train.Optimizer> = { generator: this.optG };
    if (this.optD) out['discriminator'] = this.optD;
    if (this.optF) out['task'] = this.optF;
    return out;
  }

  /** G's output in inference mode: [B, H, W, Cs] → [B, H, W, Ct]. */
  predict(source: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.g.apply(source, { training: false }) as tf.Tensor4D);
  }

  /**
   * One D step (if any), one F step (joint task training), then one G step. source [B, H, W,
   * Cs], target [B, H, W, Ct], mask [B, H, W, 1] or [B, H, W, Ct] (weights of the
   * reconstruction terms), labels: the task's class ids, int [B, H, W] or float [B, H, W, 1]
   * (needed by a 'supervised' term and by joint F training). Inputs are not disposed.
   */
  step(source: tf.Tensor4D, target: tf.Tensor4D, mask?: tf.Tensor4D, labels?: tf.Tensor): SynthesisStepResult {
    this.checkBatch(source, target, mask);
    const ids = this.taskLabels(labels, target);
    const kept: Record<string, tf.Scalar> = {};
    let dValue: tf.Scalar | null = null;
    let realFeats: tf.Tensor[] | null = null;
    try {
      if (this.d) {
        dValue = this.discriminatorStep(source, target, kept);
        if (this.dFeatures) {
          const dFeatures = this.dFeatures;
          realFeats = tf.tidy(() => (dFeatures.apply(tf.concat([source, target], 3), { training: true }) as tf.Tensor[]).slice(0, -1));
        }
      }
      if (this.optF) this.taskNetStep(source, target, ids!, kept);
      const gValue = this.optG.minimize(() => this.generatorLoss(source, target, mask, realFeats, kept, ids), this.g);
      kept['__g'] = gValue;
      if (dValue) kept['__d'] = dValue;
      const names = Object.keys(kept);
      const values = tf.tidy(() => tf.stack(names.map((n) => kept[n]!)).dataSync());
      const parts: Record<string, number> = {};
      names.forEach((n, i) => {
        if (!n.startsWith('__')) parts[n] = values[i]!;
      });
      const g = values[names.indexOf('__g')]!;
      return dValue ? { g, d: values[names.indexOf('__d')]!, parts } : { g, parts };
    } finally {
      tf.dispose(Object.values(kept));
      if (dValue) dValue.dispose();
      if (realFeats) tf.dispose(realFeats);
      if (ids) ids.dispose();
    }
  }

  /** The step's labels as checked int32 [B, H, W] ids (caller disposes), or null when not needed. */
  private taskLabels(labels: tf.Tensor | undefined, target: tf.Tensor4D): tf.Tensor3D | null {
    if (!this.needsLabels) return null;
    const t = this.options.task!;
    if (!labels) throw new ConfigError(`SynthesisTrainer.step: ${t.joint ? 'joint task training' : `task term '${t.term.kind}'`} needs labels [B, H, W] (class ids)`, 'labels');
    return labelIds(labels, this.f!.outputs[0]!.shape[3]!, 'SynthesisTrainer.step labels', target);
  }

  /** Updates F on CE(F(G(X)), T) + CE(F(Y), T) with G(X) fixed; records task_f in `kept`. */
  private taskNetStep(source: tf.Tensor4D, target: tf.Tensor4D, ids: tf.Tensor3D, kept: Record<string, tf.Scalar>): void {
    const f = this.f!;
    const term = this.options.task!.term;
    const options = { dice: term.dice, classWeights: term.classWeights };
    const fake = tf.tidy(() => this.g.apply(source, { training: true }) as tf.Tensor4D); // G fixed here: only F's variables are updated
    try {
      kept['task_f'] = this.optF!.minimize(() => {
        const onFake = segmentationLoss(f.apply(fake, { training: true }) as tf.Tensor4D, ids, options);
        const onReal = segmentationLoss(f.apply(target, { training: true }) as tf.Tensor4D, ids, options);
        return tf.add(onFake, onReal) as tf.Scalar;
      }, f);
    } finally {
      fake.dispose();
    }
  }

  /** Updates D; records d_real and d_fake in `kept`; returns D's loss (caller disposes). */
  private discriminatorStep(source: tf.Tensor4D, target: tf.Tensor4D, kept: Record<string, tf.Scalar>): tf.Scalar {
    const d = this.d!;
    const kind = this.losses.adversarial!.kind;
    const [realPair, fakePair] = tf.tidy(() => {
      const fake = this.g.apply(source, { training: true }) as tf.Tensor4D; // G fixed here: only D's variables are updated
      return [tf.concat([source, target], 3), tf.concat([source, fake], 3)];
    });
    try {
      return this.optD!.minimize(() => {
        const real = ganLoss(d.apply(realPair, { training: true }) as tf.Tensor, true, kind);
        const fake = ganLoss(d.apply(fakePair, { training: true }) as tf.Tensor, false, kind);
        kept['d_real'] = tf.keep(real);
        kept['d_fake'] = tf.keep(fake);
        return tf.mul(tf.add(real, fake), 0.5) as tf.Scalar;
      }, d);
    } finally {
      tf.dispose([realPair, fakePair]);
    }
  }

  /** G's total loss (inside G's gradient tape); records each unweighted term in `kept`. */
  private generatorLoss(source: tf.Tensor4D, target: tf.Tensor4D, mask: tf.Tensor4D | undefined, realFeats: tf.Tensor[] | null, kept: Record<string, tf.Scalar>, ids: tf.Tensor3D | null): tf.Scalar {
    const L = this.losses;
    const fake = this.g.apply(source, { training: true }) as tf.Tensor4D; // [B, H, W, Ct]
    const terms: tf.Scalar[] = [];
    const add = (name: string, weight: number | undefined, value: tf.Scalar) => {
      kept[name] = tf.keep(value);
      if ((weight ?? 0) > 0) terms.push(tf.mul(value, weight!) as tf.Scalar);
    };
    const structural = { dataRange: this.options.dataRange, mask };
    if ((L.l1 ?? 0) > 0) add('l1', L.l1, l1Loss(fake, target, { mask }));
    if ((L.mse ?? 0) > 0) add('mse', L.mse, mseLoss(fake, target, { mask }));
    if ((L.ssim ?? 0) > 0) add('ssim', L.ssim, ssimLoss(fake, target, structural));
    if ((L.msSsim ?? 0) > 0) add('msSsim', L.msSsim, msSsimLoss(fake, target, { ...structural, scales: this.options.msSsimScales }));
    if (this.d && L.adversarial) {
      const fakePair = tf.concat([source, fake], 3);
      if (this.dFeatures) {
        const outs = this.dFeatures.apply(fakePair, { training: true }) as tf.Tensor[]; // [feat1 … featN, logits]
        add('adv', L.adversarial.weight, ganLoss(outs[outs.length - 1]!, true, L.adversarial.kind));
        add('fm', L.featureMatching, featureMatchingLoss(realFeats!, outs.slice(0, -1)));
      } else {
        add('adv', L.adversarial.weight, ganLoss(this.d.apply(fakePair, { training: true }) as tf.Tensor, true, L.adversarial.kind));
      }
    }
    if ((L.perceptual ?? 0) > 0) {
      const p = this.options.perceptual!;
      add('perceptual', L.perceptual, perceptualLoss(p.net, fake, target, p.layers ?? PERCEPTUAL_LAYERS, p.weights));
    }
    const task = this.options.task;
    if (task) add('task', task.term.weight, taskTerm(task.term, { fake, real: target, labels: ids ?? undefined, net: task.net }));
    if (terms.length === 0) return tf.mul(tf.sum(fake), 0) as tf.Scalar; // validateLossConfig rules this out
    return tf.addN(terms) as tf.Scalar;
  }

  private checkBatch(source: tf.Tensor, target: tf.Tensor, mask: tf.Tensor | undefined): void {
    const [b, h, w] = source.shape;
    checkShape(source.shape, ['B', 'H', 'W', this.sourceChannels], 'SynthesisTrainer.step', () => `SynthesisTrainer.step: source must be [B, H, W, ${this.sourceChannels}], got [${source.shape.join(', ')}]`);
    const t = target.shape;
    checkShape(t, [b!, h!, w!, this.targetChannels], 'SynthesisTrainer.step', () => `SynthesisTrainer.step: target must be [${b}, ${h}, ${w}, ${this.targetChannels}], got [${t.join(', ')}]`);
    if (mask) checkMask(mask, target, 'SynthesisTrainer.step');
  }

  /**
   * Frees the optimisers, D and G (not a perceptual net or task net passed in). keepGenerator:
   * leave G alive, e.g. to save or use it after training.
   */
  dispose(options: { readonly keepGenerator?: boolean } = {}): void {
    this.optG.dispose();
    this.optD?.dispose();
    this.optF?.dispose();
    this.d?.dispose();
    if (!options.keepGenerator) this.g.dispose();
  }
}
