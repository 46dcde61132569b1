// Isotonic calibration (scikit-learn's IsotonicRegression with out_of_bounds='clip'), fitted on
// reference predictions that the model did not train on (out-of-fold or holdout), as NannyML's CBPE
// calibrates before it estimates. Each block of the fit keeps its weight (reference rows), so the
// estimate can say how sure the calibration itself is (a block of 20 rows is a rough probability).
import { UserError } from '../util/errors.ts';

export interface Isotonic {
  /** Breakpoints, ascending; predictions interpolate linearly between them and clip outside. */
  x: number[];
  y: number[];
  /** Reference rows (weight) in the block each breakpoint belongs to. */
  w: number[];
}

const MAX_POINTS = 20_000;

/** Pool-adjacent-violators fit of y (0..1) on scores x with optional weights. */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, weights?: ArrayLike<number>): Isotonic {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => x[i] === x[i] && y[i] === y[i]);
  order.sort((a, b) => x[a] - x[b]);
  // equal scores first become one point with their weighted mean (sklearn's _make_unique)
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  for (const i of order) {
    const w = weights ? weights[i] : 1;
    if (!(w > 0)) continue;
    const last = ux.length - 1;
    if (last >= 0 && ux[last] === x[i]) {
      uy[last] += w * y[i];
      uw[last] += w;
    } else {
      ux.push(x[i]);
      uy.push(w * y[i]);
      uw.push(w);
    }
  }
  for (let k = 0; k < ux.length; k++) uy[k] /= uw[k];
  // PAV over the unique points: blocks of [start, end) with weighted means
  const bStart: number[] = [];
  const bMean: number[] = [];
  const bW: number[] = [];
  for (let k = 0; k < ux.length; k++) {
    bStart.push(k);
    bMean.push(uy[k]);
    bW.push(uw[k]);
    while (bMean.length > 1 && bMean[bMean.length - 2] >= bMean[bMean.length - 1]) {
      const m2 = bMean.pop()!;
      const w2 = bW.pop()!;
      bStart.pop();
      const j = bMean.length - 1;
      bMean[j] = (bMean[j] * bW[j] + m2 * w2) / (bW[j] + w2);
      bW[j] += w2;
    }
  }
  // each block keeps its first and last point: interpolation between them is flat, as sklearn's
  const out: Isotonic = { x: [], y: [], w: [] };
  for (let b = 0; b < bStart.length; b++) {
    const first = bStart[b];
    const last = b + 1 < bStart.length ? bStart[b + 1] - 1 : ux.length - 1;
    const v = Math.min(1, Math.max(0, bMean[b]));
    for (const k of first === last ? [first] : [first, last]) {
      out.x.push(ux[k]);
      out.y.push(v);
      out.w.push(bW[b]);
    }
  }
  return out;
}

/** Where score s falls: the left breakpoint index and the fraction towards the next (np.interp's rule). */
export function locate(cal: Isotonic, s: number): { k: number; t: number } {
  const x = cal.x;
  const n = x.length;
  if (n === 0 || !(s > x[0])) return { k: 0, t: 0 };
  if (s >= x[n - 1]) return { k: n - 1, t: 0 };
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= s) lo = mid;
    else hi = mid;
  }
  return { k: lo, t: (s - x[lo]) / (x[hi] - x[lo]) };
}

/** The calibrated probability of score s (NaN stays NaN; no breakpoints: s itself). */
export function applyIsotonic(cal: Isotonic, s: number): number {
  if (s !== s) return NaN;
  if (cal.x.length === 0) return Math.min(1, Math.max(0, s));
  const { k, t } = locate(cal, s);
  return t === 0 ? cal.y[k] : cal.y[k] + t * (cal.y[k + 1] - cal.y[k]);
}

/** Reads a calibrator from untrusted JSON. */
export function isotonicFromJSON(j: unknown): Isotonic {
  const bad = () => new UserError('bad_model', 'The saved accuracy check of this model is damaged, so Augur cannot estimate its accuracy on new files.');
  if (!j || typeof j !== 'object') throw bad();
  const o = j as Record<string, unknown>;
  const arr = (a: unknown) => Array.isArray(a) && a.length <= MAX_POINTS && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!arr(o.x) || !arr(o.y) || !arr(o.w)) throw bad();
  const x = o.x as number[];
  const y = o.y as number[];
  const w = o.w as number[];
  if (y.length !== x.length || w.length !== x.length) throw bad();
  if (!x.every((v, i) => i === 0 || v > x[i - 1]) || !y.every((v) => v >= 0 && v <= 1) || !w.every((v) => v > 0)) throw bad();
  return { x, y, w };
}
