/**
 * Rigid registration with elastix (Klein et al., IEEE TMI 29:196, 2010), compiled to WebAssembly
 * (@itk-wasm/elastix): Lacuna writes no optimiser of its own. `registerRigid(fixed, moving)`
 * finds the Euler transform T with moving(T(p)) ≈ fixed(p) for world points p (mm), by a
 * multi-resolution adaptive stochastic gradient descent on the chosen metric:
 *   'mutual-information'  Mattes MI (cross-modality, e.g. PET to T1)
 *   'correlation'         normalised correlation (one modality, other scaling)
 *   'mean-squares'        mean squared difference (one modality, same scaling)
 * The engines: elastix_node.ts runs the pipelines in-process from the package's own files;
 * elastix_browser.ts loads them from a base URL the app serves (never a CDN).
 */
import { ValueError, type data } from '@lacuna/core';
import type { Image, JsonCompatible } from 'itk-wasm';
import { rigidMatrix } from './rigid.js';

/** The two elastix pipelines registration runs, in Node or in a browser. */
export interface ElastixEngine {
  defaultParameterMap(transform: 'rigid', options: { numberOfResolutions: number }): Promise<{ parameterMap: JsonCompatible }>;
  elastix(parameterObject: JsonCompatible, options: { fixed: Image; moving: Image }): Promise<{ transformParameterObject?: JsonCompatible }>;
}

export type RegistrationMetric = 'mutual-information' | 'correlation' | 'mean-squares';

const ELASTIX_METRIC: Readonly<Record<RegistrationMetric, string>> = {
  'mutual-information': 'AdvancedMattesMutualInformation',
  correlation: 'AdvancedNormalizedCorrelation',
  'mean-squares': 'AdvancedMeanSquares',
};

export interface RigidRegistrationOptions {
  /** Default 'mutual-information'. */
  readonly metric?: RegistrationMetric;
  /** Optimiser iterations per resolution. Default 300. */
  readonly iterations?: number;
  /** Pyramid levels. Default 3. */
  readonly resolutions?: number;
  /** Seeds elastix's random sampler: same seed, same transform. Default 1. */
  readonly seed?: number;
}

export interface RigidRegistration {
  /** 4x4 row-major: fixed world point → moving world point (mm). */
  readonly transform: number[];
  /** Euler angles (rad), translation (mm) and centre (mm) as elastix reports them. */
  readonly parameters: { readonly angles: [number, number, number]; readonly translation: [number, number, number]; readonly centre: [number, number, number] };
  readonly seconds: number;
}

/** A volume as an ITK image in the same world frame; only axis-aligned grids (a diagonal affine, e.g. the RAS working grid). */
function toItkImage(v: data.Volume, what: string): Image {
  const a = v.affine;
  for (const [i, j] of [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]] as const) {
    if (Math.abs(a[4 * i + j]!) > 1e-9) throw new ValueError(`registerRigid: the ${what} volume's grid is oblique (affine entry [${i}][${j}] = ${a[4 * i + j]}); reorient it onto an axis-aligned grid first`);
  }
  const diag = [a[0]!, a[5]!, a[10]!];
  if (!diag.every((d) => Math.abs(d) > 0)) throw new ValueError(`registerRigid: the ${what} volume has a zero voxel size`);
  return {
    imageType: { dimension: 3, componentType: 'float32', pixelType: 'Scalar', components: 1 },
    name: what,
    origin: [a[3]!, a[7]!, a[11]!],
    spacing: diag.map(Math.abs),
    direction: new Float64Array([Math.sign(diag[0]!), 0, 0, 0, Math.sign(diag[1]!), 0, 0, 0, Math.sign(diag[2]!)]),
    size: [...v.dims],
    metadata: new Map(),
    data: Float32Array.from(v.data),
  } as Image;
}

function numbers(map: Record<string, string[]>, key: string, n: number): number[] {
  const v = (map[key] ?? []).map(Number);
  if (v.length !== n || !v.every(Number.isFinite)) throw new ValueError(`registerRigid: elastix returned ${key} = ${JSON.stringify(map[key])}, expected ${n} numbers`);
  return v;
}

export async function registerRigidWith(engine: ElastixEngine, fixed: data.Volume, moving: data.Volume, options: RigidRegistrationOptions = {}): Promise<RigidRegistration> {
  const metric = options.metric ?? 'mutual-information';
  if (!(metric in ELASTIX_METRIC)) throw new ValueError(`registerRigid: metric must be one of ${Object.keys(ELASTIX_METRIC).join(', ')}, got '${metric}'`);
  for (const [what, v] of [['fixed', fixed], ['moving', moving]] as const) {
    if (!v.data.every(Number.isFinite)) throw new ValueError(`registerRigid: the ${what} volume has NaN or infinite values`);
  }
  const t0 = performance.now();
  const { parameterMap } = (await engine.defaultParameterMap('rigid', { numberOfResolutions: options.resolutions ?? 3 })) as unknown as { parameterMap: Record<string, string[]> };
  parameterMap['Metric'] = [ELASTIX_METRIC[metric]];
  parameterMap['MaximumNumberOfIterations'] = [String(options.iterations ?? 300)];
  parameterMap['RandomSeed'] = [String(options.seed ?? 1)];
  parameterMap['WriteResultImage'] = ['false'];
  const r = await engine.elastix([parameterMap] as unknown as JsonCompatible, { fixed: toItkImage(fixed, 'fixed'), moving: toItkImage(moving, 'moving') });
  const found = (r.transformParameterObject as unknown as Record<string, string[]>[])[0];
  if (!found || found['Transform']?.[0] !== 'EulerTransform') throw new ValueError(`registerRigid: elastix returned no Euler transform (${JSON.stringify(found?.['Transform'])})`);
  const p = numbers(found, 'TransformParameters', 6);
  const parameters = { angles: p.slice(0, 3) as [number, number, number], translation: p.slice(3) as [number, number, number], centre: numbers(found, 'CenterOfRotationPoint', 3) as [number, number, number] };
  return { transform: rigidMatrix(parameters), parameters, seconds: (performance.now() - t0) / 1000 };
}
