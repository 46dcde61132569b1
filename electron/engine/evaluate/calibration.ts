// Can its percentages be trusted? The reliability curve and expected calibration error (ECE) of the
// held-out predictions, and a post-hoc correction (Platt or isotonic for two outcomes, temperature for
// several) fitted on them: each candidate is cross-fitted over the plan's folds (or five seeded parts of
// a holdout) and kept only when it lowers log loss on rows it was not fitted on.
import {
  isotonicCalibrator, logit, plattCalibrator, sigmoid, temperatureCalibrator, type Calibrator, type CalibratorJSON, type CalibratorKind,
} from '../models/composite/calibrators.ts';
import type { TaskInfo } from '../models/types.ts';
import { mulberry32 } from '../util/random.ts';
import { metricValue, prepareScores } from './kernels.ts';
import type { EvalRows } from './rows.ts';
import type { ReliabilityBin } from '../../../shared/evaluation.ts';
export type { ReliabilityBin } from '../../../shared/evaluation.ts';

export interface Reliability {
  ece: number;
  bins: ReliabilityBin[];
}

export const RELIABILITY_BINS = 10;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Equal-width bins of the stated chance (scikit-learn's calibration_curve, 'uniform'); ECE is the
 * row-weighted gap between stated and observed (Guo et al. 2017; top-label for several outcomes).
 */
export function reliability(task: TaskInfo, y: Float64Array, pred: Float64Array, nBins = RELIABILITY_BINS): Reliability {
  const n = y.length;
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  const sp = new Float64Array(nBins), so = new Float64Array(nBins), cnt = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    let p: number, hit: number;
    if (task.task === 'binary') { p = pred[i]; hit = y[i] === 1 ? 1 : 0; } else {
      let best = 0;
      for (let c = 1; c < k; c++) if (pred[i * k + c] > pred[i * k + best]) best = c;
      p = pred[i * k + best]; hit = best === y[i] ? 1 : 0;
    }
    // scikit-learn's binning: edges linspace(0, 1, nBins+1), a value on an inner edge goes to the upper bin
    const b = Math.min(nBins - 1, Math.max(0, Math.floor(p * nBins + 1e-12)));
    sp[b] += p; so[b] += hit; cnt[b]++;
  }
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < nBins; b++) {
    if (!cnt[b]) continue;
    const pr = sp[b] / cnt[b], ob = so[b] / cnt[b];
    ece += (cnt[b] / n) * Math.abs(pr - ob);
    bins.push({ predicted: r6(pr), observed: r6(ob), rows: cnt[b] });
  }
  return { ece: n ? r6(ece) : NaN, bins };
}

// ---- fitting ----

/** Platt scaling on the log-odds, by Newton's method, with Platt's smoothed targets (as scikit-learn). */
export function fitPlatt(p: Float64Array, y: Float64Array): Calibrator {
  const n = p.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) nPos++;
  const hi = (nPos + 1) / (nPos + 2), lo = 1 / (n - nPos + 2);
  const z = Float64Array.from(p, logit);
  const t = Float64Array.from(y, (v) => (v === 1 ? hi : lo));
  let a = 1, b = 0;
  const loss = (a0: number, b0: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const u = a0 * z[i] + b0;
      // log(1 + e^u) - t u, stably
      s += (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u))) - t[i] * u;
    }
    return s;
  };
  let cur = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < n; i++) {
      const q = sigmoid(a * z[i] + b), d = q - t[i], w = q * (1 - q);
      ga += d * z[i]; gb += d; haa += w * z[i] * z[i]; hab += w * z[i]; hbb += w;
    }
    haa += 1e-9; hbb += 1e-9;
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    let step = 1, next = loss(a - da, b - db);
    while (next > cur && step > 1e-6) { step /= 2; next = loss(a - step * da, b - step * db); }
    if (next > cur) break;
    a -= step * da; b -= step * db;
    const gain = cur - next;
    cur = next;
    if (gain < 1e-10 * Math.max(1, Math.abs(cur))) break;
  }
  return plattCalibrator(a, b);
}

/**
 * Pool-adjacent-violators on (x ascending, y, w): the non-decreasing step fit, as blocks of
 * [first index, last index, weighted mean, weight].
 */
export function pav(x: Float64Array, y: Float64Array, w?: Float64Array): { lo: number; hi: number; value: number; weight: number }[] {
  const blocks: { lo: number; hi: number; value: number; weight: number }[] = [];
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    // equal x values are one point (scikit-learn averages ties first)
    if (blocks.length && x[blocks[blocks.length - 1].hi] === x[i]) {
      const b = blocks[blocks.length - 1];
      b.value = (b.value * b.weight + y[i] * wi) / (b.weight + wi); b.weight += wi; b.hi = i;
    } else blocks.push({ lo: i, hi: i, value: y[i], weight: wi });
    while (blocks.length > 1 && blocks[blocks.length - 2].value >= blocks[blocks.length - 1].value) {
      const b = blocks.pop()!, a = blocks[blocks.length - 1];
      a.value = (a.value * a.weight + b.value * b.weight) / (a.weight + b.weight); a.weight += b.weight; a.hi = b.hi;
    }
  }
  return blocks;
}

/**
 * Isotonic calibration: PAV of the outcome on the stated chance, knots at each block's ends. With
 * `smooth`, each block's share is pulled toward the overall share by one row's worth, so a block of
 * a few rows never states 0 % or 100 % (which a held-out row can make infinitely wrong).
 */
export function fitIsotonic(p: Float64Array, y: Float64Array, smooth = true): Calibrator {
  const order = Int32Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  const xs = Float64Array.from(order, (i) => Math.min(1, Math.max(0, p[i])));
  const ys = Float64Array.from(order, (i) => (y[i] === 1 ? 1 : 0));
  let prior = 0;
  for (const v of ys) prior += v;
  prior /= ys.length || 1;
  const blocks = pav(xs, ys);
  const kx: number[] = [], ky: number[] = [];
  let floor = 0;
  for (const b of blocks) {
    const v = Math.max(floor, smooth ? (b.value * b.weight + prior) / (b.weight + 1) : b.value);
    floor = v;
    for (const x of b.lo === b.hi || xs[b.lo] === xs[b.hi] ? [xs[b.lo]] : [xs[b.lo], xs[b.hi]]) {
      if (kx.length && x <= kx[kx.length - 1]) { ky[ky.length - 1] = Math.max(ky[ky.length - 1], v); continue; }
      kx.push(x); ky.push(v);
    }
  }
  return isotonicCalibrator(kx, ky);
}

/** Temperature scaling: the t minimising log loss of softmax(log p / t), by golden-section search on log t. */
export function fitTemperature(pred: Float64Array, y: Float64Array, k: number): Calibrator {
  const task: TaskInfo = { task: 'multiclass', nClasses: k };
  const lossAt = (lt: number) => metricValue(prepareScores(task, y, temperatureCalibrator(Math.exp(lt), k).apply(pred)), 'log_loss');
  let a = Math.log(0.05), b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a), d = a + g * (b - a), fc = lossAt(c), fd = lossAt(d);
  for (let it = 0; it < 40 && b - a > 1e-4; it++) {
    if (fc < fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = lossAt(c); } else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = lossAt(d); }
  }
  return temperatureCalibrator(Math.exp((a + b) / 2), k);
}

export function fitCalibrator(kind: CalibratorKind, task: TaskInfo, pred: Float64Array, y: Float64Array): Calibrator {
  if (kind === 'platt') return fitPlatt(pred, y);
  if (kind === 'isotonic') return fitIsotonic(pred, y);
  return fitTemperature(pred, y, task.nClasses);
}

// ---- choosing ----

export interface CalibrationChoice {
  /** The chosen correction, fitted on every held-out row; null when none lowered the held-out log loss. */
  calibrator: Calibrator | null;
  json: CalibratorJSON | null;
  /** Each candidate's held-out log loss (cross-fitted), beside the model's own. */
  tried: { kind: CalibratorKind; log_loss: number }[];
  log_loss_before: number;
  log_loss_after: number;
  /** Reliability of the cross-fitted corrected predictions (what a user would have seen). */
  after?: Reliability;
  /** Each row's corrected chance from a correction fitted without its fold: for ranges and thresholds. */
  crossFitted?: Float64Array;
}

/** Relative log-loss drop a correction must bring on held-out rows to be kept (below it is noise). */
export const MIN_RELATIVE_GAIN = 0.002;

/** Groups for cross-fitting: the plan's folds, or five seeded parts of a holdout / a user's file. */
export function crossFitGroups(rows: EvalRows, seed: number): { group: Int32Array; count: number } {
  if (rows.kind === 'kfold' && rows.nFolds > 1) return { group: rows.fold, count: rows.nFolds };
  const rnd = mulberry32(seed ^ 0x5bd1e995);
  const count = 5;
  const perm = Int32Array.from({ length: rows.n }, (_, i) => i);
  for (let i = rows.n - 1; i > 0; i--) { const j = (rnd() * (i + 1)) | 0; const t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
  const group = new Int32Array(rows.n);
  for (let j = 0; j < rows.n; j++) group[perm[j]] = j % count;
  return { group, count };
}

/** Each row's prediction from a calibrator fitted on the other groups' rows. */
export function crossFitted(kind: CalibratorKind, rows: EvalRows, groups: { group: Int32Array; count: number }): Float64Array {
  const s = rows.stride;
  const out = new Float64Array(rows.pred.length);
  for (let g = 0; g < groups.count; g++) {
    const fitIdx: number[] = [], applyIdx: number[] = [];
    for (let i = 0; i < rows.n; i++) (groups.group[i] === g ? applyIdx : fitIdx).push(i);
    if (applyIdx.length === 0) continue;
    const take = (idx: number[]) => {
      const p = new Float64Array(idx.length * s);
      idx.forEach((r, j) => { for (let c = 0; c < s; c++) p[j * s + c] = rows.pred[r * s + c]; });
      return p;
    };
    const cal = fitCalibrator(kind, rows.task, take(fitIdx), Float64Array.from(fitIdx, (r) => rows.y[r]));
    const applied = cal.apply(take(applyIdx));
    applyIdx.forEach((r, j) => { for (let c = 0; c < s; c++) out[r * s + c] = applied[j * s + c]; });
  }
  return out;
}

export function chooseCalibration(rows: EvalRows, seed = 0): CalibrationChoice {
  const task = rows.task;
  const before = metricValue(prepareScores(task, rows.y, rows.pred), 'log_loss');
  const kinds: CalibratorKind[] = task.task === 'binary' ? ['platt', 'isotonic'] : ['temperature'];
  // Too few rows of an outcome to fit anything honestly: keep the model's own chances.
  const none: CalibrationChoice = { calibrator: null, json: null, tried: [], log_loss_before: before, log_loss_after: before };
  if (task.task === 'regression' || rows.n < 100) return none;
  const groups = crossFitGroups(rows, seed);
  let best: { kind: CalibratorKind; loss: number; pred: Float64Array } | null = null;
  const tried: CalibrationChoice['tried'] = [];
  for (const kind of kinds) {
    const pred = crossFitted(kind, rows, groups);
    const loss = metricValue(prepareScores(task, rows.y, pred), 'log_loss');
    tried.push({ kind, log_loss: r6(loss) });
    if (!best || loss < best.loss) best = { kind, loss, pred };
  }
  if (!best || !(best.loss < before * (1 - MIN_RELATIVE_GAIN))) return { ...none, tried };
  const calibrator = fitCalibrator(best.kind, task, rows.pred, rows.y);
  return {
    calibrator, json: calibrator.toJSON(), tried,
    log_loss_before: r6(before), log_loss_after: r6(best.loss),
    after: reliability(task, rows.y, best.pred),
    crossFitted: best.pred,
  };
}
