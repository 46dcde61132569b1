import type { Task } from '../../../shared/api.ts';

/**
 * What models see: a column-major matrix of float64 features, already encoded from a Table
 * by the feature encoder (electron/engine/data/features.ts).
 * - numeric feature: the value, NaN = missing
 * - categorical feature: the category's code 0..categories.length-1 as a float, NaN = missing;
 *   a category never seen in training arrives as NaN too.
 */
export interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Categorical only: level names, index = code. */
  categories?: string[];
  /**
   * Numeric only: a 0/1 flag Augur derived (a word found in a text column). Linear models and networks
   * keep it on its 0/1 scale, as they do one-hot levels, so a rare word is not blown up by standardising.
   */
  indicator?: boolean;
}

export interface Dataset {
  features: FeatureSpec[];
  nRows: number;
  /** One Float64Array of length nRows per feature. */
  columns: Float64Array[];
  /** Target: class index 0..k-1 (classification) or value (regression). Absent at predict time. */
  y?: Float64Array;
  /** Optional per-row training weights (class balancing). */
  weights?: Float64Array;
}

export interface TaskInfo {
  task: Task;
  /** Number of classes (2 for binary); 1 for regression. */
  nClasses: number;
}

export interface FitProgress {
  /** 0..1 of this fit. */
  fraction: number;
  message?: string;
  /** Latest validation loss/score, when the model tracks one. */
  validLoss?: number;
}

export interface FitContext {
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
  /** Validation rows for early stopping; models must never train on them. */
  valid?: Dataset;
}

/**
 * Prediction layout:
 * - binary: length n, P(class 1)
 * - multiclass: length n * k, row-major probabilities (row i = [i*k, i*k+k))
 * - regression: length n, predicted value
 */
export interface Fitted {
  readonly family: string;
  readonly taskInfo: TaskInfo;
  predict(data: Dataset): Float64Array;
  /** Plain JSON that `family.fromJSON` turns back into an identical predictor. */
  toJSON(): FittedJSON;
  /** Release native / tfjs memory. Safe to call twice. */
  dispose?(): void;
  /** Optional per-feature importance (same order as the training features), larger = more important. */
  featureImportance?(): Float64Array;
  /**
   * Composites only (models/composite/): the sub-models, in the order of `toJSON().members`. A
   * composite's JSON lists its sub-models' JSON under `members`, so a saved model can be walked
   * without knowing each composite.
   */
  readonly members?: readonly Fitted[];
  /** Composites: their JSON without `members` (saving writes each member on its own, without serialising it twice). */
  headJSON?(): FittedJSON;
}

export interface FittedJSON {
  family: string;
  formatVersion: number;
  [key: string]: unknown;
}

export interface ModelFamily<P = Record<string, unknown>> {
  /** Stable id: 'gbdt' | 'random_forest' | 'extra_trees' | 'linear' | 'mlp' | 'baseline'. */
  readonly name: string;
  /** Display name for the leaderboard, e.g. "Gradient-boosted trees". */
  readonly displayName: string;
  /** Sensible defaults for this data size and task. */
  defaults(task: TaskInfo, shape: { nRows: number; nFeatures: number }): P;
  fit(train: Dataset, task: TaskInfo, params: P, ctx: FitContext): Promise<Fitted>;
  fromJSON(json: FittedJSON): Promise<Fitted>;
  /**
   * Families that stop on validation rows (boosting rounds, epochs): parameters that train this
   * configuration again for as long as `fitted` did, without validation rows. k-fold trials fit
   * the first fold with early stopping and the others with these, so most out-of-fold predictions
   * come from models that never chose their stopping point on the rows they are scored on
   * (stopping on the scored rows flatters a trial against families that cannot stop early).
   */
  replayLength?(params: P, fitted: Fitted): P | undefined;
}
