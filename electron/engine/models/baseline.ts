import { UserError, throwIfAborted } from '../util/errors.ts';
import type { Dataset, FeatureSpec, FitContext, Fitted, FittedJSON, ModelFamily, TaskInfo } from './types.ts';
import { assertPredictable, assertTrainable } from './validate.ts';

/**
 * The reference model: predicts the training class frequencies (classification) or the training mean
 * (regression) for every row. Works on any data with at least one row, so a run never ends empty-handed,
 * and it is the yardstick a real model has to beat.
 */
export type BaselineParams = Record<string, never>;

const FORMAT_VERSION = 1;

interface BaselineState {
  taskInfo: TaskInfo;
  features: FeatureSpec[];
  /** Classification: probability per class; regression: [mean]. */
  value: number[];
}

class BaselineFitted implements Fitted {
  readonly family = 'baseline';
  readonly taskInfo: TaskInfo;

  constructor(private readonly state: BaselineState) {
    this.taskInfo = state.taskInfo;
  }

  predict(data: Dataset): Float64Array {
    assertPredictable(data, this.state.features);
    const n = data.nRows;
    const { task } = this.taskInfo;
    const v = this.state.value;
    if (task === 'multiclass') {
      const k = v.length;
      const out = new Float64Array(n * k);
      for (let i = 0; i < n; i++) out.set(v, i * k);
      return out;
    }
    return new Float64Array(n).fill(task === 'binary' ? v[1] : v[0]);
  }

  featureImportance(): Float64Array {
    return new Float64Array(this.state.features.length);
  }

  toJSON(): FittedJSON {
    return { family: 'baseline', formatVersion: FORMAT_VERSION, ...structuredClone(this.state) };
  }
}

export const baselineFamily: ModelFamily<BaselineParams> = {
  name: 'baseline',
  displayName: 'Baseline (no model)',

  defaults(): BaselineParams {
    return {};
  },

  async fit(train: Dataset, task: TaskInfo, _params: BaselineParams, ctx: FitContext): Promise<Fitted> {
    throwIfAborted(ctx.signal);
    assertTrainable(train, task);
    const y = train.y!;
    const w = train.weights;
    let value: number[];
    if (task.task === 'regression') {
      // Weighted mean computed on scaled values so huge targets cannot overflow.
      let maxAbs = 0;
      for (let i = 0; i < y.length; i++) maxAbs = Math.max(maxAbs, Math.abs(y[i]));
      const scale = maxAbs > 0 ? maxAbs : 1;
      let s = 0, ws = 0;
      for (let i = 0; i < y.length; i++) { const wi = w ? w[i] : 1; s += (wi * y[i]) / scale; ws += wi; }
      value = [ws > 0 ? (s / ws) * scale : 0];
    } else {
      const counts = new Float64Array(task.nClasses);
      let total = 0;
      for (let i = 0; i < y.length; i++) { const wi = w ? w[i] : 1; counts[y[i]] += wi; total += wi; }
      value = Array.from(counts, (c) => (total > 0 ? c / total : 1 / task.nClasses));
    }
    ctx.onProgress?.({ fraction: 1, message: 'done' });
    return new BaselineFitted({
      taskInfo: { ...task },
      features: train.features.map((f) => (f.categories ? { ...f, categories: [...f.categories] } : { ...f })),
      value,
    });
  },

  async fromJSON(json: FittedJSON): Promise<Fitted> {
    const s = json as unknown as BaselineState & { family?: string; formatVersion?: number };
    const ok =
      s && s.family === 'baseline' && s.formatVersion === FORMAT_VERSION && s.taskInfo && Array.isArray(s.features) &&
      Array.isArray(s.value) && s.value.length >= 1 && s.value.every((v) => typeof v === 'number') &&
      (s.taskInfo.task === 'regression' ? s.value.length === 1 : s.value.length === s.taskInfo.nClasses);
    if (!ok) throw new UserError('bad_model', 'The saved model is damaged or was made by a different version of the app.');
    return new BaselineFitted({ taskInfo: s.taskInfo, features: s.features, value: s.value });
  },
};
