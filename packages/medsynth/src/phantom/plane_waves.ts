/**
 * Smooth random fields as sums of plane waves, f(p) = Σ_m a_m sin(k_m·p + φ_m), evaluated on
 * the grid without a sine per voxel: e^{i(k·p+φ)} = e^{i(kx·x+φ)} · e^{i ky·y} · e^{i kz·z},
 * so per-axis tables and one complex product per wave and voxel suffice. The deformation field
 * and the cortical folding both use it.
 */
import type { data } from '@lacuna/core';
import type { PhantomGrid } from './grid.js';
import { axisCoordinates } from './grid.js';

export interface PlaneWave {
  readonly k: readonly [number, number, number]; // wave vector, rad/mm
  readonly phase: number; // rad
  readonly amp: readonly number[]; // one amplitude per field component
}

/**
 * `count` waves with random directions, wavelengths uniform in [minWavelength, maxWavelength]
 * mm, random phases and amplitudes `amplitude/√count` per component times a normal draw, so
 * each component's RMS over space is about amplitude/√2.
 */
export function randomPlaneWaves(rng: data.Random, count: number, components: number, minWavelength: number, maxWavelength: number, amplitude: number): PlaneWave[] {
  const waves: PlaneWave[] = [];
  for (let m = 0; m < count; m++) {
    // Uniform direction on the sphere.
    const cz = rng.uniform(-1, 1);
    const az = rng.uniform(0, 2 * Math.PI);
    const s = Math.sqrt(1 - cz * cz);
    const kNorm = (2 * Math.PI) / rng.uniform(minWavelength, maxWavelength);
    const k: [number, number, number] = [kNorm * s * Math.cos(az), kNorm * s * Math.sin(az), kNorm * cz];
    const phase = rng.uniform(0, 2 * Math.PI);
    const amp: number[] = [];
    for (let c = 0; c < components; c++) amp.push((amplitude / Math.sqrt(count)) * rng.normal());
    waves.push({ k, phase, amp });
  }
  return waves;
}

/** Per-axis cos/sin tables of a wave set on a grid, and the row-wise products. */
export class PlaneWaveGrid {
  readonly count: number;
  readonly components: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;
  private readonly cx: Float64Array; // [M, nx]: cos(kx·x + φ)
  private readonly sx: Float64Array;
  private readonly cy: Float64Array; // [M, ny]
  private readonly sy: Float64Array;
  private readonly cz: Float64Array; // [M, nz]
  private readonly sz: Float64Array;
  private readonly rowC: Float64Array; // [M]: cos(ky·y + kz·z) of the current row
  private readonly rowS: Float64Array;
  private readonly amps: Float64Array; // [M, C]
  private readonly ks: Float64Array; // [M, 3]

  constructor(
    readonly waves: readonly PlaneWave[],
    grid: PhantomGrid,
  ) {
    const M = waves.length;
    this.count = M;
    this.components = M > 0 ? waves[0]!.amp.length : 0;
    [this.nx, this.ny, this.nz] = grid.dims;
    const axes = [axisCoordinates(grid, 0), axisCoordinates(grid, 1), axisCoordinates(grid, 2)];
    const table = (axis: 0 | 1 | 2, withPhase: boolean) => {
      const coords = axes[axis]!;
      const n = coords.length;
      const c = new Float64Array(M * n);
      const s = new Float64Array(M * n);
      waves.forEach((w, m) => {
        for (let i = 0; i < n; i++) {
          const a = w.k[axis] * coords[i]! + (withPhase ? w.phase : 0);
          c[m * n + i] = Math.cos(a);
          s[m * n + i] = Math.sin(a);
        }
      });
      return [c, s] as const;
    };
    [this.cx, this.sx] = table(0, true);
    [this.cy, this.sy] = table(1, false);
    [this.cz, this.sz] = table(2, false);
    this.rowC = new Float64Array(M);
    this.rowS = new Float64Array(M);
    this.amps = new Float64Array(M * this.components);
    this.ks = new Float64Array(M * 3);
    waves.forEach((w, m) => {
      for (let c = 0; c < this.components; c++) this.amps[m * this.components + c] = w.amp[c]!;
      this.ks.set(w.k, m * 3);
    });
  }

  /** Prepares row (j, k) for the per-voxel evaluations below. */
  setRow(j: number, k: number): void {
    const { ny, nz, cy, sy, cz, sz, rowC, rowS } = this;
    for (let m = 0; m < this.count; m++) {
      const a = cy[m * ny + j]!;
      const b = sy[m * ny + j]!;
      const c = cz[m * nz + k]!;
      const d = sz[m * nz + k]!;
      rowC[m] = a * c - b * d;
      rowS[m] = b * c + a * d;
    }
  }

  /** Component values Σ a_m sin(k_m·p + φ_m) at voxel i of the current row, into out[0..C). */
  values(i: number, out: Float64Array): void {
    const { nx, cx, sx, rowC, rowS, amps, components: C } = this;
    for (let c = 0; c < C; c++) out[c] = 0;
    for (let m = 0; m < this.count; m++) {
      const s = sx[m * nx + i]! * rowC[m]! + cx[m * nx + i]! * rowS[m]!;
      for (let c = 0; c < C; c++) out[c] += amps[m * C + c]! * s;
    }
  }

  /**
   * The first component's value at voxel i of the current row, with its gradient (per mm)
   * written to grad[0..3).
   */
  valueAndGradient(i: number, grad: Float64Array): number {
    const { nx, cx, sx, rowC, rowS, amps, ks, components: C } = this;
    let v = 0;
    let gx = 0;
    let gy = 0;
    let gz = 0;
    for (let m = 0; m < this.count; m++) {
      const a = cx[m * nx + i]!;
      const b = sx[m * nx + i]!;
      const cosT = a * rowC[m]! - b * rowS[m]!;
      const sinT = b * rowC[m]! + a * rowS[m]!;
      const amp = amps[m * C]!;
      v += amp * sinT;
      const g = amp * cosT;
      gx += g * ks[m * 3]!;
      gy += g * ks[m * 3 + 1]!;
      gz += g * ks[m * 3 + 2]!;
    }
    grad[0] = gx;
    grad[1] = gy;
    grad[2] = gz;
    return v;
  }
}

/** Σ a_m sin(k_m·p + φ_m) for component c at an arbitrary point (mm): the reference the tables must match. */
export function planeWaveValue(waves: readonly PlaneWave[], p: readonly [number, number, number], c = 0): number {
  let v = 0;
  for (const w of waves) v += w.amp[c]! * Math.sin(w.k[0] * p[0] + w.k[1] * p[1] + w.k[2] * p[2] + w.phase);
  return v;
}
