/**
 * Learning-rate schedules: pure functions from the 0-based update index t (the number of
 * updates the optimiser has already applied) to a learning rate.
 */
import { ValueError } from '../errors.js';

export type LrSchedule = (t: number) => number;

function positive(v: number, what: string): void {
  if (!(Number.isFinite(v) && v > 0)) throw new ValueError(`${what} must be a positive number, got ${v}`);
}
function nonNegative(v: number, what: string): void {
  if (!(Number.isFinite(v) && v >= 0)) throw new ValueError(`${what} must be a non-negative number, got ${v}`);
}
function positiveInt(v: number, what: string): void {
  if (!(Number.isInteger(v) && v > 0)) throw new ValueError(`${what} must be a positive integer, got ${v}`);
}

/** lr for every t. */
export function constantLr(lr: number): LrSchedule {
  nonNegative(lr, 'constantLr: lr');
  return () => lr;
}

/** lr · gamma^⌊t / stepSize⌋ (PyTorch StepLR). */
export function stepLr(o: { lr: number; stepSize: number; gamma?: number }): LrSchedule {
  nonNegative(o.lr, 'stepLr: lr');
  positiveInt(o.stepSize, 'stepLr: stepSize');
  const gamma = o.gamma ?? 0.1;
  nonNegative(gamma, 'stepLr: gamma');
  return (t) => o.lr * gamma ** Math.floor(t / o.stepSize);
}

/** lr · gamma^(number of milestones ≤ t) (PyTorch MultiStepLR). */
export function multiStepLr(o: { lr: number; milestones: readonly number[]; gamma?: number }): LrSchedule {
  nonNegative(o.lr, 'multiStepLr: lr');
  const gamma = o.gamma ?? 0.1;
  const ms = [...o.milestones].sort((a, b) => a - b);
  return (t) => o.lr * gamma ** ms.filter((m) => m <= t).length;
}

/**
 * Cosine annealing from lr to minLr over totalSteps (PyTorch CosineAnnealingLR, without
 * restarts): minLr + (lr − minLr)·(1 + cos(π·t'/T'))/2, held at minLr after the end. With
 * warmupSteps W > 0 the first W updates ramp linearly, lr·(t+1)/W, and the cosine runs over
 * t' = t − W, T' = totalSteps − W.
 */
export function cosineLr(o: { lr: number; totalSteps: number; minLr?: number; warmupSteps?: number }): LrSchedule {
  nonNegative(o.lr, 'cosineLr: lr');
  positiveInt(o.totalSteps, 'cosineLr: totalSteps');
  const minLr = o.minLr ?? 0;
  const w = o.warmupSteps ?? 0;
  if (!(Number.isInteger(w) && w >= 0 && w < o.totalSteps)) throw new ValueError(`cosineLr: warmupSteps must be an integer in [0, totalSteps), got ${w}`);
  return (t) => {
    if (t < w) return (o.lr * (t + 1)) / w;
    const p = Math.min(1, (t - w) / (o.totalSteps - w));
    return minLr + ((o.lr - minLr) * (1 + Math.cos(Math.PI * p))) / 2;
  };
}

/**
 * The inverse ("polynomial") decay of SHOT/DINE/CDAN: lr · (1 + gamma·t/maxSteps)^(−power),
 * gamma 10 and power 0.75 by default.
 */
export function inverseLr(o: { lr: number; maxSteps: number; gamma?: number; power?: number }): LrSchedule {
  nonNegative(o.lr, 'inverseLr: lr');
  positiveInt(o.maxSteps, 'inverseLr: maxSteps');
  const gamma = o.gamma ?? 10;
  const power = o.power ?? 0.75;
  return (t) => o.lr * (1 + (gamma * t) / o.maxSteps) ** -power;
}

/** Polynomial decay to minLr: minLr + (lr − minLr)·(1 − min(t, T)/T)^power (segmentation "poly", power 0.9). */
export function polyLr(o: { lr: number; totalSteps: number; power?: number; minLr?: number }): LrSchedule {
  nonNegative(o.lr, 'polyLr: lr');
  positiveInt(o.totalSteps, 'polyLr: totalSteps');
  const power = o.power ?? 0.9;
  const minLr = o.minLr ?? 0;
  return (t) => minLr + (o.lr - minLr) * (1 - Math.min(t, o.totalSteps) / o.totalSteps) ** power;
}

/**
 * The GAN schedule of pix2pix/CycleGAN (lr_policy 'linear'): constant for constantSteps, then
 * linear decay towards 0 over decaySteps: lr · (1 − max(0, t + 1 − constantSteps)/(decaySteps + 1)),
 * clamped at 0. t counts whatever unit the caller steps it in (the reference uses epochs).
 */
export function linearDecayLr(o: { lr: number; constantSteps: number; decaySteps: number }): LrSchedule {
  nonNegative(o.lr, 'linearDecayLr: lr');
  nonNegative(o.constantSteps, 'linearDecayLr: constantSteps');
  positive(o.decaySteps + 1, 'linearDecayLr: decaySteps + 1');
  return (t) => o.lr * Math.max(0, 1 - Math.max(0, t + 1 - o.constantSteps) / (o.decaySteps + 1));
}
