/**
 * Random backgrounds for the crops (LineMOD-style training pastes renders on real images; we
 * synthesise clutter instead): a colour gradient, a few random textured shapes (striped or
 * plain rectangles and ellipses), and sinusoidal texture, drawn straight at crop resolution.
 */
import type { data } from '@lacuna/core';

function randomColor(rng: data.Random): [number, number, number] {
  return [rng.uniform(), rng.uniform(), rng.uniform()];
}

/** Fills `out` [S, S, 3] (RGB in [0, 1]) with a random background. */
export function drawBackground(rng: data.Random, size: number, out: Float32Array): void {
  const c0 = randomColor(rng), c1 = randomColor(rng);
  const angle = rng.uniform(0, 2 * Math.PI);
  const gx = Math.cos(angle) / size, gy = Math.sin(angle) / size;
  const waveK = rng.uniform(0.05, 0.6), waveA = rng.uniform(0, 0.15), waveAngle = rng.uniform(0, Math.PI);
  const wx = Math.cos(waveAngle) * waveK, wy = Math.sin(waveAngle) * waveK;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const t = Math.min(1, Math.max(0, 0.5 + (c - size / 2) * gx + (r - size / 2) * gy));
      const wave = waveA * Math.sin(c * wx + r * wy);
      const p = (r * size + c) * 3;
      for (let k = 0; k < 3; k++) out[p + k] = c0[k]! * (1 - t) + c1[k]! * t + wave;
    }
  }
  const shapes = rng.int(0, 6);
  for (let s = 0; s < shapes; s++) drawShape(rng, size, out, null);
}

/**
 * Draws one random shape (rectangle or ellipse, plain or striped) into `image` [S, S, 3].
 * When `covered` [S, S] is given, the pixels it paints are set to 1 there. The shape's
 * centre and half-size (pixels) may be fixed by `at`.
 */
export function drawShape(
  rng: data.Random,
  size: number,
  image: Float32Array,
  covered: Uint8Array | null,
  at?: { cx: number; cy: number; rx: number; ry: number },
): void {
  const cx = at?.cx ?? rng.uniform(0, size), cy = at?.cy ?? rng.uniform(0, size);
  const rx = at?.rx ?? rng.uniform(2, size / 3), ry = at?.ry ?? rng.uniform(2, size / 3);
  const ellipse = rng.uniform() < 0.5;
  const color = randomColor(rng), stripe = randomColor(rng);
  const striped = rng.uniform() < 0.5;
  const period = rng.uniform(2, 8), sa = rng.uniform(0, Math.PI);
  const sx = Math.cos(sa), sy = Math.sin(sa);
  const r0 = Math.max(0, Math.floor(cy - ry)), r1 = Math.min(size - 1, Math.ceil(cy + ry));
  const c0 = Math.max(0, Math.floor(cx - rx)), c1 = Math.min(size - 1, Math.ceil(cx + rx));
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const dx = (c - cx) / rx, dy = (r - cy) / ry;
      if (ellipse ? dx * dx + dy * dy > 1 : Math.abs(dx) > 1 || Math.abs(dy) > 1) continue;
      const useStripe = striped && Math.floor((c * sx + r * sy) / period) % 2 === 0;
      const col = useStripe ? stripe : color;
      const p = r * size + c;
      image[p * 3] = col[0]; image[p * 3 + 1] = col[1]; image[p * 3 + 2] = col[2];
      if (covered) covered[p] = 1;
    }
  }
}
