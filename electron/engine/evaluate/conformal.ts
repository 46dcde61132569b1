// Conformal ranges from held-out predictions (split conformal on a holdout; on k-fold, the
// out-of-fold residuals of every row, as MAPIE's cross-conformal "naive" variant does for a bagged
// model): amounts get ŷ ± q, or ŷ ± q·σ(ŷ) where σ follows how big the misses were at that size of
// prediction, kept only when cross-fitting shows it is tighter at the same coverage; categories get
// the set of answers with a stated chance of at least 1 − q (LAC), never empty.
import { crossFitGroups } from './calibration.ts';
import { applyInterval, applySet, scaleAt, type ConformalRecipe } from './conformal-recipe.ts';
import type { EvalRows } from './rows.ts';

export const DEFAULT_COVERAGE = 0.9;
/** Scaled ranges must be at least this much narrower on average (cross-fitted) to be chosen. */
export const MIN_WIDTH_GAIN = 0.03;
/** ... and may cover at most this much less than the absolute ones (the same coverage, within noise). */
const COVERAGE_SLACK = 0.01;

/**
 * The conformal quantile: the ⌈(n+1)·coverage⌉-th smallest score, so a new row's score falls at or
 * below it with probability ≥ coverage. Infinity when there are too few rows for that coverage.
 */
export function conformalQuantile(scores: Float64Array, coverage: number): number {
  const n = scores.length;
  const rank = Math.ceil((n + 1) * coverage);
  if (rank > n || n === 0) return Infinity;
  const sorted = Float64Array.from(scores).sort();
  return sorted[rank - 1];
}

/** σ(ŷ): mean |miss| in quantile bins of the prediction (≥ 30 rows each, ≤ 20 bins), floored at 5 % of the overall mean. */
export function fitScale(pred: Float64Array, absResid: Float64Array): { x: number[]; s: number[] } {
  const n = pred.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => pred[a] - pred[b]);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += absResid[i];
  mean = n ? mean / n : 1;
  const floor = Math.max(0.05 * mean, 1e-12);
  const nb = Math.max(1, Math.min(20, Math.floor(n / 30)));
  const x: number[] = [], s: number[] = [];
  for (let b = 0; b < nb; b++) {
    const lo = Math.floor((b * n) / nb), hi = Math.floor(((b + 1) * n) / nb);
    if (hi <= lo) continue;
    let sr = 0;
    for (let j = lo; j < hi; j++) sr += absResid[order[j]];
    const mid = pred[order[(lo + hi - 1) >> 1]];
    const sigma = Math.max(floor, sr / (hi - lo));
    if (x.length && mid <= x[x.length - 1]) { s[s.length - 1] = Math.max(s[s.length - 1], sigma); continue; }
    x.push(mid); s.push(sigma);
  }
  return { x, s };
}

type IntervalMethod = 'absolute' | 'scaled';

export function fitIntervalRecipe(pred: Float64Array, y: Float64Array, coverage: number, method: IntervalMethod): ConformalRecipe | null {
  const n = y.length;
  const abs = Float64Array.from({ length: n }, (_, i) => Math.abs(y[i] - pred[i]));
  if (method === 'absolute') {
    const q = conformalQuantile(abs, coverage);
    return Number.isFinite(q) ? { kind: 'interval', formatVersion: 1, coverage, method, q } : null;
  }
  const { x, s } = fitScale(pred, abs);
  const scores = Float64Array.from({ length: n }, (_, i) => abs[i] / scaleAt(x, s, pred[i]));
  const q = conformalQuantile(scores, coverage);
  return Number.isFinite(q) ? { kind: 'interval', formatVersion: 1, coverage, method: 'scaled', q, x, s } : null;
}

/** LAC: score = 1 − stated chance of the real answer; include answers with a chance ≥ 1 − q. */
export function fitSetRecipe(pred: Float64Array, y: Float64Array, classes: number, coverage: number): ConformalRecipe | null {
  const n = y.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = y[i];
    const p = classes === 2 ? (t === 1 ? pred[i] : 1 - pred[i]) : pred[i * classes + t];
    scores[i] = 1 - p;
  }
  const q = conformalQuantile(scores, coverage);
  if (!Number.isFinite(q)) return null;
  return { kind: 'set', formatVersion: 1, coverage, method: 'lac', threshold: Math.max(0, Math.min(1, 1 - q)), classes };
}

export interface ConformalAssessment {
  recipe: ConformalRecipe;
  coverage: number;
  /** Share of held-out rows inside their range / set, each from a recipe fitted on the other folds. */
  observed_coverage: number;
  /** Amounts: average range width; categories: average number of answers in a set. */
  mean_width?: number;
  mean_set_size?: number;
  /** Categories: share of rows whose set is a single answer. */
  single_answer_share?: number;
  /** Amounts: the cross-fitted width of each method tried, the chosen one first. */
  tried?: { method: IntervalMethod; observed_coverage: number; mean_width: number }[];
}

interface Measured { covered: number; width: number; n: number }

function measure(recipe: ConformalRecipe, pred: Float64Array, y: Float64Array): Measured {
  if (recipe.kind === 'interval') {
    const { lo, hi } = applyInterval(recipe, pred);
    let covered = 0, width = 0;
    for (let i = 0; i < y.length; i++) { if (y[i] >= lo[i] && y[i] <= hi[i]) covered++; width += hi[i] - lo[i]; }
    return { covered, width, n: y.length };
  }
  const k = recipe.classes;
  const sets = applySet(recipe, pred);
  let covered = 0, width = 0;
  for (let i = 0; i < y.length; i++) {
    if (sets[i * k + y[i]]) covered++;
    for (let c = 0; c < k; c++) width += sets[i * k + c];
  }
  return { covered, width, n: y.length };
}

/** Coverage and width of each row's recipe fitted without its group. */
function crossMeasure(rows: EvalRows, groups: { group: Int32Array; count: number }, fit: (pred: Float64Array, y: Float64Array) => ConformalRecipe | null) {
  const s = rows.stride;
  const total: Measured = { covered: 0, width: 0, n: 0 };
  let singles = 0;
  for (let g = 0; g < groups.count; g++) {
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < rows.n; i++) (groups.group[i] === g ? b : a).push(i);
    if (!b.length) continue;
    const take = (idx: number[]) => {
      const p = new Float64Array(idx.length * s);
      idx.forEach((r, j) => { for (let c = 0; c < s; c++) p[j * s + c] = rows.pred[r * s + c]; });
      return { p, y: Float64Array.from(idx, (r) => rows.y[r]) };
    };
    const fitRows = take(a), evalRows = take(b);
    const recipe = fit(fitRows.p, fitRows.y);
    if (!recipe) return null;
    const m = measure(recipe, evalRows.p, evalRows.y);
    total.covered += m.covered; total.width += m.width; total.n += m.n;
    if (recipe.kind === 'set') {
      const sets = applySet(recipe, evalRows.p);
      const k = recipe.classes;
      for (let i = 0; i < b.length; i++) { let c = 0; for (let j = 0; j < k; j++) c += sets[i * k + j]; if (c === 1) singles++; }
    }
  }
  return { coverage: total.covered / total.n, width: total.width / total.n, singles: singles / total.n };
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The recipe for these held-out rows at `coverage`, and its cross-fitted coverage and width. Null when
 * there are too few rows for that coverage (a range would be endless).
 */
export function fitConformal(rows: EvalRows, coverage = DEFAULT_COVERAGE, seed = 0): ConformalAssessment | null {
  const groups = crossFitGroups(rows, seed);
  if (rows.task.task !== 'regression') {
    const k = rows.task.task === 'binary' ? 2 : rows.task.nClasses;
    const recipe = fitSetRecipe(rows.pred, rows.y, k, coverage);
    const cm = crossMeasure(rows, groups, (p, y) => fitSetRecipe(p, y, k, coverage));
    if (!recipe || !cm) return null;
    return { recipe, coverage, observed_coverage: r6(cm.coverage), mean_set_size: r6(cm.width), single_answer_share: r6(cm.singles) };
  }
  const methods: IntervalMethod[] = ['absolute', 'scaled'];
  const tried = methods.map((method) => ({ method, m: crossMeasure(rows, groups, (p, y) => fitIntervalRecipe(p, y, coverage, method)) }));
  const abs = tried[0].m, sc = tried[1].m;
  if (!abs) return null;
  const useScaled = !!sc && sc.width < abs.width * (1 - MIN_WIDTH_GAIN) && sc.coverage >= abs.coverage - COVERAGE_SLACK;
  const method: IntervalMethod = useScaled ? 'scaled' : 'absolute';
  const recipe = fitIntervalRecipe(rows.pred, rows.y, coverage, method);
  if (!recipe) return null;
  const chosen = useScaled ? sc! : abs;
  return {
    recipe, coverage,
    observed_coverage: r6(chosen.coverage), mean_width: r6(chosen.width),
    tried: tried.filter((t) => t.m).map((t) => ({ method: t.method, observed_coverage: r6(t.m!.coverage), mean_width: r6(t.m!.width) }))
      .sort((a, b) => (a.method === method ? -1 : b.method === method ? 1 : 0)),
  };
}

/** Coverage and width of a recipe on rows it was not fitted on (the bench's test rows). */
export function measureRecipe(recipe: ConformalRecipe, pred: Float64Array, y: Float64Array): { coverage: number; mean_width: number } {
  const m = measure(recipe, pred, y);
  return { coverage: m.covered / m.n, mean_width: m.width / m.n };
}

/** A typical row's range for the sentence: the row whose prediction is the median. */
export function typicalRange(recipe: ConformalRecipe, pred: Float64Array): { predicted: number; lo: number; hi: number } | null {
  if (recipe.kind !== 'interval' || pred.length === 0) return null;
  const sorted = Float64Array.from(pred).sort();
  const mid = sorted[(sorted.length - 1) >> 1];
  const { lo, hi } = applyInterval(recipe, Float64Array.of(mid));
  return { predicted: mid, lo: lo[0], hi: hi[0] };
}
