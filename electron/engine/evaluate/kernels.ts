// Every evaluation metric as a weighted sum over rows, so one set of kernels gives the point value
// (all weights 1), a slice (weights 0/1) and each bootstrap resample (weights = how often a row was
// drawn) without copying rows or sorting again: the per-row parts and the score orders for ROC AUC
// and PR AUC are computed once, then every metric is one O(n) pass (O(n·k) for one-vs-rest).
import { evaluationMetricsFor, type MetricName } from '../../../shared/metrics.ts';
import type { TaskInfo } from '../models/types.ts';

/** Probabilities are clipped to [EPS, 1-EPS] for log loss (as scikit-learn does) so one confident miss stays finite. */
export const LOG_LOSS_EPS = 1e-15;

interface RankOrder {
  /** Rows by descending score. */
  order: Int32Array;
  /** 1 where order[j] starts a new group of equal scores. */
  starts: Uint8Array;
}

export interface ClassScores {
  kind: 'classification';
  task: TaskInfo;
  n: number;
  /** Classes counted (2 for binary). */
  k: number;
  y: Int32Array;
  /** Hard label: binary P > 0.5 (ties to class 0, like scikit-learn), multiclass argmax (first max wins). */
  label: Int32Array;
  /** Per-row log loss and Brier score. */
  loss: Float64Array;
  brier: Float64Array;
  /** Score orders for ROC / PR AUC: binary [class 1]; multiclass one per class (one-vs-rest). */
  ranks: RankOrder[];
}

export interface RegressionScores {
  kind: 'regression';
  task: TaskInfo;
  n: number;
  y: Float64Array;
  /** pred - y */
  resid: Float64Array;
  /** |resid| / |y|, or undefined when an actual is 0 (MAPE is then not reported). */
  ape?: Float64Array;
  /** Mean of y over all rows: R² is computed on y - yMean so sums of squares do not cancel. */
  yMean: number;
}

export type Scores = ClassScores | RegressionScores;

/**
 * Per-row parts of every metric. Throws when lengths disagree; NaN predictions are the caller's
 * to refuse (a model that outputs NaN is broken, see metrics.ts).
 */
export function prepareScores(task: TaskInfo, y: Float64Array, pred: Float64Array): Scores {
  const n = y.length;
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  if (pred.length !== n * k) throw new Error(`Prediction length ${pred.length} does not match ${n} rows x ${k}`);
  if (task.task === 'regression') {
    const resid = new Float64Array(n);
    let anyZero = false;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      resid[i] = pred[i] - y[i];
      if (y[i] === 0) anyZero = true;
      mean += y[i];
    }
    mean = n ? mean / n : 0;
    let ape: Float64Array | undefined;
    if (!anyZero) {
      ape = new Float64Array(n);
      for (let i = 0; i < n; i++) ape[i] = Math.abs(resid[i]) / Math.abs(y[i]);
    }
    return { kind: 'regression', task, n, y, resid, ape, yMean: mean };
  }
  const kk = task.task === 'binary' ? 2 : k;
  const yi = new Int32Array(n);
  const label = new Int32Array(n);
  const loss = new Float64Array(n);
  const brier = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = y[i] | 0;
    yi[i] = t;
    if (task.task === 'binary') {
      const p = pred[i];
      label[i] = p > 0.5 ? 1 : 0;
      const pt = t === 1 ? p : 1 - p;
      loss[i] = -Math.log(clip(pt));
      brier[i] = (p - t) * (p - t);
    } else {
      let best = 0, bv = pred[i * k], rowSum = 0, b = 0;
      for (let c = 0; c < k; c++) {
        const p = pred[i * k + c];
        rowSum += p;
        if (c > 0 && p > bv) { bv = p; best = c; }
        const d = p - (c === t ? 1 : 0);
        b += d * d;
      }
      label[i] = best;
      // Renormalise the row so slightly-off sums (float error) do not bias the loss.
      loss[i] = -Math.log(clip(rowSum > 0 ? pred[i * k + t] / rowSum : 1 / k));
      brier[i] = b;
    }
  }
  const ranks = task.task === 'binary' ? [rankOrder(pred, 1, 0, n)] : Array.from({ length: k }, (_, c) => rankOrder(pred, k, c, n));
  return { kind: 'classification', task, n, k: kk, y: yi, label, loss, brier, ranks };
}

function clip(p: number): number {
  return p < LOG_LOSS_EPS ? LOG_LOSS_EPS : p > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : p;
}

function rankOrder(pred: Float64Array, stride: number, offset: number, n: number): RankOrder {
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = pred[i * stride + offset];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[b] - score[a]);
  const starts = new Uint8Array(n);
  for (let j = 0; j < n; j++) starts[j] = j === 0 || score[order[j]] !== score[order[j - 1]] ? 1 : 0;
  return { order, starts };
}

/** Weighted counts per class of the confusion matrix. */
export interface Confusion {
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  total: number;
}

export function confusion(s: ClassScores, w: Float64Array | null): Confusion {
  const k = s.k;
  const tp = new Float64Array(k), fp = new Float64Array(k), fn = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < s.n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    total += wi;
    const t = s.y[i], p = s.label[i];
    if (t === p) tp[t] += wi;
    else { fp[p] += wi; fn[t] += wi; }
  }
  return { tp, fp, fn, total };
}

/** Per-class precision, recall and F1 (0 when undefined, as scikit-learn's zero_division default), and which classes count. */
export function perClassRates(cm: Confusion): { precision: Float64Array; recall: Float64Array; f1: Float64Array; present: Uint8Array; inTruth: Uint8Array } {
  const k = cm.tp.length;
  const precision = new Float64Array(k), recall = new Float64Array(k), f1 = new Float64Array(k);
  const present = new Uint8Array(k), inTruth = new Uint8Array(k);
  for (let c = 0; c < k; c++) {
    const t = cm.tp[c], f = cm.fp[c], m = cm.fn[c];
    inTruth[c] = t + m > 0 ? 1 : 0;
    present[c] = t + m + f > 0 ? 1 : 0; // in the truth or in the predictions: scikit-learn's default label set
    precision[c] = t + f > 0 ? t / (t + f) : 0;
    recall[c] = t + m > 0 ? t / (t + m) : 0;
    f1[c] = 2 * t + f + m > 0 ? (2 * t) / (2 * t + f + m) : 0;
  }
  return { precision, recall, f1, present, inTruth };
}

/**
 * ROC AUC (ties count half: the Mann–Whitney statistic) and average precision (scikit-learn's
 * step-wise PR AUC: Σ (R_n − R_{n−1}) P_n over score thresholds) of one score order for `positive`,
 * in one sweep from the highest score down. NaN when a side has no weight.
 */
export function aucAndAp(s: ClassScores, r: RankOrder, positive: number, w: Float64Array | null): { auc: number; ap: number } {
  // One sweep: per group of equal scores, its positive (gp) and negative (gn) weight; AP's sum is
  // Σ gp · precision, divided by all positives at the end.
  let above = 0, tp = 0, fp = 0, area = 0, apSum = 0;
  let gp = 0, gn = 0;
  const { order, starts } = r;
  const y = s.y;
  for (let j = 0; j < order.length; j++) {
    if (starts[j] && j > 0 && gp + gn > 0) {
      area += gn * (above + gp / 2);
      above += gp; tp += gp; fp += gn;
      if (gp > 0) apSum += gp * (tp / (tp + fp));
      gp = 0; gn = 0;
    }
    const i = order[j];
    const wi = w ? w[i] : 1;
    if (y[i] === positive) gp += wi; else gn += wi;
  }
  area += gn * (above + gp / 2);
  tp += gp; fp += gn;
  if (gp > 0) apSum += gp * (tp / (tp + fp));
  const pos = tp, neg = fp;
  // With one side empty the ranking cannot be judged (scikit-learn gives AP 1 with no negatives; a slice of only cases says nothing).
  if (pos === 0 || neg === 0) return { auc: NaN, ap: NaN };
  return { auc: area / (pos * neg), ap: apSum / pos };
}

/** Slots of a metric vector: the task's metrics, then per-class precision, recall and F1 (classification). */
export interface Layout {
  metrics: MetricName[];
  /** Classes with per-class slots (0 for regression). */
  k: number;
}

export function layoutFor(s: Scores, metrics?: MetricName[]): Layout {
  let list = metrics ?? evaluationMetricsFor(s.task.task);
  if (s.kind === 'regression' && !s.ape) list = list.filter((m) => m !== 'mape');
  return { metrics: list, k: metrics ? 0 : s.kind === 'classification' ? s.k : 0 };
}

export function layoutSize(l: Layout): number {
  return l.metrics.length + 3 * l.k;
}

/**
 * The metric vector under weights `w` (null = every row once) into `out` (length layoutSize):
 * out[j] = l.metrics[j]; then precision, recall, F1 of class c at metrics.length + 3c (+0, +1, +2).
 */
export function evaluateInto(s: Scores, l: Layout, w: Float64Array | null, out: Float64Array): void {
  if (s.kind === 'regression') return regressionInto(s, l, w, out);
  const needs = (m: MetricName) => l.metrics.includes(m);
  const cm = needs('accuracy') || needs('balanced_accuracy') || needs('precision_macro') || needs('recall_macro') || needs('f1_macro') || l.k > 0
    ? confusion(s, w) : null;
  const rates = cm ? perClassRates(cm) : null;
  let auc = NaN, ap = NaN;
  if (needs('roc_auc') || needs('pr_auc')) ({ auc, ap } = rankMetrics(s, w));
  let lossSum = 0, brierSum = 0, total = 0;
  if (needs('log_loss') || needs('brier')) {
    for (let i = 0; i < s.n; i++) {
      const wi = w ? w[i] : 1;
      if (wi === 0) continue;
      total += wi; lossSum += wi * s.loss[i]; brierSum += wi * s.brier[i];
    }
  }
  const macro = (v: Float64Array, mask: Uint8Array) => {
    let sum = 0, cnt = 0;
    for (let c = 0; c < v.length; c++) if (mask[c]) { sum += v[c]; cnt++; }
    return cnt ? sum / cnt : NaN;
  };
  l.metrics.forEach((m, j) => {
    switch (m) {
      case 'accuracy': {
        let hit = 0;
        for (let c = 0; c < s.k; c++) hit += cm!.tp[c];
        out[j] = cm!.total > 0 ? hit / cm!.total : NaN;
        break;
      }
      case 'balanced_accuracy': out[j] = macro(rates!.recall, rates!.inTruth); break;
      case 'precision_macro': out[j] = macro(rates!.precision, rates!.present); break;
      case 'recall_macro': out[j] = macro(rates!.recall, rates!.present); break;
      case 'f1_macro': out[j] = macro(rates!.f1, rates!.present); break;
      case 'roc_auc': out[j] = auc; break;
      case 'pr_auc': out[j] = ap; break;
      case 'log_loss': out[j] = total > 0 ? lossSum / total : NaN; break;
      case 'brier': out[j] = total > 0 ? brierSum / total : NaN; break;
      default: throw new Error(`Metric ${m} does not apply to a ${s.task.task} task`);
    }
  });
  const base = l.metrics.length;
  for (let c = 0; c < l.k; c++) {
    const defined = cm!.total > 0;
    out[base + 3 * c] = defined ? rates!.precision[c] : NaN;
    out[base + 3 * c + 1] = defined && rates!.inTruth[c] ? rates!.recall[c] : NaN;
    out[base + 3 * c + 2] = defined && rates!.present[c] ? rates!.f1[c] : NaN;
  }
}

/** Binary: of class 1's scores; multiclass: one-vs-rest macro over classes with both sides present. */
function rankMetrics(s: ClassScores, w: Float64Array | null): { auc: number; ap: number } {
  if (s.task.task === 'binary') return aucAndAp(s, s.ranks[0], 1, w);
  let aucSum = 0, aucN = 0, apSum = 0, apN = 0;
  s.ranks.forEach((r, c) => {
    const { auc, ap } = aucAndAp(s, r, c, w);
    if (!Number.isNaN(auc)) { aucSum += auc; aucN++; apSum += ap; apN++; }
  });
  return { auc: aucN ? aucSum / aucN : NaN, ap: apN ? apSum / apN : NaN };
}

function regressionInto(s: RegressionScores, l: Layout, w: Float64Array | null, out: Float64Array): void {
  let W = 0, sq = 0, abs = 0, ape = 0, sy = 0, syy = 0;
  for (let i = 0; i < s.n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    const r = s.resid[i];
    const t = s.y[i] - s.yMean;
    W += wi; sq += wi * r * r; abs += wi * Math.abs(r); sy += wi * t; syy += wi * t * t;
    if (s.ape) ape += wi * s.ape[i];
  }
  l.metrics.forEach((m, j) => {
    if (W === 0) { out[j] = NaN; return; }
    switch (m) {
      case 'rmse': out[j] = Math.sqrt(sq / W); break;
      case 'mae': out[j] = abs / W; break;
      case 'mape': out[j] = s.ape ? ape / W : NaN; break;
      case 'r2': {
        const ssTot = syy - (sy * sy) / W;
        // Constant target: scikit-learn's convention — perfect fit scores 1, anything else 0.
        out[j] = ssTot <= 1e-12 * syy ? (sq === 0 ? 1 : 0) : 1 - sq / ssTot;
        break;
      }
      default: throw new Error(`Metric ${m} does not apply to a regression task`);
    }
  });
}

/** Convenience: one metric on every row once (or under weights). */
export function metricValue(s: Scores, metric: MetricName, w: Float64Array | null = null): number {
  const l: Layout = { metrics: [metric], k: 0 };
  const out = new Float64Array(1);
  evaluateInto(s, l, w, out);
  return out[0];
}
