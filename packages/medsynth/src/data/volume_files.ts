/**
 * Volumes from the files scanners and toolkits write (Node): NIfTI-1/-2 by core's own reader,
 * NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd) and DICOM (a folder holding one series, or one
 * .dcm file) by ITK compiled to WebAssembly (@itk-wasm/image-io, @itk-wasm/dicom). ITK's
 * images live in LPS world coordinates with a direction matrix; they become Lacuna volumes
 * with the RAS+ affine NIfTI uses: affine = diag(−1, −1, 1) · [direction · diag(spacing) | origin].
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IOError, data } from '@lacuna/core';

/** The file name endings readVolume takes (and folders, for DICOM series). */
export const VOLUME_EXTENSIONS = ['.nii', '.nii.gz', '.nrrd', '.nhdr', '.mha', '.mhd', '.dcm'] as const;

/** The parts of an itk-wasm Image that a volume needs. */
interface ItkImage {
  readonly imageType: { readonly dimension: number; readonly components: number; readonly componentType: string };
  readonly origin: ArrayLike<number>;
  readonly spacing: ArrayLike<number>;
  readonly direction: ArrayLike<number>;
  readonly size: ArrayLike<number>;
  readonly data: ArrayLike<number | bigint> | null;
}

/** A Lacuna volume from an itk-wasm image (3-D, or 2-D as one slice); `name` is for errors. */
export function volumeFromItkImage(image: ItkImage, name: string): data.Volume {
  const dim = image.imageType.dimension;
  if (dim !== 2 && dim !== 3) throw new IOError(`${name}: a ${dim}-D image; only 2-D and 3-D images are read`, name);
  if (image.imageType.components !== 1) throw new IOError(`${name}: ${image.imageType.components} components per voxel (${image.imageType.componentType}); only scalar images are read`, name);
  const size = [0, 1, 2].map((i) => (i < dim ? Number(image.size[i]) : 1)) as [number, number, number];
  const spacing = [0, 1, 2].map((i) => (i < dim ? Number(image.spacing[i]) : 1)) as [number, number, number];
  const origin = [0, 1, 2].map((i) => (i < dim ? Number(image.origin[i]) : 0));
  // Row-major direction, dimension x dimension; a 2-D image's third axis is the normal.
  const D = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r < dim && c < dim ? Number(image.direction[r * dim + c]) : r === c ? 1 : 0)));
  const n = size[0] * size[1] * size[2];
  const values = image.data;
  if (!values || values.length !== n) throw new IOError(`${name}: ${values?.length ?? 0} voxel values for a ${size.join('x')} image`, name);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(values[i]!);
    if (!Number.isFinite(v)) throw new IOError(`${name}: voxel ${i} is ${v} (NaN or infinite values are not allowed)`, name);
    out[i] = v;
  }
  const flip = [-1, -1, 1];
  const affine = new Array<number>(16).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) affine[r * 4 + c] = flip[r]! * D[r]![c]! * spacing[c]!;
    affine[r * 4 + 3] = flip[r]! * origin[r]!;
  }
  affine[15] = 1;
  if (affine.some((v) => !Number.isFinite(v)) || spacing.some((s) => !(s > 0))) throw new IOError(`${name}: the image's spacing or direction is not usable (spacing ${spacing.join(', ')})`, name);
  return { data: out, dims: size, spacing, affine };
}

const lower = (p: string) => p.toLowerCase();

/**
 * Runs an itk-wasm pipeline. A failing pipeline throws a bare number (a C++ exception pointer)
 * and sets process.exitCode = 1 behind our back: the error becomes an IOError and the exit code
 * is put back, so a caller that handles the error does not exit with 1.
 */
async function itkCall<T>(run: () => Promise<T>, message: (why: string) => string, path: string): Promise<T> {
  const exitCode = process.exitCode;
  try {
    return await run();
  } catch (e) {
    process.exitCode = exitCode;
    throw new IOError(message(e instanceof Error ? e.message : 'not a valid or complete file of its format'), path);
  }
}

/** Reads a volume from a NIfTI, NRRD, MetaImage or DICOM file, or a folder holding one DICOM series. */
export async function readVolume(path: string): Promise<data.Volume> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new IOError(`${path}: cannot read (${e.code ?? e.message})`, path);
  });
  if (info.isDirectory()) return readDicomSeries(path);
  const p = lower(path);
  if (p.endsWith('.nii') || p.endsWith('.nii.gz')) return data.readNifti(path);
  if (!VOLUME_EXTENSIONS.some((e) => p.endsWith(e))) throw new IOError(`${path}: unknown volume format; Lacuna reads ${VOLUME_EXTENSIONS.join(', ')} files and folders holding one DICOM series`, path);
  const { readImageNode } = await import('@itk-wasm/image-io');
  const image = await itkCall(() => readImageNode(path), (why) => `${path}: ITK could not read it (${why})`, path);
  return volumeFromItkImage(image as unknown as ItkImage, path);
}

/** The DICOM series in `dir` (every file in it), ordered by position along the slice normal. */
async function readDicomSeries(dir: string): Promise<data.Volume> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  const files: string[] = [];
  for (const n of names) if ((await stat(join(dir, n))).isFile()) files.push(join(dir, n));
  if (files.length === 0) throw new IOError(`${dir}: an empty folder (a DICOM series folder holds the series' files)`, dir);
  const { readImageDicomFileSeriesNode } = await import('@itk-wasm/dicom');
  const result = await itkCall(() => readImageDicomFileSeriesNode({ inputImages: files, singleSortedSeries: false }), (why) => `${dir}: could not read a DICOM series from its ${files.length} file(s) (${why})`, dir);
  return volumeFromItkImage(result.outputImage as unknown as ItkImage, dir);
}
