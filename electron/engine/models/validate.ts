import { UserError } from '../util/errors.ts';
import type { Dataset, FeatureSpec, TaskInfo } from './types.ts';

/**
 * Input checks every model family calls at fit / predict time, so that a bad input ends in one
 * plain sentence (a UserError) instead of a crash deep inside a training loop.
 */

/** Throws UserError unless `train` can be fitted for `task`. */
export function assertTrainable(train: Dataset, task: TaskInfo): void {
  assertShape(train);
  if (train.nRows === 0) {
    throw new UserError('no_rows', 'There are no rows to learn from.', 'Check that the file has data rows and that the target column is filled in.');
  }
  const y = train.y;
  if (!y || y.length !== train.nRows) {
    throw new UserError('no_target', 'The target column is missing, so there is nothing to learn.');
  }
  const w = train.weights;
  if (w) {
    let ok = w.length === train.nRows;
    for (let i = 0; ok && i < w.length; i++) ok = w[i] >= 0 && w[i] < Infinity;
    if (!ok) throw new UserError('bad_weights', 'The row weights are damaged: they must be one non-negative number per row.');
  }
  if (task.task === 'regression') {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) {
        throw new UserError('bad_target', 'The column to predict has empty or non-numeric values.', 'Remove those rows or pick another column to predict.');
      }
    }
  } else {
    const k = task.nClasses;
    if (!(k >= 2)) throw new UserError('bad_task', 'A classification task needs at least two classes.');
    for (let i = 0; i < y.length; i++) {
      const c = y[i];
      if (!(c >= 0 && c < k && Number.isInteger(c))) {
        throw new UserError('bad_target', 'The column to predict has empty or unknown values.', 'Remove those rows or pick another column to predict.');
      }
    }
  }
}

/** Throws UserError unless `data` has the same input columns (names, kinds, order) the model was trained on. */
export function assertPredictable(data: Dataset, features: FeatureSpec[]): void {
  assertShape(data);
  if (data.features.length !== features.length) {
    throw new UserError(
      'column_mismatch',
      `This model needs ${features.length} input column${features.length === 1 ? '' : 's'} but the data has ${data.features.length}.`,
      'Use a file with the same columns as the one the model was trained on.',
    );
  }
  for (let j = 0; j < features.length; j++) {
    const want = features[j], got = data.features[j];
    if (got.name !== want.name || got.kind !== want.kind) {
      throw new UserError(
        'column_mismatch',
        `The column "${got.name}" does not match the column "${want.name}" the model was trained on.`,
        'Use a file with the same columns as the one the model was trained on.',
      );
    }
  }
}

/** Internal consistency of a Dataset (a broken one is a programming error, but is still reported plainly). */
function assertShape(data: Dataset): void {
  if (data.columns.length !== data.features.length) {
    throw new UserError('bad_data', 'The data is damaged: the number of columns does not match the column list.');
  }
  for (const col of data.columns) {
    if (col.length !== data.nRows) {
      throw new UserError('bad_data', 'The data is damaged: the columns have different lengths.');
    }
  }
}

/** Most classes a saved model may declare (the importer allows 100); bounds what a model file can make us allocate. */
export const MAX_MODEL_CLASSES = 1000;

/**
 * The task of a saved model, checked (a model file is untrusted): binary has 2 classes, regression 1,
 * multiclass 3..MAX_MODEL_CLASSES. Returns a fresh object, or undefined when it is malformed.
 */
export function parseTaskInfo(json: unknown): TaskInfo | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const t = json as Record<string, unknown>;
  const k = t.nClasses;
  if (!Number.isInteger(k)) return undefined;
  if (t.task === 'binary' && k === 2) return { task: 'binary', nClasses: 2 };
  if (t.task === 'regression' && k === 1) return { task: 'regression', nClasses: 1 };
  if (t.task === 'multiclass' && (k as number) >= 3 && (k as number) <= MAX_MODEL_CLASSES) return { task: 'multiclass', nClasses: k as number };
  return undefined;
}
