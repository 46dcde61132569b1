// Performance on a new file: estimated without outcomes (CBPE for categories, DLE for amounts), and the
// real metrics when the file has its outcomes, each against what the model scored at training time.
//
// `buildPerformanceReference` runs once, on predictions the model did not train on (out-of-fold or
// holdout) with their outcomes; its result is small plain JSON for the model package. Alert thresholds
// come from the reference as NannyML sets them (mean ± 3 sd of the metric over reference chunks), with
// the chunk sd rescaled to the new file's size (√(chunk rows / new rows)), so a file of 200 rows is not
// judged by the spread of 1,000-row chunks.
import { computeMetric, metricInfo, metricsForTask, type MetricName } from '../evaluate/metrics.ts';
import type { Dataset, TaskInfo } from '../models/types.ts';
import type { Task } from '../../../shared/api.ts';
import { UserError, throwIfAborted } from '../util/errors.ts';
import { mulberry32, shuffleInPlace } from '../util/random.ts';
import { applyIsotonic, fitIsotonic, isotonicFromJSON, type Isotonic } from './calibrate.ts';
import { CBPE_METRICS, expectedMetrics, simulateMetrics } from './cbpe.ts';
import { estimateDle, fitDle, type DleModels } from './dle.ts';
import { normalIsf } from '../util/distributions.ts';

export const PERFORMANCE_KIND = 'augur-performance-reference';
export const PERFORMANCE_VERSION = 1;
/** Reference chunks for the alert thresholds, and their size at most. */
const CHUNKS = 50;
const CHUNK_ROWS = 1000;
const THRESHOLD_SD = 3;
const SIMULATIONS = 200;
/** Intervals are 95 %. */
const Z95 = normalIsf(0.025);

export interface ReferenceMetric {
  name: MetricName;
  /** The metric on the reference rows (what the model scored at training time). */
  value: number;
  /** Its spread over random reference chunks of `chunkRows` rows. */
  chunkRows: number;
  chunkSd: number;
}

export interface PerformanceReference {
  kind: typeof PERFORMANCE_KIND;
  formatVersion: typeof PERFORMANCE_VERSION;
  task: Task;
  nClasses: number;
  nRows: number;
  /** Classification: one isotonic calibrator per class (binary: one, for class 1). */
  calibrators: Isotonic[];
  metrics: ReferenceMetric[];
  /** Amounts: the error models of direct loss estimation (when reference features were given). */
  dle?: DleModels;
}

export interface PerformanceInput {
  task: TaskInfo;
  /** Predictions in Fitted.predict's layout, made without training on these rows. */
  pred: Float64Array;
  /** Outcomes: class index or value (NaN = unknown). */
  y: Float64Array;
  /** Amounts: the same rows' model features, for direct loss estimation. */
  features?: Dataset;
  seed?: number;
  signal?: AbortSignal;
}

export async function buildPerformanceReference(input: PerformanceInput): Promise<PerformanceReference> {
  const { task, pred, y } = input;
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  const known = Int32Array.from({ length: y.length }, (_, i) => i).filter((i) => y[i] === y[i]);
  if (known.length < 20) {
    throw new UserError('too_few_rows', 'Augur needs at least 20 rows with a known outcome to learn how sure the model is.');
  }
  const seed = input.seed ?? 0;
  const calibrators: Isotonic[] = [];
  if (task.task === 'binary') calibrators.push(fitIsotonic(pick(pred, known, 1, 0), pick(y, known, 1, 0)));
  if (task.task === 'multiclass') {
    for (let c = 0; c < k; c++) calibrators.push(fitIsotonic(pick(pred, known, k, c), Float64Array.from(known, (r) => (y[r] === c ? 1 : 0))));
  }
  const metrics = referenceMetrics(task, pred, y, known, seed);
  const out: PerformanceReference = {
    kind: PERFORMANCE_KIND,
    formatVersion: PERFORMANCE_VERSION,
    task: task.task,
    nClasses: task.nClasses,
    nRows: known.length,
    calibrators,
    metrics,
  };
  if (task.task === 'regression' && input.features) {
    const dle = await fitDle(input.features, pred, y, seed, input.signal);
    if (dle) out.dle = dle;
  }
  return out;
}

/** Each metric on all known reference rows, and its sd over CHUNKS random chunks. */
function referenceMetrics(task: TaskInfo, pred: Float64Array, y: Float64Array, known: Int32Array, seed: number): ReferenceMetric[] {
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  const chunkRows = Math.min(CHUNK_ROWS, Math.floor(known.length / 2));
  const rnd = mulberry32(seed + 7);
  const chunks = Array.from({ length: CHUNKS }, () => {
    const rows = known.slice();
    shuffleInPlace(rows, rnd);
    return rows.subarray(0, chunkRows);
  });
  return metricsForTask(task).map((name) => {
    const value = computeMetric(name, task, pick(y, known, 1, 0), pick(pred, known, k, -1));
    const per = chunks.map((rows) => computeMetric(name, task, pick(y, rows, 1, 0), pick(pred, rows, k, -1))).filter((v) => v === v);
    return { name, value, chunkRows, chunkSd: sd(per) };
  });
}

/** Rows of a prediction layout: column c of k (c = -1: the whole row of k). */
function pick(a: Float64Array, rows: ArrayLike<number>, k: number, c: number): Float64Array {
  if (c >= 0) return Float64Array.from(rows as ArrayLike<number>, (r) => a[r * k + c]);
  const out = new Float64Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < k; j++) out[i * k + j] = a[rows[i] * k + j];
  return out;
}

function sd(a: number[]): number {
  if (a.length < 2) return 0;
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
}

export interface MetricCheck {
  value: number;
  /** What the model scored at training time. */
  reference: number;
  /** Alert thresholds for a file of this size (reference ± 3 rescaled chunk sd, within the metric's range). */
  lower: number;
  upper: number;
  /** The value fell outside the thresholds. */
  alert: boolean;
  /** True when the change is for the worse. */
  worse: boolean;
}

export interface MetricEstimate extends MetricCheck {
  /** 95 % interval of the real value on this file. */
  ci: [number, number];
}

export interface PerformanceEstimate {
  task: Task;
  rows: number;
  estimated?: Partial<Record<MetricName, MetricEstimate>>;
  /** The real metrics, when the new file has outcomes (rows with one). */
  actual?: Partial<Record<MetricName, MetricCheck>>;
  actualRows?: number;
}

export interface EstimateInput {
  pred: Float64Array;
  y?: Float64Array;
  features?: Dataset;
}

export interface EstimateOptions {
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  /** Simulated outcome sets for the interval (default 200). */
  simulations?: number;
}

export async function estimatePerformance(ref: PerformanceReference, input: EstimateInput, opts: EstimateOptions = {}): Promise<PerformanceEstimate> {
  const task: TaskInfo = { task: ref.task, nClasses: ref.nClasses };
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  const n = input.pred.length / k;
  if (!Number.isInteger(n) || n < 1) throw new UserError('no_rows', 'The new file has no rows to check the model on.');
  const out: PerformanceEstimate = { task: ref.task, rows: n };
  throwIfAborted(opts.signal);
  if (task.task !== 'regression') out.estimated = classificationEstimate(ref, task, input.pred, n, opts);
  else if (ref.dle && input.features) out.estimated = await regressionEstimate(ref, ref.dle, input.features, input.pred);
  if (input.y) {
    const known = Int32Array.from({ length: n }, (_, i) => i).filter((i) => input.y![i] === input.y![i]);
    if (known.length > 0) {
      out.actualRows = known.length;
      out.actual = {};
      for (const m of ref.metrics) {
        const v = computeMetric(m.name, task, pick(input.y, known, 1, 0), pick(input.pred, known, k, -1));
        if (v === v) out.actual[m.name] = check(m, v, known.length);
      }
    }
  }
  return out;
}

function classificationEstimate(ref: PerformanceReference, task: TaskInfo, raw: Float64Array, n: number, opts: EstimateOptions): Partial<Record<MetricName, MetricEstimate>> {
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  const cal = new Float64Array(raw.length);
  if (k === 1) for (let i = 0; i < n; i++) cal[i] = applyIsotonic(ref.calibrators[0], raw[i]);
  else {
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let c = 0; c < k; c++) t += cal[i * k + c] = applyIsotonic(ref.calibrators[c], raw[i * k + c]);
      for (let c = 0; c < k; c++) cal[i * k + c] = t > 0 ? cal[i * k + c] / t : 1 / k;
    }
  }
  const est = expectedMetrics(task, raw, cal);
  const sim = simulateMetrics(task, raw, ref.calibrators, opts.simulations ?? SIMULATIONS, (opts.seed ?? 0) + 11, {
    signal: opts.signal,
    onProgress: (f) => opts.onProgress?.(f, 'Estimating how often the model is right'),
  });
  const out: Partial<Record<MetricName, MetricEstimate>> = {};
  for (const m of ref.metrics) {
    if (!CBPE_METRICS.includes(m.name)) continue;
    const v = est[m.name];
    if (v !== v) continue;
    const half = Z95 * (sim.sd[m.name] || 0);
    out[m.name] = { ...check(m, v, n), ci: clampInterval(m.name, v - half, v + half) };
  }
  return out;
}

async function regressionEstimate(ref: PerformanceReference, dle: DleModels, features: Dataset, pred: Float64Array): Promise<Partial<Record<MetricName, MetricEstimate>>> {
  if (features.features.length !== dle.features.length || features.features.some((f, i) => f.name !== dle.features[i])) {
    throw new UserError('feature_mismatch', 'The new rows were prepared differently from the rows the accuracy check learned from.');
  }
  const e = await estimateDle(dle, features, pred);
  const out: Partial<Record<MetricName, MetricEstimate>> = {};
  const mae = ref.metrics.find((m) => m.name === 'mae');
  const rmse = ref.metrics.find((m) => m.name === 'rmse');
  const n = pred.length;
  if (mae) out.mae = { ...check(mae, e.mae, n), ci: clampInterval('mae', e.mae - Z95 * e.maeSe, e.mae + Z95 * e.maeSe) };
  if (rmse) {
    const v = Math.sqrt(e.mse);
    out.rmse = { ...check(rmse, v, n), ci: [Math.sqrt(Math.max(0, e.mse - Z95 * e.mseSe)), Math.sqrt(e.mse + Z95 * e.mseSe)] };
  }
  return out;
}

function check(m: ReferenceMetric, value: number, n: number): MetricCheck {
  const spread = THRESHOLD_SD * m.chunkSd * Math.sqrt(m.chunkRows / Math.max(1, n));
  const [lower, upper] = clampInterval(m.name, m.value - spread, m.value + spread);
  const lowerIsBetter = metricInfo(m.name).lowerIsBetter;
  return { value, reference: m.value, lower, upper, alert: value < lower || value > upper, worse: lowerIsBetter ? value > m.value : value < m.value };
}

/** [lo, hi] inside the metric's range (0..1 for shares and AUC, ≥ 0 for errors and log loss, R² unbounded below). */
function clampInterval(name: MetricName, lo: number, hi: number): [number, number] {
  if (name === 'roc_auc' || name === 'accuracy' || name === 'f1_macro') return [Math.max(0, lo), Math.min(1, hi)];
  if (name === 'r2') return [lo, Math.min(1, hi)];
  return [Math.max(0, lo), hi];
}

/** Reads a performance reference from untrusted JSON. */
export function performanceReferenceFromJSON(json: unknown): PerformanceReference {
  const bad = () => new UserError('bad_model', 'The saved accuracy check of this model is damaged, so Augur cannot estimate its accuracy on new files.');
  const j = typeof json === 'string' ? safeParse(json, bad) : json;
  if (!j || typeof j !== 'object') throw bad();
  const o = j as Record<string, unknown>;
  if (o.kind !== PERFORMANCE_KIND || o.formatVersion !== PERFORMANCE_VERSION) throw bad();
  if (o.task !== 'binary' && o.task !== 'multiclass' && o.task !== 'regression') throw bad();
  const nClasses = o.nClasses;
  if (!Number.isInteger(nClasses) || (nClasses as number) < 1 || (nClasses as number) > 1000) throw bad();
  if (!Number.isInteger(o.nRows) || (o.nRows as number) < 1) throw bad();
  const task: TaskInfo = { task: o.task, nClasses: nClasses as number };
  const wantCal = task.task === 'binary' ? 1 : task.task === 'multiclass' ? task.nClasses : 0;
  if (!Array.isArray(o.calibrators) || o.calibrators.length !== wantCal) throw bad();
  const calibrators = o.calibrators.map(isotonicFromJSON);
  const allowed = metricsForTask(task);
  if (!Array.isArray(o.metrics)) throw bad();
  const metrics = o.metrics.map((m: unknown): ReferenceMetric => {
    const r = m as Record<string, unknown>;
    if (!r || typeof r !== 'object' || !allowed.includes(r.name as MetricName)) throw bad();
    if (![r.value, r.chunkSd].every((v) => typeof v === 'number' && Number.isFinite(v)) || !Number.isInteger(r.chunkRows) || (r.chunkSd as number) < 0) throw bad();
    return { name: r.name as MetricName, value: r.value as number, chunkRows: r.chunkRows as number, chunkSd: r.chunkSd as number };
  });
  const out: PerformanceReference = { kind: PERFORMANCE_KIND, formatVersion: PERFORMANCE_VERSION, task: task.task, nClasses: task.nClasses, nRows: o.nRows as number, calibrators, metrics };
  if (o.dle !== undefined) out.dle = dleFromJSON(o.dle, bad);
  return out;
}

function dleFromJSON(d: unknown, bad: () => UserError): DleModels {
  const o = d as Record<string, unknown>;
  if (!o || typeof o !== 'object') throw bad();
  const isModel = (m: unknown) => !!m && typeof m === 'object' && (m as Record<string, unknown>).family === 'gbdt';
  const r = o.residualSd as Record<string, unknown> | undefined;
  if (!isModel(o.abs) || !isModel(o.sq) || !r || ![r.abs, r.sq].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw bad();
  if (!Array.isArray(o.features) || !o.features.every((f) => typeof f === 'string')) throw bad();
  // the fitted models themselves are checked by the GBDT family's own fromJSON when they are loaded
  return { abs: o.abs as DleModels['abs'], sq: o.sq as DleModels['sq'], residualSd: { abs: r.abs as number, sq: r.sq as number }, features: o.features as string[] };
}

function safeParse(s: string, bad: () => UserError): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw bad();
  }
}
