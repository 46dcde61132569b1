import { UserError } from '../../util/errors.ts';
import type { Dataset, FeatureSpec, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { parseFeatures } from '../trees/features.ts';
import { addTreeOutputs, type FlatTrees, flatFromJSON, flatToJSON, MAX_OUTPUT_BOUND, outputBound } from '../trees/flat.ts';
import { assertPredictable, parseTaskInfo } from '../validate.ts';

export interface ForestState {
  family: 'random_forest' | 'extra_trees';
  taskInfo: TaskInfo;
  features: FeatureSpec[];
  /** Regression targets were divided by this while training. */
  scale: number;
  /** Leaf values are already divided by the number of trees, so outputs are plain sums. */
  trees: FlatTrees;
  importance: Float64Array;
}

const FORMAT = 1;

/** Average of the trees: class frequencies (classification) or leaf means (regression). */
export class ForestModel implements Fitted {
  readonly family: 'random_forest' | 'extra_trees';
  readonly taskInfo: TaskInfo;

  constructor(readonly state: ForestState) {
    this.family = state.family;
    this.taskInfo = state.taskInfo;
  }

  predict(data: Dataset): Float64Array {
    assertPredictable(data, this.state.features);
    const n = data.nRows;
    const K = this.state.trees.nOut;
    const out = new Float64Array(n * K);
    if (n === 0) return out;
    addTreeOutputs(this.state.trees, data.columns, n, out, K);
    if (this.taskInfo.task === 'regression') {
      for (let i = 0; i < n; i++) out[i] *= this.state.scale;
    } else if (K === 1) {
      for (let i = 0; i < n; i++) out[i] = Math.min(1, Math.max(0, out[i]));
    } else {
      // rounding can leave sums a hair away from 1
      for (let o = 0; o < out.length; o += K) {
        let s = 0;
        for (let k = 0; k < K; k++) { out[o + k] = Math.max(0, out[o + k]); s += out[o + k]; }
        for (let k = 0; k < K; k++) out[o + k] = s > 0 ? out[o + k] / s : 1 / K;
      }
    }
    return out;
  }

  featureImportance(): Float64Array {
    return Float64Array.from(this.state.importance);
  }

  toJSON(): FittedJSON {
    const s = this.state;
    return {
      family: s.family,
      formatVersion: FORMAT,
      taskInfo: s.taskInfo,
      features: s.features,
      scale: s.scale,
      importance: Array.from(s.importance),
      trees: flatToJSON(s.trees),
    };
  }

  static fromJSON(family: 'random_forest' | 'extra_trees', json: FittedJSON): ForestModel {
    const j = json as Record<string, unknown>;
    const bad = (): UserError => new UserError('model_damaged', 'The saved model file is damaged or from an incompatible version.');
    if (j?.family !== family || j.formatVersion !== FORMAT) throw bad();
    const t = parseTaskInfo(j.taskInfo);
    if (!t) throw bad();
    const features = parseFeatures(j.features);
    const scale = Number(j.scale);
    const imp = j.importance as number[];
    if (!features || !Number.isFinite(scale) || !Array.isArray(imp) || imp.length !== features.length || !imp.every(Number.isFinite)) throw bad();
    const trees = flatFromJSON(j.trees);
    const K = t.task === 'multiclass' ? t.nClasses : 1;
    if (trees.featureBins.length !== features.length || trees.nOut !== K) throw bad();
    for (let i = 0; i < trees.nTrees; i++) if (trees.outOffset[i] !== 0) throw bad();
    if (!(outputBound(trees) * Math.max(1, Math.abs(scale)) < MAX_OUTPUT_BOUND)) throw bad();
    return new ForestModel({ family, taskInfo: { task: t.task, nClasses: t.nClasses }, features, scale, trees, importance: Float64Array.from(imp) });
  }
}
