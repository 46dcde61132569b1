// Chart data from the held-out predictions: ROC and precision-recall curves, cumulative gain and lift,
// the confusion matrix, and predicted-vs-actual and residuals for amounts. Curves have one point per
// distinct score, thinned to ≤ 200 points that keep their shape.
import { mulberry32 } from '../util/random.ts';
import { quantileSorted } from './bootstrap.ts';
import type { ClassScores, RegressionScores } from './kernels.ts';
import { thinCurve } from './thin.ts';
import type { RocPoint, PrPoint, GainPoint, ClassCurves, ConfusionMatrix, AmountCharts } from '../../../shared/evaluation.ts';
export type { RocPoint, PrPoint, GainPoint, ClassCurves, ConfusionMatrix, AmountCharts } from '../../../shared/evaluation.ts';

export const MAX_CURVE_POINTS = 200;

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** ROC, PR and gain curves of one outcome's scores (`score(i)`), from the precomputed descending order. */
export function classCurves(s: ClassScores, rank: number, positive: number, score: (i: number) => number, max = MAX_CURVE_POINTS): ClassCurves | null {
  const { order, starts } = s.ranks[rank];
  let pos = 0;
  for (let i = 0; i < s.n; i++) if (s.y[i] === positive) pos++;
  const neg = s.n - pos;
  if (pos === 0 || neg === 0) return null;
  const fpr = [0], tpr = [0], prec = [1], rec = [0], share = [0], thr: (number | null)[] = [null];
  let tp = 0, fp = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j];
    if (s.y[i] === positive) tp++; else fp++;
    // a point at the end of each group of equal scores
    if (j === order.length - 1 || starts[j + 1]) {
      fpr.push(fp / neg); tpr.push(tp / pos); prec.push(tp / (tp + fp)); rec.push(tp / pos);
      share.push((tp + fp) / s.n); thr.push(score(i));
    }
  }
  const rocIdx = thinCurve(fpr, tpr, max);
  // PR from the first real point (the (0, 1) start is a convention, kept as the curve's left end)
  const prIdx = thinCurve(rec, prec, max);
  const gainIdx = thinCurve(share, tpr, max);
  return {
    class: positive,
    roc: Array.from(rocIdx, (k) => ({ fpr: r6(fpr[k]), tpr: r6(tpr[k]), threshold: thr[k] })),
    pr: Array.from(prIdx, (k) => ({ recall: r6(rec[k]), precision: r6(prec[k]), threshold: thr[k] })),
    gain: Array.from(gainIdx, (k) => ({ rows: r6(share[k]), found: r6(tpr[k]), lift: share[k] > 0 ? r6(tpr[k] / share[k]) : 1, threshold: thr[k] })),
  };
}

/** Curves for every outcome: binary the second class; multiclass each class against the rest. */
export function curvesFor(s: ClassScores, pred: Float64Array): ClassCurves[] {
  if (s.task.task === 'binary') {
    const c = classCurves(s, 0, 1, (i) => pred[i]);
    return c ? [c] : [];
  }
  const k = s.task.nClasses;
  const out: ClassCurves[] = [];
  for (let c = 0; c < k; c++) {
    const cur = classCurves(s, c, c, (i) => pred[i * k + c]);
    if (cur) out.push(cur);
  }
  return out;
}

export function confusionMatrix(s: ClassScores): ConfusionMatrix {
  const counts = Array.from({ length: s.k }, () => new Array<number>(s.k).fill(0));
  for (let i = 0; i < s.n; i++) counts[s.y[i]][s.label[i]]++;
  const row_shares = counts.map((row) => {
    const t = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (t ? r6(c / t) : 0));
  });
  return { counts, row_shares };
}

export function amountCharts(s: RegressionScores, pred: Float64Array, seed = 0, points = 400, nBins = 20): AmountCharts {
  const n = s.n;
  const rnd = mulberry32(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0 && n > points; i--) { const j = (rnd() * (i + 1)) | 0; const t = idx[i]; idx[i] = idx[j]; idx[j] = t; }
  const sample = Array.from(idx.slice(0, Math.min(points, n))).sort((a, b) => a - b);
  const byPred = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => pred[a] - pred[b]);
  const bins: AmountCharts['bins'] = [];
  const nb = Math.max(1, Math.min(nBins, Math.floor(n / 10)));
  for (let b = 0; b < nb && n > 0; b++) {
    const lo = Math.floor((b * n) / nb), hi = Math.floor(((b + 1) * n) / nb);
    let sp = 0, sa = 0;
    for (let j = lo; j < hi; j++) { sp += pred[byPred[j]]; sa += s.y[byPred[j]]; }
    if (hi > lo) bins.push({ predicted: r6(sp / (hi - lo)), actual: r6(sa / (hi - lo)), rows: hi - lo });
  }
  const resid = Float64Array.from({ length: n }, (_, i) => -s.resid[i]).sort();
  const a = quantileSorted(resid, 0.01), z = quantileSorted(resid, 0.99);
  const nh = 30;
  const width = z > a ? (z - a) / nh : 1;
  const hist = new Array<number>(nh).fill(0);
  for (let i = 0; i < n; i++) hist[Math.max(0, Math.min(nh - 1, Math.floor((resid[i] - a) / width)))]++;
  return {
    points: sample.map((i) => ({ predicted: r6(pred[i]), actual: r6(s.y[i]) })),
    bins,
    residuals: n ? hist.map((rows, b) => ({ from: r6(a + b * width), to: r6(a + (b + 1) * width), rows })) : [],
  };
}
