/**
 * What a black box answers per image. Real prediction APIs often return less than a full
 * probability vector: the top k classes with their probabilities, or only the predicted label.
 * The teacher memory is built from what was returned: the returned probabilities stay, and the
 * rest of the mass is spread evenly over the other classes (as DINE's adaptive label smoothing
 * does with the top r); a label alone becomes a one-hot row (its probability is unknown, so the
 * teacher is taken at its word, as HD-SHOT's hard labels are).
 */
import { ValueError } from '@lacuna/core';

export type AnswerKind = { readonly kind: 'full' } | { readonly kind: 'top-k'; readonly k: number } | { readonly kind: 'label' };

/** One image's answer: the classes returned, with their probabilities unless only a label came back. */
export interface PartialAnswer {
  readonly classes: readonly number[];
  readonly probabilities?: readonly number[];
}

/** 'full', 'top-k:K' or 'label'. */
export function parseAnswerKind(spec: string, what = 'answer'): AnswerKind {
  if (spec === 'full') return { kind: 'full' };
  if (spec === 'label') return { kind: 'label' };
  const m = /^top-k:(\d+)$/.exec(spec);
  if (m && Number(m[1]) >= 1) return { kind: 'top-k', k: Number(m[1]) };
  throw new ValueError(`${what}: expected full, top-k:K (K >= 1) or label, got '${spec}'`);
}

export function describeAnswerKind(a: AnswerKind): string {
  return a.kind === 'top-k' ? `top-k:${a.k}` : a.kind;
}

/** What an API answering `kind` returns for full probabilities [N, K] (ties: the lower class first). */
export function truncateAnswers(probs: Float32Array, numClasses: number, kind: AnswerKind): PartialAnswer[] {
  const n = probs.length / numClasses;
  const out: PartialAnswer[] = [];
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * numClasses, (i + 1) * numClasses);
    const order = Array.from({ length: numClasses }, (_, k) => k).sort((a, b) => row[b]! - row[a]! || a - b);
    if (kind.kind === 'label') out.push({ classes: [order[0]!] });
    else {
      const k = kind.kind === 'full' ? numClasses : Math.min(kind.k, numClasses);
      out.push({ classes: order.slice(0, k), probabilities: order.slice(0, k).map((c) => row[c]!) });
    }
  }
  return out;
}

/**
 * Full rows [N, K] from partial answers: returned probabilities kept, the remaining mass spread
 * evenly over the classes not returned; a label alone is one-hot. `where` names the source in
 * errors (a class out of range, a repeated class, probabilities that are not in [0, 1] or sum
 * above 1 beyond rounding).
 */
export function completeAnswers(answers: readonly PartialAnswer[], numClasses: number, where: string): Float32Array {
  const out = new Float32Array(answers.length * numClasses);
  answers.forEach((a, i) => {
    const fail = (why: string): never => {
      throw new ValueError(`${where}: image ${i}: ${why}`);
    };
    if (!Array.isArray(a.classes) || a.classes.length === 0) fail('no classes returned');
    const seen = new Set<number>();
    for (const c of a.classes) {
      if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) fail(`class ${c} is outside 0..${numClasses - 1}`);
      if (seen.has(c)) fail(`class ${c} is returned twice`);
      seen.add(c);
    }
    const row = out.subarray(i * numClasses, (i + 1) * numClasses);
    if (!a.probabilities) {
      if (a.classes.length !== 1) fail(`${a.classes.length} classes without probabilities (a label-only answer has one)`);
      row[a.classes[0]!] = 1;
      return;
    }
    if (a.probabilities.length !== a.classes.length) fail(`${a.classes.length} classes but ${a.probabilities.length} probabilities`);
    let kept = 0;
    a.probabilities.forEach((p, j) => {
      if (!(Number.isFinite(p) && p >= 0 && p <= 1 + 1e-4)) fail(`probability ${p} of class ${a.classes[j]} is not in [0, 1]`);
      kept += p;
    });
    if (kept > 1 + 1e-3) fail(`the returned probabilities sum to ${kept.toFixed(4)} (> 1)`);
    const others = numClasses - a.classes.length;
    const rest = others > 0 ? Math.max(0, 1 - kept) / others : 0;
    row.fill(rest);
    a.classes.forEach((c, j) => (row[c] = a.probabilities![j]!));
    // A full answer that sums to slightly off 1 (rounding) is renormalised here.
    if (others === 0 && kept > 0) for (let k = 0; k < numClasses; k++) row[k] = row[k]! / kept;
  });
  return out;
}
