/**
 * Tiny paired "subjects" for workflow tests: an elliptical head of random blobs on a 32×32×6
 * grid; the source is the blob field, the target a fixed nonlinear contrast of it (dark ↔
 * bright swap with a bump), so a model can learn the mapping in a few dozen steps.
 */
import { join } from 'node:path';
import { data } from '@lacuna/core';

export const TOY_DIMS = [32, 32, 6] as const;

export function toyPair(seed: number): { source: data.Volume; target: data.Volume } {
  const [nx, ny, nz] = TOY_DIMS;
  const rng = new data.Random(seed);
  const blobs = Array.from({ length: 6 }, () => ({ x: rng.uniform(8, 24), y: rng.uniform(8, 24), r: rng.uniform(3, 7), a: rng.uniform(0.3, 1) }));
  const src = new Float32Array(nx * ny * nz);
  const tgt = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const inHead = ((i - 15.5) / 13) ** 2 + ((j - 15.5) / 14) ** 2 < 1;
        if (!inHead) continue;
        let s = 0.2;
        for (const b of blobs) s += b.a * Math.exp(-((i - b.x) ** 2 + (j - b.y) ** 2) / (2 * b.r * b.r)) * (1 + 0.05 * k);
        const v = (k * ny + j) * nx + i;
        src[v] = 100 * s;
        tgt[v] = 100 * (0.3 + Math.exp(-s) + 0.8 * Math.exp(-((s - 0.7) ** 2) / 0.02));
      }
  const spacing = [1, 1, 2] as const;
  const affine = data.centredAffine(TOY_DIMS, spacing);
  return { source: { data: src, dims: TOY_DIMS, spacing, affine }, target: { data: tgt, dims: TOY_DIMS, spacing, affine } };
}

/** Writes n toy subjects as dir/sub-00i/{t1,t2}.nii.gz (a phantom-style folder). */
export async function writeToySubjects(dir: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const { source, target } = toyPair(i + 1);
    const sub = join(dir, `sub-${String(i + 1).padStart(3, '0')}`);
    await data.writeNifti(join(sub, 't1.nii.gz'), source);
    await data.writeNifti(join(sub, 't2.nii.gz'), target);
  }
}
