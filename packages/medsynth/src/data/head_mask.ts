/**
 * Head masks: the voxels of the head (scalp inwards) as opposed to air. Threshold (Otsu for MR
 * and PET, −500 HU for CT), keep the large 6-connected components (at least a tenth of the
 * largest: on MR the scalp and the brain are separate components, split by dark bone; noise
 * specks and ghosting are dropped), then fill holes slice by slice so dark tissue inside the
 * head (CSF, bone on MR, sinuses) is kept.
 */
import type { data } from '@lacuna/core';
import type { ModalityKind } from './intensity_norm.js';

/** Otsu's threshold (1979) on a 256-bin histogram of the values. */
export function otsuThreshold(values: Float32Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return lo;
  const bins = 256;
  const hist = new Float64Array(bins);
  const scale = (bins - 1) / (hi - lo);
  for (const v of values) hist[Math.round((v - lo) * scale)]!++;
  let total = 0;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) {
    total += hist[b]!;
    sumAll += b * hist[b]!;
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestVar = -1;
  for (let b = 0; b < bins - 1; b++) {
    wB += hist[b]!;
    sumB += b * hist[b]!;
    const wF = total - wB;
    if (wB === 0 || wF === 0) continue;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = b;
    }
  }
  return lo + (best + 0.5) / scale;
}

/** Keeps the 6-connected components of at least `minFraction` of the largest one's size (in place). */
export function keepLargeComponents(mask: Uint8Array, dims: readonly [number, number, number], minFraction = 0.1): Uint8Array {
  const [nx, ny, nz] = dims;
  const label = new Int32Array(mask.length);
  const queue = new Int32Array(mask.length);
  const sizes: number[] = [0];
  let next = 0;
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || label[seed]) continue;
    next++;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    label[seed] = next;
    while (head < tail) {
      const v = queue[head++]!;
      const i = v % nx;
      const j = ((v - i) / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      const visit = (u: number) => {
        if (mask[u] && !label[u]) {
          label[u] = next;
          queue[tail++] = u;
        }
      };
      if (i > 0) visit(v - 1);
      if (i < nx - 1) visit(v + 1);
      if (j > 0) visit(v - nx);
      if (j < ny - 1) visit(v + nx);
      if (k > 0) visit(v - nx * ny);
      if (k < nz - 1) visit(v + nx * ny);
    }
    sizes.push(tail);
  }
  const keep = Math.max(...sizes) * minFraction;
  for (let v = 0; v < mask.length; v++) mask[v] = label[v]! > 0 && sizes[label[v]!]! >= keep ? 1 : 0;
  return mask;
}

/** Fills holes of each axial slice: background not reachable from the slice border becomes 1. */
export function fillHolesAxial(mask: Uint8Array, dims: readonly [number, number, number]): Uint8Array {
  const [nx, ny, nz] = dims;
  const n = nx * ny;
  const outside = new Uint8Array(n);
  const queue = new Int32Array(n);
  for (let k = 0; k < nz; k++) {
    const base = k * n;
    outside.fill(0);
    let tail = 0;
    const push = (p: number) => {
      if (!mask[base + p] && !outside[p]) {
        outside[p] = 1;
        queue[tail++] = p;
      }
    };
    for (let i = 0; i < nx; i++) {
      push(i);
      push((ny - 1) * nx + i);
    }
    for (let j = 0; j < ny; j++) {
      push(j * nx);
      push(j * nx + nx - 1);
    }
    for (let head = 0; head < tail; head++) {
      const p = queue[head]!;
      const i = p % nx;
      const j = (p - i) / nx;
      if (i > 0) push(p - 1);
      if (i < nx - 1) push(p + 1);
      if (j > 0) push(p - nx);
      if (j < ny - 1) push(p + nx);
    }
    for (let p = 0; p < n; p++) if (!outside[p]) mask[base + p] = 1;
  }
  return mask;
}

export interface HeadMaskOptions {
  /** Which intensity model the volume follows. Default 'mr'. */
  readonly kind?: ModalityKind;
  /** Explicit threshold in the volume's units (overrides Otsu / −500 HU). */
  readonly threshold?: number;
}

/** A head mask (1 = head, 0 = air) on the volume's grid. */
export function headMask(volume: data.Volume, options: HeadMaskOptions = {}): Uint8Array {
  const kind = options.kind ?? 'mr';
  const t = options.threshold ?? (kind === 'ct' ? -500 : otsuThreshold(volume.data));
  const mask = new Uint8Array(volume.data.length);
  for (let v = 0; v < mask.length; v++) mask[v] = volume.data[v]! > t ? 1 : 0;
  keepLargeComponents(mask, volume.dims);
  return fillHolesAxial(mask, volume.dims);
}
