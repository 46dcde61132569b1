import { UserError } from '../../util/errors.ts';
import type { Dataset, FeatureSpec, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { parseFeatures } from '../trees/features.ts';
import { assertPredictable, parseTaskInfo } from '../validate.ts';

// The baseline's predict side (pure): the training class frequencies or the training mean for every row.

export const BASELINE_FORMAT = 1;

export interface BaselineState {
  taskInfo: TaskInfo;
  features: FeatureSpec[];
  /** Classification: probability per class; regression: [mean]. */
  value: number[];
}

export class BaselineModel implements Fitted {
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
    return { family: 'baseline', formatVersion: BASELINE_FORMAT, ...structuredClone(this.state) };
  }

  static fromJSON(json: FittedJSON): BaselineModel {
    const s = json as Record<string, unknown>;
    const taskInfo = parseTaskInfo(s?.taskInfo);
    const features = parseFeatures(s?.features);
    const value = s?.value;
    const ok =
      s.family === 'baseline' && s.formatVersion === BASELINE_FORMAT && taskInfo && features && Array.isArray(value) &&
      value.every((v) => Number.isFinite(v)) &&
      (taskInfo.task === 'regression'
        ? value.length === 1
        : value.length === taskInfo.nClasses && value.every((v) => v >= 0 && v <= 1) && Math.abs(value.reduce((a, b) => a + b, 0) - 1) <= 1e-9);
    if (!ok) throw new UserError('bad_model', 'The saved model is damaged or was made by a different version of the app.');
    return new BaselineModel({ taskInfo: taskInfo!, features: features!, value: (value as number[]).slice() });
  }
}
