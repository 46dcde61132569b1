import type { TaskInfo } from '../types.ts';

export interface GbdtParams {
  /** Regression loss; classification always uses log-loss (binary) / softmax (multiclass). */
  objective: 'squared_error' | 'huber';
  learningRate: number;
  /** Upper bound on boosting rounds (one tree per class per round). */
  nRounds: number;
  /** Stop when the validation loss has not improved for this many rounds (needs ctx.valid; 0 = off). */
  earlyStoppingRounds: number;
  /** 'lossguide': best-first up to maxLeaves (LightGBM); 'depthwise': full levels up to maxDepth (XGBoost). */
  growPolicy: 'lossguide' | 'depthwise';
  /** 0 = no depth limit (lossguide only). */
  maxDepth: number;
  maxLeaves: number;
  minChildWeight: number;
  minDataInLeaf: number;
  minSplitGain: number;
  /** L2 / L1 regularisation of leaf values. */
  lambda: number;
  alpha: number;
  /** Row fraction sampled per round, feature fraction per tree. */
  subsample: number;
  colsampleByTree: number;
  /** Value bins per feature (<= 255; missing values get their own extra bin). */
  maxBins: number;
  /** Huber: residuals above this quantile of |residual| are clipped (re-estimated each round). */
  huberQuantile: number;
  catL2: number;
  catSmooth: number;
  maxCatOneHot: number;
  /**
   * Quantized gradients on big all-numeric tables (LightGBM's quantized training): the split search
   * uses 4-8 bit stochastically rounded gradients packed in one float, leaf values the exact ones.
   */
  quantizedGradients: boolean;
  /**
   * Threads for one model: >1 shares histograms, split scans and row partitions with helper threads on
   * shared memory (tables of 30k+ rows; same model as 1 thread). The search usually runs trials in
   * parallel instead and keeps this at 1.
   */
  threads: number;
}

export function gbdtDefaults(task: TaskInfo, shape: { nRows: number; nFeatures: number }): GbdtParams {
  void task;
  return {
    objective: 'squared_error',
    learningRate: 0.1,
    nRounds: 500,
    earlyStoppingRounds: 30,
    growPolicy: 'lossguide',
    maxDepth: 0,
    maxLeaves: 31,
    minChildWeight: 1e-3,
    // LightGBM's 20 rows per leaf, relaxed for very small tables
    minDataInLeaf: Math.max(2, Math.min(20, Math.floor(shape.nRows / 50))),
    minSplitGain: 0,
    lambda: 1,
    alpha: 0,
    subsample: 1,
    colsampleByTree: 1,
    maxBins: 255,
    huberQuantile: 0.9,
    catL2: 10,
    catSmooth: 10,
    maxCatOneHot: 4,
    quantizedGradients: true,
    threads: 1,
  };
}

/** Fills gaps in partial params from the defaults and clamps values into their valid ranges. */
export function resolveGbdtParams(p: Partial<GbdtParams>, task: TaskInfo, shape: { nRows: number; nFeatures: number }): GbdtParams {
  const d = gbdtDefaults(task, shape);
  const r: GbdtParams = { ...d, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) } as GbdtParams;
  const num = (v: number, lo: number, hi: number, dflt: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : dflt);
  r.learningRate = num(r.learningRate, 1e-6, 1, d.learningRate);
  r.nRounds = Math.floor(num(r.nRounds, 1, 100_000, d.nRounds));
  r.earlyStoppingRounds = Math.floor(num(r.earlyStoppingRounds, 0, 100_000, d.earlyStoppingRounds));
  r.maxDepth = Math.floor(num(r.maxDepth, 0, 64, d.maxDepth));
  r.maxLeaves = Math.floor(num(r.maxLeaves, 2, 1 << 16, d.maxLeaves));
  if (r.growPolicy === 'depthwise') {
    if (r.maxDepth <= 0) r.maxDepth = 6;
    r.maxLeaves = 2 ** Math.min(r.maxDepth, 16);
  }
  r.minChildWeight = num(r.minChildWeight, 0, Infinity, d.minChildWeight);
  r.minDataInLeaf = num(r.minDataInLeaf, 0, Infinity, d.minDataInLeaf);
  r.minSplitGain = num(r.minSplitGain, 0, Infinity, 0);
  r.lambda = num(r.lambda, 0, Infinity, d.lambda);
  r.alpha = num(r.alpha, 0, Infinity, 0);
  r.subsample = num(r.subsample, 0.01, 1, 1);
  r.colsampleByTree = num(r.colsampleByTree, 0.01, 1, 1);
  r.maxBins = Math.floor(num(r.maxBins, 2, 255, 255));
  r.huberQuantile = num(r.huberQuantile, 0.5, 1, d.huberQuantile);
  r.threads = Math.floor(num(r.threads, 1, 64, 1));
  r.quantizedGradients = r.quantizedGradients !== false;
  return r;
}
