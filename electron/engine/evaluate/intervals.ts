// Closed-form intervals for metrics that are the mean of a per-row loss (hit rates, MAE, log loss,
// Brier): Wilson for hit rates, normal for mean losses. Used where thousands of groups are judged
// (slices, the weak-spot search) and a bootstrap per group would cost too much.
import type { MetricName } from '../../../shared/metrics.ts';
import { prepareScores } from './kernels.ts';
import type { EvalRows } from './rows.ts';

export const Z95 = 1.959963984540054;

/** Per-row loss whose mean is the metric (or its complement): misses for accuracy, |miss| for MAE. */
export function rowLoss(rows: EvalRows, metric: MetricName): { loss: Float64Array; bernoulli: boolean; value: (meanLoss: number) => number } {
  const s = prepareScores(rows.task, rows.y, rows.pred);
  if (s.kind === 'regression') {
    if (metric === 'mae') return { loss: Float64Array.from(s.resid, Math.abs), bernoulli: false, value: (m) => m };
    throw new Error(`Groups of rows are judged with MAE for amounts, not ${metric}`);
  }
  if (metric === 'accuracy') return { loss: Float64Array.from({ length: s.n }, (_, i) => (s.label[i] === s.y[i] ? 0 : 1)), bernoulli: true, value: (m) => 1 - m };
  if (metric === 'log_loss') return { loss: s.loss, bernoulli: false, value: (m) => m };
  if (metric === 'brier') return { loss: s.brier, bernoulli: false, value: (m) => m };
  throw new Error(`Groups of rows are judged with accuracy, log loss or Brier for categories, not ${metric}`);
}

export interface LossStats { n: number; sum: number; sq: number }

/** Bounds of the mean loss at z (two-sided at level Φ(z)−Φ(−z)): Wilson for 0/1 losses, normal otherwise. */
export function meanBounds(st: LossStats, z: number, bernoulli: boolean): [number, number] {
  const m = st.sum / st.n;
  if (bernoulli) {
    const z2 = z * z, n = st.n;
    const centre = (m + z2 / (2 * n)) / (1 + z2 / n);
    const half = (z * Math.sqrt((m * (1 - m)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
    return [centre - half, centre + half];
  }
  const v = Math.max(0, st.sq / st.n - m * m) * (st.n / Math.max(1, st.n - 1));
  const half = (z * Math.sqrt(v)) / Math.sqrt(st.n);
  return [m - half, m + half];
}

/** Φ⁻¹(p), Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** log Γ(x), Lanczos (g = 7, 9 terms): ~15 digits for x > 0. */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), summed exactly from k up (terms shrink fast past the mean, so the sum
 * stops once they no longer count). The weak-spot search's test for hit rates: normal approximations
 * are too optimistic that far in the tail for groups of a few dozen rows.
 */
export function binomialUpperTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p), lq = Math.log1p(-p), base = logGamma(n + 1);
  let sum = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(base - logGamma(i + 1) - logGamma(n - i + 1) + i * lp + (n - i) * lq);
    sum += term;
    if (i > n * p && term < 1e-17 * sum) break;
  }
  return Math.min(1, sum);
}

/** 1 − Φ(z). */
export function normalUpperTail(z: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse this far out; erfc by its continued fraction for z > 3
  if (z < 3) return 0.5 * erfc(z / Math.SQRT2);
  const x = z;
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / (x + f);
  return Math.exp(-0.5 * x * x - 0.5 * Math.log(2 * Math.PI)) / (x + f);
}

function erfc(x: number): number {
  // Numerical Recipes' erfc (Chebyshev), relative error < 1.2e-7
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
