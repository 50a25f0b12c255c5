/**
 * Rigid registration in a browser: elastix's pipelines (elastix.js + elastix.wasm.zst,
 * default-parameter-map.js + .wasm.zst from @itk-wasm/elastix's dist/pipelines) are loaded from
 * the app's own files at `pipelinesBaseUrl`, on the page's thread. @itk-wasm/elastix would
 * otherwise fetch them from a CDN, so the base URL is required.
 */
import { ValueError, type data } from '@lacuna/core';
import { registerRigidWith, type ElastixEngine, type RigidRegistration, type RigidRegistrationOptions } from './elastix.js';

export interface BrowserRegistrationOptions extends RigidRegistrationOptions {
  /** Where the app serves elastix's pipeline files, e.g. new URL('pipelines/elastix', location.href). */
  readonly pipelinesBaseUrl: string | URL;
}

type BrowserElastix = Pick<typeof import('@itk-wasm/elastix'), 'defaultParameterMap' | 'elastix' | 'setPipelinesBaseUrl'>;

/**
 * Imported when first used: the package's Node entry re-exports this module, and under Node
 * '@itk-wasm/elastix' resolves to its Node build, which has no browser functions.
 */
async function browserElastix(): Promise<BrowserElastix> {
  const m = (await import('@itk-wasm/elastix')) as Partial<BrowserElastix>;
  if (typeof m.elastix !== 'function' || typeof m.defaultParameterMap !== 'function' || typeof m.setPipelinesBaseUrl !== 'function') {
    throw new ValueError("registerRigid: this is the browser build's registration; under Node import registration from '@lacuna/medsynth' (its Node entry)");
  }
  return m as BrowserElastix;
}

function browserEngine(m: BrowserElastix): ElastixEngine {
  // On the page's thread: no worker script to host beside the pipelines.
  return {
    defaultParameterMap: (transform, options) => m.defaultParameterMap(transform, { ...options, webWorker: false }),
    elastix: (parameterObject, options) => m.elastix(parameterObject, { ...options, webWorker: false }),
  };
}

/** See registerRigidWith (elastix.ts): the Euler transform T with moving(T(p)) ≈ fixed(p), world mm. */
export async function registerRigid(fixed: data.Volume, moving: data.Volume, options: BrowserRegistrationOptions): Promise<RigidRegistration> {
  const base = options?.pipelinesBaseUrl;
  if (!base) throw new ValueError("registerRigid: pipelinesBaseUrl is required in a browser (the folder where the app serves elastix's pipelines; see scripts/build-app.mjs)");
  const m = await browserElastix();
  // The loader needs an absolute URL without a trailing slash (it appends '/elastix').
  m.setPipelinesBaseUrl(new URL(String(base), globalThis.location?.href).href.replace(/\/$/, ''));
  return registerRigidWith(browserEngine(m), fixed, moving, options);
}
