/**
 * A picture of 3-D detections: the image enlarged `scale` times with each box's 12 projected
 * edges (ground truth white, predictions coloured by class), beside a bird's-eye view of the
 * ground plane (camera at the bottom centre, x across, z up; 5 m grid) with the boxes' footprints
 * and a tick for each heading.
 */
import type { Intrinsics } from '../geometry/camera.js';
import { boxCorners, type Box3D } from './box3d.js';
import { line, type Canvas } from './canvas.js';

const CLASS_COLOURS: readonly (readonly [number, number, number])[] = [[0.1, 0.9, 0.2], [1, 0.55, 0], [0.2, 0.6, 1], [0.9, 0.2, 0.9]];
const WHITE = [1, 1, 1] as const;
/** The 12 edges of a box, as corner pairs (corner bits: 0 = +x, 1 = +y, 2 = +z). */
const EDGES = [[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [1, 3], [4, 6], [5, 7], [0, 4], [1, 5], [2, 6], [3, 7]] as const;

export interface PictureOptions {
  readonly classes: readonly string[];
  /** Image enlargement. Default 4. */
  readonly scale?: number;
  /** Bird's-eye view: metres across (x) and ahead (z). Default 40 and 40. */
  readonly bevWidth?: number;
  readonly bevDepth?: number;
}

/** [H·scale, W·scale + H·scale, 3]: the image with boxes | the bird's-eye view. */
export function detectionPicture(image: Float32Array, width: number, height: number, K: Intrinsics, truth: readonly Box3D[], predicted: readonly Box3D[], o: PictureOptions): { data: Float32Array; shape: [number, number, number] } {
  const s = o.scale ?? 4;
  const W = width * s, H = height * s, B = H;
  const cv: Canvas = { data: new Float32Array(H * (W + B) * 3), width: W + B, height: H };
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < 3; ch++) cv.data[(r * cv.width + c) * 3 + ch] = image[(Math.floor(r / s) * width + Math.floor(c / s)) * 3 + ch]!;
  const colourOf = (b: Box3D) => CLASS_COLOURS[Math.max(0, o.classes.indexOf(b.label)) % CLASS_COLOURS.length]!;
  const project = (c: Float64Array, k: number) => [((K.fx * c[k * 3]! + (K.s ?? 0) * c[k * 3 + 1]!) / c[k * 3 + 2]! + K.cx + 0.5) * s - 0.5, ((K.fy * c[k * 3 + 1]!) / c[k * 3 + 2]! + K.cy + 0.5) * s - 0.5] as const;
  const draw3d = (b: Box3D, colour: readonly number[]) => {
    const c = boxCorners(b);
    for (let k = 0; k < 8; k++) if (c[k * 3 + 2]! < 0.1) return;
    for (const [a, e] of EDGES) {
      const [x0, y0] = project(c, a), [x1, y1] = project(c, e);
      line(cv, x0, y0, x1, y1, colour);
    }
  };
  for (const b of truth) draw3d(b, WHITE);
  for (const b of predicted) draw3d(b, colourOf(b));
  // Bird's-eye view, right of the image: a dark panel, a 5 m grid.
  const bw = o.bevWidth ?? 40, bd = o.bevDepth ?? 40;
  const toBev = (x: number, z: number) => [W + ((x + bw / 2) / bw) * B, H - 1 - (z / bd) * H] as const;
  for (let r = 0; r < H; r++) for (let c = W; c < W + B; c++) cv.data.set([0.08, 0.08, 0.1], (r * cv.width + c) * 3);
  for (let z = 0; z <= bd; z += 5) line(cv, ...toBev(-bw / 2, z), ...toBev(bw / 2, z), [0.25, 0.25, 0.28]);
  for (let x = -bw / 2; x <= bw / 2; x += 5) line(cv, ...toBev(x, 0), ...toBev(x, bd), [0.25, 0.25, 0.28]);
  const drawBev = (b: Box3D, colour: readonly number[]) => {
    const c = boxCorners(b);
    // The bottom face's corners (y bit set) in order around the box: 2, 3, 7, 6.
    const ring = [2, 3, 7, 6, 2].map((k) => toBev(c[k * 3]!, c[k * 3 + 2]!));
    for (let k = 0; k < 4; k++) line(cv, ...ring[k]!, ...ring[k + 1]!, colour);
    const front = toBev(b.centre[0] + Math.sin(b.yaw) * b.size[2] * 0.7, b.centre[2] + Math.cos(b.yaw) * b.size[2] * 0.7);
    line(cv, ...toBev(b.centre[0], b.centre[2]), ...front, colour);
  };
  for (const b of truth) drawBev(b, WHITE);
  for (const b of predicted) drawBev(b, colourOf(b));
  return { data: cv.data, shape: [H, W + B, 3] };
}
