import { throwIfAborted } from '../../util/errors.ts';
import type { Dataset, FitContext, Fitted, FittedJSON, ModelFamily, TaskInfo } from '../types.ts';
import { assertTrainable } from '../validate.ts';
import { BaselineModel } from './model.ts';

/**
 * The reference model: predicts the training class frequencies (classification) or the training mean
 * (regression) for every row. Works on any data with at least one row, so a run never ends empty-handed,
 * and it is the yardstick a real model has to beat. Its predict side is model.ts.
 */
export type BaselineParams = Record<string, never>;
export { BaselineModel } from './model.ts';

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
    return new BaselineModel({
      taskInfo: { ...task },
      features: train.features.map((f) => (f.categories ? { ...f, categories: [...f.categories] } : { ...f })),
      value,
    });
  },

  async fromJSON(json: FittedJSON): Promise<Fitted> {
    return BaselineModel.fromJSON(json);
  },
};
