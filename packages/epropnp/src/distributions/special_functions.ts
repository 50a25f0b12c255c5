/** Special functions the proposal densities need, in float64. */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; about 1e-15 relative). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * log I0(x), the modified Bessel function of the first kind of order 0, for x >= 0: the power
 * series below 15 and the asymptotic expansion above (both well under 1e-12 relative there).
 */
export function logBesselI0(x: number): number {
  x = Math.abs(x);
  if (x < 15) {
    const q = (x * x) / 4;
    let term = 1, sum = 1;
    for (let k = 1; k < 200; k++) {
      term *= q / (k * k);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return Math.log(sum);
  }
  // I0(x) ~ e^x / sqrt(2 pi x) * sum_k ((2k-1)!!)^2 / (k! 8^k x^k).
  let term = 1, sum = 1;
  for (let k = 1; k < 30; k++) {
    term *= ((2 * k - 1) * (2 * k - 1)) / (k * 8 * x);
    sum += term;
    if (Math.abs(term) < 1e-17) break;
  }
  return x - 0.5 * Math.log(2 * Math.PI * x) + Math.log(sum);
}
