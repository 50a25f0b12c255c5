/**
 * Optimisers for custom training loops: tfjs-core's Adam and SGD (plain, momentum, Nesterov)
 * with a learning-rate schedule, weight decay, and gradient clipping by global norm, plus
 * state save/restore for checkpoints.
 *
 * Each update applies, in PyTorch's order: clip the gradients (clip_grad_norm_), add
 * weightDecay·w to them (PyTorch's `weight_decay`), or with `decoupledWeightDecay` shrink
 * w ← w·(1 − lr·weightDecay) first (AdamW), then the tfjs update with lr = schedule(t), where
 * t counts this optimiser's updates. tfjs optimisers take a fixed rate; the schedule is applied
 * by setting it before each update: Adam reads its `learningRate` field at every update, SGD
 * and momentum keep a −lr scalar that `setLearningRate` replaces (the tests check both).
 *
 * The tfjs update rules equal PyTorch's: Adam (bias-corrected, eps added to √v̂; eps defaults
 * here to PyTorch's 1e-8, not tfjs' backend epsilon), momentum buf ← m·buf + g, Nesterov
 * step g + m·buf (dampening 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers all of them.
import '@tensorflow/tfjs-layers';
import { lookUpOption } from '../check.js';
import { FusedAdamOptimizer } from './fused_adam.js';
import { ValueError } from '../errors.js';
import { clipByGlobalNorm } from './clip.js';
import { constantLr, type LrSchedule } from './schedules.js';

export type OptimizerKind = 'adam' | 'sgd';
const KINDS: readonly OptimizerKind[] = ['adam', 'sgd'];

export interface OptimizerOptions {
  readonly kind: OptimizerKind;
  /** A fixed rate or a schedule of the update index. */
  readonly lr: number | LrSchedule;
  /** Adam. Defaults 0.9, 0.999, 1e-8. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** SGD momentum. Default 0 (plain SGD). */
  readonly momentum?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  readonly nesterov?: boolean;
  /** Default 0. */
  readonly weightDecay?: number;
  /** AdamW-style decay w ← w·(1 − lr·wd) instead of adding wd·w to the gradient. Default false. */
  readonly decoupledWeightDecay?: boolean;
  /** Clip gradients to this global norm before each update. */
  readonly clipNorm?: number;
}

/** What an optimiser's updates are taken with respect to. */
export type VariableSource = tfl.LayersModel | readonly tfl.LayersModel[] | readonly tf.Variable[];

/** The trainable variables of models (in weight order), or the given variables. */
export function trainableVariables(source: VariableSource): tf.Variable[] {
  const list = Array.isArray(source) ? source : [source];
  const out: tf.Variable[] = [];
  for (const item of list as readonly (tfl.LayersModel | tf.Variable)[]) {
    if (item instanceof tf.Variable) out.push(item);
    else for (const w of (item as tfl.LayersModel).trainableWeights) out.push(w.read() as tf.Variable);
  }
  return out;
}

/** A tensor with a name, as tfjs optimisers' getWeights returns them. */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** Serialisable optimiser state: the tfjs optimiser's weights plus Lacuna's update count. */
export interface OptimizerState {
  readonly kind: OptimizerKind;
  readonly step: number;
  /** tfjs `getWeights()` (iteration count first, then slot variables) and extra named tensors. */
  readonly tensors: NamedTensor[];
}

const EXTRA = '__lacuna/';

type AdamInternals = { learningRate: number; accBeta1: tf.Variable; accBeta2: tf.Variable };

export class Optimizer {
  readonly options: OptimizerOptions;
  private readonly schedule: LrSchedule;
  private inner: tf.Optimizer;
  private innerLr: number;
  private updates = 0;
  private lastLr_: number | null = null;

  constructor(options: OptimizerOptions) {
    lookUpOption(options.kind, KINDS, 'Optimizer.kind');
    const m = options.momentum ?? 0;
    if (!(m >= 0 && m < 1)) throw new ValueError(`Optimizer: momentum must be in [0, 1), got ${m}`);
    if (options.nesterov && !(options.kind === 'sgd' && m > 0)) throw new ValueError('Optimizer: nesterov needs kind sgd and momentum > 0');
    if (!((options.weightDecay ?? 0) >= 0)) throw new ValueError(`Optimizer: weightDecay must be ≥ 0, got ${options.weightDecay}`);
    if (options.clipNorm !== undefined && !(options.clipNorm > 0)) throw new ValueError(`Optimizer: clipNorm must be > 0, got ${options.clipNorm}`);
    this.options = options;
    this.schedule = typeof options.lr === 'number' ? constantLr(options.lr) : options.lr;
    this.innerLr = this.schedule(0);
    this.inner = this.makeInner(this.innerLr);
  }

  private makeInner(lr: number): tf.Optimizer {
    const o = this.options;
    if (o.kind === 'adam') return new FusedAdamOptimizer(lr, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-8);
    if ((o.momentum ?? 0) > 0) return tf.train.momentum(lr, o.momentum!, o.nesterov ?? false);
    return tf.train.sgd(lr);
  }

  /** Updates applied so far (the schedule's t for the next one). */
  get step(): number {
    return this.updates;
  }

  /** The learning rate the next update will use. */
  get lr(): number {
    return this.schedule(this.updates);
  }

  /** The learning rate of the last update, or null before the first. */
  get lastLr(): number | null {
    return this.lastLr_;
  }

  /** The wrapped tfjs optimiser. */
  get tfOptimizer(): tf.Optimizer {
    return this.inner;
  }

  private setInnerLr(lr: number): void {
    if (lr === this.innerLr) return;
    if (this.options.kind === 'sgd') (this.inner as tf.SGDOptimizer).setLearningRate(lr); // also MomentumOptimizer
    else (this.inner as unknown as AdamInternals).learningRate = lr;
    this.innerLr = lr;
  }

  /**
   * Computes the gradients of `loss` with respect to `vars` and applies one update. Returns
   * the loss value, which the caller disposes. Only `vars` change (pass D's variables for a
   * D step even though the loss runs through G).
   */
  minimize(loss: () => tf.Scalar, vars: VariableSource): tf.Scalar {
    const varList = trainableVariables(vars);
    const { value, grads } = tf.variableGrads(loss, varList);
    try {
      this.applyGradients(grads, varList);
    } finally {
      tf.dispose(grads);
    }
    return value;
  }

  /**
   * Applies one update from `grads` (keyed by variable name; not disposed). `vars` fixes the
   * order of the optimiser's slot variables; pass the same list every time (default: the
   * keys of `grads`, in order). Variables without a gradient are left alone.
   */
  applyGradients(grads: tf.NamedTensorMap, vars?: readonly tf.Variable[]): void {
    const names = vars ? vars.map((v) => v.name) : Object.keys(grads);
    const lr = this.schedule(this.updates);
    if (!(Number.isFinite(lr) && lr >= 0)) throw new ValueError(`Optimizer.applyGradients: schedule gave lr ${lr} at step ${this.updates}`);
    const wd = this.options.weightDecay ?? 0;
    tf.tidy(() => {
      const present = names.filter((n) => grads[n] != null);
      let list = present.map((n) => grads[n]!);
      if (this.options.clipNorm !== undefined && list.length > 0) {
        const c = clipByGlobalNorm(list, this.options.clipNorm);
        list = c.grads;
      }
      const byName = new Map(present.map((n, i) => [n, list[i]!]));
      if (wd > 0) {
        for (const n of present) {
          const v = tf.engine().registeredVariables[n]!;
          if (this.options.decoupledWeightDecay) v.assign(tf.mul(v, 1 - lr * wd));
          else byName.set(n, tf.add(byName.get(n)!, tf.mul(v, wd)));
        }
      }
      this.setInnerLr(lr);
      // The array form keeps slot indices stable when a gradient is missing.
      this.inner.applyGradients(names.map((n) => ({ name: n, tensor: byName.get(n) as tf.Tensor })));
    });
    this.updates += 1;
    this.lastLr_ = lr;
  }

  /** The state to checkpoint. The tensors are live: encode them before the next update. */
  async getState(): Promise<OptimizerState> {
    const tensors: NamedTensor[] = await this.inner.getWeights();
    if (this.options.kind === 'adam') {
      // tfjs restores Adam's running β powers as pow(β, t+1), which is not bit-identical to
      // the running product; keep the exact values.
      const a = this.inner as unknown as AdamInternals;
      tensors.push({ name: `${EXTRA}accBeta1`, tensor: a.accBeta1 }, { name: `${EXTRA}accBeta2`, tensor: a.accBeta2 });
    }
    return { kind: this.options.kind, step: this.updates, tensors };
  }

  /** Restores a state from `getState` (the tensors are copied; the caller keeps ownership). */
  async setState(state: OptimizerState): Promise<void> {
    if (state.kind !== this.options.kind) throw new ValueError(`Optimizer.setState: state is for '${state.kind}', this optimiser is '${this.options.kind}'`);
    if (!(Number.isInteger(state.step) && state.step >= 0)) throw new ValueError(`Optimizer.setState: bad step ${state.step}`);
    const extras = new Map(state.tensors.filter((t) => t.name.startsWith(EXTRA)).map((t) => [t.name.slice(EXTRA.length), t.tensor]));
    const weights = state.tensors.filter((t) => !t.name.startsWith(EXTRA)).map((t) => ({ name: t.name, tensor: tf.clone(t.tensor) }));
    this.inner.dispose();
    this.innerLr = this.schedule(state.step);
    this.inner = this.makeInner(this.innerLr);
    await this.inner.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor)); // setWeights made variables of its own
    if (this.options.kind === 'adam') {
      const a = this.inner as unknown as AdamInternals;
      for (const k of ['accBeta1', 'accBeta2'] as const) {
        const t = extras.get(k);
        if (t) a[k].assign(tf.reshape(t, []));
      }
    }
    this.updates = state.step;
    this.lastLr_ = state.step > 0 ? this.schedule(state.step - 1) : null;
  }

  dispose(): void {
    this.inner.dispose();
  }
}
