// "Do I need more data?": the chosen configuration refitted on growing shares of each fold's training
// rows (nested, stratified subsets), scored on that fold's validation rows, within a time cap; then a
// power law error(n) = a·n^(-b) + c (log-linear with fewer than four points) says what twice as many rows
// would buy, in words. Fits follow the run's protocol: families that stop early stop on the fold's
// validation rows, as the run's first fold does, the same at every share, so the curve's shape is fair.
import { computeMetric, metricInfo, type MetricName } from '../metrics.ts';
import { familyByName } from '../../models/registry.ts';
import type { Dataset, ModelFamily, TaskInfo } from '../../models/types.ts';
import { balancedWeights, subsetDataset } from '../../search/validation.ts';
import { throwIfAborted } from '../../util/errors.ts';
import { mulberry32, shuffleInPlace } from '../../util/random.ts';
import type { LearningPoint, CurveVerdict, LearningCurve } from '../../../../shared/evaluation.ts';
export type { LearningPoint, CurveVerdict, LearningCurve } from '../../../../shared/evaluation.ts';

export interface LearningCurveOptions {
  family: string;
  params: Record<string, unknown>;
  /** The run's training rows (features, y, and weights if the run used them). */
  data: Dataset;
  task: TaskInfo;
  folds: { train: Int32Array; valid: Int32Array }[];
  metric: MetricName;
  /** Shares of each fold's training rows, ascending (default 1/16 .. 1, doubling). */
  shares?: number[];
  /** Train with class-balancing weights (the trial's `balance`). */
  balance?: boolean;
  seed?: number;
  /** Seconds after which no further fit starts (default 60). */
  timeCapS?: number;
  signal?: AbortSignal;
  onProgress?: (p: { fraction: number; message: string }) => void;
  /** Family lookup (default the registry). */
  lookup?: (name: string) => ModelFamily;
}

const DEFAULT_SHARES = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1];
/** Smallest training subset worth a fit. */
const MIN_ROWS = 20;
/** Gain (score points for metrics up to 1; relative error for the others) above which more rows "would likely help", and below which they "hardly help". */
const HELPS_POINTS = 0.01;
const HARDLY_POINTS = 0.003;
const HELPS_RELATIVE = 0.03;
const HARDLY_RELATIVE = 0.01;

export async function learningCurve(opts: LearningCurveOptions): Promise<LearningCurve> {
  const family = (opts.lookup ?? familyByName)(opts.family);
  const shares = (opts.shares ?? DEFAULT_SHARES).filter((s) => s > 0 && s <= 1).sort((a, b) => a - b);
  const capMs = (opts.timeCapS ?? 60) * 1000;
  const t0 = performance.now();
  const rng = mulberry32((opts.seed ?? 0) ^ 0x1c);
  const K = opts.task.task === 'multiclass' ? opts.task.nClasses : 1;
  const totalWork = shares.reduce((s, x) => s + x, 0) * opts.folds.length;
  let work = 0;
  let capped = false;
  const perShare = shares.map(() => ({ scores: [] as number[], rows: [] as number[], fitS: 0 }));
  let foldsDone = 0;
  let lastFoldMs = 0;
  for (let f = 0; f < opts.folds.length && !capped; f++) {
    const elapsed = performance.now() - t0;
    if (f > 0 && elapsed + lastFoldMs > capMs) { capped = true; break; }
    const foldStart = performance.now();
    const fold = opts.folds[f];
    const order = nestedOrder(fold.train, opts.data.y!, opts.task, rng);
    const valid = subsetDataset(opts.data, fold.valid);
    const validX: Dataset = { features: valid.features, nRows: valid.nRows, columns: valid.columns };
    let lastFitMs = 0;
    const scores: number[] = [];
    for (let s = 0; s < shares.length; s++) {
      throwIfAborted(opts.signal);
      const take = Math.round(shares[s] * order.length);
      if (take < Math.max(MIN_ROWS, 2 * K) || take > order.length) { scores.push(NaN); continue; }
      // in the first fold the cap may cut the curve short; later folds start only when a whole one fits
      if (f === 0 && s > 0 && performance.now() - t0 + 2.2 * lastFitMs > capMs) { capped = true; break; }
      const rows = order.slice(0, take).sort();
      const train = subsetDataset(opts.data, rows);
      if (opts.balance && opts.task.task !== 'regression') train.weights = balancedWeights(train.y!, opts.task.nClasses);
      if (!hasTwoClasses(train.y!, opts.task)) { scores.push(NaN); continue; }
      const fitStart = performance.now();
      const model = await family.fit(train, opts.task, opts.params as never, {
        seed: (opts.seed ?? 0) + 1000 * f, signal: opts.signal, valid,
      });
      let score: number;
      try {
        score = computeMetric(opts.metric, opts.task, valid.y!, model.predict(validX));
      } finally {
        model.dispose?.();
      }
      lastFitMs = performance.now() - fitStart;
      scores.push(score);
      perShare[s].rows.push(take);
      perShare[s].fitS += lastFitMs / 1000;
      work += shares[s];
      opts.onProgress?.({ fraction: Math.min(1, work / totalWork), message: `${take.toLocaleString('en-US')} rows, fold ${f + 1}` });
    }
    scores.forEach((v, s) => { if (v === v) perShare[s].scores.push(v); });
    foldsDone++;
    lastFoldMs = performance.now() - foldStart;
  }
  const points: LearningPoint[] = [];
  shares.forEach((share, s) => {
    const p = perShare[s];
    if (p.scores.length === 0 || p.scores.length < foldsDone) return;
    points.push({
      share, rows: p.rows.reduce((a, b) => a + b, 0) / p.rows.length,
      score: p.scores.reduce((a, b) => a + b, 0) / p.scores.length, scores: p.scores, fitS: p.fitS,
    });
  });
  return { metric: opts.metric, points, folds: foldsDone, capped, ...readCurve(points, opts.metric) };
}

/** Training rows in an order whose every prefix keeps the class shares (nested, stratified subsets). */
function nestedOrder(train: Int32Array, y: Float64Array, task: TaskInfo, rng: () => number): Int32Array {
  const rows = Int32Array.from(train);
  shuffleInPlace(rows, rng);
  if (task.task === 'regression') return rows;
  // deal each class's shuffled rows at its own even spacing, then sort by position
  const byClass = new Map<number, number[]>();
  for (const r of rows) {
    const c = y[r];
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(r);
  }
  const keyed: { key: number; row: number }[] = [];
  for (const list of byClass.values()) list.forEach((row, i) => keyed.push({ key: (i + 0.5) / list.length, row }));
  keyed.sort((a, b) => a.key - b.key);
  return Int32Array.from(keyed, (k) => k.row);
}

function hasTwoClasses(y: Float64Array, task: TaskInfo): boolean {
  if (task.task === 'regression') return true;
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return true;
  return false;
}

/** Metrics bounded by 1 (higher better): the curve models 1 - score; the others the score itself. */
function errorOf(metric: MetricName, score: number): number {
  return metricInfo(metric).lowerIsBetter ? score : 1 - score;
}

/** Fits the curve to the points and turns the doubling gain into a verdict and a sentence. */
export function readCurve(points: LearningPoint[], metric: MetricName): Pick<LearningCurve, 'fit' | 'doubling' | 'verdict' | 'advice'> {
  const none = { fit: { kind: 'none' as const, a: 0, b: 0, c: 0 }, doubling: null };
  if (points.length < 3) {
    return { ...none, verdict: 'unclear', advice: 'Augur could not tell whether more rows would help: there was time to try too few sizes of the data.' };
  }
  const n = points.map((p) => p.rows);
  const e = points.map((p) => errorOf(metric, p.score));
  const N = n[n.length - 1];
  const x = n.map((v) => v / N);
  const fit = points.length >= 4 ? fitPowerLaw(x, e) : fitLogLinear(x, e);
  const at = (r: number): number => (fit.kind === 'power' ? fit.a * r ** -fit.b + fit.c : fit.a + fit.b * Math.log2(r));
  const gainError = Math.max(0, at(1) - at(2));
  const lower = metricInfo(metric).lowerIsBetter;
  const predicted = lower ? at(2) : 1 - at(2);
  const doubling = { rows: 2 * N, predicted, gain: gainError };
  const relative = lower && at(1) > 0 ? gainError / at(1) : 0;
  const verdict: CurveVerdict = lower
    ? relative >= HELPS_RELATIVE ? 'helps' : relative >= HARDLY_RELATIVE ? 'a_little' : 'hardly'
    : gainError >= HELPS_POINTS ? 'helps' : gainError >= HARDLY_POINTS ? 'a_little' : 'hardly';
  return { fit, doubling, verdict, advice: adviceFor(verdict, metric, gainError, relative) };
}

function adviceFor(verdict: CurveVerdict, metric: MetricName, gain: number, relative: number): string {
  const lower = metricInfo(metric).lowerIsBetter;
  const amount = lower
    ? `errors about ${Math.max(1, Math.round(relative * 100))} % smaller`
    : `about +${formatPoints(gain * 100)} points of ${METRIC_WORDS[metric] ?? metricInfo(metric).label}`;
  if (verdict === 'helps') return `More rows would likely help: ${amount} with twice as many.`;
  if (verdict === 'a_little') return `More rows might help a little: ${amount} with twice as many.`;
  return 'More rows of the same kind will hardly help; new columns that tell more about each row are more likely to.';
}

const METRIC_WORDS: Partial<Record<MetricName, string>> = { roc_auc: 'ROC AUC', accuracy: 'accuracy', f1_macro: 'F1', r2: 'R²' };

function formatPoints(p: number): string {
  return p >= 10 ? String(Math.round(p)) : String(Math.round(p * 10) / 10);
}

/**
 * error = a·x^(-b) + c with a, c >= 0 and 0 < b <= 2 (x = rows / the largest rows): b on a grid, a and c
 * by least squares for each b (clamped at 0). A curve that does not fall has a = 0.
 */
export function fitPowerLaw(x: number[], e: number[]): { kind: 'power'; a: number; b: number; c: number } {
  let best = { kind: 'power' as const, a: 0, b: 1, c: mean(e) };
  let bestSse = sse(x, e, best);
  for (let b = 0.02; b <= 2.0001; b += 0.02) {
    const u = x.map((v) => v ** -b);
    let { a, c } = linearFit(u, e);
    if (c < 0) { c = 0; a = dot(u, e) / dot(u, u); }
    if (a < 0) { a = 0; c = mean(e); }
    const cand = { kind: 'power' as const, a, b, c };
    const s = sse(x, e, cand);
    if (s < bestSse - 1e-15) { best = cand; bestSse = s; }
  }
  return best;
}

/** error = a + b·log2(x): the slope is what each doubling buys (no flattening assumed, so only for few points). */
export function fitLogLinear(x: number[], e: number[]): { kind: 'log_linear'; a: number; b: number; c: number } {
  const { a: slope, c: intercept } = linearFit(x.map(Math.log2), e);
  return { kind: 'log_linear', a: intercept, b: slope, c: 0 };
}

function linearFit(u: number[], e: number[]): { a: number; c: number } {
  const mu = mean(u), me = mean(e);
  let num = 0, den = 0;
  for (let i = 0; i < u.length; i++) { num += (u[i] - mu) * (e[i] - me); den += (u[i] - mu) ** 2; }
  const a = den > 0 ? num / den : 0;
  return { a, c: me - a * mu };
}

function sse(x: number[], e: number[], f: { a: number; b: number; c: number }): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (f.a * x[i] ** -f.b + f.c - e[i]) ** 2;
  return s;
}

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
