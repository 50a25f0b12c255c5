/**
 * The object classes of the driving-like scenes and their meshes, built per instance in the
 * object's own frame (x width, y height pointing down, z length; origin at the box centre):
 *   car          a body box under a narrower cabin box (dark glass), random paint;
 *                sizes w 1.6-2.0, h 1.4-1.7, l 3.8-4.8 m
 *   pedestrian   a 16-sided cylinder, legs, torso and head coloured apart; heading-free
 *                (rotationally symmetric about y); w = l 0.45-0.7, h 1.55-1.9 m
 */
import type { data } from '@lacuna/core';

export const SCENE_CLASSES = ['car', 'pedestrian'] as const;
export type SceneClass = (typeof SCENE_CLASSES)[number];

/** Classes whose heading is undefined (left out of AOE). */
export const HEADING_FREE_CLASSES: readonly SceneClass[] = ['pedestrian'];

/** Mean size [w, h, l] per class (m): the detector regresses sizes relative to these. */
export const MEAN_SIZES: Readonly<Record<SceneClass, readonly [number, number, number]>> = {
  car: [1.8, 1.55, 4.3],
  pedestrian: [0.575, 1.725, 0.575],
};

/** A mesh with a colour per vertex, object frame (metres). */
export interface ColouredMesh {
  readonly vertices: Float32Array; // [V, 3]
  readonly faces: Uint32Array; // [F, 3]
  readonly colors: Float32Array; // [V, 3]
}

/** A random size [w, h, l] of the class. */
export function randomSize(cls: SceneClass, rng: data.Random): [number, number, number] {
  if (cls === 'car') return [rng.uniform(1.6, 2.0), rng.uniform(1.4, 1.7), rng.uniform(3.8, 4.8)];
  const d = rng.uniform(0.45, 0.7);
  return [d, rng.uniform(1.55, 1.9), d];
}

/** The class's mesh at `size`, coloured at random (its bounding box is exactly `size`, centred). */
export function objectMesh(cls: SceneClass, size: readonly [number, number, number], rng: data.Random): ColouredMesh {
  return cls === 'car' ? carMesh(size, rng) : pedestrianMesh(size, rng);
}

type Rgb = readonly [number, number, number];

class MeshBuilder {
  readonly v: number[] = [];
  readonly f: number[] = [];
  readonly c: number[] = [];
  /** An axis-aligned box [x0, x1] x [y0, y1] x [z0, z1], one colour, two triangles a side. */
  box(lo: Rgb, hi: Rgb, colour: Rgb): void {
    const s = this.v.length / 3;
    for (let i = 0; i < 8; i++) {
      this.v.push(i & 1 ? hi[0] : lo[0], i & 2 ? hi[1] : lo[1], i & 4 ? hi[2] : lo[2]);
      this.c.push(...colour);
    }
    // Corner i has bit 0 = x, bit 1 = y, bit 2 = z; each side as two triangles.
    const sides = [[0, 2, 6, 4], [1, 5, 7, 3], [0, 4, 5, 1], [2, 3, 7, 6], [0, 1, 3, 2], [4, 6, 7, 5]];
    for (const [a, b, c, d] of sides) this.f.push(s + a!, s + b!, s + c!, s + a!, s + c!, s + d!);
  }
  build(): ColouredMesh {
    return { vertices: Float32Array.from(this.v), faces: Uint32Array.from(this.f), colors: Float32Array.from(this.c) };
  }
}

function carMesh([w, h, l]: readonly [number, number, number], rng: data.Random): ColouredMesh {
  const paint: Rgb = [rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)];
  const glass: Rgb = [0.12, 0.14, 0.18];
  const m = new MeshBuilder();
  // y points down: the body is the lower 55 %, the cabin the upper 45 %, set back from the front (+z).
  const split = h / 2 - 0.55 * h;
  m.box([-w / 2, split, -l / 2], [w / 2, h / 2, l / 2], paint);
  const cabinBack = -l / 2 + 0.12 * l;
  m.box([-0.45 * w, -h / 2, cabinBack], [0.45 * w, split, cabinBack + 0.55 * l], glass);
  return m.build();
}

function pedestrianMesh([w, h]: readonly [number, number, number], rng: data.Random): ColouredMesh {
  const segments = 16;
  const r = w / 2;
  const legs: Rgb = [rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4), rng.uniform(0.1, 0.5)];
  const torso: Rgb = [rng.uniform(0.1, 1), rng.uniform(0.1, 1), rng.uniform(0.1, 1)];
  const skin: Rgb = [rng.uniform(0.55, 0.9), rng.uniform(0.4, 0.7), rng.uniform(0.3, 0.55)];
  // Rings from the feet (y = h/2) to the top (y = -h/2); colour by height band.
  const ringYs = [h / 2, h / 2 - 0.45 * h, h / 2 - 0.45 * h, h / 2 - 0.85 * h, h / 2 - 0.85 * h, -h / 2];
  const ringColours = [legs, legs, torso, torso, skin, skin];
  const v: number[] = [], f: number[] = [], c: number[] = [];
  ringYs.forEach((y, k) => {
    for (let s = 0; s < segments; s++) {
      const a = (2 * Math.PI * s) / segments;
      v.push(r * Math.cos(a), y, r * Math.sin(a));
      c.push(...ringColours[k]!);
    }
  });
  for (let k = 0; k + 1 < ringYs.length; k += 2) {
    for (let s = 0; s < segments; s++) {
      const a = k * segments + s, b = k * segments + ((s + 1) % segments);
      f.push(a, b, b + segments, a, b + segments, a + segments);
    }
  }
  const top = v.length / 3;
  v.push(0, -h / 2, 0);
  c.push(...skin);
  const last = (ringYs.length - 1) * segments;
  for (let s = 0; s < segments; s++) f.push(top, last + s, last + ((s + 1) % segments));
  return { vertices: Float32Array.from(v), faces: Uint32Array.from(f), colors: Float32Array.from(c) };
}
