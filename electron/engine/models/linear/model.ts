import { UserError } from '../../util/errors.ts';
import type { Dataset, FeatureSpec, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { parseFeatures } from '../trees/features.ts';
import { assertPredictable, parseTaskInfo } from '../validate.ts';
import { applyRecipe, stepWidth, type DesignRecipe } from './design.ts';
import { computeEta, type LossKind } from './objective.ts';

// The linear model's predict side (pure): the saved recipe turns a Dataset into the design, then
// coefficients give the prediction. Fitting is in index.ts.

export const LINEAR_FORMAT = 1;

export interface LinearState {
  taskInfo: TaskInfo;
  features: FeatureSpec[];
  recipe: DesignRecipe;
  loss: LossKind;
  K: number;
  /** K blocks of (p coefficients + intercept). */
  coef: number[];
  /** Regression: predictions are yMean + yStd * eta. */
  yMean: number;
  yStd: number;
  importance: number[];
  iterations: number;
}

export class LinearFitted implements Fitted {
  readonly family = 'linear';
  readonly taskInfo: TaskInfo;
  private readonly coef: Float64Array;

  constructor(private readonly state: LinearState) {
    this.taskInfo = state.taskInfo;
    this.coef = Float64Array.from(state.coef);
  }

  predict(data: Dataset): Float64Array {
    assertPredictable(data, this.state.features);
    const { K, loss, yMean, yStd } = this.state;
    const design = applyRecipe(this.state.recipe, data);
    const n = data.nRows;
    const eta = new Float64Array(n * K);
    computeEta(design, this.coef, K, eta);
    if (loss === 'squared') {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = clampFinite(yMean + yStd * eta[i]);
      return out;
    }
    if (loss === 'logistic') {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = sigmoid(eta[i]);
      return out;
    }
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let c = 0; c < K; c++) if (eta[c * n + i] > mx) mx = eta[c * n + i];
      let z = 0;
      for (let c = 0; c < K; c++) { const e = Math.exp(eta[c * n + i] - mx); out[i * K + c] = e; z += e; }
      for (let c = 0; c < K; c++) out[i * K + c] /= z;
    }
    return out;
  }

  featureImportance(): Float64Array {
    return Float64Array.from(this.state.importance);
  }

  /** Iterations the optimiser used (diagnostics / benchmarks). */
  get iterations(): number { return this.state.iterations; }

  toJSON(): FittedJSON {
    return { family: 'linear', formatVersion: LINEAR_FORMAT, ...structuredClone(this.state) };
  }
}

/** Rebuilds a linear model from its JSON; the input is untrusted (a model file). */
export function linearFromJSON(json: FittedJSON): LinearFitted {
  return new LinearFitted(parseState(json));
}

function sigmoid(e: number): number {
  return e >= 0 ? 1 / (1 + Math.exp(-e)) : Math.exp(e) / (1 + Math.exp(e));
}

function clampFinite(v: number): number {
  if (Number.isFinite(v)) return v;
  return v > 0 ? Number.MAX_VALUE : v < 0 ? -Number.MAX_VALUE : 0;
}

function damaged(): UserError {
  return new UserError('bad_model', 'The saved model is damaged or was made by a different version of the app.');
}

function parseState(json: FittedJSON): LinearState {
  if (!json || json.family !== 'linear' || json.formatVersion !== LINEAR_FORMAT) throw damaged();
  const s = json as unknown as Record<string, unknown>;
  const finite = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => Number.isFinite(v));
  const int = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  const taskInfo = parseTaskInfo(s.taskInfo);
  const features = parseFeatures(s.features);
  const recipe = s.recipe as { steps?: unknown } | undefined;
  if (!taskInfo || !features || !recipe || typeof recipe !== 'object' || !Array.isArray(recipe.steps)) throw damaged();
  const loss = s.loss as LossKind;
  const K = s.K;
  // The loss and the output count follow from the task (they decide the prediction layout).
  const wantLoss: LossKind = taskInfo.task === 'regression' ? 'squared' : taskInfo.task === 'binary' ? 'logistic' : 'softmax';
  if (loss !== wantLoss || K !== (loss === 'softmax' ? taskInfo.nClasses : 1)) throw damaged();
  if (!finite(s.coef) || !Number.isFinite(s.yMean) || !Number.isFinite(s.yStd) || !finite(s.importance) || s.importance.length !== features.length) throw damaged();
  const steps = recipe.steps as DesignRecipe['steps'];
  for (const st of steps) {
    if (!st || typeof st !== 'object' || !int(st.feature, 0, features.length - 1)) throw damaged();
    const kind = features[st.feature].kind;
    if (st.kind === 'numeric') {
      if (kind !== 'numeric' || !([st.mean, st.std, st.lo, st.hi].every(Number.isFinite) && st.std > 0)) throw damaged();
    } else if (st.kind === 'missing') {
      if (kind !== 'numeric') throw damaged();
    } else if (st.kind === 'onehot') {
      if (kind !== 'categorical' || !int(st.nLevels, 1, s.coef.length) || !Array.isArray(st.slotOfCode)) throw damaged();
      if (!st.slotOfCode.every((v) => int(v, -1, st.nLevels - 1))) throw damaged();
    } else if (st.kind === 'bins') {
      if (kind !== 'numeric' || !finite(st.edges) || !st.edges.every((e, i) => i === 0 || e > st.edges[i - 1])) throw damaged();
    } else {
      throw damaged();
    }
  }
  const p = steps.reduce((acc, st) => acc + stepWidth(st), 0);
  if (s.coef.length !== (K as number) * (p + 1)) throw damaged();
  // Largest |linear predictor| any row can reach (inputs are clipped to [lo, hi], indicators are 0/1),
  // so no prediction can overflow.
  const inputBound = steps.reduce((m, st) => Math.max(m, st.kind === 'numeric' ? Math.max(Math.abs(st.lo), Math.abs(st.hi)) : 1), 1);
  const coef = s.coef;
  const yScale = Math.max(1, Math.abs(s.yStd as number)), yShift = Math.abs(s.yMean as number);
  for (let c = 0; c < (K as number); c++) {
    let bound = 0;
    for (let q = 0; q < p; q++) bound += Math.abs(coef[c * (p + 1) + q]);
    bound = bound * inputBound + Math.abs(coef[c * (p + 1) + p]);
    if (!(bound * yScale + yShift < 1e250)) throw damaged();
  }
  return {
    taskInfo, features, recipe: structuredClone({ steps }), loss, K: K as number, coef: s.coef.slice(), yMean: s.yMean as number,
    yStd: s.yStd as number, importance: s.importance.slice(), iterations: Number.isInteger(s.iterations) ? (s.iterations as number) : 0,
  };
}
