/**
 * tfjs' AdamOptimizer with its update done by one kernel per variable (LacunaAdam) on the wasm
 * backend, bit-identical to the composed ops; on other backends, or without the kernel, it
 * is tfjs' own update. Same slots, names and state, so checkpoints are interchangeable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import type { NamedVariableMap } from '@tensorflow/tfjs-core/dist/tensor_types.js';

type NamedTensor = { name: string; tensor: tf.Tensor };
import { LACUNA_ADAM } from '../kernels/Adam.js';

type Slot = { originalName: string; variable: tf.Variable };
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: NamedVariableMap | NamedTensor[]): void {
    if (tf.getBackend() !== 'wasm' || !getKernel(LACUNA_ADAM, 'wasm')) return super.applyGradients(variableGradients);
    const self = this as unknown as AdamInternals;
    const list = Array.isArray(variableGradients);
    const names = list ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, self.accBeta1).dataSync()[0]!;
      const oneMinusAccBeta2 = tf.sub(1, self.accBeta2).dataSync()[0]!;
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        const slot = (slots: Slot[], suffix: string) => {
          slots[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          return slots[i]!.variable;
        };
        const m = slot(self.accumulatedFirstMoment, 'm');
        const v = slot(self.accumulatedSecondMoment, 'v');
        const g = list ? (variableGradients as NamedTensor[])[i]!.tensor : (variableGradients as NamedVariableMap)[name];
        if (g == null) return;
        if (g.dtype !== 'float32' || value.dtype !== 'float32') throw new Error(`FusedAdamOptimizer: ${name} is not float32`);
        const attrs = { beta1: self.beta1, beta2: self.beta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon: self.epsilon, learningRate: self.learningRate };
        const [w2, m2, v2] = tf.engine().runKernel(LACUNA_ADAM, { w: value, m, v, g }, attrs as never) as tf.Tensor[];
        m.assign(m2!);
        v.assign(v2!);
        value.assign(w2!);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}
