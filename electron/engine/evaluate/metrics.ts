import { defaultMetricFor, isSearchMetric, metricSpec, searchMetricsFor, type MetricName } from '../../../shared/metrics.ts';
import type { TaskInfo } from '../models/types.ts';
import { metricValue, prepareScores } from './kernels.ts';

/**
 * Scoring of predictions. `pred` uses the Fitted.predict layout:
 * - binary: length n, P(class 1)
 * - multiclass: length n * k, row-major probabilities
 * - regression: length n, predicted value
 * `y` holds class indices 0..k-1 (classification) or values (regression).
 *
 * A metric that is undefined for the given rows (e.g. ROC AUC when only one class is present,
 * any metric on 0 rows, or any prediction that is NaN) returns NaN; callers decide how to show that.
 */
export type { MetricName, SearchMetricName } from '../../../shared/metrics.ts';

/** Probabilities are clipped to [EPS, 1-EPS] for log loss (as scikit-learn does) so one confident miss stays finite. */
const EPS = 1e-15;

export function metricInfo(name: MetricName): { lowerIsBetter: boolean; label: string } {
  const { lowerIsBetter, label } = metricSpec(name);
  return { lowerIsBetter, label };
}

export function defaultMetric(task: TaskInfo): MetricName {
  return defaultMetricFor(task.task);
}

/** Metrics a run may optimise for this task (used to validate a user's metric choice, and the CLI's test scores). */
export function metricsForTask(task: TaskInfo): MetricName[] {
  return searchMetricsFor(task.task);
}

/**
 * The metric that decides equal scores of `name` in model selection, if it needs one: ROC AUC,
 * accuracy and F1 only count orderings or hits, so near-perfect models often tie exactly; log loss
 * still tells them apart by how confidently right they are.
 */
export function tieBreakMetric(name: MetricName): MetricName | undefined {
  return name === 'roc_auc' || name === 'accuracy' || name === 'f1_macro' ? 'log_loss' : undefined;
}

export function computeMetric(name: MetricName, task: TaskInfo, y: Float64Array, pred: Float64Array): number {
  const n = y.length;
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  if (pred.length !== n * k) {
    throw new Error(`Prediction length ${pred.length} does not match ${n} rows x ${k}`);
  }
  const isReg = task.task === 'regression';
  if (isReg !== (metricSpec(name).kind === 'regression')) {
    throw new Error(`Metric ${name} does not apply to a ${task.task} task`);
  }
  if (n === 0) return NaN;
  // A model that outputs NaN is broken: no metric may make it look usable (NaN would read as class 0).
  for (let i = 0; i < pred.length; i++) if (pred[i] !== pred[i]) return NaN;
  // The search's own metrics keep their tuned code below; the evaluation's extra ones use the shared kernels.
  if (!isSearchMetric(name)) return metricValue(prepareScores(task, y, pred), name);
  switch (name) {
    case 'rmse': {
      let s = 0;
      for (let i = 0; i < n; i++) { const d = pred[i] - y[i]; s += d * d; }
      return Math.sqrt(s / n);
    }
    case 'mae': {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(pred[i] - y[i]);
      return s / n;
    }
    case 'r2':
      return r2(y, pred);
    case 'roc_auc':
      return task.task === 'binary' ? binaryAuc(y, pred, 1, 1, 0) : multiclassAuc(y, pred, k);
    case 'log_loss':
      return logLoss(task, y, pred, k);
    case 'accuracy': {
      const labels = predictedLabels(task, pred, n, k);
      let hit = 0;
      for (let i = 0; i < n; i++) if (labels[i] === y[i]) hit++;
      return hit / n;
    }
    case 'f1_macro':
      return f1Macro(y, predictedLabels(task, pred, n, k), Math.max(k, 2));
    default:
      throw new Error(`Unknown metric: ${String(name)}`);
  }
}

export function allMetrics(task: TaskInfo, y: Float64Array, pred: Float64Array): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  for (const m of metricsForTask(task)) out[m] = computeMetric(m, task, y, pred);
  return out;
}

/** Hard labels: binary P(class 1) > 0.5 → 1 (ties go to class 0, like scikit-learn); multiclass argmax (first max wins). */
export function predictedLabels(task: TaskInfo, pred: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  if (task.task === 'binary') {
    for (let i = 0; i < n; i++) out[i] = pred[i] > 0.5 ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) {
      let best = 0, bv = pred[i * k];
      for (let c = 1; c < k; c++) if (pred[i * k + c] > bv) { bv = pred[i * k + c]; best = c; }
      out[i] = best;
    }
  }
  return out;
}

function r2(y: Float64Array, pred: Float64Array): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = y[i] - pred[i], t = y[i] - mean;
    ssRes += r * r; ssTot += t * t;
  }
  // Constant target: scikit-learn's convention — perfect fit scores 1, anything else 0.
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * ROC AUC of scores for "y == positive": the probability that a random positive outscores a random
 * negative, ties counting half (the Mann–Whitney statistic; equals the trapezoid area under the ROC curve).
 * Positive and negative scores are sorted separately with the native numeric sort and merged.
 * Scores are read as pred[i * stride + offset]. NaN when one side is empty.
 */
function binaryAuc(y: Float64Array, pred: Float64Array, positive: number, stride: number, offset: number): number {
  const n = y.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === positive) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  const pos = new Float64Array(nPos), neg = new Float64Array(nNeg);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    const v = pred[i * stride + offset];
    if (y[i] === positive) pos[a++] = v; else neg[b++] = v;
  }
  pos.sort();
  neg.sort();
  // For each positive score: negatives strictly below count 1, equal ones 1/2.
  let wins = 0;
  let below = 0; // negatives < current score
  let equalEnd = 0; // negatives <= current score
  for (let a = 0; a < nPos; a++) {
    const v = pos[a];
    while (below < nNeg && neg[below] < v) below++;
    if (equalEnd < below) equalEnd = below;
    while (equalEnd < nNeg && neg[equalEnd] === v) equalEnd++;
    wins += below + (equalEnd - below) / 2;
  }
  return wins / (nPos * nNeg);
}

/** One-vs-rest macro average over classes that have both positives and negatives in `y`. */
function multiclassAuc(y: Float64Array, pred: Float64Array, k: number): number {
  let sum = 0, count = 0;
  for (let c = 0; c < k; c++) {
    const auc = binaryAuc(y, pred, c, k, c);
    if (!Number.isNaN(auc)) { sum += auc; count++; }
  }
  return count === 0 ? NaN : sum / count;
}

function logLoss(task: TaskInfo, y: Float64Array, pred: Float64Array, k: number): number {
  const n = y.length;
  let s = 0;
  if (task.task === 'binary') {
    for (let i = 0; i < n; i++) {
      const p = clip(pred[i]);
      s -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
    }
  } else {
    for (let i = 0; i < n; i++) {
      // Renormalise the row so slightly-off sums (float error) do not bias the loss.
      let rowSum = 0;
      for (let c = 0; c < k; c++) rowSum += pred[i * k + c];
      const p = rowSum > 0 ? pred[i * k + y[i]] / rowSum : 1 / k;
      s -= Math.log(clip(p));
    }
  }
  return s / n;
}

function clip(p: number): number {
  return p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
}

/** Macro F1 over the classes present in y or in the predictions (scikit-learn's default label set); 0 when a class has no hits. */
function f1Macro(y: Float64Array, labels: Int32Array, k: number): number {
  const tp = new Float64Array(k), fp = new Float64Array(k), fn = new Float64Array(k);
  const present = new Uint8Array(k);
  for (let i = 0; i < y.length; i++) {
    const t = y[i], p = labels[i];
    present[t] = 1; present[p] = 1;
    if (t === p) tp[t]++;
    else { fp[p]++; fn[t]++; }
  }
  let sum = 0, count = 0;
  for (let c = 0; c < k; c++) {
    if (!present[c]) continue;
    const denom = 2 * tp[c] + fp[c] + fn[c];
    sum += denom === 0 ? 0 : (2 * tp[c]) / denom;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}
