import type { Dataset, FeatureSpec, FitContext, Fitted, FittedJSON, ModelFamily, TaskInfo } from './types.ts';
import { EnsembleFitted } from './composite/ensemble.ts';
import { mulberry32 } from '../util/random.ts';
import { CalibratedFitted } from './composite/calibrated.ts';
import { plattCalibrator, temperatureCalibrator } from './composite/calibrators.ts';

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

/**
 * Composite models in the conformance suite: each is a stand-in "family" whose fit builds an ensemble
 * of real families the way the AutoML run does (a k-fold bag of one configuration, a weighted blend of
 * different families, and both nested), and whose fromJSON is the app's loader. So ensembles must pass
 * every case a family passes.
 */
export function compositeFamilies(lookup: (name: string) => ModelFamily, load: (json: FittedJSON) => Promise<Fitted>): ModelFamily[] {
  const fitOne = (name: string, train: Dataset, task: TaskInfo, ctx: FitContext, salt: number): Promise<Fitted> => {
    const fam = lookup(name);
    const params = conformanceParams(fam, task, { nRows: train.nRows, nFeatures: train.features.length });
    return fam.fit(train, task, params, { seed: ctx.seed * 31 + salt, signal: ctx.signal });
  };
  const bag = async (name: string, k: number, train: Dataset, task: TaskInfo, ctx: FitContext): Promise<Fitted> => {
    const members: Fitted[] = [];
    try {
      for (let f = 0; f < k; f++) {
        // Fold f is left out of member f (all rows when there are too few to split, e.g. one row).
        const rows = Array.from({ length: train.nRows }, (_, i) => i).filter((i) => train.nRows < k || i % k !== f);
        members.push(await fitOne(name, rows.length === train.nRows ? train : { ...subsetRows(train, rows), weights: undefined }, task, ctx, f));
      }
      return new EnsembleFitted(task, members, members.map(() => 1 / k), 'bag');
    } catch (err) {
      for (const m of members) m.dispose?.();
      throw err;
    }
  };
  const weighted = async (parts: { build: () => Promise<Fitted>; weight: number }[], task: TaskInfo): Promise<Fitted> => {
    const members: Fitted[] = [];
    try {
      for (const p of parts) members.push(await p.build());
      return new EnsembleFitted(task, members, parts.map((p) => p.weight), 'weighted');
    } catch (err) {
      for (const m of members) m.dispose?.();
      throw err;
    }
  };
  const family = (displayName: string, fit: ModelFamily['fit'], name = 'ensemble'): ModelFamily => ({
    name,
    displayName,
    defaults: () => ({}),
    fit,
    fromJSON: load,
  });
  return [
    family('Ensemble (k-fold bag)', (train, task, _p, ctx) => bag('gbdt', 3, train, task, ctx)),
    family('Ensemble (weighted)', (train, task, _p, ctx) =>
      weighted([
        { build: () => fitOne('gbdt', train, task, ctx, 1), weight: 0.5 },
        { build: () => fitOne('linear', train, task, ctx, 2), weight: 0.3 },
        { build: () => fitOne('random_forest', train, task, ctx, 3), weight: 0.2 },
      ], task)),
    family('Ensemble (nested, with a network)', (train, task, _p, ctx) =>
      weighted([
        { build: () => bag('extra_trees', 2, train, task, ctx), weight: 0.6 },
        { build: () => fitOne('mlp', train, task, ctx, 4), weight: 0.25 },
        { build: () => fitOne('linear', train, task, ctx, 5), weight: 0.15 },
      ], task)),
    // Chances through a calibrator, as the run keeps one when it lowers held-out log loss.
    family('Calibrated model', async (train, task, _p, ctx) => {
      const inner = await fitOne('gbdt', train, task, ctx, 6);
      if (task.task === 'regression') return inner; // (the suite skips its amount cases)
      return new CalibratedFitted(inner, task.task === 'binary' ? plattCalibrator(1.3, -0.2) : temperatureCalibrator(1.5, task.nClasses));
    }, 'calibrated'),
  ];
}
