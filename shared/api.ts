// The one API contract between the renderer and the engine host.
// Electron's preload and browser mode's WebSocket client both implement `AugurBridge`;
// the renderer only ever talks to `window.augur` and never knows which transport it has.
// Everything here is plain data (structured-clone / JSON safe): no classes, no functions in payloads.
import type { FastEvaluation, LearningCurve, PermutationImportance, RowExplanation, SlowEvaluation, WhatIfField } from './evaluation.ts';

export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'date' | 'text' | 'id';
export type Task = 'binary' | 'multiclass' | 'regression';
export type Severity = 'info' | 'warning' | 'error';
export type ColumnRole = 'use' | 'ignore' | 'target';

/** A button the UI can show next to a finding; applying it changes the column settings. */
export type FindingAction =
  | { kind: 'ignore_column'; column: string; label: string }
  /** Use a column Augur left out (one that gives the outcome away), because the user says it will be known. */
  | { kind: 'use_column'; column: string; label: string }
  | { kind: 'set_type'; column: string; type: ColumnType; label: string }
  | { kind: 'set_task'; task: Task; label: string };

/** One problem (or fact) about the data, in words a non-technical user can act on. */
export interface Finding {
  code: string;
  severity: Severity;
  column?: string;
  message: string;
  suggestion?: string;
  actions?: FindingAction[];
}

export interface ColumnSummary {
  name: string;
  type: ColumnType;
  /** Cells that were empty or a missing marker. */
  missing: number;
  /** Distinct non-missing values (capped count is fine for huge columns); category spellings that differ only in capitals or spaces count once. */
  unique: number;
  /** A few non-missing example values as they appeared in the file. */
  examples: string[];
  /** Numeric / date columns only. */
  min?: number;
  max?: number;
  mean?: number;
}

export interface ImportSummary {
  datasetId: string;
  fileName: string;
  fileBytes: number;
  rows: number;
  delimiter: string;
  encoding: string;
  columns: ColumnSummary[];
  /** First rows as display strings, one array per row, same order as `columns`. */
  preview: string[][];
  /** Findings from reading the file itself (ragged rows, renamed headers, ...). */
  findings: Finding[];
  elapsedS: number;
}

export interface ColumnSettings {
  target?: string;
  /** Override the inferred task (e.g. a numeric code that is really a category). */
  task?: Task;
  ignore?: string[];
  typeOverrides?: Record<string, ColumnType>;
}

export interface TargetInfo {
  name: string;
  task: Task;
  /** Classification: class labels in the model's order. */
  classes?: string[];
  /** Classification: share of rows per class, same order as `classes`. */
  classShares?: number[];
}

export interface DataReport {
  rows: number;
  target?: TargetInfo;
  findings: Finding[];
  /** False when training cannot start; `blockingReason` says why in one sentence. */
  canTrain: boolean;
  blockingReason?: string;
}

export type BudgetPreset = 'quick' | 'better' | 'best';

export interface TrainRequest extends ColumnSettings {
  datasetId: string;
  target: string;
  budgetS: number;
  seed?: number;
  /** Metric to optimise; defaults by task (roc_auc / rmse). */
  metric?: string;
}

export interface LeaderboardRow {
  id: string;
  /** Display name, e.g. "Gradient-boosted trees #3". */
  model: string;
  family: string;
  /** Validation score in `metric`; higher is better unless `lowerIsBetter`. */
  score: number;
  metric: string;
  lowerIsBetter: boolean;
  fitS: number;
  status: 'done' | 'pruned' | 'failed';
  note?: string;
}

export interface RunSummary {
  runId: string;
  /** The trained model, open in this session (evaluation, explanations, export use it). */
  modelId: string;
  /** How good it is, where it can be trusted: the part of the evaluation ready at the run's end. */
  evaluation?: FastEvaluation;
  task: Task;
  target: string;
  classes?: string[];
  metric: string;
  lowerIsBetter: boolean;
  /** The best rows (at most 100, best first); `modelsTried` counts them all. */
  leaderboard: LeaderboardRow[];
  modelsTried: number;
  best: LeaderboardRow;
  elapsedS: number;
  budgetS: number;
  /** The headline in plain words, e.g. "The best model is right 86% of the time; ...". */
  sentence: string;
  /** Plain-language metrics of the best model on its validation rows. */
  quality: { label: string; value: string; explanation: string }[];
  cancelled: boolean;
  /** Why the run ended early or fell back to a baseline, in words. */
  note?: string;
}

export interface AppStatus {
  version: string;
  transport: 'electron' | 'browser';
  /** TensorFlow.js backend in use: 'tensorflow' (native), 'wasm' or 'cpu'. */
  tfBackend: string;
  tfBackendNote?: string;
  node: string;
  cores: number;
  memoryGb: number;
  samples: { name: string; description: string }[];
}

/**
 * How the renderer refers to a file: in Electron a file the user dropped or picked, by an id the main
 * process handed out for its path (`picked`: the renderer never sends a path; main refuses `path`
 * from it); in browser mode an upload id; or a shipped sample. `path` is for the engine's own callers.
 */
export type FileRef =
  | { kind: 'path'; path: string }
  | { kind: 'picked'; fileId: string; name: string }
  | { kind: 'upload'; uploadId: string; name: string }
  | { kind: 'sample'; name: string };

/** The deeper look at a model, computed after the run (slices, weak spots, importance, more data). */
export interface DeepEvaluation {
  slow: SlowEvaluation;
  importance: PermutationImportance | null;
  learning: LearningCurve | null;
}

export interface ModelEvaluation {
  modelId: string;
  fast: FastEvaluation;
  /** Present once `deepEvaluation` has run for this model. */
  deep?: DeepEvaluation;
}

/** A page of the rows a model learned from, as display strings, to pick one to explain. */
export interface TrainingRows {
  columns: string[];
  rows: { index: number; cells: string[]; actual: string; predicted: string }[];
  total: number;
}

export type WhatIfValues = Record<string, string | number | null>;

/** A file (or folder) the engine made for the user to keep; the bridge's saveArtifact hands it over. */
export interface Artifact {
  artifactId: string;
  fileName: string;
  kind: 'file' | 'folder';
  bytes: number;
}

/** Request/result pairs. `jobId` lets the caller correlate progress events and cancel. */
export interface ApiMethods {
  status: { args: Record<string, never>; result: AppStatus };
  importCsv: { args: { file: FileRef; jobId: string }; result: ImportSummary };
  checkData: { args: ColumnSettings & { datasetId: string }; result: DataReport };
  train: { args: TrainRequest & { jobId: string }; result: RunSummary };
  cancel: { args: { jobId: string }; result: { cancelled: boolean } };
  evaluation: { args: { modelId: string }; result: ModelEvaluation };
  deepEvaluation: { args: { modelId: string; jobId: string }; result: ModelEvaluation };
  trainingRows: { args: { modelId: string; offset: number; limit: number }; result: TrainingRows };
  explainRow: { args: { modelId: string; row: number }; result: RowExplanation };
  whatIfFields: { args: { modelId: string }; result: WhatIfField[] };
  whatIf: { args: { modelId: string; values: WhatIfValues }; result: RowExplanation };
  /** Two outcomes: what a missed case and a false alarm cost; the model's threshold follows. */
  setCosts: { args: { modelId: string; missed: number; falseAlarm: number }; result: ModelEvaluation };
  /** The model as one `.augur` file (to share) or as a folder; save it with the bridge's saveArtifact. */
  exportModel: { args: { modelId: string; format: 'augur' | 'folder'; jobId: string }; result: Artifact };
}
export type ApiMethod = keyof ApiMethods;
/** Every method, each once (the record makes the compiler check the list is complete). */
const METHOD_SET: Record<ApiMethod, true> = {
  status: true, importCsv: true, checkData: true, train: true, cancel: true,
  evaluation: true, deepEvaluation: true, trainingRows: true, explainRow: true, whatIfFields: true, whatIf: true, setCosts: true,
  exportModel: true,
};
export const API_METHODS: readonly ApiMethod[] = Object.keys(METHOD_SET) as ApiMethod[];

/** Pushed from the engine while a job runs; the UI only renders them. */
export type ApiEvent =
  | { type: 'job.progress'; jobId: string; fraction: number; message: string; etaS?: number }
  | { type: 'run.trial'; jobId: string; row: LeaderboardRow }
  | {
      type: 'run.progress';
      jobId: string;
      elapsedS: number;
      budgetS: number;
      trialsDone: number;
      bestScore?: number;
      bestModel?: string;
    };

/** Errors cross the bridge as this shape; `message` is always a sentence for the user. */
export interface ApiErrorShape {
  code: string;
  message: string;
  detail?: string;
}

export interface AugurBridge {
  invoke<M extends ApiMethod>(method: M, args: ApiMethods[M]['args']): Promise<ApiMethods[M]['result']>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /**
   * Turn a dropped or picked File into something the engine can read. In browser mode this uploads
   * the file to the local host, reporting `onProgress(0..1)`; in Electron it is instant (a path).
   */
  fileRef(file: File, onProgress?: (fraction: number) => void): Promise<FileRef>;
}

declare global {
  interface Window {
    augur: AugurBridge;
  }
}
