// The model as Augur keeps it in memory: everything a model package holds (package.ts saves and loads
// it). The AutoML run returns the part it knows (RunModel); the caller adds what it knows about the
// file and the user's choices (completeBundle).
import type { ColumnSettings, TargetInfo, Task } from '../../../shared/api.ts';
import type { FeatureEncoder } from '../data/features.ts';
import { buildSchema, type TableSchema } from '../data/schema.ts';
import type { ColumnPlan } from '../data/column-builder.ts';
import type { Table } from '../data/table.ts';
import type { MetricName } from '../evaluate/metrics.ts';
import type { Fitted, TaskInfo } from '../models/types.ts';
import type { PackageArray } from './arrays.ts';
import { fingerprintTable } from './fingerprint.ts';

export type { PackageArray } from './arrays.ts';

/** Scores by metric name. */
export type Scores = Partial<Record<MetricName, number>>;

export interface ModelMetrics {
  /** The run's metric (what the search optimised). */
  metric: MetricName;
  /** On the rows each trial did not learn from (out-of-fold / holdout), as the run measured them. */
  valid: Scores;
  /** On held-out test rows that never reached the run, when there were some. */
  test?: Scores & { rows: number };
}

/** Which data the model learned from: enough to recognise the same table later, nothing of its content. */
export interface DataFingerprint {
  rows: number;
  columns: number;
  /** sha256 over the table's content in a stable order (fingerprint.ts says exactly what). */
  sha256: string;
}

/** The user's column choices, as training used them. */
export interface ModelSettings {
  target: string;
  task?: Task;
  ignore: string[];
  typeOverrides: ColumnSettings['typeOverrides'];
}

/**
 * Slots other parts of Augur fill (see schemas.ts SLOT_SCHEMAS): a decision threshold and calibration /
 * conformal ranges ("Understand the model"), per-column reference statistics for drift monitoring, the
 * evaluation report, the search's run record. Each is plain JSON.
 */
export type SlotObject = Record<string, unknown>;
export interface PostprocessSlot {
  threshold?: number;
  calibration?: SlotObject;
  conformal?: SlotObject;
}

/**
 * Set on a small version (deploy/shrink): what it was made from and what it costs, measured on held-out
 * rows of the labelled file when it was made. The model card says it in words.
 */
export interface SmallVersionSlot {
  formatVersion: 1;
  kind: 'quantised' | 'distilled';
  /** The original model in words (its description) and when it was made. */
  of: string;
  ofCreated?: string;
  /** Distilled: the student in words ("100 trees"). */
  student?: string;
  metric: MetricName;
  /** The metric of the original and of this version on the same held-out rows, and the loss in points. */
  before: number;
  after: number;
  lossPoints: number;
  maxLossPoints: number;
  /** Held-out rows measured on; rows of the file learned from, and synthetic rows added to them. */
  rows: number;
  learnedRows: number;
  syntheticRows: number;
  /** The model's files (not the manifest or card), before and after. */
  modelBytesBefore: number;
  modelBytesAfter: number;
  /** Median time of one row through scoreTable on the computer that made it. */
  latencyUsBefore: number;
  latencyUsAfter: number;
}

export interface ModelBundle {
  encoder: FeatureEncoder;
  fitted: Fitted;
  taskInfo: TaskInfo;
  target: TargetInfo;
  metrics: ModelMetrics;
  /** How each column of the training file was read and used (the pinned schema a later file is read with). */
  schema: TableSchema;
  settings: ModelSettings;
  fingerprint: DataFingerprint;
  postprocess?: PostprocessSlot;
  reference?: SlotObject;
  evaluation?: SlotObject;
  run?: SlotObject;
  smallVersion?: SmallVersionSlot;
  /**
   * Evidence kept with the model (arrays.bin). The run fills `oof.pred` (out-of-fold predictions, the
   * predict layout), `oof.y` (outcomes) and `oof.rows` (their rows in the training table).
   */
  arrays?: Record<string, PackageArray>;
  /** Set on a bundle read from a package: who made it and when. */
  made?: { appVersion: string; created: string; formatVersion: number };
}

/** What the AutoML run knows about its model (search/run.ts returns it). */
export type RunModel = Pick<ModelBundle, 'encoder' | 'fitted' | 'taskInfo' | 'target' | 'metrics' | 'arrays'>;

/**
 * A bundle from a run and the table it learned from (the rows the run saw, as imported: before type
 * overrides) with the user's settings. `plans` is how the import read each column (ImportResult.plans),
 * so the schema pins the same decimal mark, date order and unit for later files.
 */
export function completeBundle(
  run: RunModel,
  table: Table,
  settings: ColumnSettings & { target: string },
  opts: { plans?: ColumnPlan[]; test?: ModelMetrics['test'] } = {},
): ModelBundle {
  const s: ModelSettings = { target: settings.target, task: settings.task, ignore: [...(settings.ignore ?? [])], typeOverrides: { ...(settings.typeOverrides ?? {}) } };
  if (s.task === undefined) delete s.task;
  return {
    ...run,
    metrics: opts.test ? { ...run.metrics, test: opts.test } : run.metrics,
    schema: buildSchema(table, opts.plans ?? [], s, new Set(run.encoder.sources.map((src) => src.column))),
    settings: s,
    fingerprint: fingerprintTable(table),
  };
}

/** Predictions for every row of `table` (the Fitted.predict layout); columns are found by name. */
export function predictTable(bundle: Pick<ModelBundle, 'encoder' | 'fitted'>, table: Table): Float64Array {
  return bundle.fitted.predict(bundle.encoder.encode(table));
}
