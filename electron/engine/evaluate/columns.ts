// How the original columns are cut into groups of rows for slices and weak spots: each category value
// (the most common ones, the rest as "other"), missing, and number ranges at round quantile cuts, so a
// sentence can say "under 6" and be exactly true.
import { isCoded, type Column, type Table } from '../data/table.ts';
import { labelsOf } from '../data/table-ops.ts';

/** Columns worth slicing by: not the outcome, not identifiers or free text, with at least two values. */
export function sliceColumns(table: Table, target?: string): Column[] {
  return table.columns.filter((c) => {
    if (c.name === target || c.type === 'id' || c.type === 'text') return false;
    if (isCoded(c)) {
      const seen = new Set<number>();
      for (let i = 0; i < c.codes.length && seen.size < 2; i++) if (c.codes[i] >= 0) seen.add(c.codes[i]);
      return seen.size >= 2;
    }
    let first = NaN;
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      if (v !== v) continue;
      if (first !== first) first = v; else if (v !== first) return true;
    }
    return false;
  });
}

/**
 * v rounded to `digits` significant digits (dates to the day): a cut a person can read. Integers
 * stay integers when the column holds only integers.
 */
export function niceRound(v: number, digits: number, integers: boolean, isDate: boolean): number {
  if (isDate) return Math.round(v / 86_400_000) * 86_400_000;
  if (v === 0 || !Number.isFinite(v)) return v;
  const p = Math.pow(10, Math.floor(Math.log10(Math.abs(v))) - digits + 1);
  const r = Math.round(v / p) * p;
  const out = integers ? Math.round(r) : Number(r.toPrecision(digits));
  return out;
}

/**
 * Cut points near the given quantiles of a numeric column: rounded to 2 significant digits (3 or 4
 * if rounding would merge cuts or leave a side empty), distinct, strictly inside the observed range.
 */
export function quantileCuts(values: Float64Array, quantiles: number[], isDate: boolean): number[] {
  const sorted = values.filter((v) => v === v).sort();
  const n = sorted.length;
  if (n < 2) return [];
  const integers = sorted.every((v) => Number.isInteger(v));
  const min = sorted[0], max = sorted[n - 1];
  const cuts: number[] = [];
  for (const q of quantiles) {
    let raw = sorted[Math.min(n - 1, Math.floor(q * n))];
    // a column mostly at its minimum (0 for most rows): cut just above it, so "0" is a group of its own
    if (raw === min) raw = sorted[upperBound(sorted, min)] ?? max;
    let cut = NaN;
    for (const d of [2, 3, 4, 6]) {
      const c = niceRound(raw, d, integers, isDate);
      if (c > min && c <= max && !cuts.includes(c)) { cut = c; break; }
    }
    if (cut === cut) cuts.push(cut);
  }
  return cuts.sort((a, b) => a - b);
}

export interface Group {
  column: string;
  /** A category value, or null for "other" / missing / ranges. */
  category?: string;
  /** Numbers: lo ≤ x < hi (the last range includes hi). */
  range?: [number, number];
  other?: boolean;
  missing?: boolean;
}

/**
 * One group per row (−1 = none): categories by count (top `maxValues`, then "other"), missing, or
 * `bins` quantile ranges (a column with few distinct numbers gets one group per number).
 */
export function columnGroups(col: Column, maxValues = 10, bins = 5): { groups: Group[]; of: Int32Array } {
  const n = isCoded(col) ? col.codes.length : col.values.length;
  const of = new Int32Array(n).fill(-1);
  const groups: Group[] = [];
  let missingGroup = -1;
  const missing = (i: number) => {
    if (missingGroup < 0) { missingGroup = groups.length; groups.push({ column: col.name, missing: true }); }
    of[i] = missingGroup;
  };
  if (isCoded(col)) {
    const labels = labelsOf(col);
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) if (col.codes[i] >= 0) counts.set(col.codes[i], (counts.get(col.codes[i]) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, counts.size > maxValues ? maxValues - 1 : maxValues);
    const index = new Map<number, number>();
    for (const [code] of top) { index.set(code, groups.length); groups.push({ column: col.name, category: labels[code] }); }
    let otherGroup = -1;
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      if (c < 0) { missing(i); continue; }
      const g = index.get(c);
      if (g !== undefined) { of[i] = g; continue; }
      if (otherGroup < 0) { otherGroup = groups.length; groups.push({ column: col.name, other: true }); }
      of[i] = otherGroup;
    }
    return { groups, of };
  }
  const v = col.values;
  const distinct = [...new Set(Array.from(v).filter((x) => x === x))].sort((a, b) => a - b);
  const edges = distinct.length <= maxValues
    ? distinct
    : [distinct[0], ...quantileCuts(v, Array.from({ length: bins - 1 }, (_, b) => (b + 1) / bins), col.type === 'date'), distinct[distinct.length - 1]];
  const exact = distinct.length <= maxValues;
  const ranges = exact ? edges.map((e) => [e, e] as [number, number]) : edges.slice(0, -1).map((e, b) => [e, edges[b + 1]] as [number, number]);
  const first = groups.length;
  for (const r of ranges) groups.push({ column: col.name, range: r });
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x) { missing(i); continue; }
    if (exact) { of[i] = first + lowerBound(edges, x); continue; }
    // ranges [e_b, e_{b+1}); the last includes its end
    let b = upperBound(edges, x) - 1;
    if (b >= ranges.length) b = ranges.length - 1;
    of[i] = first + Math.max(0, b);
  }
  return { groups, of };
}

function lowerBound(a: number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] < x) lo = m + 1; else hi = m; }
  return lo;
}

function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] <= x) lo = m + 1; else hi = m; }
  return lo;
}

/** A condition on one column, for the weak-spot search. */
export interface Condition {
  column: string;
  op: 'is' | 'under' | 'at_least' | 'missing';
  category?: string;
  threshold?: number;
  /** Numbers: every row that meets the condition holds this one value ("capital gain is 0", not "under 110"). */
  equals?: number;
  isDate?: boolean;
  /** Rows that meet it, ascending. */
  rows: Int32Array;
}

/** Where number columns are cut for the weak-spot search: finer at the ends, where small weak groups hide. */
export const CONDITION_QUANTILES = [0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9];

/**
 * Conditions on one column: each common category (`maxValues`), missing, and for numbers "under c" /
 * "c or more" at round cuts near CONDITION_QUANTILES.
 */
export function columnConditions(col: Column, maxValues = 10, quantiles = CONDITION_QUANTILES): Condition[] {
  const out: Condition[] = [];
  const collect = (test: (i: number) => boolean, n: number) => {
    const r: number[] = [];
    for (let i = 0; i < n; i++) if (test(i)) r.push(i);
    return Int32Array.from(r);
  };
  if (isCoded(col)) {
    const labels = labelsOf(col);
    const n = col.codes.length;
    const counts = new Map<number, number>();
    let nMissing = 0;
    for (let i = 0; i < n; i++) { const c = col.codes[i]; if (c < 0) nMissing++; else counts.set(c, (counts.get(c) ?? 0) + 1); }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxValues);
    for (const [code] of top) out.push({ column: col.name, op: 'is', category: labels[code], rows: collect((i) => col.codes[i] === code, n) });
    if (nMissing > 0) out.push({ column: col.name, op: 'missing', rows: collect((i) => col.codes[i] < 0, n) });
    return out;
  }
  const v = col.values, n = v.length;
  const isDate = col.type === 'date';
  const single = (rows: Int32Array) => (rows.length > 0 && rows.every((r) => v[r] === v[rows[0]]) ? { equals: v[rows[0]] } : {});
  for (const t of quantileCuts(v, quantiles, isDate)) {
    const under = collect((i) => v[i] < t, n), over = collect((i) => v[i] >= t, n);
    out.push({ column: col.name, op: 'under', threshold: t, isDate, ...single(under), rows: under });
    out.push({ column: col.name, op: 'at_least', threshold: t, isDate, ...single(over), rows: over });
  }
  if (v.some((x) => x !== x)) out.push({ column: col.name, op: 'missing', isDate, rows: collect((i) => v[i] !== v[i], n) });
  return out;
}
