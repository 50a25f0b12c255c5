/**
 * One working grid per subject, whatever grids its files come on: the reference volume (the
 * target when there is one, else the first source) reoriented to a canonical orientation (RAS
 * by default, so "axial" slices run along the head's S/I axis) and, if asked, resampled to a
 * voxel size. Volumes on the reference's grid follow it exactly (permute and flip, no
 * interpolation, unless a voxel size is asked); volumes on other grids are resampled through
 * both affines (trilinear for images, nearest for masks and labels). Predictions go back to
 * the input's own grid, so they overlay it in any viewer.
 */
import { ShapeError, data, transforms } from '@lacuna/core';

export interface GeometryOptions {
  /** Orientation codes of the working grid ('RAS', 'LPS', ...), or 'native' to keep the arrays as stored. Default 'RAS'. */
  readonly orientation?: string;
  /** Voxel size of the working grid, mm. Default: the reference's. */
  readonly spacing?: readonly [number, number, number];
}

/** A subject's working grid and how to bring volumes onto it and back. */
export interface SubjectGeometry {
  /** The reference volume's grid as read (dims, spacing, affine). */
  readonly original: Pick<data.Volume, 'dims' | 'spacing' | 'affine'>;
  /** The working grid. */
  readonly grid: Pick<data.Volume, 'dims' | 'spacing' | 'affine'>;
  /** A volume read from `name`, on the working grid. */
  toWork(volume: data.Volume, name: string, mode: transforms.InterpolationMode): data.Volume;
  /** A volume on the working grid, back on the reference's original grid. */
  toOriginal(volume: data.Volume, mode: transforms.InterpolationMode): data.Volume;
}

/** Shares of a resampled volume's voxels that must fall inside the input for it to count as the same anatomy. */
const MIN_OVERLAP = 0.5;

export function subjectGeometry(reference: data.Volume, referenceName: string, options: GeometryOptions = {}): SubjectGeometry {
  const orientation = options.orientation ?? 'RAS';
  const reorient = (v: data.Volume) => (orientation === 'native' ? v : transforms.reorient(v, orientation));
  const oriented = reorient(reference);
  const grid = options.spacing ? { ...transforms.gridWithSpacing(oriented, options.spacing), spacing: [...options.spacing] as [number, number, number] } : { dims: oriented.dims, spacing: oriented.spacing, affine: oriented.affine };
  const original = { dims: reference.dims, spacing: reference.spacing, affine: reference.affine };
  return {
    original,
    grid,
    toWork(volume, name, mode) {
      if (data.sameGrid(volume, reference)) {
        const r = reorient(volume);
        return options.spacing ? transforms.resampleToGrid(r, grid, { mode }) : r;
      }
      // Another grid: resample through the affines, and refuse volumes that barely overlap.
      const inside = transforms.resampleToGrid({ ...volume, data: new Float32Array(volume.data.length).fill(1) }, grid, { mode: 'nearest', fill: 0 });
      let n = 0;
      for (const v of inside.data) n += v;
      const share = n / inside.data.length;
      if (share < MIN_OVERLAP) {
        throw new ShapeError(`${name}: only ${(100 * share).toFixed(1)} % of ${referenceName}'s grid lies inside it (dims ${volume.dims.join('x')} vs ${reference.dims.join('x')}); are these scans of the same head, with correct affines?`, [...volume.dims], [...reference.dims]);
      }
      return transforms.resampleToGrid(volume, grid, { mode });
    },
    toOriginal(volume, mode) {
      if (!options.spacing) return orientation === 'native' ? volume : transforms.reorient(volume, transforms.axisCodes(reference.affine));
      return transforms.resampleToGrid(volume, original, { mode });
    },
  };
}
