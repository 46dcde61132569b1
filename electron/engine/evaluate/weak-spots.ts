// Weak spots: groups of rows, described by one or two column conditions, where the model is clearly
// worse than overall. Guarded against noise: a group counts only when its one-sided interval, widened
// for every condition the search could have tried (Bonferroni), still lies beyond the overall value,
// and the gap is big enough to matter; a two-column group must also be worse than each condition alone.
import type { MetricName } from '../../../shared/metrics.ts';
import type { Table } from '../data/table.ts';
import type { Interval } from './bootstrap.ts';
import { columnConditions, sliceColumns, type Condition } from './columns.ts';
import { binomialUpperTail, meanBounds as bounds, normalQuantile, normalUpperTail, rowLoss, Z95, type LossStats as Stats } from './intervals.ts';
import type { Pacer } from './pace.ts';
import type { EvalRows } from './rows.ts';
import { MIN_SLICE_ROWS, tooFew } from './slices.ts';
import type { SpotCondition } from '../../../shared/evaluation.ts';
export type { SpotCondition } from '../../../shared/evaluation.ts';

/** Family-wise error rate the whole search is held to. */
export const SEARCH_ALPHA = 0.05;
/** "Clearly worse": at least this many times the overall error (and, for hit rates, 3 points lower). */
export const MIN_ERROR_RATIO = 1.25;
const MIN_ACCURACY_GAP = 0.03;
/** A two-column group must be this much further from overall than either condition alone. */
const PAIR_MARGIN = 1.2;

export interface WeakSpot {
  conditions: SpotCondition[];
  rows: number;
  metric: MetricName;
  /** The metric in the group and on every row. */
  value: number;
  overall: number;
  /** The group's plain 95 % interval (not widened). */
  ci: Interval;
}

export interface WeakSpotSearch {
  metric: MetricName;
  overall: number;
  /** Conditions the correction accounts for (one- and two-column, over all usable columns). */
  tried: number;
  spots: WeakSpot[];
}

export interface WeakSpotOptions {
  metric?: MetricName;
  target?: string;
  columns?: string[];
  /** Most groups reported. */
  top?: number;
  /** Two-column conditions are searched among this many columns (those with the strongest single conditions). */
  maxPairColumns?: number;
  alpha?: number;
  pace?: Pacer;
}

interface Candidate { conds: Condition[]; st: Stats; lower: number; members: Int32Array | null }

/** A condition's place: its column's index among the searched columns and its own index there. */
type Key = string;
const keyOf = (col: number, i: number): Key => `${col}:${i}`;

export async function findWeakSpots(rows: EvalRows, table: Table, opts: WeakSpotOptions = {}): Promise<WeakSpotSearch> {
  const metric = opts.metric ?? (rows.task.task === 'regression' ? 'mae' : 'accuracy');
  const { loss, bernoulli, value } = rowLoss(rows, metric);
  const n = rows.n;
  let total = 0;
  for (let i = 0; i < n; i++) total += loss[i];
  const overallLoss = n ? total / n : NaN;
  const empty: WeakSpotSearch = { metric, overall: value(overallLoss), tried: 0, spots: [] };
  if (n < MIN_SLICE_ROWS || !(overallLoss >= 0)) return empty;
  let cols = sliceColumns(table, opts.target);
  if (opts.columns) cols = cols.filter((c) => opts.columns!.includes(c.name));
  const conditionsOf = (c: number) => columnConditions(cols[c]).filter((cd) => cd.rows.length >= MIN_SLICE_ROWS && cd.rows.length < n);
  const statsOf = (idx: ArrayLike<number>): Stats => {
    let s = 0, q = 0;
    for (let j = 0; j < idx.length; j++) { const l = loss[idx[j]]; s += l; q += l * l; }
    return { n: idx.length, sum: s, sq: q };
  };
  const clearlyWorse = (st: Stats) => {
    const m = st.sum / st.n;
    return m >= MIN_ERROR_RATIO * overallLoss && (!bernoulli || m - overallLoss >= MIN_ACCURACY_GAP);
  };

  // Pass 1, one column at a time: every condition's stats; rows are kept only for groups clearly worse
  // (so a wide table never holds all its conditions' rows at once).
  const single = new Map<Key, Stats>();
  const worse: { cond: Condition; st: Stats }[] = [];
  const counts: number[] = [], colScore: number[] = [];
  for (let c = 0; c < cols.length; c++) {
    const cs = conditionsOf(c);
    counts.push(cs.length);
    let best = -Infinity;
    cs.forEach((cd, i) => {
      const st = statsOf(cd.rows);
      single.set(keyOf(c, i), st);
      // how many standard errors worse than overall: ranks columns for the two-column search
      const m = st.sum / st.n;
      best = Math.max(best, (m - overallLoss) / Math.sqrt(Math.max(1e-12, st.sq / st.n - m * m) / st.n));
      if (clearlyWorse(st) && !tooFew(rows, cd.rows)) worse.push({ cond: cd, st });
    });
    colScore.push(best);
    await opts.pace?.tick((0.3 * c) / cols.length, 'Looking for groups where the model is weaker');
  }
  // Every condition the search could try: singles and all cross-column pairs, even those it skips.
  let singles = 0, pairs = 0;
  for (const k of counts) { pairs += singles * k; singles += k; }
  const tried = singles + pairs;
  if (tried === 0) return empty;
  const level = (opts.alpha ?? SEARCH_ALPHA) / tried;
  // the bound that ranks groups (and screens them cheaply before the exact test)
  const z = normalQuantile(1 - level);
  // one-sided p-value of "worse than overall": exact binomial for hit rates, normal for mean losses
  const significant = (st: Stats) => {
    const [lower] = bounds(st, z, bernoulli);
    if (!(lower > overallLoss)) return false;
    if (bernoulli) return binomialUpperTail(st.n, Math.round(st.sum), overallLoss) < level;
    const m = st.sum / st.n;
    const se = Math.sqrt(Math.max(0, st.sq / st.n - m * m) / Math.max(1, st.n - 1));
    return se > 0 ? normalUpperTail((m - overallLoss) / se) < level : m > overallLoss;
  };
  const found: Candidate[] = worse.filter((w) => significant(w.st)).map((w) => ({ conds: [w.cond], st: w.st, lower: bounds(w.st, z, bernoulli)[0], members: w.cond.rows }));

  // Pass 2: two-column groups among the columns with the strongest single signals.
  const chosen = cols.map((_, i) => i).sort((a, b) => colScore[b] - colScore[a]).slice(0, opts.maxPairColumns ?? 12).sort((a, b) => a - b);
  const conds = new Map<number, Condition[]>(chosen.map((c) => [c, conditionsOf(c)]));
  const masks = new Map<Condition, Uint8Array>();
  for (const cs of conds.values()) for (const cd of cs) {
    const m = new Uint8Array(n);
    for (const r of cd.rows) m[r] = 1;
    masks.set(cd, m);
  }
  for (let x = 0; x < chosen.length; x++) {
    for (let y = x + 1; y < chosen.length; y++) {
      const as = conds.get(chosen[x])!, bs = conds.get(chosen[y])!;
      as.forEach((a, ia) => bs.forEach((b, ib) => {
        const [small, big] = a.rows.length <= b.rows.length ? [a, b] : [b, a];
        const mask = masks.get(big)!;
        let cnt = 0, s = 0, q = 0;
        for (const r of small.rows) if (mask[r]) { cnt++; const l = loss[r]; s += l; q += l * l; }
        if (cnt < MIN_SLICE_ROWS) return;
        const st = { n: cnt, sum: s, sq: q };
        if (!clearlyWorse(st) || !significant(st)) return;
        const gap = st.sum / st.n - overallLoss;
        const parentGap = Math.max(...[keyOf(chosen[x], ia), keyOf(chosen[y], ib)].map((k) => single.get(k)!.sum / single.get(k)!.n - overallLoss));
        if (gap < PAIR_MARGIN * parentGap) return;
        // conditions in the table's column order (chosen is ascending), so the sentence reads the same either way
        found.push({ conds: [a, b], st, lower: bounds(st, z, bernoulli)[0], members: null });
      }));
      await opts.pace?.tick(0.3 + (0.7 * (x + y / chosen.length)) / Math.max(1, chosen.length), 'Looking for groups where the model is weaker');
    }
  }
  const spots = pickSpots(found, rows, masks, opts.top ?? 3).map((cand) => toSpot(cand, metric, bernoulli, value, overallLoss));
  return { metric, overall: r6(value(overallLoss)), tried, spots };
}

/**
 * The few groups to report: most clearly worse first (the widened bound's distance from overall),
 * skipping one mostly made of rows already reported, and a pair that repeats a condition of a pair
 * already reported ("Husband and some college", "Husband and craft repair": one says it).
 */
function pickSpots(found: Candidate[], rows: EvalRows, masks: Map<Condition, Uint8Array>, top: number): (Candidate & { members: Int32Array })[] {
  found.sort((p, q) => q.lower - p.lower);
  const out: (Candidate & { members: Int32Array })[] = [];
  const taken = new Uint8Array(rows.n);
  const inPairs = new Set<Condition>();
  for (const cand of found) {
    if (out.length >= top) break;
    if (cand.conds.length === 2 && cand.conds.some((c) => inPairs.has(c))) continue;
    const members = cand.members ?? intersect(cand.conds[0].rows, masks.get(cand.conds[1])!);
    if (tooFew(rows, members)) continue;
    let overlap = 0;
    for (const r of members) overlap += taken[r];
    if (overlap > 0.5 * members.length) continue;
    for (const r of members) taken[r] = 1;
    if (cand.conds.length === 2) for (const c of cand.conds) inPairs.add(c);
    out.push({ ...cand, members });
  }
  return out;
}

function toSpot(cand: Candidate, metric: MetricName, bernoulli: boolean, value: (m: number) => number, overallLoss: number): WeakSpot {
  const [lo95, hi95] = bounds(cand.st, Z95, bernoulli);
  const v = [value(lo95), value(hi95)].sort((p, q) => p - q);
  return {
    conditions: cand.conds.map(({ column, op, category, threshold, equals, isDate }) => ({
      column, op, ...(category !== undefined ? { category } : {}), ...(threshold !== undefined ? { threshold } : {}),
      ...(equals !== undefined ? { equals } : {}), ...(isDate ? { isDate } : {}),
    })),
    rows: cand.st.n,
    metric,
    value: r6(value(cand.st.sum / cand.st.n)),
    overall: r6(value(overallLoss)),
    ci: [r6(v[0]), r6(v[1])],
  };
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

function intersect(rows: Int32Array, mask: Uint8Array): Int32Array {
  const out: number[] = [];
  for (const r of rows) if (mask[r]) out.push(r);
  return Int32Array.from(out);
}
