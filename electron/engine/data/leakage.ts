// Target leakage: a single column that predicts the target (almost) perfectly on its own is
// usually a copy or transform of it, or something only known after the outcome.
import type { Task } from '../../../shared/api.ts';
import { isCoded, type Column } from './table.ts';
import { numericView } from './table-ops.ts';

export interface LeakResult {
  /** 'copy' = same information as the target; 'predictor' = predicts it almost perfectly. */
  kind: 'copy' | 'predictor';
  /** How well the column alone does, in words-ready form ("AUC 0.998", "agrees on 99.6% of rows"). */
  evidence: string;
}

const MAX_ROWS = 50_000;

/** Rows to look at: all, or an even spread of MAX_ROWS for big tables. */
function rowSample(y: Float64Array): Int32Array {
  const idx: number[] = [];
  const step = Math.max(1, y.length / MAX_ROWS);
  for (let p = 0; p < y.length; p += step) {
    const r = Math.floor(p);
    if (y[r] === y[r]) idx.push(r);
  }
  return Int32Array.from(idx);
}

/** Area under the ROC curve of `x` as a score for y==1 (ties averaged), symmetric: max(auc, 1-auc). */
function auc(x: Float64Array, y: Float64Array): number {
  const r = ranks(x);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < x.length; i++) {
    if (y[i] === 1) {
      rankSumPos += r[i] + 1;
      pos++;
    }
  }
  const neg = x.length - pos;
  if (pos === 0 || neg === 0) return 0.5;
  const a = (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
  return Math.max(a, 1 - a);
}

/** Group codes for a column over sampled rows: categories as-is, numbers binned by quantile; -1 missing. */
function groups(col: Column, rows: Int32Array, bins: number): { g: Int32Array; k: number } {
  const g = new Int32Array(rows.length);
  if (isCoded(col)) {
    for (let i = 0; i < rows.length; i++) g[i] = col.codes[rows[i]];
    return { g, k: col.dictionary.length };
  }
  const v = pickRows(col.values, rows);
  const sorted = v.filter((x) => x === x).sort();
  if (sorted.length === 0) return { g: g.fill(-1), k: 0 };
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) cuts.push(sorted[Math.floor((b * sorted.length) / bins)]);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) g[i] = -1;
    else {
      let lo = 0;
      let hi = cuts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x > cuts[mid]) lo = mid + 1;
        else hi = mid;
      }
      g[i] = lo;
    }
  }
  return { g, k: bins };
}

const MIN_GROUP_ROWS = 10;

function distinctCodes(g: Int32Array): number {
  const seen = new Set<number>();
  for (const c of g) if (c >= 0) seen.add(c);
  return seen.size;
}

/** Share of rows whose class is the majority class of their group (missing = its own group). */
function purity(g: Int32Array, k: number, y: Float64Array, nClasses: number): number {
  const counts = new Float64Array((k + 1) * nClasses);
  for (let i = 0; i < g.length; i++) counts[(g[i] + 1) * nClasses + y[i]]++;
  let sum = 0;
  for (let a = 0; a <= k; a++) {
    let m = 0;
    for (let c = 0; c < nClasses; c++) m = Math.max(m, counts[a * nClasses + c]);
    sum += m;
  }
  return sum / g.length;
}

function correlation(a: Float64Array, b: Float64Array): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === a[i] && b[i] === b[i]) {
    n++;
    sa += a[i];
    sb += b[i];
  }
  if (n < 3) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === a[i] && b[i] === b[i]) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Average ranks (ties share their mean rank); NaN stays NaN. Native typed-array sort, no comparator. */
function ranks(v: Float64Array): Float64Array {
  let k = 0;
  const sorted = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) sorted[k++] = v[i];
  const s = sorted.subarray(0, k).sort();
  const r = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) {
      r[i] = NaN;
      continue;
    }
    // first index >= x and first index > x
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    let lo2 = lo;
    let hi2 = k;
    while (lo2 < hi2) {
      const mid = (lo2 + hi2) >> 1;
      if (s[mid] <= x) lo2 = mid + 1;
      else hi2 = mid;
    }
    r[i] = (lo + lo2 - 1) / 2;
  }
  return r;
}

/** The target, sampled once and shared by every column's check. */
export interface LeakContext {
  rows: Int32Array;
  ys: Float64Array;
  task: Task;
  nClasses: number;
  yRanks?: Float64Array;
  baseline: number;
}

const pickRows = (v: Float64Array, rows: Int32Array): Float64Array => {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = v[rows[i]];
  return out;
};

export function leakContext(y: Float64Array, task: Task, nClasses: number): LeakContext {
  const rows = rowSample(y);
  const ys = pickRows(y, rows);
  let baseline = 0;
  if (task !== 'regression') {
    const counts = new Float64Array(nClasses);
    for (const v of ys) counts[v]++;
    baseline = Math.max(...counts) / Math.max(1, ys.length);
  }
  return { rows, ys, task, nClasses, baseline, yRanks: task === 'regression' ? ranks(ys) : undefined };
}

/**
 * Checks one candidate feature against the target (see leakContext).
 * Returns null when the column does not give the answer away.
 */
export function checkLeak(col: Column, ctx: LeakContext): LeakResult | null {
  const { rows, ys, task, nClasses, baseline } = ctx;
  const n = rows.length;
  if (n < 20) return null;
  if (task === 'regression') {
    const xs = pickRows(numericView(col), rows);
    let present = 0;
    for (const v of xs) if (v === v) present++;
    if (present < 0.5 * n) return null;
    const r = Math.abs(correlation(xs, ys));
    if (r < 0.9) return null; // a near-monotone transform is strongly correlated too; skip the rank work
    const rho = Math.abs(correlation(ranks(xs), ctx.yRanks!));
    if (r >= 0.995 || rho >= 0.998) return { kind: r >= 0.9999 || rho >= 0.9999 ? 'copy' : 'predictor', evidence: `correlation ${Math.max(r, rho).toFixed(3)}` };
    return null;
  }
  if (baseline >= 0.98) return null; // too lopsided to judge
  if (task === 'binary' && !isCoded(col)) {
    const xs = pickRows(col.values, rows);
    for (let i = 0; i < xs.length; i++) if (xs[i] !== xs[i]) xs[i] = -Infinity;
    const a = auc(xs, ys);
    if (a >= 0.99) return { kind: a >= 0.9999 ? 'copy' : 'predictor', evidence: `AUC ${a.toFixed(3)}` };
    return null;
  }
  // How often the column's value alone names the class. Each value (or bin of numbers) needs about
  // MIN_GROUP_ROWS rows: a column of nearly unique values names every row's class by chance (40 prices
  // in 40 rows each "agree" with their row), which is the ID check's business, not leakage.
  const { g, k } = groups(col, rows, Math.max(2, Math.min(50, Math.floor(n / MIN_GROUP_ROWS))));
  if (isCoded(col) && distinctCodes(g) > n / MIN_GROUP_ROWS) return null;
  const p = purity(g, k, ys, nClasses);
  if (p >= 0.99 && p > baseline + 0.5 * (1 - baseline)) {
    return { kind: p >= 0.9999 ? 'copy' : 'predictor', evidence: `agrees on ${(p * 100).toFixed(1)}% of rows` };
  }
  return null;
}
