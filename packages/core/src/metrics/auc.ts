/**
 * Area under the ROC curve of binary scores, computed exactly as the Mann–Whitney U statistic
 * (Hanley & McNeil, Radiology 143:29, 1982): the fraction of (positive, negative) pairs whose
 * positive scores higher, a tie counting ½. Sorting once and ranking tied groups by their
 * mid-rank gives it in O(n log n): AUC = (R₊ − n₊(n₊ + 1)/2) / (n₊·n₋), R₊ the positives' rank sum.
 */
import { checkCount } from '../check.js';
import { ValueError } from '../errors.js';

/** AUC of `scores` (higher = more likely positive) against labels 0/1 (or false/true); in [0, 1]. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  const n = scores.length;
  checkCount(labels.length, n, () => `auc: scores has ${n} entries but labels has ${labels.length}`);
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new ValueError(`auc: score ${s} at index ${i} is not finite`);
    const l = Number(labels[i]);
    if (l !== 0 && l !== 1) throw new ValueError(`auc: label ${String(labels[i])} at index ${i} is not 0 or 1`);
    nPos += l;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new ValueError(`auc: needs both classes, got ${nPos} positive and ${nNeg} negative labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const midRank = (start + 1 + end) / 2; // ranks start+1 … end share their mean
    for (let k = start; k < end; k++) if (Number(labels[order[k]!]) === 1) rankSumPos += midRank;
    start = end;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
