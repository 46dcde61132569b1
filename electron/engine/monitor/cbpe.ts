// Confidence-based performance estimation (NannyML's CBPE): with calibrated probabilities, each row's
// chance of being right is known even without its outcome, so the expected value of every metric on a
// new file can be computed from the model's outputs alone.
//
// Expected metrics are of the model's own outputs (its labels, its score order, its probabilities),
// as the real metric would be; only the outcome is replaced by its calibrated probability:
// - accuracy: mean probability of the predicted class;
// - F1 of a class: E[TP] / (E[TP] + (E[FP] + E[FN]) / 2), then the macro mean (Augur's f1_macro);
// - ROC AUC: the ROC curve of expected positives and negatives cumulated along the score order
//   (NannyML's estimate_roc_auc), one-vs-rest macro for several classes;
// - log loss: the mean of −Σ_c p_c · log(model's probability of c).
import type { MetricName } from '../evaluate/metrics.ts';
import { computeMetric } from '../evaluate/metrics.ts';
import type { TaskInfo } from '../models/types.ts';
import { mulberry32, gaussian } from '../util/random.ts';
import { throwIfAborted } from '../util/errors.ts';
import { locate, type Isotonic } from './calibrate.ts';

export const CBPE_METRICS: MetricName[] = ['roc_auc', 'accuracy', 'f1_macro', 'log_loss'];
const EPS = 1e-15;

/**
 * Expected metrics given the model's outputs `raw` (binary: P(class 1); multiclass: n × k row-major)
 * and calibrated probabilities `cal` in the same layout.
 */
export function expectedMetrics(task: TaskInfo, raw: Float64Array, cal: Float64Array): Record<MetricName, number> {
  const k = task.task === 'multiclass' ? task.nClasses : 2;
  const n = task.task === 'multiclass' ? raw.length / k : raw.length;
  // per row: model's class, and per class the raw and calibrated probability
  const rawP = (i: number, c: number) => (task.task === 'multiclass' ? raw[i * k + c] : c === 1 ? raw[i] : 1 - raw[i]);
  const calP = (i: number, c: number) => (task.task === 'multiclass' ? cal[i * k + c] : c === 1 ? cal[i] : 1 - cal[i]);
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (task.task !== 'multiclass') label[i] = raw[i] > 0.5 ? 1 : 0;
    else for (let c = 1; c < k; c++) if (raw[i * k + c] > raw[i * k + label[i]]) label[i] = c;
  }
  let acc = 0;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    acc += calP(i, label[i]);
    for (let c = 0; c < k; c++) ll -= calP(i, c) * Math.log(Math.min(1 - EPS, Math.max(EPS, rawP(i, c))));
  }
  let f1 = 0;
  let auc = 0;
  let aucClasses = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < n; i++) {
      const p = calP(i, c);
      if (label[i] === c) {
        tp += p;
        fp += 1 - p;
      } else fn += p;
    }
    f1 += tp + (fp + fn) / 2 > 0 ? tp / (tp + (fp + fn) / 2) : 0;
    // binary ROC AUC is one curve (class 1); classes are averaged one-vs-rest otherwise
    if (task.task === 'multiclass' || c === 1) {
      const a = expectedAuc(n, (i) => rawP(i, c), (i) => calP(i, c));
      if (a === a) {
        auc += a;
        aucClasses++;
      }
    }
  }
  return { accuracy: acc / n, log_loss: ll / n, f1_macro: f1 / k, roc_auc: aucClasses ? auc / aucClasses : NaN } as Record<MetricName, number>;
}

/** NannyML's estimated ROC AUC: trapezoids under the curve of cumulated expected TP/FP along descending score. */
function expectedAuc(n: number, score: (i: number) => number, p: (i: number) => number): number {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score(b) - score(a));
  let totalP = 0;
  for (let i = 0; i < n; i++) totalP += p(i);
  const totalN = n - totalP;
  if (!(totalP > 0) || !(totalN > 0)) return NaN;
  let tp = 0;
  let fp = 0;
  let area = 0;
  for (const i of order) {
    const dtp = p(i);
    const dfp = 1 - dtp;
    area += (dfp / totalN) * ((tp + dtp / 2) / totalP);
    tp += dtp;
    fp += dfp;
  }
  return area;
}

export interface Simulation {
  /** Standard deviation of each metric's real value on this file, over simulated outcomes. */
  sd: Record<MetricName, number>;
}

/**
 * How far the real metric on this file may fall from the estimate: outcomes are drawn from the
 * calibrated probabilities (the realised metric's own sampling noise), each time from a calibration
 * redrawn within its uncertainty (a block of w reference rows at probability v has sd √(v(1−v)/w)),
 * and the metric is computed on the model's outputs as the real one would be.
 */
export function simulateMetrics(
  task: TaskInfo,
  raw: Float64Array,
  calibrators: Isotonic[],
  sims: number,
  seed: number,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Simulation {
  const k = task.task === 'multiclass' ? task.nClasses : 2;
  const n = task.task === 'multiclass' ? raw.length / k : raw.length;
  const nCal = calibrators.length;
  // each row's place in each calibrator, found once
  const at = calibrators.map((cal, c) => {
    const ks = new Int32Array(n);
    const ts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const l = locate(cal, task.task === 'multiclass' ? raw[i * k + c] : raw[i]);
      ks[i] = l.k;
      ts[i] = l.t;
    }
    return { ks, ts };
  });
  const blocks = calibrators.map(blockIndex);
  const rnd = mulberry32(seed);
  const y = new Float64Array(n);
  const values: Record<string, number[]> = {};
  const ranks = aucRanks(task, raw, n, k);
  for (let s = 0; s < sims; s++) {
    if (s % 20 === 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.(s / sims);
    }
    const p = new Float64Array(nCal * n);
    for (let c = 0; c < nCal; c++) {
      const cal = calibrators[c];
      const z = Array.from({ length: blocks[c].count }, () => gaussian(rnd));
      const yy = cal.y.map((v, j) => {
        const w = cal.w[j];
        const v0 = (v * w + 0.5) / (w + 1);
        return Math.min(1, Math.max(0, v + Math.sqrt((v0 * (1 - v0)) / w) * z[blocks[c].of[j]]));
      });
      const { ks, ts } = at[c];
      for (let i = 0; i < n; i++) {
        const kk = ks[i];
        p[c * n + i] = cal.x.length === 0 ? raw[i] : ts[i] === 0 ? yy[kk] : yy[kk] + ts[i] * (yy[kk + 1] - yy[kk]);
      }
    }
    drawOutcomes(task, p, n, k, rnd, y);
    for (const m of CBPE_METRICS) (values[m] ??= []).push(m === 'roc_auc' ? rankAuc(task, ranks, y, n) : computeMetric(m, task, y, raw));
  }
  const sd = {} as Record<MetricName, number>;
  for (const m of CBPE_METRICS) sd[m] = stdDev(values[m].filter((v) => v === v));
  return { sd };
}

/** Outcomes drawn from per-class probabilities (multiclass rows renormalised, as calibration leaves them). */
function drawOutcomes(task: TaskInfo, p: Float64Array, n: number, k: number, rnd: () => number, y: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const u = rnd();
    if (task.task !== 'multiclass') {
      y[i] = u < p[i] ? 1 : 0;
      continue;
    }
    let total = 0;
    for (let c = 0; c < k; c++) total += p[c * n + i];
    let acc = 0;
    y[i] = k - 1;
    for (let c = 0; c < k; c++) {
      acc += total > 0 ? p[c * n + i] / total : 1 / k;
      if (u < acc) {
        y[i] = c;
        break;
      }
    }
  }
}

/** Block number of each breakpoint (a block's two ends share value and weight). */
function blockIndex(cal: Isotonic): { of: Int32Array; count: number } {
  const of = new Int32Array(cal.x.length);
  let b = 0;
  for (let j = 1; j < cal.x.length; j++) {
    if (cal.y[j] !== cal.y[j - 1] || cal.w[j] !== cal.w[j - 1]) b++;
    of[j] = b;
  }
  return { of, count: cal.x.length ? b + 1 : 0 };
}

/** Average ranks (1-based, ties averaged) of each class's score: ROC AUC is then O(n) per simulated outcome. */
function aucRanks(task: TaskInfo, raw: Float64Array, n: number, k: number): Float64Array[] {
  const classes = task.task === 'multiclass' ? k : 1;
  return Array.from({ length: classes }, (_, c) => {
    const score = (i: number) => (task.task === 'multiclass' ? raw[i * k + c] : raw[i]);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score(a) - score(b));
    const r = new Float64Array(n);
    for (let i = 0; i < n; ) {
      let j = i;
      while (j + 1 < n && score(order[j + 1]) === score(order[i])) j++;
      for (let t = i; t <= j; t++) r[order[t]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  });
}

function rankAuc(task: TaskInfo, ranks: Float64Array[], y: Float64Array, n: number): number {
  let sum = 0;
  let count = 0;
  ranks.forEach((r, c) => {
    const positive = task.task === 'multiclass' ? c : 1;
    let nPos = 0;
    let rs = 0;
    for (let i = 0; i < n; i++) {
      if (y[i] === positive) {
        nPos++;
        rs += r[i];
      }
    }
    const nNeg = n - nPos;
    if (nPos && nNeg) {
      sum += (rs - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
      count++;
    }
  });
  return count ? sum / count : NaN;
}

function stdDev(a: number[]): number {
  if (a.length < 2) return NaN;
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
}
