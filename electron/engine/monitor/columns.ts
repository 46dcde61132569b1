// One column of a new file against its reference statistics: the test Evidently's rule picks for its
// type and the reference size, PSI on fixed reference bins, the missing-value rate, out-of-range values
// and values never seen before, plus what the words and the before/after chart need.
//
// Test choice (Evidently's `_get_default_stattest`): with at most 1,000 reference rows, numbers with
// more than 5 distinct values get Kolmogorov–Smirnov, others chi-square (3+ values) or the two-proportion
// z-test (2 values); above 1,000 rows, numbers get the normed Wasserstein distance and everything else
// Jensen–Shannon, each drifted from 0.1. Missing values are left out of the tests and compared on their own.
import { isCoded, type Column } from '../data/table.ts';
import { labelsOf, numericView, stringAt } from '../data/table-ops.ts';
import { spellingKey } from '../data/spelling.ts';
import { parseBoolean } from '../data/values.ts';
import type { CategoricalStats, ColumnStats, FilledStats, NumericStats } from './reference.ts';
import { value } from './plain-numbers.ts';
import { binCounts, presentSorted, quantileSorted } from './reference.ts';
import {
  chiSquareHomogeneity,
  jensenShannon,
  ksTwoSample,
  normedWasserstein,
  poolSparse,
  proportionZTest,
  psi,
  type TestResult,
} from './stattests.ts';

export type TestName = 'ks' | 'chi_square' | 'z_test' | 'wasserstein' | 'jensen_shannon' | 'none';

/** Reference rows up to which p-value tests are used (Evidently's rule). */
export const SMALL_REFERENCE = 1000;
/** Evidently's default thresholds for its distance tests. */
export const DISTANCE_THRESHOLD = 0.1;
/** Distinct values up to which numbers are compared as categories. */
const FEW_VALUES = 5;

export interface Share {
  label: string;
  before: number;
  after: number;
}

/** A column's comparison before the multiple-testing guard is applied across columns. */
export interface ColumnComparison {
  name: string;
  type: Column['type'];
  role: ColumnStats['role'];
  kind: ColumnStats['kind'];
  test: TestName;
  statistic: number;
  /** p-value of the test; for a distance test, of the test that guards it against chance (`guard`). */
  pValue: number;
  guard?: 'chi_square';
  /** Distance tests only: drifted from this value on. */
  threshold?: number;
  psi: number;
  rows: { before: number; after: number };
  missing: { before: number; after: number; pValue: number };
  outOfRange?: { below: number; above: number; min: number; max: number };
  newValues?: { rows: number; examples: string[] };
  /** Numbers: medians (dates in epoch ms). */
  median?: { before: number; after: number };
  /** Categories: the value whose share changed most. */
  biggestChange?: Share;
  /** Before/after shares per bin for a chart (shares of filled-in rows). */
  chart: Share[];
}

export function compareColumn(rc: ColumnStats, nc: Column, refRows: number, nNew: number): ColumnComparison {
  if (rc.kind === 'numeric') return compareNumeric(rc, nc, refRows, nNew);
  if (rc.kind === 'categorical') return compareCategorical(rc, nc, refRows, nNew);
  return compareFilled(rc, nc, refRows, nNew);
}

function base(rc: ColumnStats, refRows: number, nNew: number, missingNew: number) {
  const m = proportionZTest(rc.missing, refRows, missingNew, nNew);
  return {
    name: rc.name,
    type: rc.type,
    role: rc.role,
    kind: rc.kind,
    rows: { before: refRows - rc.missing, after: nNew - missingNew },
    missing: { before: refRows ? rc.missing / refRows : 0, after: nNew ? missingNew / nNew : 0, pValue: m.pValue },
  };
}

function compareNumeric(rc: NumericStats, nc: Column, refRows: number, nNew: number): ColumnComparison {
  const values = isCoded(nc) ? numericView(nc) : nc.values;
  const cur = presentSorted(values);
  const b = base(rc, refRows, nNew, nNew - cur.length);
  const counts = binCounts(cur, rc.bins.edges);
  const out: ColumnComparison = {
    ...b,
    test: 'none',
    statistic: NaN,
    pValue: NaN,
    psi: cur.length && b.rows.before ? psi(rc.bins.counts, counts) : NaN,
    chart: binShares(rc, counts, cur.length),
  };
  if (!cur.length || rc.min === null || rc.max === null) return out;
  let below = 0;
  let above = 0;
  for (let i = 0; i < cur.length && cur[i] < rc.min; i++) below++;
  for (let i = cur.length - 1; i >= 0 && cur[i] > rc.max; i--) above++;
  out.outOfRange = { below, above, min: rc.min, max: rc.max };
  out.median = { before: rc.quantiles[rc.quantiles.length >> 1], after: quantileSorted(cur, 0.5) };
  const few = fewValueCounts(rc, cur);
  if (few) return { ...out, ...categoricalTest(few.ref, few.cur, refRows) };
  if (refRows <= SMALL_REFERENCE) return { ...out, ...pick('ks', ksTwoSample(presentSorted(rc.sample.map((v) => (v === null ? NaN : v))), cur)) };
  // the distance comes from the quantile sketch; its guard uses every reference row through the bins (a
  // KS test on the 1,000-row sample missed shifts of 0.15 sd that the 0.1 threshold is meant to catch)
  const guard = rc.distinct ? distinctCounts(rc.distinct, cur) : { ref: rc.bins.counts, cur: counts };
  const chi = pooledChiSquare(guard.ref, guard.cur);
  const shape = Float64Array.from(rc.sketch);
  return { ...out, test: 'wasserstein', statistic: normedWasserstein(shape, cur, rc.sd ?? 0), pValue: chi.pValue, guard: 'chi_square', threshold: DISTANCE_THRESHOLD };
}

/** Counts per reference value of a few-valued number column, new values in one more bin. */
function distinctCounts(d: { values: number[]; counts: number[] }, cur: Float64Array): { ref: number[]; cur: number[] } {
  const index = new Map(d.values.map((v, i) => [v, i]));
  const c = new Array<number>(d.values.length + 1).fill(0);
  for (let i = 0; i < cur.length; i++) c[index.get(cur[i]) ?? d.values.length]++;
  return { ref: [...d.counts, 0], cur: c };
}

/** Counts over the union of values when reference and new values together have at most FEW_VALUES. */
function fewValueCounts(rc: NumericStats, cur: Float64Array): { ref: number[]; cur: number[] } | null {
  if (!rc.distinct || rc.distinct.values.length > FEW_VALUES) return null;
  const values = rc.distinct.values.slice();
  const curCounts = new Map<number, number>();
  for (let i = 0; i < cur.length; i++) {
    const v = cur[i];
    const k = curCounts.get(v);
    if (k === undefined) {
      if (!values.includes(v)) {
        if (values.length === FEW_VALUES) return null;
        values.push(v);
      }
      curCounts.set(v, 1);
    } else curCounts.set(v, k + 1);
  }
  const refCounts = values.map((v) => {
    const i = rc.distinct!.values.indexOf(v);
    return i >= 0 ? rc.distinct!.counts[i] : 0;
  });
  return { ref: refCounts, cur: values.map((v) => curCounts.get(v) ?? 0) };
}

/** The test for value counts: z-test (2 values) or chi-square on a small reference, Jensen–Shannon on a large one. */
function categoricalTest(ref: number[], cur: number[], refRows: number): Pick<ColumnComparison, 'test' | 'statistic' | 'pValue' | 'guard' | 'threshold'> {
  const used = ref.map((r, i) => r + cur[i]).filter((t) => t > 0).length;
  if (refRows <= SMALL_REFERENCE) {
    if (used <= 2) {
      const k = ref.findIndex((r, i) => r + cur[i] > 0);
      return pick('z_test', proportionZTest(ref[k] ?? 0, sum(ref), cur[k] ?? 0, sum(cur)));
    }
    return pick('chi_square', pooledChiSquare(ref, cur));
  }
  const guard = pooledChiSquare(ref, cur);
  return { test: 'jensen_shannon', statistic: jensenShannon(ref, cur), pValue: guard.pValue, guard: 'chi_square', threshold: DISTANCE_THRESHOLD };
}

function pooledChiSquare(ref: ArrayLike<number>, cur: ArrayLike<number>): TestResult {
  const p = poolSparse(ref, cur);
  return chiSquareHomogeneity(p.ref, p.cur);
}

function pick(test: TestName, r: TestResult) {
  return { test, statistic: r.statistic, pValue: r.pValue };
}

function binShares(rc: NumericStats, counts: number[], nCur: number): Share[] {
  const e = rc.bins.edges;
  const nRef = sum(rc.bins.counts);
  const v = (x: number) => value(x, rc.type);
  return counts.map((c, k) => ({
    label: e.length === 0 ? 'all values' : k === 0 ? `up to ${v(e[0])}` : k === e.length ? `above ${v(e[k - 1])}` : `${v(e[k - 1])} to ${v(e[k])}`,
    before: nRef ? rc.bins.counts[k] / nRef : 0,
    after: nCur ? c / nCur : 0,
  }));
}

/** Maps each value of a new column to a reference bin: a common level, "another known value", or new. */
/**
 * The reference bin of a value: its level (also when spelt with other capitals or spaces, as the model
 * reads it), levels.length for another value the reference had, levels.length + 1 for a value never seen.
 */
export function levelBinner(rc: CategoricalStats): (s: string) => number {
  const K = rc.levels.length;
  const exact = new Map(rc.levels.map((l, i) => [l, i]));
  const byKey = new Map<string, number>();
  rc.levels.forEach((l, i) => {
    if (!byKey.has(spellingKey(l))) byKey.set(spellingKey(l), i);
  });
  const rest = knowsAllValues(rc) ? new Set((rc.rest ?? []).map(spellingKey)) : null;
  // yes/no columns: another file's words for the same answer ("true" for "Yes") are the same level
  const byTruth = new Map<number, number>();
  if (rc.type === 'boolean') {
    rc.levels.forEach((l, i) => {
      const b = parseBoolean(l);
      if (b === b && !byTruth.has(b)) byTruth.set(b, i);
    });
  }
  return (s) => {
    const i = exact.get(s) ?? byKey.get(spellingKey(s)) ?? (byTruth.size ? byTruth.get(parseBoolean(s)) : undefined);
    if (i !== undefined) return i;
    // without the rest's names (a column with very many values) nothing can be called new
    return !rest || rest.has(spellingKey(s)) ? K : K + 1;
  };
}

/** Whether the reference kept every value's name (all common, or few enough rare ones), so "new" is certain. */
function knowsAllValues(rc: CategoricalStats): boolean {
  return rc.otherLevels === 0 || rc.rest !== undefined;
}

function categoricalBins(rc: CategoricalStats, nc: Column): { bin: (row: number) => number; newNames: string[] } {
  const K = rc.levels.length;
  const binner = levelBinner(rc);
  const newNames: string[] = [];
  const binOf = (s: string): number => {
    const b = binner(s);
    if (b === K + 1 && newNames.length < 5 && !newNames.includes(s)) newNames.push(s);
    return b;
  };
  if (isCoded(nc)) {
    const map = Int32Array.from(labelsOf(nc), (l) => binOf(l));
    return { bin: (r) => (nc.codes[r] < 0 ? -1 : map[nc.codes[r]]), newNames };
  }
  const at = stringAt(nc);
  const cache = new Map<string, number>();
  return {
    bin: (r) => {
      const s = at(r);
      if (s === null) return -1;
      let b = cache.get(s);
      if (b === undefined) cache.set(s, (b = binOf(s)));
      return b;
    },
    newNames,
  };
}

function compareCategorical(rc: CategoricalStats, nc: Column, refRows: number, nNew: number): ColumnComparison {
  const K = rc.levels.length;
  const { bin, newNames } = categoricalBins(rc, nc);
  const cur = new Array<number>(K + 2).fill(0);
  let missing = 0;
  for (let r = 0; r < nNew; r++) {
    const b = bin(r);
    if (b < 0) missing++;
    else cur[b]++;
  }
  const ref = [...rc.counts, rc.otherCount, 0];
  const b = base(rc, refRows, nNew, missing);
  const nCur = nNew - missing;
  const nRef = refRows - rc.missing;
  const labels = [...rc.levels, 'other values', 'new values'];
  const shares = labels.map((label, k) => ({ label, before: nRef ? ref[k] / nRef : 0, after: nCur ? cur[k] / nCur : 0 }));
  const out: ColumnComparison = {
    ...b,
    test: 'none',
    statistic: NaN,
    pValue: NaN,
    psi: nCur && nRef ? psi(ref, cur) : NaN,
    chart: chartOf(shares),
  };
  if (knowsAllValues(rc)) out.newValues = { rows: cur[K + 1], examples: newNames };
  if (!nCur || !nRef) return out;
  out.biggestChange = shares.slice(0, K + 2).reduce((a, s) => (Math.abs(s.after - s.before) > Math.abs(a.after - a.before) ? s : a));
  return { ...out, ...categoricalTest(ref, cur, refRows) };
}

/** At most 12 bars: the levels with the largest share before or after, then everything else as one bar. */
function chartOf(shares: Share[]): Share[] {
  const used = shares.filter((s) => s.before > 0 || s.after > 0);
  if (used.length <= 12) return used;
  const keep = used.slice().sort((a, b) => Math.max(b.before, b.after) - Math.max(a.before, a.after)).slice(0, 11);
  const rest = used.filter((s) => !keep.includes(s));
  return [
    ...used.filter((s) => keep.includes(s)),
    { label: 'all other values', before: rest.reduce((t, s) => t + s.before, 0), after: rest.reduce((t, s) => t + s.after, 0) },
  ];
}

/** Text and identifiers: the model only learns whether they are filled in, so that share is what is tested. */
function compareFilled(rc: FilledStats, nc: Column, refRows: number, nNew: number): ColumnComparison {
  let missing = 0;
  if (isCoded(nc)) for (let r = 0; r < nNew; r++) missing += nc.codes[r] < 0 ? 1 : 0;
  else for (let r = 0; r < nNew; r++) missing += nc.values[r] !== nc.values[r] ? 1 : 0;
  const b = base(rc, refRows, nNew, missing);
  const ref = [refRows - rc.missing, rc.missing];
  const cur = [nNew - missing, missing];
  const shares: Share[] = [
    { label: 'filled in', before: 1 - b.missing.before, after: 1 - b.missing.after },
    { label: 'empty', before: b.missing.before, after: b.missing.after },
  ];
  // the filled-in share is the distribution here, so it is not tested a second time as "missing"
  return { ...b, missing: { ...b.missing, pValue: NaN }, psi: psi(ref, cur), chart: shares, ...categoricalTest(ref, cur, refRows) };
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
