import { describe, expect, it } from 'vitest';
import { allMetrics, computeMetric, defaultMetric, metricInfo } from '../../electron/engine/evaluate/metrics.ts';
import type { TaskInfo } from '../../electron/engine/models/types.ts';

const bin: TaskInfo = { task: 'binary', nClasses: 2 };
const multi: TaskInfo = { task: 'multiclass', nClasses: 3 };
const reg: TaskInfo = { task: 'regression', nClasses: 1 };
const f = (xs: number[]) => Float64Array.from(xs);

describe('ROC AUC', () => {
  it('matches the textbook example (0.75)', () => {
    expect(computeMetric('roc_auc', bin, f([0, 0, 1, 1]), f([0.1, 0.4, 0.35, 0.8]))).toBeCloseTo(0.75, 12);
  });
  it('counts tied scores as half a win', () => {
    // pairs (pos,neg): (.5,.5)=.5, (.5,.2)=1, (.9,.5)=1, (.9,.2)=1 -> 3.5/4
    expect(computeMetric('roc_auc', bin, f([0, 1, 0, 1]), f([0.5, 0.5, 0.2, 0.9]))).toBeCloseTo(0.875, 12);
    expect(computeMetric('roc_auc', bin, f([0, 1, 0, 1]), f([0.3, 0.3, 0.3, 0.3]))).toBe(0.5);
  });
  it('is NaN when only one class is present', () => {
    expect(computeMetric('roc_auc', bin, f([1, 1, 1]), f([0.2, 0.5, 0.9]))).toBeNaN();
  });
  it('multiclass is the one-vs-rest macro average', () => {
    const y = f([0, 1, 2, 2]);
    const p = f([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.3, 0.2, 0.5]);
    // class0: 1, class1: 2/3, class2: 3.5/4
    expect(computeMetric('roc_auc', multi, y, p)).toBeCloseTo((1 + 2 / 3 + 0.875) / 3, 12);
  });
});

describe('log loss', () => {
  it('binary', () => {
    expect(computeMetric('log_loss', bin, f([1, 0]), f([0.8, 0.3]))).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
  });
  it('clips a confident miss so it stays finite', () => {
    expect(computeMetric('log_loss', bin, f([1]), f([0]))).toBeCloseTo(-Math.log(1e-15), 6);
  });
  it('multiclass uses the probability of the true class', () => {
    const y = f([0, 1, 2, 2]);
    const p = f([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.3, 0.2, 0.5]);
    expect(computeMetric('log_loss', multi, y, p)).toBeCloseTo(-(Math.log(0.6) + Math.log(0.5) + Math.log(0.3) + Math.log(0.5)) / 4, 12);
  });
});

describe('accuracy and macro F1', () => {
  it('binary threshold is strictly above 0.5', () => {
    expect(computeMetric('accuracy', bin, f([0, 1, 1]), f([0.5, 0.51, 0.2]))).toBeCloseTo(2 / 3, 12);
  });
  it('macro F1 averages per-class F1', () => {
    // labels [0,1,1,1,0]: class0 F1 = 2/4, class1 F1 = 4/6
    expect(computeMetric('f1_macro', bin, f([0, 0, 1, 1, 1]), f([0.1, 0.9, 0.8, 0.7, 0.2]))).toBeCloseTo((0.5 + 4 / 6) / 2, 12);
  });
  it('multiclass accuracy uses argmax', () => {
    const y = f([0, 1, 2, 2]);
    const p = f([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.3, 0.2, 0.5]);
    expect(computeMetric('accuracy', multi, y, p)).toBeCloseTo(0.75, 12);
  });
});

describe('regression metrics', () => {
  const y = f([1, 2, 3]), p = f([1, 2, 5]);
  it('rmse, mae, r2', () => {
    expect(computeMetric('rmse', reg, y, p)).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(computeMetric('mae', reg, y, p)).toBeCloseTo(2 / 3, 12);
    expect(computeMetric('r2', reg, y, p)).toBeCloseTo(-1, 12);
  });
  it('r2 on a constant target: 1 if exact, else 0', () => {
    expect(computeMetric('r2', reg, f([4, 4]), f([4, 4]))).toBe(1);
    expect(computeMetric('r2', reg, f([4, 4]), f([4, 5]))).toBe(0);
  });
});

describe('metric helpers', () => {
  it('defaults and directions', () => {
    expect(defaultMetric(bin)).toBe('roc_auc');
    expect(defaultMetric(multi)).toBe('roc_auc');
    expect(defaultMetric(reg)).toBe('rmse');
    expect(metricInfo('rmse').lowerIsBetter).toBe(true);
    expect(metricInfo('roc_auc').lowerIsBetter).toBe(false);
  });
  it('allMetrics returns the task-appropriate set', () => {
    expect(Object.keys(allMetrics(reg, f([1, 2]), f([1, 2]))).sort()).toEqual(['mae', 'r2', 'rmse']);
    expect(Object.keys(allMetrics(bin, f([0, 1]), f([0.2, 0.7]))).sort()).toEqual(['accuracy', 'f1_macro', 'log_loss', 'roc_auc']);
  });
  it('a NaN prediction makes every metric NaN, so a broken model can never look good', () => {
    for (const m of ['roc_auc', 'log_loss', 'accuracy', 'f1_macro'] as const) {
      expect(computeMetric(m, bin, f([0, 1, 1]), f([0.1, NaN, 0.9]))).toBeNaN();
    }
    for (const m of ['rmse', 'mae', 'r2'] as const) expect(computeMetric(m, reg, f([1, 2]), f([1, NaN]))).toBeNaN();
  });
  it('rejects a prediction of the wrong length and a metric for the wrong task', () => {
    expect(() => computeMetric('roc_auc', multi, f([0, 1]), f([0.5, 0.5]))).toThrow();
    expect(() => computeMetric('rmse', bin, f([0, 1]), f([0.5, 0.5]))).toThrow();
  });
});
