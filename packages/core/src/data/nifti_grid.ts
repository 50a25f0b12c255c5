/**
 * Checking that two volumes share a voxel grid (same dims, voxel size and voxel → world affine)
 * before comparing them voxel by voxel.
 */
import { ShapeError } from '../errors.js';
import type { Volume } from './volume.js';

/** Largest tolerated difference of voxel sizes (relative) and of affine entries (mm): float32 header rounding is far smaller. */
const SPACING_TOLERANCE = 1e-4;
const AFFINE_TOLERANCE_MM = 1e-3;

/** Whether two volumes share a voxel grid, within the tolerances of assertSameGrid. */
export function sameGrid(a: Pick<Volume, 'dims' | 'spacing' | 'affine'>, b: Pick<Volume, 'dims' | 'spacing' | 'affine'>): boolean {
  return gridDifferences(a, b).what.length === 0;
}

function gridDifferences(a: Pick<Volume, 'dims' | 'spacing' | 'affine'>, b: Pick<Volume, 'dims' | 'spacing' | 'affine'>): { what: string[]; affineDiff: number } {
  const sameDims = a.dims.every((d, i) => d === b.dims[i]);
  const sameSpacing = a.spacing.every((s, i) => Math.abs(s - b.spacing[i]!) <= SPACING_TOLERANCE * Math.max(s, b.spacing[i]!));
  let affineDiff = 0;
  for (let i = 0; i < 12; i++) affineDiff = Math.max(affineDiff, Math.abs(a.affine[i]! - b.affine[i]!));
  const what = [!sameDims && 'dims', !sameSpacing && 'voxel sizes', !(affineDiff <= AFFINE_TOLERANCE_MM) && 'affines'].filter((x): x is string => typeof x === 'string');
  return { what, affineDiff };
}

/**
 * Throws a ShapeError naming both volumes, their dims and spacing when their dims or voxel sizes
 * differ, or when their affines differ by more than 1e-3 mm in any entry (which it then says).
 */
export function assertSameGrid(a: Volume, aName: string, b: Volume, bName: string): void {
  const diff = gridDifferences(a, b);
  if (diff.what.length === 0) return;
  const { affineDiff } = diff;
  const what = diff.what.join(', ');
  const note = !diff.what.includes('affines') ? '' : `; their voxel-to-world affines differ by up to ${fmt(affineDiff)} mm (tolerance ${AFFINE_TOLERANCE_MM} mm)`;
  throw new ShapeError(
    `grid mismatch (${what}): ${aName} has dims ${a.dims.join('x')}, spacing ${a.spacing.map(fmt).join('x')} mm; ` +
      `${bName} has dims ${b.dims.join('x')}, spacing ${b.spacing.map(fmt).join('x')} mm${note}`,
    [...b.dims],
    [...a.dims],
  );
}

const fmt = (x: number): string => String(Number(x.toPrecision(5)));
