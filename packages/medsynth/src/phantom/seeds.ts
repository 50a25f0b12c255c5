/**
 * Seeds for the phantom's independent random streams. Subject i of a cohort seeded S draws
 * from streams derived from (S, i, stream name), so a subject does not depend on how many
 * subjects are generated, and switching lesions or noise on or off leaves the anatomy as it was.
 */

/** The named streams of one subject. */
export type PhantomStream = 'anatomy' | 'lesions' | 'mr-noise' | 'ct-noise' | 'pet-noise' | 'bias' | 'disease';

import { data } from '@lacuna/core';

const STREAM_IDS: Record<PhantomStream, number> = { anatomy: 1, lesions: 2, 'mr-noise': 3, 'ct-noise': 4, 'pet-noise': 5, bias: 6, disease: 7 };

/** The seed of one stream of subject `index` in a cohort seeded `seed`. */
export function streamSeed(seed: number, index: number, stream: PhantomStream): number {
  return data.deriveSeed(seed, index, STREAM_IDS[stream]);
}

/** core's `data.deriveSeed`, where the phantom has always taken it from. */
export const deriveSeed = data.deriveSeed;
