/**
 * The phantom's tissue classes and their physical properties: MR relaxation times and proton
 * density at 1.5 T and 3 T, CT attenuation in Hounsfield units, and FDG-PET uptake.
 *
 * Label codes follow BrainWeb's order where it has the class (Collins et al., IEEE TMI 17:463,
 * 1998; Kwan et al., IEEE TMI 18:1085, 1999): 0 background, 1 CSF, 2 grey matter, 3 white
 * matter, 4 fat, 5 muscle/skin ("scalp"), 6 skull; 7 is a white-matter lesion.
 */

/** Tissue classes; a tissue's label value is its index here. */
export const TISSUES = ['background', 'csf', 'gm', 'wm', 'fat', 'scalp', 'skull', 'lesion'] as const;
export type Tissue = (typeof TISSUES)[number];

/** Label value of each tissue. */
export const TISSUE_LABEL: Readonly<Record<Tissue, number>> = Object.fromEntries(TISSUES.map((t, i) => [t, i])) as Record<Tissue, number>;

/** Relaxation times in ms and relative proton density (CSF = 1). */
export interface MrTissueProperties {
  readonly t1: number;
  readonly t2: number;
  readonly pd: number;
}

export type FieldStrength = 1.5 | 3;

/**
 * 1.5 T: BrainWeb's simulator table (tissue_mr_parameters, Kwan et al. 1999), including its
 * MS-lesion class (T1 752, T2 237, PD 0.76). Skull and air: no signal (PD 0).
 */
const MR_1_5T: Record<Tissue, MrTissueProperties> = {
  background: { t1: 1, t2: 1, pd: 0 },
  csf: { t1: 2569, t2: 329, pd: 1.0 },
  gm: { t1: 833, t2: 83, pd: 0.86 },
  wm: { t1: 500, t2: 70, pd: 0.77 },
  fat: { t1: 350, t2: 70, pd: 1.0 },
  scalp: { t1: 900, t2: 47, pd: 1.0 },
  skull: { t1: 1, t2: 1, pd: 0 },
  lesion: { t1: 752, t2: 237, pd: 0.76 },
};

/**
 * 3 T. GM and WM: Wansapura et al., JMRI 9:531, 1999 (T1 1331 / 832 ms, T2 110 / 80 ms).
 * CSF: subarachnoid CSF, T1 4309 ms, T2 1886 ms ("Quantification of T1 and T2 of subarachnoid
 * CSF", Magn Reson Med 2024, PMC10696635). Fat (subcutaneous) and muscle: Gold et al., AJR
 * 183:343, 2004 (fat T1 371, T2 133; muscle T1 1420, T2 32). Lesion: BrainWeb's 1.5 T
 * lesion/WM ratios applied to the 3 T WM values (a modelling assumption, no single source).
 * Proton density does not depend on the field: BrainWeb's values.
 */
const MR_3T: Record<Tissue, MrTissueProperties> = {
  background: { t1: 1, t2: 1, pd: 0 },
  csf: { t1: 4309, t2: 1886, pd: 1.0 },
  gm: { t1: 1331, t2: 110, pd: 0.86 },
  wm: { t1: 832, t2: 80, pd: 0.77 },
  fat: { t1: 371, t2: 133, pd: 1.0 },
  scalp: { t1: 1420, t2: 32, pd: 1.0 },
  skull: { t1: 1, t2: 1, pd: 0 },
  lesion: { t1: Math.round((832 * 752) / 500), t2: Math.round((80 * 237) / 70), pd: 0.76 },
};

/** MR tissue properties at a field strength. */
export function mrTissueProperties(field: FieldStrength): Readonly<Record<Tissue, MrTissueProperties>> {
  return field === 3 ? MR_3T : MR_1_5T;
}

/**
 * CT numbers (HU). Air −1000 and water 0 by definition; fat −100, muscle/skin +40, CSF +8,
 * grey matter +40 and white matter +28 are typical textbook values (GM 37–45, WM 20–30,
 * CSF 0–15 HU in standard CT references); skull
 * +1000 is an average of cortical bone (> 1500) and diploë (a few hundred), as a 2 mm voxel
 * sees them. Lesions: mildly hypodense white matter (+22).
 */
export const CT_HU: Readonly<Record<Tissue, number>> = {
  background: -1000,
  csf: 8,
  gm: 40,
  wm: 28,
  fat: -100,
  scalp: 40,
  skull: 1000,
  lesion: 22,
};

/**
 * FDG uptake relative to white matter. GM:WM ≈ 3.5:1 (reported cortical GM/WM FDG ratios of
 * about 3–4 in healthy adults; PET simulation studies on BrainWeb-type phantoms commonly
 * use 4:1), CSF almost none, extracerebral tissues low (scalp and muscle 0.4,
 * fat 0.2, bone 0.15), lesions below normal WM (0.8).
 */
export const PET_UPTAKE: Readonly<Record<Tissue, number>> = {
  background: 0,
  csf: 0.05,
  gm: 3.5,
  wm: 1,
  fat: 0.2,
  scalp: 0.4,
  skull: 0.15,
  lesion: 0.8,
};
