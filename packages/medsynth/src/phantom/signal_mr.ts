/**
 * MR signal of each tissue from its relaxation times and proton density (a voxel's signal is
 * then the partial-volume mix Σ fraction × tissue signal, as in BrainWeb's simulator; Kwan et
 * al., IEEE TMI 18:1085, 1999; see partial_volume.ts).
 *
 * Spin echo (T1w, T2w, PD):    S = PD (1 − e^{−TR/T1}) e^{−TE/T2}
 * Inversion recovery (FLAIR):  S = PD |1 − 2 e^{−TI/T1} + e^{−TR/T1}| e^{−TE/T2}
 * (magnitude images; ideal 180° pulses, TE ≪ TR). With TI = T1_CSF · ln(2 / (1 + e^{−TR/T1_CSF}))
 * the CSF term vanishes: fluid-attenuated.
 */
import { ConfigError } from '@lacuna/core';
import { mrTissueProperties, TISSUES, type FieldStrength, type MrTissueProperties, type Tissue } from './tissues.js';

export type MrModality = 't1' | 't2' | 'pd' | 'flair';

export interface SpinEchoSequence {
  readonly kind: 'spin-echo';
  readonly tr: number; // ms
  readonly te: number; // ms
}

export interface InversionRecoverySequence {
  readonly kind: 'inversion-recovery';
  readonly tr: number; // ms
  readonly te: number; // ms
  /** Inversion time (ms); default: the CSF null point at the field strength. */
  readonly ti?: number;
}

export type MrSequence = SpinEchoSequence | InversionRecoverySequence;

/** Default sequences: clinical-style spin-echo weightings and a CSF-nulled FLAIR. */
export const DEFAULT_MR_SEQUENCES: Readonly<Record<MrModality, MrSequence>> = {
  t1: { kind: 'spin-echo', tr: 500, te: 15 },
  t2: { kind: 'spin-echo', tr: 4000, te: 100 },
  pd: { kind: 'spin-echo', tr: 4000, te: 15 },
  flair: { kind: 'inversion-recovery', tr: 9000, te: 120 },
};

/** Spin-echo signal of one tissue. */
export function spinEchoSignal(t: MrTissueProperties, tr: number, te: number): number {
  if (t.pd === 0) return 0;
  return t.pd * (1 - Math.exp(-tr / t.t1)) * Math.exp(-te / t.t2);
}

/** Inversion-recovery magnitude signal of one tissue. */
export function inversionRecoverySignal(t: MrTissueProperties, tr: number, te: number, ti: number): number {
  if (t.pd === 0) return 0;
  return t.pd * Math.abs(1 - 2 * Math.exp(-ti / t.t1) + Math.exp(-tr / t.t1)) * Math.exp(-te / t.t2);
}

/** The inversion time that nulls a tissue of longitudinal relaxation `t1` at repetition time `tr`. */
export function nullingInversionTime(t1: number, tr: number): number {
  return t1 * Math.log(2 / (1 + Math.exp(-tr / t1)));
}

function checkSequence(name: string, s: MrSequence): void {
  const fields: [string, number | undefined][] = [['tr', s.tr], ['te', s.te]];
  if (s.kind === 'inversion-recovery') fields.push(['ti', s.ti]);
  for (const [f, v] of fields) {
    if (v === undefined && f === 'ti') continue;
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new ConfigError(`phantom: sequence ${name}.${f} must be a positive number of ms, got ${v}`, `sequences.${name}.${f}`, v);
  }
  if (s.te >= s.tr) throw new ConfigError(`phantom: sequence ${name} has TE ${s.te} ms >= TR ${s.tr} ms`, `sequences.${name}.te`, s.te);
}

/** The signal of every tissue under `sequence` at `field`. */
export function mrTissueSignals(sequence: MrSequence, field: FieldStrength, name = 'sequence'): Record<Tissue, number> {
  checkSequence(name, sequence);
  const props = mrTissueProperties(field);
  const out = {} as Record<Tissue, number>;
  if (sequence.kind === 'spin-echo') {
    for (const t of TISSUES) out[t] = spinEchoSignal(props[t], sequence.tr, sequence.te);
  } else {
    const ti = sequence.ti ?? nullingInversionTime(props.csf.t1, sequence.tr);
    for (const t of TISSUES) out[t] = inversionRecoverySignal(props[t], sequence.tr, sequence.te, ti);
  }
  return out;
}
