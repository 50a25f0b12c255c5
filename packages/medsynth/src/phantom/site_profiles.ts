/**
 * Scanner profiles: what makes one site's MR images differ from another's for the same
 * anatomy (the harmonisation problem of the synthesis article, §4.3). A profile fixes the field
 * strength (relaxation times), the sequence timings, the noise level, the bias field's
 * amplitude, the resolution (a Gaussian point-spread function) and the receive gain. Site A is
 * the phantom's defaults, so `site: 'A'` and no site give the same images bit for bit; site B is a
 * 3 T scanner with a longer-TR T1 (TR/TE 1100/10 ms: weaker grey/white contrast), twice the noise,
 * a stronger bias field, 3 mm resolution and another gain, so its T1 images differ visibly.
 */
import { ConfigError } from '@lacuna/core';
import type { MrModality, MrSequence } from './signal_mr.js';
import type { FieldStrength } from './tissues.js';

export interface SiteProfile {
  readonly field: FieldStrength;
  /** Sequences that differ from DEFAULT_MR_SEQUENCES. */
  readonly sequences: Partial<Record<MrModality, MrSequence>>;
  /** Rician noise σ as a fraction of the brightest tissue (PhantomOptions.mrNoise). */
  readonly mrNoise: number;
  /** Bias field amplitude (PhantomOptions.biasAmplitude). */
  readonly biasAmplitude: number;
  /** MR point-spread function FWHM in mm (0: the voxel grid's own resolution). */
  readonly mrFwhmMm: number;
  /** MR receive gain (scales the MR images before noise). */
  readonly mrGain: number;
}

export const SITE_NAMES = ['A', 'B'] as const;
export type SiteName = (typeof SITE_NAMES)[number];

export const SITE_PROFILES: Readonly<Record<SiteName, SiteProfile>> = {
  A: { field: 1.5, sequences: {}, mrNoise: 0.03, biasAmplitude: 0.2, mrFwhmMm: 0, mrGain: 1 },
  B: { field: 3, sequences: { t1: { kind: 'spin-echo', tr: 1100, te: 10 }, t2: { kind: 'spin-echo', tr: 5000, te: 90 } }, mrNoise: 0.06, biasAmplitude: 0.4, mrFwhmMm: 3, mrGain: 2.5 },
};

/** Checks a site name; an unknown one is a ConfigError listing the sites. */
export function siteName(name: string): SiteName {
  if (!(SITE_NAMES as readonly string[]).includes(name)) throw new ConfigError(`phantom: site must be one of ${SITE_NAMES.join(', ')}, got '${name}'`, 'site', name);
  return name as SiteName;
}

/** The profile of a site name (see siteName). */
export function siteProfile(name: string): SiteProfile {
  return SITE_PROFILES[siteName(name)];
}
