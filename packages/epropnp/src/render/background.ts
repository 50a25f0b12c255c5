/**
 * Random backgrounds for the crops (LineMOD-style training pastes renders on real images; we
 * synthesise clutter instead): a colour gradient, a few random textured shapes (striped or
 * plain rectangles and ellipses), and sinusoidal texture, drawn straight at crop resolution.
 */
import type { data } from '@lacuna/core';

function randomColor(rng: data.Random): [number, number, number] {
  return [rng.uniform(), rng.uniform(), rng.uniform()];
}

/** Fills `out` [H, W, 3] (RGB in [0, 1]; W = `size`, H = `height`, default square) with a random background. */
export function drawBackground(rng: data.Random, size: number, out: Float32Array, height = size): void {
  const W = size, H = height;
  const c0 = randomColor(rng), c1 = randomColor(rng);
  const angle = rng.uniform(0, 2 * Math.PI);
  const side = Math.max(W, H);
  const gx = Math.cos(angle) / side, gy = Math.sin(angle) / side;
  const waveK = rng.uniform(0.05, 0.6), waveA = rng.uniform(0, 0.15), waveAngle = rng.uniform(0, Math.PI);
  const wx = Math.cos(waveAngle) * waveK, wy = Math.sin(waveAngle) * waveK;
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const t = Math.min(1, Math.max(0, 0.5 + (c - W / 2) * gx + (r - H / 2) * gy));
      const wave = waveA * Math.sin(c * wx + r * wy);
      const p = (r * W + c) * 3;
      for (let k = 0; k < 3; k++) out[p + k] = c0[k]! * (1 - t) + c1[k]! * t + wave;
    }
  }
  const shapes = rng.int(0, 6);
  for (let s = 0; s < shapes; s++) drawShape(rng, W, out, null, undefined, H);
}

/**
 * Draws one random shape (rectangle or ellipse, plain or striped) into `image` [H, W, 3]
 * (W = `size`, H = `height`, default square). When `covered` [H, W] is given, the pixels it
 * paints are set to 1 there. The shape's centre and half-size (pixels) may be fixed by `at`.
 */
export function drawShape(
  rng: data.Random,
  size: number,
  image: Float32Array,
  covered: Uint8Array | null,
  at?: { cx: number; cy: number; rx: number; ry: number },
  height = size,
): void {
  const W = size, H = height;
  const cx = at?.cx ?? rng.uniform(0, W), cy = at?.cy ?? rng.uniform(0, H);
  const rx = at?.rx ?? rng.uniform(2, Math.min(W, H) / 3), ry = at?.ry ?? rng.uniform(2, Math.min(W, H) / 3);
  const ellipse = rng.uniform() < 0.5;
  const color = randomColor(rng), stripe = randomColor(rng);
  const striped = rng.uniform() < 0.5;
  const period = rng.uniform(2, 8), sa = rng.uniform(0, Math.PI);
  const sx = Math.cos(sa), sy = Math.sin(sa);
  const r0 = Math.max(0, Math.floor(cy - ry)), r1 = Math.min(H - 1, Math.ceil(cy + ry));
  const c0 = Math.max(0, Math.floor(cx - rx)), c1 = Math.min(W - 1, Math.ceil(cx + rx));
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const dx = (c - cx) / rx, dy = (r - cy) / ry;
      if (ellipse ? dx * dx + dy * dy > 1 : Math.abs(dx) > 1 || Math.abs(dy) > 1) continue;
      const useStripe = striped && Math.floor((c * sx + r * sy) / period) % 2 === 0;
      const col = useStripe ? stripe : color;
      const p = r * W + c;
      image[p * 3] = col[0]; image[p * 3 + 1] = col[1]; image[p * 3 + 2] = col[2];
      if (covered) covered[p] = 1;
    }
  }
}
