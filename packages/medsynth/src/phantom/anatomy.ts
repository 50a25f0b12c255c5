/**
 * Fuzzy tissue fractions of one subject, from implicit shapes: nested head layers (scalp,
 * fat, skull) as offsets of a deformed ellipsoid, the brain inside it with a folded cortical
 * ribbon (sulci are CSF sheets along the zero set of a random plane-wave field, lined by grey
 * matter), an interhemispheric fissure, lateral and third ventricles, and deep grey nuclei
 * (thalamus, putamen, caudate). Every boundary becomes a partial-volume fraction through a
 * one-voxel linear ramp of its (approximate) signed distance, and the classes are composed as
 * products of these ramps, so the fractions are non-negative and sum to one in every voxel.
 *
 * Atrophy (global, and regional for diseased subjects) widens the subarachnoid space and the
 * sulci, thins the cortex, and (through the ventricle scale) enlarges the ventricles.
 */
import type { PhantomGrid } from './grid.js';
import { axisCoordinates } from './grid.js';
import { PlaneWaveGrid } from './plane_waves.js';
import { ellipsoidDepth, maxInside, ramp, sheet, type Ellipsoids } from './shapes.js';
import type { SubjectParams } from './subject_params.js';
import { TISSUES, type Tissue } from './tissues.js';

export interface Anatomy {
  /** One fraction volume per tissue, [nz, ny, nx] x fastest; they sum to 1 per voxel. */
  readonly fractions: Record<Tissue, Float32Array>;
  /** Weight of the disease region (temporo-parietal, in [0, 1]) inside the skull, else 0. */
  readonly region: Float32Array;
}

/** The brain is wider at the back: x is divided by 1 − EGG·y/b. */
const EGG = 0.06;

/** Lateral and third ventricles, scaled by head size and ventricle scale. */
function ventricles(p: SubjectParams): { boxes: Ellipsoids; bend: number } {
  const s = p.headScale;
  const v = p.ventricleScale;
  const lateral = (side: number) => [side * (7 + 4 * v) * s, -5 * s, 12 * s, 4.5 * v * s, 30 * (0.85 + 0.15 * v) * s, 8 * v * s];
  return { boxes: Float64Array.from([...lateral(-1), ...lateral(1), 0, -10 * s, 0, 1.2 * v * s, 12 * s, 9 * s]), bend: 0.006 / s };
}

/** Thalamus, putamen and caudate head on both sides. */
function deepGreyNuclei(p: SubjectParams): Ellipsoids {
  const s = p.headScale;
  const rows: number[] = [];
  for (const side of [-1, 1]) {
    rows.push(side * 10 * s, -14 * s, 2 * s, 7 * s, 12 * s, 8 * s); // thalamus
    rows.push(side * 24 * s, 3 * s, 0, 5 * s, 13 * s, 9 * s); // putamen
    rows.push(side * 17 * s, 12 * s, 10 * s, 4 * s, 10 * s, 7 * s); // caudate head
  }
  return Float64Array.from(rows);
}

/** The interhemispheric fissure stops at the corpus callosum and deep structures: this (y, z) ellipse, mm. */
function midlineCore(p: SubjectParams): [number, number, number, number] {
  const s = p.headScale;
  return [-5 * s, 2 * s, 42 * s, 24 * s]; // cy, cz, b, c
}

/** Tissue fractions and the disease-region weight of one subject on `grid`. */
export function buildAnatomy(p: SubjectParams, grid: PhantomGrid): Anatomy {
  const [nx, ny, nz] = grid.dims;
  const n = nx * ny * nz;
  const fr = Object.fromEntries(TISSUES.map((t) => [t, new Float32Array(n)])) as Record<Tissue, Float32Array>;
  const region = new Float32Array(n);
  const { background, csf, gm, wm, fat, scalp, skull } = fr;
  const xs = axisCoordinates(grid, 0);
  const ys = axisCoordinates(grid, 1);
  const zs = axisCoordinates(grid, 2);
  const h = grid.spacing[0];
  const invH = 1 / h;

  const deform = new PlaneWaveGrid(p.deformationWaves, grid);
  const fold = new PlaneWaveGrid(p.foldWaves, grid);
  const u = new Float64Array(3);
  const grad = new Float64Array(3);
  const [ea, eb, ec] = p.skullInnerSemiAxes;
  const [hx, hy, hz] = p.headCentre;
  const skullOut = p.skullThicknessMm;
  const fatOut = skullOut + p.fatThicknessMm;
  const scalpOut = fatOut + p.scalpThicknessMm;
  const vent = ventricles(p);
  const deep = deepGreyNuclei(p);
  const [coreY, coreZ, coreB, coreC] = midlineCore(p);
  const [rc0, rc1] = p.regionCentres;
  const [rw0, rw1] = p.regionWeights;
  const inv2Sigma2 = 1 / (2 * p.regionSigmaMm * p.regionSigmaMm);
  const a = p.atrophy;
  const ra = p.regionalAtrophy;
  const k0 = (2 * Math.PI) / p.foldWavelengthMm;
  const minFoldGrad = (0.2 * k0) / Math.SQRT2;
  const fissureWidth = 1 + 2 * a;

  let v = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      deform.setRow(j, k);
      fold.setRow(j, k);
      for (let i = 0; i < nx; i++, v++) {
        deform.values(i, u);
        // q: the deformed position relative to the head centre.
        const qx = xs[i]! + u[0]! - hx;
        const qy = ys[j]! + u[1]! - hy;
        const qz = zs[k]! + u[2]! - hz;
        const depth = ellipsoidDepth(qx / (1 - (EGG * qy) / eb), qy, qz, ea, eb, ec);
        const inScalp = ramp(depth + scalpOut, invH);
        const inFat = ramp(depth + fatOut, invH);
        const inSkull = ramp(depth + skullOut, invH);
        const inside = ramp(depth, invH); // the intracranial compartment
        background[v] = 1 - inScalp;
        scalp[v] = inScalp - inFat;
        fat[v] = inFat - inSkull;
        skull[v] = inSkull - inside;
        if (inside <= 0) continue;

        const wx = qx + hx;
        const wy = qy + hy;
        const wz = qz + hz;
        const d0 = (wx - rc0[0]) ** 2 + (wy - rc0[1]) ** 2 + (wz - rc0[2]) ** 2;
        const d1 = (wx - rc1[0]) ** 2 + (wy - rc1[1]) ** 2 + (wz - rc1[2]) ** 2;
        const R = Math.min(1, rw0 * Math.exp(-d0 * inv2Sigma2) + rw1 * Math.exp(-d1 * inv2Sigma2));
        region[v] = R;

        // Depth below the brain surface, the cortical thickness and the sulcal width here.
        const db = depth - (p.csfGapMm + 3 * a + 4 * ra * R);
        const thickness = p.corticalThicknessMm * (1 - 0.2 * a - 0.3 * ra * R);
        const sulcalWidth = p.sulcalWidthMm + 1.5 * a + 2 * ra * R;
        const g = fold.valueAndGradient(i, grad);
        const gn = Math.max(Math.sqrt(grad[0]! * grad[0]! + grad[1]! * grad[1]! + grad[2]! * grad[2]!), minFoldGrad);
        const sulcalDistance = Math.abs(g) / gn; // to the sulcal mid-surface
        const cy = (qy - coreY) / coreB;
        const cz = (qz - coreZ) / coreC;
        const coreDepth = (1 - Math.sqrt(cy * cy + cz * cz)) * coreC; // > 0 inside the midline core
        // Depth inside the parenchyma (> 0) or the CSF (< 0): below the brain surface, off the
        // sulcal and fissure sheets; the white surface lies `thickness` deeper.
        const dp = Math.min(db, Math.max(sulcalDistance - sulcalWidth / 2, db - p.sulcalDepthMm), Math.max(Math.abs(qx) - fissureWidth / 2, coreDepth));
        // The CSF sheets themselves take their true (sub-voxel) width.
        const sulcalCsf = sheet(sulcalDistance, sulcalWidth, h) * ramp(p.sulcalDepthMm - db, invH);
        const fissureCsf = sheet(Math.abs(qx), fissureWidth, h) * (1 - ramp(coreDepth, invH));
        const brain = ramp(db, invH) * (1 - sulcalCsf) * (1 - fissureCsf);

        const ventricle = maxInside(vent.boxes, qx, qy, qz + vent.bend * (qy + 5) * (qy + 5), h, invH);
        const parenchyma = brain * (1 - ventricle);
        const white = ramp(dp - thickness, invH) * (1 - maxInside(deep, qx, qy, qz, h, invH));
        csf[v] = inside * (1 - parenchyma);
        gm[v] = inside * parenchyma * (1 - white);
        wm[v] = inside * parenchyma * white;
      }
    }
  }
  return { fractions: fr, region };
}

/** Label volume: the index (in TISSUES) of each voxel's largest fraction; ties go to the lower index. */
export function labelsFromFractions(fractions: Record<Tissue, Float32Array>): Uint8Array {
  const n = fractions.background.length;
  const labels = new Uint8Array(n);
  const best = new Float32Array(fractions.background);
  TISSUES.forEach((t, label) => {
    if (label === 0) return;
    const f = fractions[t];
    for (let v = 0; v < n; v++) {
      if (f[v]! > best[v]!) {
        best[v] = f[v]!;
        labels[v] = label;
      }
    }
  });
  return labels;
}
