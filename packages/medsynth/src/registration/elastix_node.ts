/** Rigid registration in Node: elastix's pipelines run in-process from @itk-wasm/elastix's own files. */
import type { data } from '@lacuna/core';
import { defaultParameterMapNode, elastixNode } from '@itk-wasm/elastix';
import { registerRigidWith, type ElastixEngine, type RigidRegistration, type RigidRegistrationOptions } from './elastix.js';

const nodeEngine: ElastixEngine = {
  defaultParameterMap: (transform, options) => defaultParameterMapNode(transform, options),
  elastix: (parameterObject, options) => elastixNode(parameterObject, options),
};

/** See registerRigidWith (elastix.ts): the Euler transform T with moving(T(p)) ≈ fixed(p), world mm. */
export function registerRigid(fixed: data.Volume, moving: data.Volume, options: RigidRegistrationOptions = {}): Promise<RigidRegistration> {
  return registerRigidWith(nodeEngine, fixed, moving, options);
}
