// One preparation pipeline, settings → prepared table, used by the data checks (which report what goes
// wrong as findings), by training (which refuses) and by scoring and monitoring later files: the user's
// type overrides one column at a time, spellings of one category value merged, the target read, and the
// rows that have an outcome. Before, checks.ts and features.ts each replayed these steps.
import type { ColumnSettings, TargetInfo } from '../../../shared/api.ts';
import type { Dataset, TaskInfo } from '../models/types.ts';
import { UserError } from '../util/errors.ts';
import { FeatureEncoder } from './features.ts';
import { foldSpellings, type Respelling } from './spelling.ts';
import type { Column, ColumnType, Table } from './table.ts';
import { applyTypeOverrides, takeRows } from './table-ops.ts';
import { analyzeTarget, findTargetColumn, type TargetAnalysis } from './target.ts';

export interface PreparedTable {
  /** The table with the overrides that fit applied and spellings merged. */
  table: Table;
  respelled: Respelling[];
  /** Overrides that do not fit their column's values (that column keeps the type Augur read). */
  typeErrors: { column: string; error: UserError }[];
  target?: { column: Column; analysis: TargetAnalysis };
  /** Why the named target cannot be used. */
  targetError?: UserError;
}

export function prepareTable(table: Table, settings: ColumnSettings): PreparedTable {
  const typeErrors: PreparedTable['typeErrors'] = [];
  let t = table;
  // One column at a time, so a type that does not fit is reported on that column alone.
  for (const [name, type] of Object.entries(settings.typeOverrides ?? {})) {
    try {
      t = applyTypeOverrides(t, { [name]: type as ColumnType });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      typeErrors.push({ column: name, error: err });
    }
  }
  const folded = foldSpellings(t);
  const out: PreparedTable = { table: folded.table, respelled: folded.respelled, typeErrors };
  // An empty target (nothing picked yet in the UI) means no target.
  const targetName = settings.target?.trim() ? settings.target : undefined;
  if (targetName !== undefined) {
    try {
      const column = findTargetColumn(out.table, targetName);
      out.target = { column, analysis: analyzeTarget(column, settings.task) };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      out.targetError = err;
    }
  }
  return out;
}

/** Rows that have a value in the target, ascending (all rows when none is missing). */
export function labelledRows(analysis: TargetAnalysis): Int32Array {
  const y = analysis.y;
  const rows = new Int32Array(y.length - analysis.missing);
  let k = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === y[i]) rows[k++] = i;
  return rows;
}

export interface PreparedData {
  dataset: Dataset;
  taskInfo: TaskInfo;
  target: TargetInfo;
  encoder: FeatureEncoder;
  /** The row of the input table behind each dataset row: rows without an outcome are left out. */
  rows: Int32Array;
  /** The input table after the pipeline (overrides, spellings), all rows: what the evaluation slices. */
  table: Table;
}

/**
 * Everything a training run needs from a table and the user's column choices: features, y,
 * class weights, task and the encoder to re-apply at prediction time. Rows without a target value
 * are left out (checkData tells the user; `rows` says which are kept). Throws UserError when the
 * settings cannot be trained on.
 */
export function prepareTraining(table: Table, settings: ColumnSettings & { target: string }): PreparedData {
  const p = prepareTable(table, settings);
  if (p.typeErrors.length) throw p.typeErrors[0].error;
  if (p.targetError || !p.target) throw p.targetError ?? new UserError('no_target', 'Choose the column you want Augur to predict.');
  const { column: targetCol, analysis: ta } = p.target;
  const info = ta.info;
  if (info.task !== 'regression' && (info.classes?.length ?? 0) < 2) {
    throw new UserError(
      'single_class',
      `Every row has the same value in "${targetCol.name}"${info.classes?.length ? ` ("${info.classes[0]}")` : ''}, so there is nothing to learn to tell apart.`,
      'Choose a target column with at least two different outcomes, or add rows with the other outcome.',
    );
  }
  const rows = labelledRows(ta);
  const train = ta.missing > 0 ? takeRows(p.table, rows) : p.table;
  const y = Float64Array.from(rows, (r) => ta.y[r]);
  if (train.nRows < 2) {
    throw new UserError('too_few_rows', `Only ${train.nRows} ${train.nRows === 1 ? 'row has' : 'rows have'} a value in "${targetCol.name}"; Augur needs more rows to learn from.`);
  }
  const encoder = FeatureEncoder.fit(train, {
    target: { name: targetCol.name, task: info.task, classes: info.classes },
    ignore: settings.ignore,
    y,
  });
  if (encoder.features.length === 0) {
    throw new UserError(
      'no_features',
      `No column is left to predict "${targetCol.name}" from: the others are ignored, identifiers, free text, empty or the same on every row.`,
      'Stop ignoring some columns, or add columns that describe each row.',
    );
  }
  const dataset = encoder.encode(train);
  dataset.y = y;
  const taskInfo: TaskInfo = { task: info.task, nClasses: info.task === 'regression' ? 1 : info.classes!.length };
  if (info.task !== 'regression') {
    const w = classWeights(y, taskInfo.nClasses);
    if (w) dataset.weights = w;
    // Shares of the rows actually used.
    const counts = new Float64Array(taskInfo.nClasses);
    for (let i = 0; i < y.length; i++) counts[y[i]]++;
    info.classShares = Array.from(counts, (c) => c / y.length);
  }
  return { dataset, taskInfo, target: info, encoder, rows, table: p.table };
}

/** Largest / smallest class size at or above which training weights the classes. */
export const IMBALANCE_RATIO_FOR_WEIGHTS = 3;
/** Share of rows below which a run also tries balancing class weights (when its score rewards finding rare classes). */
export const RARE_SHARE_FOR_WEIGHT_SEARCH = 0.2;

/** Balanced class weights (n / (k * n_class)) when the classes are clearly uneven, else undefined. */
export function classWeights(y: Float64Array, k: number): Float64Array | undefined {
  const counts = new Float64Array(k);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  let min = Infinity;
  let max = 0;
  for (const c of counts) {
    if (c > 0 && c < min) min = c;
    if (c > max) max = c;
  }
  if (!(max / min >= IMBALANCE_RATIO_FOR_WEIGHTS)) return undefined;
  const per = Array.from(counts, (c) => (c > 0 ? y.length / (k * c) : 0));
  return Float64Array.from(y, (c) => per[c]);
}
