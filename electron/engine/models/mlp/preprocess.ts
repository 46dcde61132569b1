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
}
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

  static fit(train: Dataset, mode: 'embedding' | 'onehot'): Preprocessor {
    const numeric: NumericPrep[] = [];
    const categorical: CategoricalPrep[] = [];
    let width = 0;
    train.features.forEach((f, index) => {
      const col = train.columns[index];
      if (f.kind === 'numeric') {
        const { mean, std, missing } = robustMoments(col);
        numeric.push({ index, mean, std, indicator: missing });
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
