import type { Dataset, FeatureSpec, ModelFamily, TaskInfo } from './types.ts';
import { mulberry32 } from '../util/random.ts';

/**
 * Helpers for the shared model-family conformance suite (test/models/conformance.test.ts): tiny
 * deterministic data sets and "small budget" parameters so every family runs each case in well under a second.
 */

/**
 * Per-family parameter overrides for the conformance suite, keyed by family name. Families whose
 * defaults are slow on tiny data add an entry here (e.g. fewer trees / epochs).
 */
export const CONFORMANCE_PARAM_OVERRIDES: Record<string, Record<string, unknown>> = {
  linear: { maxIter: 50 },
  mlp: { layers: [16, 16], epochs: 10, patience: 3 },
};

/** Parameter names that scale training time; numeric values are clamped to SMALL_BUDGET unless overridden. */
const BUDGET_KNOB = /^(n_?|num_?|max_?)?(rounds?|trees?|estimators?|epochs?|iter(ation)?s?|boost(ing)?_?rounds?)$/i;
const SMALL_BUDGET = 20;

export function conformanceParams<P>(family: ModelFamily<P>, task: TaskInfo, shape: { nRows: number; nFeatures: number }): P {
  const params = { ...family.defaults(task, shape) } as Record<string, unknown>;
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'number' && BUDGET_KNOB.test(key) && value > SMALL_BUDGET) params[key] = SMALL_BUDGET;
  }
  return { ...params, ...(CONFORMANCE_PARAM_OVERRIDES[family.name] ?? {}) } as P;
}

export const TASKS: Record<'binary' | 'multiclass' | 'regression', TaskInfo> = {
  binary: { task: 'binary', nClasses: 2 },
  multiclass: { task: 'multiclass', nClasses: 3 },
  regression: { task: 'regression', nClasses: 1 },
};

/** Small seeded PRNG (mulberry32) so every run builds the same data. */
export const rng = mulberry32;

/**
 * Toy data: two numeric features and one categorical ('red' | 'green' | 'blue'), with a clear signal in
 * x1 and the colour. Some x2 values are missing. y follows `task`.
 */
export function toyData(task: TaskInfo, nRows = 80, seed = 1): Dataset {
  const rand = rng(seed);
  const x1 = new Float64Array(nRows), x2 = new Float64Array(nRows), color = new Float64Array(nRows);
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    x1[i] = rand() * 10 - 5;
    x2[i] = i % 7 === 3 ? NaN : rand() * 100;
    color[i] = i % 3;
    const score = x1[i] + (color[i] === 2 ? 2 : 0) + (rand() - 0.5);
    if (task.task === 'regression') y[i] = 3 * score + 10;
    else if (task.task === 'binary') y[i] = score > 0 ? 1 : 0;
    else y[i] = score < -1.5 ? 0 : score < 1.5 ? 1 : 2;
  }
  const features: FeatureSpec[] = [
    { name: 'x1', kind: 'numeric' },
    { name: 'x2', kind: 'numeric' },
    { name: 'color', kind: 'categorical', categories: ['red', 'green', 'blue'] },
  ];
  return { features, nRows, columns: [x1, x2, color], y };
}

/** The same rows without the target, as at predict time. */
export function withoutTarget(data: Dataset): Dataset {
  return { features: data.features, nRows: data.nRows, columns: data.columns };
}

/** A copy with the given columns replaced / rows subset. */
export function subsetRows(data: Dataset, rows: number[]): Dataset {
  return {
    features: data.features,
    nRows: rows.length,
    columns: data.columns.map((c) => Float64Array.from(rows, (i) => c[i])),
    y: data.y ? Float64Array.from(rows, (i) => data.y![i]) : undefined,
  };
}
