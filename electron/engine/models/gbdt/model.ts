import { UserError } from '../../util/errors.ts';
import type { Dataset, FeatureSpec, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { assertPredictable, parseTaskInfo } from '../validate.ts';
import { addTreeOutputs, type FlatTrees, flatFromJSON, flatToJSON, MAX_OUTPUT_BOUND, outputBound } from '../trees/flat.ts';
import { parseFeatures } from '../trees/features.ts';
import type { ObjectiveName } from './objectives.ts';

// The boosted model's predict side (pure: the web scorer bundles it without the training code).

export interface GbdtState {
  taskInfo: TaskInfo;
  objective: ObjectiveName;
  features: FeatureSpec[];
  /** Raw starting score per output. */
  init: number[];
  /** Regression targets were divided by this while training. */
  scale: number;
  trees: FlatTrees;
  importance: Float64Array;
  rounds: number;
  bestValidLoss?: number;
}

const FORMAT = 1;

/** Same formula as objectives.ts (training), so probabilities match bit for bit. */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export class GbdtModel implements Fitted {
  readonly family = 'gbdt';
  readonly taskInfo: TaskInfo;
  private readonly K: number;

  constructor(readonly state: GbdtState) {
    this.taskInfo = state.taskInfo;
    this.K = state.objective === 'multiclass' ? state.taskInfo.nClasses : 1;
  }

  /** Boosting rounds kept (after early stopping). */
  get rounds(): number { return this.state.rounds; }

  /** Raw (margin) scores, n x K. */
  predictRaw(data: Dataset): Float64Array {
    assertPredictable(data, this.state.features);
    const n = data.nRows;
    const K = this.K;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = this.state.init[k];
    if (n === 0) return out;
    addTreeOutputs(this.state.trees, data.columns, n, out, K);
    return out;
  }

  predict(data: Dataset): Float64Array {
    const out = this.predictRaw(data);
    const K = this.K;
    const obj = this.state.objective;
    if (obj === 'binary') {
      for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
    } else if (obj === 'multiclass') {
      for (let o = 0; o < out.length; o += K) {
        let m = -Infinity;
        for (let k = 0; k < K; k++) if (out[o + k] > m) m = out[o + k];
        let s = 0;
        for (let k = 0; k < K; k++) { out[o + k] = Math.exp(out[o + k] - m); s += out[o + k]; }
        for (let k = 0; k < K; k++) out[o + k] /= s;
      }
    } else if (this.state.scale !== 1) {
      for (let i = 0; i < out.length; i++) out[i] *= this.state.scale;
    }
    return out;
  }

  featureImportance(): Float64Array {
    return Float64Array.from(this.state.importance);
  }

  toJSON(): FittedJSON {
    const s = this.state;
    return {
      family: 'gbdt',
      formatVersion: FORMAT,
      taskInfo: s.taskInfo,
      objective: s.objective,
      features: s.features,
      init: s.init,
      scale: s.scale,
      rounds: s.rounds,
      bestValidLoss: s.bestValidLoss ?? null,
      importance: Array.from(s.importance),
      trees: flatToJSON(s.trees),
    };
  }

  static fromJSON(json: FittedJSON): GbdtModel {
    const j = json as Record<string, unknown>;
    const bad = (): UserError => new UserError('model_damaged', 'The saved model file is damaged or from an incompatible version.');
    if (j?.family !== 'gbdt' || j.formatVersion !== FORMAT) throw bad();
    const t = parseTaskInfo(j.taskInfo);
    const objective = j.objective as ObjectiveName;
    if (!t) throw bad();
    const fits = t.task === 'regression' ? objective === 'squared_error' || objective === 'huber' : objective === t.task;
    if (!fits) throw bad();
    const init = j.init as number[];
    const K = objective === 'multiclass' ? t.nClasses : 1;
    if (!Array.isArray(init) || init.length !== K || !init.every(Number.isFinite)) throw bad();
    const features = parseFeatures(j.features);
    if (!features) throw bad();
    const nFeatures = features.length;
    const scale = Number(j.scale);
    const imp = j.importance as number[];
    if (!(nFeatures >= 1) || !Number.isFinite(scale) || !Array.isArray(imp) || imp.length !== nFeatures || !imp.every(Number.isFinite)) throw bad();
    const trees = flatFromJSON(j.trees);
    if (trees.featureBins.length !== nFeatures || trees.nOut !== 1) throw bad();
    for (let t2 = 0; t2 < trees.nTrees; t2++) if (!(trees.outOffset[t2] >= 0 && trees.outOffset[t2] < K)) throw bad();
    const start = init.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (!((start + outputBound(trees)) * Math.max(1, Math.abs(scale)) < MAX_OUTPUT_BOUND)) throw bad();
    return new GbdtModel({
      taskInfo: { task: t.task, nClasses: t.nClasses }, objective, features, init, scale, trees,
      importance: Float64Array.from(imp), rounds: Number(j.rounds) || 0,
      bestValidLoss: typeof j.bestValidLoss === 'number' ? j.bestValidLoss : undefined,
    });
  }
}
