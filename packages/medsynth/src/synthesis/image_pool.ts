/**
 * The image pool of CycleGAN (Zhu et al. 2017, after Shrivastava et al. 2017): D is shown a
 * mix of the generator's latest images and older ones, so it does not chase G's last update.
 * Until the pool holds `size` images each new image is stored and returned; after that, with
 * probability ½ an image is swapped for a random stored one (which is returned in its place),
 * else it is returned as is. Seeded; its contents and random state go into checkpoints, so a
 * resumed run draws what the uninterrupted one would have. size 0 returns every batch as is.
 */
import { data, tf, train, ValueError } from '@lacuna/core';

export interface ImagePoolState {
  readonly shape: readonly number[] | null;
  readonly images: readonly string[];
  readonly rng: data.RandomState;
}

export class ImagePool {
  readonly size: number;
  private readonly rng: data.Random;
  private images: Float32Array[] = [];
  /** [H, W, C] of the stored images, fixed by the first batch. */
  private shape: number[] | null = null;

  constructor(size: number, seed: number) {
    if (!(Number.isInteger(size) && size >= 0)) throw new ValueError(`ImagePool: size must be a non-negative integer, got ${size}`);
    this.size = size;
    this.rng = new data.Random(seed);
  }

  /** Images stored so far. */
  get count(): number {
    return this.images.length;
  }

  /** [B, H, W, C] → [B, H, W, C]: the images D is shown this step (a new tensor; the input is not disposed). */
  query(batch: tf.Tensor4D): tf.Tensor4D {
    if (this.size === 0) return tf.clone(batch);
    const [b, h, w, c] = batch.shape;
    if (this.shape && (this.shape[0] !== h || this.shape[1] !== w || this.shape[2] !== c)) {
      throw new ValueError(`ImagePool.query: images must be [B, ${this.shape.join(', ')}] like the ones stored, got [${batch.shape.join(', ')}]`);
    }
    this.shape = [h, w, c];
    const size = h * w * c;
    const values = batch.dataSync() as Float32Array;
    const out = new Float32Array(b * size);
    for (let i = 0; i < b; i++) {
      const image = values.slice(i * size, (i + 1) * size);
      if (this.images.length < this.size) {
        this.images.push(image);
        out.set(image, i * size);
      } else if (this.rng.uniform() < 0.5) {
        const j = this.rng.int(0, this.size);
        out.set(this.images[j]!, i * size);
        this.images[j] = image;
      } else {
        out.set(image, i * size);
      }
    }
    return tf.tensor4d(out, [b, h, w, c]);
  }

  getState(): ImagePoolState {
    return { shape: this.shape, images: this.images.map((im) => train.encodeFloats(im)), rng: this.rng.getState() };
  }

  setState(state: ImagePoolState): void {
    this.shape = state.shape ? [...state.shape] : null;
    this.images = state.images.map((s) => train.decodeFloats(s));
    this.rng.setState(state.rng);
  }
}
