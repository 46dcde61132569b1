// The evaluation's input, as the AutoML run keeps it, turned once into the rows that were scored:
// outcome, held-out prediction, which fold's model made it, and the naive baseline's prediction
// (the class shares or the mean of that fold's training rows: what "no model" would have said).
import type { Finding } from '../../../shared/api.ts';
import type { MetricName } from '../../../shared/metrics.ts';
import type { Table } from '../data/table.ts';
import { takeRows } from '../data/table-ops.ts';
import type { TaskInfo } from '../models/types.ts';

/** The validation plan (search/validation.ts ValidationPlan fits): folds of row indices into the rows of `y`. */
export interface PlanLike {
  kind: 'kfold' | 'holdout';
  folds: { train: Int32Array; valid: Int32Array }[];
  /** Rows with a held-out prediction, in the order of `pred`; default: every fold's valid rows, ascending. */
  validRows?: Int32Array;
}

export interface EvaluationInput {
  taskInfo: TaskInfo;
  /** Class labels, index = class (classification). */
  classes?: string[];
  /** The outcome column's name, for sentences and to leave it out of the slices. */
  target?: string;
  /** Outcome of every row of the plan (class index or value); NaN rows are left out. */
  y: Float64Array;
  /**
   * Held-out predictions in the Fitted.predict layout, in `plan.validRows` order (what the run keeps
   * as a trial's `oof`); without a plan, one per row of `y` (a labelled file the user brought).
   */
  pred: Float64Array;
  plan?: PlanLike;
  /** The original columns of the same rows as `y`, for slices and weak spots. */
  table?: Table;
  /** The run's metric: the one the verdict judges the gain in. Default roc_auc / rmse. */
  metric?: MetricName;
  /** The data check's findings (data/checks.ts): leaks, personal data, too few rows. */
  findings?: Finding[];
  /** Columns the model uses; a leak in a column left out does not count. Default: every finding counts. */
  usedColumns?: string[];
  /** From the learning curve, when it ran: the metric gain a doubling of rows would likely bring. */
  learningCurve?: { gainIfDoubled?: number; verdict?: 'helps' | 'a_little' | 'hardly' | 'unclear' };
}

export interface EvalRows {
  task: TaskInfo;
  /** Prediction values per row (k for multiclass, else 1). */
  stride: number;
  n: number;
  y: Float64Array;
  pred: Float64Array;
  /** Which fold's model predicted the row (0..nFolds-1). */
  fold: Int32Array;
  nFolds: number;
  kind: 'kfold' | 'holdout' | 'external';
  /** The naive baseline's prediction of each row, same layout as pred. */
  base: Float64Array;
  /** Index of each scored row in the input's rows (y / table). */
  source: Int32Array;
  /** Rows of the plan left out because their outcome is missing. */
  dropped: number;
}

/** Checks shapes (programming errors throw plain Errors) and gathers the scored rows. */
export function scoredRows(input: EvaluationInput): EvalRows {
  const { taskInfo: task, y, pred, plan } = input;
  const stride = task.task === 'multiclass' ? task.nClasses : 1;
  const validRows = plan ? (plan.validRows ?? sortedValidRows(plan)) : identity(y.length);
  if (pred.length !== validRows.length * stride) {
    throw new Error(`Prediction length ${pred.length} does not match ${validRows.length} scored rows x ${stride}`);
  }
  const foldOfRow = new Int32Array(y.length).fill(-1);
  if (plan) plan.folds.forEach((f, fi) => { for (const r of f.valid) foldOfRow[r] = fi; });
  const keep: number[] = [];
  for (let j = 0; j < validRows.length; j++) {
    const r = validRows[j];
    if (!(r >= 0 && r < y.length)) throw new Error(`Scored row ${r} is outside the ${y.length} rows`);
    if (y[r] === y[r]) keep.push(j);
  }
  const n = keep.length;
  const ys = new Float64Array(n), ps = new Float64Array(n * stride), fold = new Int32Array(n), source = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = keep[i], r = validRows[j];
    source[i] = r;
    ys[i] = y[r];
    fold[i] = plan ? Math.max(0, foldOfRow[r]) : 0;
    for (let c = 0; c < stride; c++) {
      const v = pred[j * stride + c];
      if (v !== v) throw new Error('A held-out prediction is NaN: the model is broken, nothing can be judged from it.');
      ps[i * stride + c] = v;
    }
    if (task.task !== 'regression') {
      const t = ys[i];
      if (!Number.isInteger(t) || t < 0 || t >= Math.max(2, task.nClasses)) throw new Error(`Class index ${t} is outside 0..${task.nClasses - 1}`);
    }
  }
  const nFolds = plan ? Math.max(1, plan.folds.length) : 1;
  return {
    task, stride, n, y: ys, pred: ps, fold, nFolds,
    kind: plan ? plan.kind : 'external',
    base: baselinePredictions(task, y, plan, fold, ys, stride),
    source, dropped: validRows.length - n,
  };
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function sortedValidRows(plan: PlanLike): Int32Array {
  const all: number[] = [];
  for (const f of plan.folds) for (const r of f.valid) all.push(r);
  return Int32Array.from(all.sort((a, b) => a - b));
}

/**
 * What "no model" predicts for each scored row: class shares (or the mean) of the rows that row's
 * fold model learned from, as the baseline family would; without a plan, of the scored rows themselves.
 */
function baselinePredictions(task: TaskInfo, yAll: Float64Array, plan: PlanLike | undefined, fold: Int32Array, ys: Float64Array, stride: number): Float64Array {
  const k = task.task === 'regression' ? 1 : Math.max(2, task.nClasses);
  const perFold = (rows: ArrayLike<number> | null, ySrc: Float64Array): number[] => {
    const acc = new Float64Array(k);
    let cnt = 0;
    const len = rows ? rows.length : ySrc.length;
    for (let j = 0; j < len; j++) {
      const v = ySrc[rows ? rows[j] : j];
      if (v !== v) continue;
      cnt++;
      if (task.task === 'regression') acc[0] += v; else acc[v | 0]++;
    }
    return Array.from(acc, (a) => (cnt ? a / cnt : task.task === 'regression' ? 0 : 1 / k));
  };
  const values = plan ? plan.folds.map((f) => perFold(f.train, yAll)) : [perFold(null, ys)];
  const n = ys.length;
  const out = new Float64Array(n * stride);
  for (let i = 0; i < n; i++) {
    const v = values[Math.min(fold[i], values.length - 1)];
    if (task.task === 'multiclass') for (let c = 0; c < stride; c++) out[i * stride + c] = v[c];
    else out[i] = task.task === 'binary' ? v[1] : v[0];
  }
  return out;
}

/** The original columns restricted to the scored rows, in their order. */
export function scoredTable(table: Table, rows: EvalRows): Table {
  if (table.nRows === rows.n && rows.source.every((r, i) => r === i)) return table;
  return takeRows(table, rows.source);
}

/** Rows of one subset (index list) as their own EvalRows; for cross-fitting and slices. */
export function subsetRows(r: EvalRows, idx: ArrayLike<number>): EvalRows {
  const n = idx.length, s = r.stride;
  const y = new Float64Array(n), pred = new Float64Array(n * s), base = new Float64Array(n * s), fold = new Int32Array(n), source = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    y[i] = r.y[j]; fold[i] = r.fold[j]; source[i] = r.source[j];
    for (let c = 0; c < s; c++) { pred[i * s + c] = r.pred[j * s + c]; base[i * s + c] = r.base[j * s + c]; }
  }
  return { ...r, n, y, pred, base, fold, source, dropped: 0 };
}
