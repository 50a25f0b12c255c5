/**
 * Procedural textures as per-vertex colours: each RGB channel is a base level plus a few
 * random sinusoids of the object coordinates (smooth, deterministic for a seed). For a
 * symmetric object the colour must be invariant under its symmetry, or the symmetry would
 * not be real: a continuous symmetry about an axis uses functions of (radius, height) only,
 * a discrete one averages the field over its rotations.
 */
import { data } from '@lacuna/core';
import { symmetryRotations, type Symmetry } from './mesh.js';

interface Wave {
  /** Frequency vector, cycles per diameter. */
  readonly k: number[];
  readonly phase: number;
  readonly amp: number;
}

function randomWaves(rng: data.Random, dims: number, count: number): Wave[] {
  return Array.from({ length: count }, () => ({
    k: Array.from({ length: dims }, () => rng.uniform(-3, 3)),
    phase: rng.uniform(0, 2 * Math.PI),
    amp: rng.uniform(0.08, 0.2),
  }));
}

function evalWaves(waves: readonly Wave[], u: readonly number[]): number {
  let s = 0;
  for (const w of waves) {
    let arg = w.phase;
    for (let d = 0; d < u.length; d++) arg += 2 * Math.PI * w.k[d]! * u[d]!;
    s += w.amp * Math.sin(arg);
  }
  return s;
}

/**
 * [V, 3] RGB in [0, 1] for `vertices` [V, 3] (object frame, metres), invariant under
 * `symmetry`. `diameter` sets the spatial scale of the pattern.
 */
export function proceduralColors(vertices: Float32Array, symmetry: Symmetry, diameter: number, seed: number): Float32Array {
  const rng = new data.Random(seed);
  const continuous = symmetry.kind === 'continuous';
  const dims = continuous ? 2 : 3;
  const base = [0, 1, 2].map(() => rng.uniform(0.3, 0.7));
  const fields = [0, 1, 2].map(() => randomWaves(rng, dims, 3));
  const rotations = symmetry.kind === 'discrete' ? symmetryRotations(symmetry) : symmetryRotations({ kind: 'none' });
  const axis = symmetry.kind === 'none' ? [0, 0, 1] : symmetry.axis;
  const an = Math.hypot(axis[0]!, axis[1]!, axis[2]!);
  const n = vertices.length / 3;
  const out = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) {
    const x = vertices[v * 3]! / diameter, y = vertices[v * 3 + 1]! / diameter, z = vertices[v * 3 + 2]! / diameter;
    for (let c = 0; c < 3; c++) {
      let value = 0;
      if (continuous) {
        const h = (x * axis[0]! + y * axis[1]! + z * axis[2]!) / an;
        const r = Math.sqrt(Math.max(0, x * x + y * y + z * z - h * h));
        value = evalWaves(fields[c]!, [r, h]);
      } else {
        for (const R of rotations) {
          const u = [R[0]! * x + R[1]! * y + R[2]! * z, R[3]! * x + R[4]! * y + R[5]! * z, R[6]! * x + R[7]! * y + R[8]! * z];
          value += evalWaves(fields[c]!, u);
        }
        value /= rotations.length;
      }
      out[v * 3 + c] = Math.min(1, Math.max(0, base[c]! + value));
    }
  }
  return out;
}
