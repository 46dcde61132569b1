import { CancelledError, throwIfAborted } from '../../util/errors.ts';
import type { Dataset, FeatureSpec, FitContext, Fitted, FittedJSON, ModelFamily, TaskInfo } from '../types.ts';
import { assertTrainable } from '../validate.ts';
import { applyRecipe, learnRecipe, type Design } from './design.ts';
import { LinearFitted, type LinearState, linearFromJSON } from './model.ts';
import { minimizeLbfgs } from './lbfgs.ts';
import { LinearObjective, type LossKind } from './objective.ts';

/**
 * Linear family: ridge regression (squared loss), logistic regression (binary) and softmax regression
 * (multiclass) on standardised numerics + one-hot categoricals, fitted by L-BFGS (OWL-QN when l1 > 0).
 */
export interface LinearParams {
  /** L2 strength on the summed loss (scikit-learn: 1/C for logistic, alpha for Ridge). */
  l2: number;
  /** Optional L1 strength on the same scale (sparse coefficients). */
  l1?: number;
  maxIter: number;
  /** 'balanced' reweights classes inversely to their frequency. */
  classWeight?: 'balanced' | 'none';
  /** Convergence tolerance on max |gradient| of the mean loss. */
  tol?: number;
  /** > 1: numeric features also enter as this many one-hot quantile bins (a bent, not straight, effect). */
  bins?: number;
}

/** Probability floor for a class absent from the training rows (keeps log-odds finite). */
const MIN_PROB = 1e-6;
/** A long fit hands control back to the event loop at least this often. */
const YIELD_EVERY_MS = 25;

export { LinearFitted } from './model.ts';

export const linearFamily: ModelFamily<LinearParams> = {
  name: 'linear',
  displayName: 'Linear model',

  defaults(): LinearParams {
    return { l2: 1, l1: 0, maxIter: 500, classWeight: 'none', tol: 1e-4 };
  },

  async fit(train: Dataset, task: TaskInfo, params: LinearParams, ctx: FitContext): Promise<Fitted> {
    throwIfAborted(ctx.signal);
    assertTrainable(train, task);
    const l2 = Number.isFinite(params.l2) && params.l2 >= 0 ? params.l2 : 1;
    const l1 = Number.isFinite(params.l1) && (params.l1 ?? 0) > 0 ? params.l1! : 0;
    const maxIter = Math.max(1, Math.floor(params.maxIter) || 500);
    const y = train.y!;
    const n = train.nRows;

    const recipe = learnRecipe(train, { bins: params.bins });
    const design = applyRecipe(recipe, train, true);
    const loss: LossKind = task.task === 'regression' ? 'squared' : task.task === 'binary' ? 'logistic' : 'softmax';
    const K = loss === 'softmax' ? task.nClasses : 1;
    const stride = design.p + 1;
    const x0 = new Float64Array(K * stride);

    let target = y;
    let yMean = 0, yStd = 1;
    let weights = train.weights;
    let trivial = false;
    if (loss === 'squared') {
      // Standardise the target: better conditioned, and with the penalty scaled alike the minimiser equals Ridge's.
      ({ mean: yMean, std: yStd } = targetStats(y));
      if (!(yStd > 0)) yStd = 1;
      target = new Float64Array(n);
      for (let i = 0; i < n; i++) target[i] = (y[i] - yMean) / yStd;
      trivial = design.p === 0;
    } else {
      const k = task.nClasses;
      const counts = new Float64Array(k);
      for (let i = 0; i < n; i++) counts[y[i]] += train.weights ? train.weights[i] : 1;
      if (params.classWeight === 'balanced') weights = balancedWeights(y, k, train.weights);
      const present = counts.filter((c) => c > 0).length;
      const total = counts.reduce((a, b) => a + b, 0) || 1;
      const prior = Array.from(counts, (c) => Math.min(1 - MIN_PROB, Math.max(MIN_PROB, c / total)));
      // Start at the class prior: the optimum when features carry nothing, and a good start otherwise.
      if (K === 1) x0[design.p] = Math.log(prior[1] / (1 - prior[1]));
      else for (let c = 0; c < K; c++) x0[c * stride + design.p] = Math.log(prior[c]);
      // One class only (or nothing to learn from): the prior is the whole model.
      trivial = present < 2 || design.p === 0;
    }

    let coef: Float64Array = x0;
    let iterations = 0;
    if (!trivial) {
      const objective = new LinearObjective(design, loss, K, target, weights, l2);
      const l1Mask = new Uint8Array(K * stride).fill(1);
      for (let c = 0; c < K; c++) l1Mask[c * stride + design.p] = 0;
      let lastYield = performance.now();
      const result = await minimizeLbfgs(objective, x0, {
        maxIter,
        gradTol: params.tol ?? 1e-4,
        relTol: 1e-12,
        // Penalties are on the mean loss inside the objective; OWL-QN gets the L1 strength on the same scale.
        l1: l1 / (weightSum(weights, n)),
        l1Mask,
        onIteration: async (iter) => {
          ctx.onProgress?.({ fraction: Math.min(1, iter / maxIter), message: `iteration ${iter}` });
          // Let timers and messages run after the first iteration and then now and then, so a Stop click can abort a long fit.
          if (iter === 1 || performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
          if (ctx.signal?.aborted) throw new CancelledError();
        },
      });
      coef = result.x;
      iterations = result.iterations;
    }
    ctx.onProgress?.({ fraction: 1, message: 'done' });

    const state: LinearState = {
      taskInfo: { ...task },
      features: train.features.map(cloneSpec),
      recipe,
      loss,
      K,
      coef: Array.from(coef),
      yMean,
      yStd,
      importance: Array.from(importanceOf(design, coef, K, train.features.length)),
      iterations,
    };
    return new LinearFitted(state);
  },

  async fromJSON(json: FittedJSON): Promise<Fitted> {
    return linearFromJSON(json);
  },
};

/**
 * Importance of input feature j = standard deviation (over training rows) of its contribution to the
 * linear predictor, summed over outputs. Puts numeric (standardised) and one-hot features on one scale.
 */
function importanceOf(design: Design, coef: Float64Array, K: number, nFeatures: number): Float64Array {
  const n = design.n;
  const out = new Float64Array(nFeatures);
  if (n === 0) return out;
  const stride = design.p + 1;
  const contrib = new Float64Array(n);
  const groups = new Map<number, { dense: number[]; cat?: Design['cats'][number] }>();
  design.denseFeature.forEach((f, j) => {
    const g = groups.get(f) ?? { dense: [] };
    g.dense.push(j);
    groups.set(f, g);
  });
  // a numeric feature with bins has both its dense column and its bin slots in one group
  for (const cat of design.cats) groups.set(cat.feature, { dense: groups.get(cat.feature)?.dense ?? [], cat });
  for (const [feature, group] of groups) {
    if (!group.cat && group.dense.length === 1 && design.denseMissingFree[group.dense[0]]) {
      // A standardised column without missing values has std 1 on the training rows: no pass needed.
      let total = 0;
      for (let c = 0; c < K; c++) total += Math.abs(coef[c * stride + group.dense[0]]);
      out[feature] = total;
      continue;
    }
    let total = 0;
    for (let c = 0; c < K; c++) {
      contrib.fill(0);
      for (const j of group.dense) {
        const w = coef[c * stride + j] * design.denseScale[j], col = design.dense[j];
        for (let i = 0; i < n; i++) contrib[i] += w * col[i]; // the shift is constant: no effect on the spread
      }
      if (group.cat) {
        const { codes, offset } = group.cat;
        for (let i = 0; i < n; i++) if (codes[i] >= 0) contrib[i] += coef[c * stride + offset + codes[i]];
      }
      let mean = 0;
      for (let i = 0; i < n; i++) mean += contrib[i];
      mean /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (contrib[i] - mean) ** 2;
      total += Math.sqrt(ss / n);
    }
    out[feature] = total;
  }
  return out;
}

function balancedWeights(y: Float64Array, k: number, base?: Float64Array): Float64Array {
  const n = y.length;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const present = counts.filter((c) => c > 0).length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = (n / (present * counts[y[i]])) * (base ? base[i] : 1);
  return w;
}

function weightSum(w: Float64Array | undefined, n: number): number {
  if (!w) return n;
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s > 0 ? s : 1;
}

/** Mean and std of a finite target without overflow for huge values. */
function targetStats(y: Float64Array): { mean: number; std: number } {
  let maxAbs = 0;
  for (let i = 0; i < y.length; i++) maxAbs = Math.max(maxAbs, Math.abs(y[i]));
  const scale = maxAbs > 0 ? maxAbs : 1;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] / scale;
  const m = s / y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i] / scale - m) ** 2;
  const std = Math.sqrt(ss / y.length);
  return { mean: m * scale, std: std > 1e-12 ? std * scale : 0 };
}

function cloneSpec(f: FeatureSpec): FeatureSpec {
  return f.categories ? { name: f.name, kind: f.kind, categories: [...f.categories] } : { name: f.name, kind: f.kind };
}

