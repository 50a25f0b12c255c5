/**
 * The EPro-PnP layer for TensorFlow.js training steps. Given the network's correspondences
 * x3d [B, N, 3], x2d [B, N, 2] and weights w2d [B, N, 2] as tensors, it returns
 *   - lossMc [B]: the Monte Carlo pose loss (KL to the ground-truth pose), differentiable in
 *     all three inputs, so gradients reach the network that produced them;
 *   - optionally the derivative regularisation terms lossT, lossR [B];
 *   - the solver's pose, its covariance, the AMIS samples and weights, as plain numbers.
 * Use it inside `tf.variableGrads` / `optimizer.minimize` like any tfjs op.
 */
import { data, tf, ValueError } from '@lacuna/core';
import type { Camera } from '../geometry/camera.js';
import { poseLength } from '../geometry/pose_step.js';
import { makePnPBatch, type Dof, type PnPBatch, type ProblemStatus, type RobustKernel } from '../problem/pnp_batch.js';
import { solvePnPBatch, type PnPSolution, type SolveOptions } from '../solver/solve_pnp.js';
import { monteCarloPoseLoss, monteCarloPoseLossGradient, type MonteCarloForward } from '../losses/monte_carlo_loss.js';
import type { AmisOptions } from '../monte_carlo/amis.js';
import { derivativeRegularisation, type DerivativeRegularisationOptions } from './derivative_regularisation.js';

export interface EProPnPOptions {
  dof?: Dof;
  /** Relative Huber delta (EPro-PnP 6-DoF training: 0.1). */
  relativeDelta?: number;
  /** The robust kernel of the reprojection cost (default EPro-PnP's 'huber'). */
  kernel?: RobustKernel;
  amis?: AmisOptions;
  /** Solver settings of the Monte Carlo forward (see MONTE_CARLO_SOLVE_DEFAULTS). */
  monteCarloSolve?: SolveOptions;
  /** Seed of the sampler; each forward draws fresh samples from it. Default 0. */
  seed?: number;
}

export interface MonteCarloOutputs {
  /** [B] Monte Carlo pose loss, differentiable in x3d, x2d and w2d. */
  lossMc: tf.Tensor1D;
  /** [B] derivative-regularisation terms, when asked for. */
  lossT?: tf.Tensor1D;
  lossR?: tf.Tensor1D;
  /** [B, 7] y* (plain numbers; NaN for flagged problems). */
  poseOpt: Float64Array;
  covariance: Float64Array;
  samples: Float64Array[];
  logWeights: Float64Array[];
  costGt: Float64Array;
  status: ProblemStatus[];
}

export class EProPnP {
  readonly dof: Dof;
  private readonly options: EProPnPOptions;
  private rng: data.Random;

  constructor(options: EProPnPOptions = {}) {
    this.dof = options.dof ?? 6;
    this.options = options;
    this.rng = new data.Random(options.seed ?? 0);
  }

  /** The sampler's state, for checkpoints. */
  getRandomState(): data.RandomState {
    return this.rng.getState();
  }

  setRandomState(state: data.RandomState): void {
    this.rng = data.Random.fromState(state);
  }

  /** The problems as plain float64 numbers (no gradients). */
  toBatch(x3d: tf.Tensor, x2d: tf.Tensor, w2d: tf.Tensor, camera: Camera | readonly Camera[]): PnPBatch {
    if (x3d.rank !== 3 || x3d.shape[2] !== 3) throw new ValueError(`EProPnP: x3d must be [B, N, 3], got [${x3d.shape}]`);
    const [B, N] = x3d.shape as [number, number, number];
    for (const [name, t] of [['x2d', x2d], ['w2d', w2d]] as const) {
      if (t.rank !== 3 || t.shape[0] !== B || t.shape[1] !== N || t.shape[2] !== 2) throw new ValueError(`EProPnP: ${name} must be [B=${B}, N=${N}, 2], got [${t.shape}]`);
    }
    return makePnPBatch({ x3d: x3d.dataSync(), x2d: x2d.dataSync(), w2d: w2d.dataSync(), camera, B, N, dof: this.dof, relativeDelta: this.options.relativeDelta, ...(this.options.kernel ? { kernel: this.options.kernel } : {}) });
  }

  /** Solver only: the poses, costs, covariances and flags. */
  solve(x3d: tf.Tensor, x2d: tf.Tensor, w2d: tf.Tensor, camera: Camera | readonly Camera[], options: SolveOptions = {}): PnPSolution {
    return solvePnPBatch(this.toBatch(x3d, x2d, w2d, camera), { onDegenerate: 'flag', rng: this.rng, withCovariance: true, ...options });
  }

  /**
   * The Monte Carlo forward of a training step. `poseGt` is [B, 7] ([B, 4] for 4-DoF).
   * Degenerate problems are flagged in `status` and get zero loss and gradient.
   */
  monteCarloForward(
    x3d: tf.Tensor3D, x2d: tf.Tensor3D, w2d: tf.Tensor3D, camera: Camera | readonly Camera[], poseGt: ArrayLike<number> | tf.Tensor2D,
    options: {
      derivativeRegularisation?: boolean | DerivativeRegularisationOptions;
      /**
       * The derivative regularisation's target from the solver's y* [B, 7] (default poseGt):
       * for a symmetric object, the reading of the ground truth nearest to y*.
       */
      derivativeTarget?: (poseOpt: Float64Array) => ArrayLike<number>;
    } = {},
  ): MonteCarloOutputs {
    const gt = poseGt instanceof tf.Tensor ? Float64Array.from(poseGt.dataSync()) : Float64Array.from(poseGt);
    const batch = this.toBatch(x3d, x2d, w2d, camera);
    const len = poseLength(this.dof);
    if (gt.length !== batch.B * len) throw new ValueError(`EProPnP: poseGt must be [B=${batch.B}, ${len}], got ${gt.length} numbers`);
    let forward: MonteCarloForward | undefined;
    const { B, N } = batch;
    const op = tf.customGrad((...args) => {
      forward = monteCarloPoseLoss(batch, gt, { rng: this.rng, amis: this.options.amis, solve: this.options.monteCarloSolve });
      void args;
      return {
        value: tf.tensor1d(Float32Array.from(forward.loss)),
        gradFunc: (dy) => {
          const g = monteCarloPoseLossGradient(batch, gt, forward!, (dy as tf.Tensor).dataSync());
          return [
            tf.tensor3d(Float32Array.from(g.x3d), [B, N, 3]),
            tf.tensor3d(Float32Array.from(g.x2d), [B, N, 2]),
            tf.tensor3d(Float32Array.from(g.w2d), [B, N, 2]),
          ];
        },
      };
    });
    const lossMc = op(x3d, x2d, w2d) as tf.Tensor1D;
    const f = forward!;
    const out: MonteCarloOutputs = {
      lossMc,
      poseOpt: f.poseOpt,
      covariance: f.covariance,
      samples: f.samples,
      logWeights: f.logWeights,
      costGt: f.costGt,
      status: f.status,
    };
    if (options.derivativeRegularisation) {
      const settings = typeof options.derivativeRegularisation === 'object' ? options.derivativeRegularisation : {};
      const target = options.derivativeTarget ? Float64Array.from(options.derivativeTarget(f.poseOpt)) : gt;
      const reg = derivativeRegularisation(x3d, x2d, w2d, batch, f.poseOpt, target, settings);
      out.lossT = reg.lossT;
      out.lossR = reg.lossR;
      reg.posePlus.dispose();
    }
    return out;
  }
}
