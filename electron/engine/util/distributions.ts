// Tail probabilities the drift tests and the data checks need (chi-square, normal, Kolmogorov), accurate to ~1e-14 so
// that p-values match scipy's at the precision the fixtures check. No dependency: the incomplete gamma
// function (Numerical Recipes' series and Lentz continued fraction) gives both chi-square and normal tails.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const MAX_ITER = 10_000;

/** Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (!(x > 0)) return 1;
  if (!Number.isFinite(x)) return 0;
  const lnPre = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    // series for P, then Q = 1 - P
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < MAX_ITER; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPre));
  }
  // continued fraction for Q (modified Lentz)
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.min(1, Math.exp(lnPre) * h);
}

/** P(X ≥ x) for X ~ chi-square with `dof` degrees of freedom. */
export function chiSquareSf(x: number, dof: number): number {
  if (dof <= 0) return 1;
  return gammaQ(dof / 2, x / 2);
}

/** P(Z ≥ z) for a standard normal Z (erfc(t) = Q(1/2, t²), accurate far into the tail). */
export function normalSf(z: number): number {
  if (z !== z) return NaN;
  if (z < 0) return 1 - normalSf(-z);
  return 0.5 * gammaQ(0.5, (z * z) / 2);
}

/** The z with P(Z ≥ z) = p, 0 < p < 1 (bisection on normalSf; used for a handful of fixed levels). */
export function normalIsf(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (normalSf(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(K ≥ λ) for Kolmogorov's limiting distribution (two series, each fast on its side of λ ≈ 1.18). */
export function kolmogorovSf(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const w = Math.sqrt(2 * Math.PI) / lambda;
    const q = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    let s = 0;
    for (let k = 1; k < 200; k++) {
      const term = q ** ((2 * k - 1) * (2 * k - 1));
      s += term;
      if (term < 1e-17) break;
    }
    return Math.min(1, Math.max(0, 1 - w * s));
  }
  let s = 0;
  for (let k = 1; k < 200; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += k % 2 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}
