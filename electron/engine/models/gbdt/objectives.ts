/**
 * Losses on raw scores. Gradients are written as [h, g] pairs per row (the layout the histogram reads),
 * multiplied by the row weight.
 */
import { sortNumbers } from '../trees/binning.ts';

export type ObjectiveName = 'binary' | 'multiclass' | 'squared_error' | 'huber';

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

const HMIN = 1e-16;

export function binaryGradients(score: Float64Array, y: Float64Array, w: Float64Array | undefined, gh: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const p = sigmoid(score[i]);
    const wi = w ? w[i] : 1;
    gh[2 * i] = Math.max(p * (1 - p), HMIN) * wi;
    gh[2 * i + 1] = (p - y[i]) * wi;
  }
}

/** Softmax probabilities of all classes, row-major n x K, computed once per round. */
export function softmaxRows(score: Float64Array, K: number, prob: Float64Array): void {
  const n = score.length / K;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (score[o + k] > m) m = score[o + k];
    let s = 0;
    for (let k = 0; k < K; k++) { const e = Math.exp(score[o + k] - m); prob[o + k] = e; s += e; }
    for (let k = 0; k < K; k++) prob[o + k] /= s;
  }
}

export function multiclassGradients(prob: Float64Array, K: number, k: number, y: Float64Array, w: Float64Array | undefined, gh: Float64Array): void {
  const factor = K / (K - 1); // LightGBM's hessian scaling for softmax
  for (let i = 0; i < y.length; i++) {
    const p = prob[i * K + k];
    const wi = w ? w[i] : 1;
    gh[2 * i] = Math.max(factor * p * (1 - p), HMIN) * wi;
    gh[2 * i + 1] = (p - (y[i] === k ? 1 : 0)) * wi;
  }
}

export function squaredGradients(score: Float64Array, y: Float64Array, w: Float64Array | undefined, gh: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    gh[2 * i] = wi;
    gh[2 * i + 1] = (score[i] - y[i]) * wi;
  }
}

/** Huber with delta = the given quantile of |residual| this round (as scikit-learn's GradientBoostingRegressor). */
export function huberGradients(score: Float64Array, y: Float64Array, w: Float64Array | undefined, gh: Float64Array, quantile: number): void {
  const n = y.length;
  const delta = huberDelta(score, y, quantile);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    const r = score[i] - y[i];
    gh[2 * i] = wi;
    gh[2 * i + 1] = (r > delta ? delta : r < -delta ? -delta : r) * wi;
  }
}

/** Huber's delta: the given quantile of |residual| (at least 1e-300). */
export function huberDelta(score: Float64Array, y: Float64Array, quantile: number): number {
  const n = y.length;
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) abs[i] = Math.abs(score[i] - y[i]);
  const sorted = sortNumbers(abs); // the built-in sort's order, faster (every round sorts all rows)
  return Math.max(sorted[Math.min(n - 1, Math.floor(quantile * (n - 1)))], 1e-300);
}

/** Validation loss used for early stopping (lower is better). */
export function validLoss(obj: ObjectiveName, score: Float64Array, y: Float64Array, K: number): number {
  const n = y.length;
  let s = 0;
  if (obj === 'binary') {
    for (let i = 0; i < n; i++) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(score[i])));
      s -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
    }
  } else if (obj === 'multiclass') {
    for (let i = 0; i < n; i++) {
      const o = i * K;
      let m = -Infinity;
      for (let k = 0; k < K; k++) if (score[o + k] > m) m = score[o + k];
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(score[o + k] - m);
      s -= score[o + y[i]] - m - Math.log(z);
    }
  } else if (obj === 'huber') {
    for (let i = 0; i < n; i++) s += Math.abs(score[i] - y[i]);
  } else {
    for (let i = 0; i < n; i++) { const d = score[i] - y[i]; s += d * d; }
  }
  return s / Math.max(1, n);
}

/** Starting raw score(s): log-odds / log-priors / mean / median. */
export function initialScores(obj: ObjectiveName, y: Float64Array, w: Float64Array | undefined, K: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(K);
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += w ? w[i] : 1;
  if (obj === 'binary' || obj === 'multiclass') {
    const cls = obj === 'binary' ? 2 : K;
    const cnt = new Float64Array(cls);
    for (let i = 0; i < n; i++) cnt[y[i]] += w ? w[i] : 1;
    const clamp = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));
    if (obj === 'binary') {
      const p = clamp(cnt[1] / wsum);
      out[0] = Math.log(p / (1 - p));
    } else for (let k = 0; k < K; k++) out[k] = Math.log(clamp(cnt[k] / wsum));
  } else if (obj === 'huber') {
    const s = Float64Array.from(y).sort();
    out[0] = s[Math.floor((n - 1) / 2)];
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) s += (w ? w[i] : 1) * y[i];
    out[0] = s / wsum;
  }
  return out;
}
