/**
 * Seeds for the phantom's independent random streams. Subject i of a cohort seeded S draws
 * from streams derived from (S, i, stream name), so a subject does not depend on how many
 * subjects are generated, and switching lesions or noise on or off leaves the anatomy as it was.
 */

/** The named streams of one subject. */
export type PhantomStream = 'anatomy' | 'lesions' | 'mr-noise' | 'ct-noise' | 'pet-noise' | 'bias' | 'disease';

const STREAM_IDS: Record<PhantomStream, number> = { anatomy: 1, lesions: 2, 'mr-noise': 3, 'ct-noise': 4, 'pet-noise': 5, bias: 6, disease: 7 };

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seed in [0, 2^53) from integers (each a safe integer ≥ 0), mixed so that nearby inputs give unrelated seeds. */
export function deriveSeed(...parts: number[]): number {
  let hi = 0x6a09e667;
  let lo = 0xbb67ae85;
  for (const p of parts) {
    const pLo = p >>> 0;
    const pHi = Math.floor(p / 4294967296) >>> 0;
    lo = mix32(lo ^ mix32(pLo + 0x9e3779b9));
    hi = mix32(hi ^ mix32(pHi ^ lo));
    lo = mix32(lo + hi);
  }
  return (hi >>> 11) * 4294967296 + lo; // 21 + 32 bits
}

/** The seed of one stream of subject `index` in a cohort seeded `seed`. */
export function streamSeed(seed: number, index: number, stream: PhantomStream): number {
  return deriveSeed(seed, index, STREAM_IDS[stream]);
}
