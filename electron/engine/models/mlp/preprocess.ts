import type { Dataset } from '../types.ts';

// Turns a column-major float64 Dataset into what the network eats:
// - x: row-major float32 [n × numericWidth]: standardised numerics (missing → 0, plus a 0/1 missing
//   indicator for columns that had missing values in training), then one-hot blocks in 'onehot' mode;
// - cats: row-major int32 [n × nCat] of indices into ONE shared embedding table: column j's levels
//   live at offset_j + 1 .. offset_j + levels_j, and offset_j + 0 is its "missing or unseen" row.
// Standardised values are clipped so extreme inputs (1e300, ±Infinity) cannot blow up the network.

export const Z_CLIP = 8;

export interface NumericPrep {
  index: number;
  mean: number;
  std: number;
  indicator: boolean;
  /**
   * Quantile scaling only: sorted distinct values and their quantile levels (0..1). A value maps to
   * its interpolated level, then through the inverse normal CDF, so skewed columns (money, counts)
   * arrive as well-spread N(0, 1)-like inputs instead of a few huge outliers and a squashed bulk.
   */
  knots?: { values: number[]; levels: number[] };
}

export type NumericScaling = 'standard' | 'quantile';
const QUANTILE_KNOTS = 128;
const QUANTILE_SAMPLE = 50_000;
export interface CategoricalPrep {
  index: number;
  levels: number;
  /** Embedding mode: first table row of this column. One-hot mode: first x column of its block. */
  offset: number;
}
export interface PrepJSON {
  mode: 'embedding' | 'onehot';
  nFeatures: number;
  numeric: NumericPrep[];
  categorical: CategoricalPrep[];
  /** Width of x. */
  numericWidth: number;
  /** Embedding table rows (0 in one-hot mode). */
  tableRows: number;
}

export interface Prepared {
  n: number;
  x: Float32Array;
  /** Absent when there is no embedding input. */
  cats?: Int32Array;
}

export class Preprocessor {
  constructor(readonly spec: PrepJSON) {}

  get nCat(): number {
    return this.spec.mode === 'embedding' ? this.spec.categorical.length : 0;
  }

  static fit(train: Dataset, mode: 'embedding' | 'onehot', scaling: NumericScaling = 'standard'): Preprocessor {
    const numeric: NumericPrep[] = [];
    const categorical: CategoricalPrep[] = [];
    let width = 0;
    train.features.forEach((f, index) => {
      const col = train.columns[index];
      if (f.kind === 'numeric') {
        const { mean, std, missing } = robustMoments(col);
        // A derived 0/1 flag (a word of a text column) goes in as 0/1, like a one-hot input.
        const prep: NumericPrep = f.indicator ? { index, mean: 0, std: 1, indicator: missing } : { index, mean, std, indicator: missing };
        if (scaling === 'quantile' && !f.indicator) prep.knots = quantileKnots(col);
        numeric.push(prep);
        width += missing ? 2 : 1;
      } else {
        let levels = f.categories?.length ?? 0;
        if (!f.categories) for (const v of col) if (Number.isInteger(v) && v >= levels) levels = v + 1;
        categorical.push({ index, levels, offset: 0 });
      }
    });
    let tableRows = 0;
    for (const c of categorical) {
      if (mode === 'onehot') {
        c.offset = width;
        width += c.levels + 1;
      } else {
        c.offset = tableRows;
        tableRows += c.levels + 1;
      }
    }
    return new Preprocessor({ mode, nFeatures: train.features.length, numeric, categorical, numericWidth: width, tableRows });
  }

  /** One-hot width this data would need (to decide whether one-hot is affordable). */
  static onehotWidth(train: Dataset): number {
    let w = 0;
    train.features.forEach((f, i) => {
      if (f.kind !== 'categorical') return;
      let levels = f.categories?.length ?? 0;
      if (!f.categories) for (const v of train.columns[i]) if (Number.isInteger(v) && v >= levels) levels = v + 1;
      w += levels + 1;
    });
    return w;
  }

  transform(data: Dataset, from = 0, to = data.nRows): Prepared {
    const { spec } = this;
    const n = to - from;
    const W = spec.numericWidth;
    const x = new Float32Array(n * W);
    let col = 0;
    for (const p of spec.numeric) {
      const src = data.columns[p.index];
      for (let r = 0; r < n; r++) {
        const v = src[from + r];
        const o = r * W + col;
        if (Number.isNaN(v)) {
          x[o] = 0;
          if (p.indicator) x[o + 1] = 1;
        } else if (p.knots) {
          x[o] = quantileScore(v, p.knots.values, p.knots.levels);
        } else {
          const z = (v - p.mean) / p.std;
          // NaN here only from ±Infinity arithmetic; the clip maps it onto the nearest side.
          x[o] = z > Z_CLIP ? Z_CLIP : z < -Z_CLIP ? -Z_CLIP : Number.isNaN(z) ? (v > 0 ? Z_CLIP : -Z_CLIP) : z;
        }
      }
      col += p.indicator ? 2 : 1;
    }
    if (spec.mode === 'onehot') {
      for (const c of spec.categorical) {
        const src = data.columns[c.index];
        for (let r = 0; r < n; r++) x[r * W + c.offset + levelSlot(src[from + r], c.levels)] = 1;
      }
      return { n, x };
    }
    const k = spec.categorical.length;
    if (k === 0) return { n, x };
    const cats = new Int32Array(n * k);
    spec.categorical.forEach((c, j) => {
      const src = data.columns[c.index];
      for (let r = 0; r < n; r++) cats[r * k + j] = c.offset + levelSlot(src[from + r], c.levels);
    });
    return { n, x, cats };
  }

  toJSON(): PrepJSON {
    return this.spec;
  }
}

/** 0 = missing / unseen / not a valid code; code c → c + 1. */
function levelSlot(v: number, levels: number): number {
  return Number.isInteger(v) && v >= 0 && v < levels ? v + 1 : 0;
}

/**
 * Mean and standard deviation that stay finite for values up to ±1.8e308: computed on values
 * scaled by the largest magnitude. ±Infinity is ignored here (it is clipped at transform time).
 */
export function robustMoments(col: Float64Array): { mean: number; std: number; missing: boolean } {
  let scale = 0;
  let missing = false;
  for (const v of col) {
    if (Number.isNaN(v)) missing = true;
    else if (Number.isFinite(v) && Math.abs(v) > scale) scale = Math.abs(v);
  }
  if (scale === 0) return { mean: 0, std: 1, missing };
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of col) {
    if (!Number.isFinite(v)) continue;
    const s = v / scale;
    n++;
    const d = s - mean;
    mean += d / n;
    m2 += d * (s - mean);
  }
  const sd = Math.sqrt(m2 / Math.max(1, n)) * scale;
  const m = mean * scale;
  return { mean: Number.isFinite(m) ? m : 0, std: sd > 0 && Number.isFinite(sd) ? sd : Math.max(scale, 1e-300), missing };
}

/** Up to QUANTILE_KNOTS distinct values of the column with their quantile levels (from a strided sample). */
function quantileKnots(col: Float64Array): { values: number[]; levels: number[] } {
  const step = Math.max(1, Math.floor(col.length / QUANTILE_SAMPLE));
  const vals: number[] = [];
  for (let i = 0; i < col.length; i += step) if (Number.isFinite(col[i])) vals.push(col[i]);
  vals.sort((a, b) => a - b);
  const values: number[] = [];
  const levels: number[] = [];
  const n = vals.length;
  if (n === 0) return { values, levels };
  let runSum = 0;
  let runLen = 0;
  for (let k = 0; k < QUANTILE_KNOTS; k++) {
    const q = k / (QUANTILE_KNOTS - 1);
    const v = vals[Math.round(q * (n - 1))];
    if (values.length && values[values.length - 1] === v) {
      // A repeated value (discrete column): its level is the middle of its run of quantiles.
      runSum += q;
      runLen++;
      levels[levels.length - 1] = runSum / runLen;
    } else {
      values.push(v);
      levels.push(q);
      runSum = q;
      runLen = 1;
    }
  }
  return { values, levels };
}

/** Quantile level of v (linear between knots), mapped through the inverse normal CDF; in ±3.1. */
function quantileScore(v: number, values: number[], levels: number[]): number {
  const k = values.length;
  if (k < 2) return 0;
  let u: number;
  if (v <= values[0]) u = levels[0];
  else if (v >= values[k - 1]) u = levels[k - 1];
  else {
    let lo = 0;
    let hi = k - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (values[mid] <= v) lo = mid;
      else hi = mid;
    }
    u = levels[lo] + ((v - values[lo]) / (values[hi] - values[lo])) * (levels[hi] - levels[lo]);
  }
  return normInv(Math.min(0.999, Math.max(0.001, u)));
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normInv(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
