// The two-sample tests and distances a drift report chooses from (Evidently's set), each a pure
// function of sorted values or bin counts, checked against scipy / numpy in test/monitor/fixtures/.
import { chiSquareSf, kolmogorovSf, normalSf } from '../util/distributions.ts';

export interface TestResult {
  statistic: number;
  pValue: number;
}

/**
 * Banded lattice-path cells above which the KS p-value uses Kolmogorov's limit (with Stephens'
 * small-sample correction) instead of the exact count: 2e7 cells take ~60 ms; by then p is tiny or
 * both samples are large, where the limit is accurate to about 1e-3.
 */
const KS_EXACT_CELLS = 2e7;

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, of two ascending arrays without NaN (scipy's
 * `ks_2samp`). The p-value is exact (the share of lattice paths from (0,0) to (m,n) that leave the band
 * |i/m − j/n| < D, as scipy's exact method), computed as a probability flow so nothing overflows.
 */
export function ksTwoSample(a: Float64Array, b: Float64Array): TestResult {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return { statistic: 0, pValue: 1 };
  // D as an integer max |i·n − j·m|, the ECDFs compared after each distinct value (ties move together)
  let i = 0;
  let j = 0;
  let dInt = 0;
  while (i < m || j < n) {
    const v = i < m && (j >= n || a[i] <= b[j]) ? a[i] : b[j];
    while (i < m && a[i] === v) i++;
    while (j < n && b[j] === v) j++;
    const diff = Math.abs(i * n - j * m);
    if (diff > dInt) dInt = diff;
  }
  const d = dInt / (m * n);
  if (dInt === 0) return { statistic: 0, pValue: 1 };
  const band = Math.min(n + 1, (2 * dInt) / m + 2);
  if ((m + 1) * band > KS_EXACT_CELLS) {
    const en = (m * n) / (m + n);
    const se = Math.sqrt(en);
    return { statistic: d, pValue: kolmogorovSf((se + 0.12 + 0.11 / se) * d) };
  }
  return { statistic: d, pValue: Math.min(1, Math.max(0, 1 - pathsInside(m, n, dInt))) };
}

/** Share of monotone lattice paths (0,0) → (m,n) with |i·n − j·m| < dInt at every point. */
function pathsInside(m: number, n: number, dInt: number): number {
  // f(i, j) = paths inside to (i, j) / C(i+j, i): f(i,j) = f(i-1,j)·i/(i+j) + f(i,j-1)·j/(i+j)
  let prev = new Float64Array(n + 1);
  let cur = new Float64Array(n + 1);
  let prevLo = 0;
  let prevHi = -1;
  for (let i = 0; i <= m; i++) {
    // j with |i·n − j·m| < dInt
    const lo = Math.max(0, Math.floor((i * n - dInt) / m) + 1);
    const hi = Math.min(n, Math.ceil((i * n + dInt) / m) - 1);
    for (let j = lo; j <= hi; j++) {
      let v = 0;
      if (i === 0 && j === 0) v = 1;
      else {
        if (i > 0 && j >= prevLo && j <= prevHi) v += (prev[j] * i) / (i + j);
        if (j > lo) v += (cur[j - 1] * j) / (i + j);
      }
      cur[j] = v;
    }
    // stale values outside a row's band are never read: each row reads only its predecessor's band
    const t = prev;
    prev = cur;
    cur = t;
    prevLo = lo;
    prevHi = hi;
    if (lo > hi) return 0;
  }
  return prevHi === n ? prev[n] : 0;
}

/**
 * Chi-square test of homogeneity on a 2 × k table of counts (scipy's `chi2_contingency`, no continuity
 * correction). Bins empty in both samples are left out. Evidently's chisquare instead treats the
 * reference shares as exact; with a reference of a few hundred rows that overstates the statistic by up
 * to 2x (both samples are noisy), so its false alarms exceed the level it states.
 */
export function chiSquareHomogeneity(ref: ArrayLike<number>, cur: ArrayLike<number>): TestResult & { dof: number } {
  let n1 = 0;
  let n2 = 0;
  let k = 0;
  for (let b = 0; b < ref.length; b++) {
    n1 += ref[b];
    n2 += cur[b];
    if (ref[b] + cur[b] > 0) k++;
  }
  if (k < 2 || n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1, dof: Math.max(0, k - 1) };
  const n = n1 + n2;
  let stat = 0;
  for (let b = 0; b < ref.length; b++) {
    const t = ref[b] + cur[b];
    if (t === 0) continue;
    const e1 = (t * n1) / n;
    const e2 = (t * n2) / n;
    stat += (ref[b] - e1) ** 2 / e1 + (cur[b] - e2) ** 2 / e2;
  }
  return { statistic: stat, pValue: chiSquareSf(stat, k - 1), dof: k - 1 };
}

/**
 * Bins pooled so that each has an expected count of at least `minExpected` in the smaller sample
 * (Cochran's rule, made stricter): the chi-square approximation's p-values are far too small on sparse
 * tables, worst in the far tail the multiple-testing guard reads. On adult_income with 100 new rows,
 * unchanged samples that flagged a column: 26 in 100 unpooled, 7 pooling below 5, 5 below 10.
 * Sparse bins are pooled into one; if that pool is still sparse it joins the smallest other bin.
 */
export function poolSparse(ref: ArrayLike<number>, cur: ArrayLike<number>, minExpected = 10): { ref: number[]; cur: number[] } {
  let n1 = 0;
  let n2 = 0;
  for (let b = 0; b < ref.length; b++) {
    n1 += ref[b];
    n2 += cur[b];
  }
  const small = Math.min(n1, n2) / (n1 + n2 || 1);
  const r: number[] = [];
  const c: number[] = [];
  let pr = 0;
  let pc = 0;
  for (let b = 0; b < ref.length; b++) {
    const t = ref[b] + cur[b];
    if (t === 0) continue;
    if (t * small < minExpected) {
      pr += ref[b];
      pc += cur[b];
    } else {
      r.push(ref[b]);
      c.push(cur[b]);
    }
  }
  if (pr + pc > 0) {
    if ((pr + pc) * small >= minExpected || r.length === 0) {
      r.push(pr);
      c.push(pc);
    } else {
      let k = 0;
      for (let b = 1; b < r.length; b++) if (r[b] + c[b] < r[k] + c[k]) k = b;
      r[k] += pr;
      c[k] += pc;
    }
  }
  return { ref: r, cur: c };
}

/**
 * Two-proportion z-test, two-sided, pooled variance (Evidently's "z" test for two-valued columns):
 * `x1` of `n1` reference rows and `x2` of `n2` new rows have the value.
 */
export function proportionZTest(x1: number, n1: number, x2: number, n2: number): TestResult {
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1 };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const p = (x1 + x2) / (n1 + n2);
  const v = p * (1 - p) * (1 / n1 + 1 / n2);
  if (!(v > 0)) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(v);
  return { statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

/** First Wasserstein distance between two ascending samples without NaN (scipy's `wasserstein_distance`). */
export function wasserstein(a: Float64Array, b: Float64Array): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return NaN;
  let i = 0;
  let j = 0;
  let area = 0;
  let prev = Math.min(a[0], b[0]);
  // ∫ |F_a − F_b| dx, the ECDFs constant between consecutive distinct values
  while (i < m || j < n) {
    const v = i < m && (j >= n || a[i] <= b[j]) ? a[i] : b[j];
    area += Math.abs(i / m - j / n) * (v - prev);
    while (i < m && a[i] === v) i++;
    while (j < n && b[j] === v) j++;
    prev = v;
  }
  return area;
}

/** Evidently's normed Wasserstein: the distance in units of the reference's standard deviation (at least 0.001). */
export function normedWasserstein(a: Float64Array, b: Float64Array, refSd: number): number {
  return wasserstein(a, b) / Math.max(refSd, 0.001);
}

/** Jensen–Shannon distance (natural log, scipy's `jensenshannon`) between two count or share vectors. */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sp = 0;
  let sq = 0;
  for (let k = 0; k < p.length; k++) {
    sp += p[k];
    sq += q[k];
  }
  if (!(sp > 0) || !(sq > 0)) return NaN;
  let js = 0;
  for (let k = 0; k < p.length; k++) {
    const a = p[k] / sp;
    const b = q[k] / sq;
    const mid = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / mid);
    if (b > 0) js += b * Math.log(b / mid);
  }
  return Math.sqrt(Math.max(0, js / 2));
}

/**
 * Population stability index over bins, Σ (r − c) · ln(r / c) on shares, with Evidently's treatment of
 * empty bins (a share of 0 becomes 1e-4, or a millionth of the smallest share when that is below 1e-4).
 */
export function psi(ref: ArrayLike<number>, cur: ArrayLike<number>): number {
  const r = fillZeros(shares(ref));
  const c = fillZeros(shares(cur));
  if (!r || !c) return NaN;
  let s = 0;
  for (let k = 0; k < r.length; k++) s += (r[k] - c[k]) * Math.log(r[k] / c[k]);
  return s;
}

function shares(counts: ArrayLike<number>): Float64Array | null {
  let t = 0;
  for (let k = 0; k < counts.length; k++) t += counts[k];
  if (!(t > 0)) return null;
  return Float64Array.from(counts as ArrayLike<number>, (x) => x / t);
}

function fillZeros(s: Float64Array | null): Float64Array | null {
  if (!s) return null;
  let min = Infinity;
  for (const x of s) if (x > 0 && x < min) min = x;
  const fill = min <= 1e-4 ? min / 1e6 : 1e-4;
  return s.map((x) => (x === 0 ? fill : x));
}

/**
 * Holm's step-down adjustment: controls the chance of any false alarm across the family at α without
 * Bonferroni's loss of power. Returns adjusted p-values in input order (NaN stays NaN, outside the family).
 */
export function holm(p: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: p.length }, (_, i) => i).filter((i) => p[i] === p[i]);
  idx.sort((x, y) => p[x] - p[y]);
  const out = new Float64Array(p.length).fill(NaN);
  const m = idx.length;
  let running = 0;
  idx.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[i]));
    out[i] = running;
  });
  return out;
}
