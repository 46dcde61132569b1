// The shape of the UI state: one zustand store made of slices per domain (nav, data, run); each slice
// file owns its fields and actions, and events.ts routes the engine's pushed events to them.
import type { StoreApi } from 'zustand/vanilla';
import type {
  AppStatus,
  AugurBridge,
  ColumnRole,
  ColumnSettings,
  ColumnType,
  DataReport,
  FindingAction,
  ImportSummary,
  LeaderboardRow,
  ModelEvaluation,
  RunSummary,
  Task,
  TrainingRows,
  WhatIfValues,
} from '../../../shared/api.ts';
import type { RowExplanation, WhatIfField } from '../../../shared/evaluation.ts';

export type Step = 'import' | 'check' | 'train' | 'results' | 'export' | 'monitor';
export type BudgetChoice = 'quick' | 'better' | 'best' | 'custom';

export interface JobState {
  jobId: string;
  label: string;
  fraction: number;
  message: string;
  etaS?: number;
}

export interface TrainLive {
  jobId: string;
  startedAt: number;
  budgetS: number;
  elapsedS: number;
  trialsDone: number;
  cancelling: boolean;
  /** Latest job.progress message for this run (e.g. while the data is prepared). */
  message?: string;
}

export interface NavSlice {
  status?: AppStatus;
  statusError?: string;
  step: Step;
  /** Plain sentence from the last failed action, shown in a banner; the app stays usable. */
  error?: string;
  /** A calm note (e.g. "Import stopped.") that is not an error. */
  notice?: string;
  init(): Promise<void>;
  goTo(step: Step): void;
  dismissError(): void;
}

export interface DataSlice {
  importJob?: JobState;
  dataset?: ImportSummary;
  settings: ColumnSettings;
  report?: DataReport;
  checking: boolean;
  /** Columns that give the outcome away which the user chose to use anyway (Augur leaves them out otherwise). */
  keptLeaks: string[];
  importFile(file: File): Promise<void>;
  importSample(name: string): Promise<void>;
  cancelImport(): Promise<void>;
  setColumnType(column: string, type: ColumnType): void;
  setTarget(column: string | undefined): void;
  setTask(task: Task | undefined): void;
  setRole(column: string, role: ColumnRole): void;
  applyAction(action: FindingAction): void;
  runCheck(): Promise<void>;
}

export interface RunSlice {
  budget: BudgetChoice;
  customS: number;
  /** The score that decides which model is best, when the user chose one (see goalsFor); else the task's default. */
  metric?: string;
  train?: TrainLive;
  trials: LeaderboardRow[];
  /** Best validation score so far, for the chart: seconds since start -> score. Kept after the run. */
  history: { t: number; score: number }[];
  run?: RunSummary;
  setBudget(choice: BudgetChoice, customS?: number): void;
  budgetSeconds(): number;
  setMetric(metric: string): void;
  /** The metric the next run optimises: the user's choice when it fits the task, else the task's default. */
  chosenMetric(): string | undefined;
  startTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
}

export interface EvaluationSlice {
  /** The open model's evaluation (the fast part from the run, the deep part once computed). */
  evaluation?: ModelEvaluation;
  /** The deeper look while it is computed. */
  deepJob?: JobState;
  deepError?: string;
  /** Rows the model learned from, one page at a time, to pick one to explain. */
  rowsPage?: TrainingRows;
  explained?: { row: number; explanation: RowExplanation };
  explaining: boolean;
  whatIf?: { fields: WhatIfField[]; values: WhatIfValues; result?: RowExplanation; error?: string; busy: boolean };
  costs?: { missed: number; falseAlarm: number };
  costsBusy: boolean;
  /** Starts the deeper look for the open model, unless it is there or running. */
  loadDeep(): Promise<void>;
  cancelDeep(): Promise<void>;
  loadRows(offset: number): Promise<void>;
  explain(row: number): Promise<void>;
  openWhatIf(): Promise<void>;
  setWhatIf(column: string, value: string | number | null): void;
  setCosts(missed: number, falseAlarm: number): Promise<void>;
}

export type AugurState = NavSlice & DataSlice & RunSlice & EvaluationSlice;

export type SetState = StoreApi<AugurState>['setState'];
export type GetState = StoreApi<AugurState>['getState'];

/** What every slice gets: the store's set/get, the bridge, and the shared clock and batching settings. */
export interface SliceContext {
  set: SetState;
  get: GetState;
  bridge: () => AugurBridge;
  now: () => number;
  batchMs: number;
}

export function newJobId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  return c?.randomUUID ? c.randomUUID() : `job-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
