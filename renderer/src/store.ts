// All UI state in one zustand store. The vanilla store (no React) holds the logic so it can be
// unit-tested in node against a scripted bridge; React components read it through `useAugur`.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type {
  ApiEvent,
  AppStatus,
  AugurBridge,
  ColumnRole,
  ColumnSettings,
  ColumnType,
  DataReport,
  FileRef,
  FindingAction,
  ImportSummary,
  LeaderboardRow,
  RunSummary,
  Task,
} from '../../shared/api.ts';
import { errorMessage, goalsFor, isCancelledError } from './format.ts';

export type Step = 'import' | 'check' | 'train' | 'results' | 'export' | 'monitor';
export type BudgetChoice = 'quick' | 'better' | 'best' | 'custom';

export const BUDGET_SECONDS: Record<Exclude<BudgetChoice, 'custom'>, number> = { quick: 60, better: 300, best: 1200 };
export const CUSTOM_MIN_S = 5;
export const CUSTOM_MAX_S = 24 * 3600;
const TRAINING_BUSY = 'Training is still running. Stop it first (or let it finish), then import another file.';

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

export interface AugurState {
  status?: AppStatus;
  statusError?: string;
  step: Step;

  importJob?: JobState;
  /** Plain sentence from the last failed action, shown in a banner; the app stays usable. */
  error?: string;
  /** A calm note (e.g. "Import stopped.") that is not an error. */
  notice?: string;
  dataset?: ImportSummary;

  settings: ColumnSettings;
  report?: DataReport;
  checking: boolean;

  budget: BudgetChoice;
  customS: number;
  /** The score that decides which model is best, when the user chose one (see goalsFor); else the task's default. */
  metric?: string;
  train?: TrainLive;
  trials: LeaderboardRow[];
  /** Best validation score so far, for the chart: seconds since start -> score. Kept after the run. */
  history: { t: number; score: number }[];
  run?: RunSummary;

  // actions
  init(): Promise<void>;
  goTo(step: Step): void;
  dismissError(): void;
  importFile(file: File): Promise<void>;
  importSample(name: string): Promise<void>;
  cancelImport(): Promise<void>;
  setColumnType(column: string, type: ColumnType): void;
  setTarget(column: string | undefined): void;
  setTask(task: Task | undefined): void;
  setRole(column: string, role: ColumnRole): void;
  applyAction(action: FindingAction): void;
  runCheck(): Promise<void>;
  setBudget(choice: BudgetChoice, customS?: number): void;
  budgetSeconds(): number;
  setMetric(metric: string): void;
  /** The metric the next run optimises: the user's choice when it fits the task, else the task's default. */
  chosenMetric(): string | undefined;
  startTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
}

/** Which steps the user may open right now; later steps need the earlier ones done. */
export function reachable(s: Pick<AugurState, 'dataset' | 'report' | 'run' | 'train'>): Record<Step, boolean> {
  return {
    import: true,
    check: !!s.dataset,
    train: !!s.dataset && !!s.report?.canTrain,
    results: !!s.run,
    export: false,
    monitor: false,
  };
}

const ORDER: Step[] = ['import', 'check', 'train', 'results', 'export', 'monitor'];

/** The step actually shown: the chosen one, or the nearest earlier one still open (e.g. a new import cleared the run). */
export function visibleStep(s: Pick<AugurState, 'step' | 'dataset' | 'report' | 'run' | 'train'>): Step {
  const can = reachable(s);
  for (let i = ORDER.indexOf(s.step); i > 0; i--) if (can[ORDER[i]]) return ORDER[i];
  return 'import';
}

export function roleOf(settings: ColumnSettings, column: string): ColumnRole {
  if (settings.target === column) return 'target';
  if (settings.ignore?.includes(column)) return 'ignore';
  return 'use';
}

function newJobId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  return c?.randomUUID ? c.randomUUID() : `job-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function better(row: LeaderboardRow, a: number, b: number): boolean {
  return row.lowerIsBetter ? a < b : a > b;
}

/** Best finished trial so far (failed/pruned rows don't count). */
export function bestOf(rows: LeaderboardRow[]): LeaderboardRow | undefined {
  let best: LeaderboardRow | undefined;
  for (const r of rows) {
    if (r.status !== 'done' || !Number.isFinite(r.score)) continue;
    if (!best || better(r, r.score, best.score)) best = r;
  }
  return best;
}

/** Leaderboard order: best first, unfinished trials last. */
export function sortLeaderboard(rows: LeaderboardRow[]): LeaderboardRow[] {
  const rank = (r: LeaderboardRow) => (r.status === 'done' && Number.isFinite(r.score) ? 0 : r.status === 'pruned' ? 1 : 2);
  return [...rows].sort((a, b) => {
    const d = rank(a) - rank(b);
    if (d !== 0 || rank(a) !== 0) return d;
    return a.lowerIsBetter ? a.score - b.score : b.score - a.score;
  });
}

export interface StoreOptions {
  now?: () => number;
  /** How long live training events are collected before one re-render (0: apply at once, for tests). */
  batchMs?: number;
}

export function createAugurStore(getBridge: () => AugurBridge, { now = () => Date.now(), batchMs = 150 }: StoreOptions = {}): StoreApi<AugurState> {
  let checkSeq = 0;
  let unsubscribe: (() => void) | undefined;

  return createStore<AugurState>()((set, get) => {
    const onEvent = (e: ApiEvent) => {
      const s = get();
      if (e.type === 'job.progress') {
        if (s.importJob?.jobId === e.jobId) {
          set({ importJob: { ...s.importJob, fraction: e.fraction, message: e.message, etaS: e.etaS } });
        } else if (s.train?.jobId === e.jobId) {
          set({ train: { ...s.train, message: e.message } });
        }
        return;
      }
      if (!s.train || s.train.jobId !== e.jobId) return;
      // A fast search can send hundreds of trials a second: collect them and render a few times a second,
      // or the page falls behind and even the Stop button's answer arrives late.
      pending.push(e);
      if (batchMs <= 0) flush();
      else flushTimer ??= setTimeout(flush, batchMs);
    };

    let pending: ApiEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    function flush() {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      const events = pending;
      pending = [];
      const s = get();
      let live = s.train;
      if (!live || events.length === 0) return;
      const byId = new Map(s.trials.map((r) => [r.id, r]));
      const history = [...s.history];
      let best = bestOf(s.trials);
      for (const e of events) {
        if (e.type === 'run.progress' && e.jobId === live.jobId) {
          live = { ...live, elapsedS: e.elapsedS, budgetS: e.budgetS, trialsDone: e.trialsDone };
        } else if (e.type === 'run.trial' && e.jobId === live.jobId) {
          byId.set(e.row.id, e.row);
          const r = e.row;
          if (r.status === 'done' && Number.isFinite(r.score) && (!best || better(r, r.score, best.score))) {
            best = r;
            // The engine's clock (run.progress) when we have it; ours includes start-up before the search.
            // Never step back in time when the engine's clock takes over from ours.
            const t = live.elapsedS > 0 ? live.elapsedS : (now() - live.startedAt) / 1000;
            history.push({ t: Math.max(t, history.at(-1)?.t ?? 0), score: r.score });
          }
        }
      }
      set({ train: live, trials: [...byId.values()], history });
    }

    async function doImport(label: string, makeRef: (jobId: string) => Promise<FileRef>) {
      if (get().train) {
        set({ error: TRAINING_BUSY });
        return;
      }
      if (get().importJob) return; // one import at a time; the progress card offers Cancel
      const jobId = newJobId();
      set({ importJob: { jobId, label, fraction: 0, message: 'Opening the file…' }, error: undefined, notice: undefined });
      try {
        const file = await makeRef(jobId);
        if (get().importJob?.jobId !== jobId) return; // cancelled while uploading
        const summary = await getBridge().invoke('importCsv', { file, jobId });
        if (get().importJob?.jobId !== jobId) return;
        set({
          dataset: summary,
          importJob: undefined,
          settings: {},
          report: undefined,
          trials: [],
          history: [],
          run: undefined,
          train: undefined,
        });
      } catch (err) {
        if (get().importJob?.jobId !== jobId) return;
        if (isCancelledError(err)) set({ importJob: undefined, notice: 'Import stopped. Your previous data is unchanged.' });
        else set({ importJob: undefined, error: errorMessage(err) });
      }
    }

    /** Settings changed: old report and run no longer describe them. */
    function changeSettings(settings: ColumnSettings) {
      if (get().train) return; // the running search uses the settings it started with
      set({ settings, run: undefined });
      void get().runCheck();
    }

    return {
      step: 'import',
      settings: {},
      checking: false,
      budget: 'quick',
      customS: 30,
      trials: [],
      history: [],

      async init() {
        try {
          const bridge = getBridge();
          unsubscribe?.();
          unsubscribe = bridge.onEvent(onEvent);
          const status = await bridge.invoke('status', {});
          set({ status, statusError: undefined });
        } catch (err) {
          set({ statusError: errorMessage(err) });
        }
      },

      goTo(step) {
        if (!reachable(get())[step]) return;
        set({ step, notice: undefined });
        if (step === 'check' && !get().report && !get().checking) void get().runCheck();
      },

      dismissError() {
        set({ error: undefined, notice: undefined });
      },

      importFile(file) {
        return doImport(file.name, (jobId) =>
          getBridge().fileRef(file, (fraction) => {
            const job = get().importJob;
            // Uploading is the first half of the bar's story; the engine's own progress replaces it.
            if (job?.jobId === jobId) set({ importJob: { ...job, fraction, message: `Copying the file into Augur… ${Math.round(fraction * 100)}%` } });
          }),
        );
      },

      importSample(name) {
        return doImport(name, async () => ({ kind: 'sample', name }));
      },

      async cancelImport() {
        const job = get().importJob;
        if (!job) return;
        set({ importJob: undefined, notice: 'Import stopped. Your previous data is unchanged.' });
        try {
          await getBridge().invoke('cancel', { jobId: job.jobId });
        } catch {
          // The import is already forgotten by the UI; a failed cancel only wastes a little work.
        }
      },

      setColumnType(column, type) {
        const ds = get().dataset;
        const inferred = ds?.columns.find((c) => c.name === column)?.type;
        const typeOverrides = { ...get().settings.typeOverrides };
        if (type === inferred) delete typeOverrides[column];
        else typeOverrides[column] = type;
        changeSettings({ ...get().settings, typeOverrides });
      },

      setTarget(column) {
        const s = get().settings;
        const ignore = column ? (s.ignore ?? []).filter((c) => c !== column) : s.ignore;
        // A new target makes an old task override meaningless.
        changeSettings({ ...s, target: column, task: column === s.target ? s.task : undefined, ignore });
      },

      setTask(task) {
        changeSettings({ ...get().settings, task });
      },

      setRole(column, role) {
        const s = get().settings;
        let ignore = (s.ignore ?? []).filter((c) => c !== column);
        let target = s.target;
        let task = s.task;
        if (role === 'ignore') ignore = [...ignore, column];
        if (role === 'target') {
          if (target !== column) task = undefined;
          target = column;
        } else if (target === column) {
          target = undefined;
          task = undefined;
        }
        changeSettings({ ...s, target, task, ignore });
      },

      applyAction(action) {
        if (action.kind === 'ignore_column') get().setRole(action.column, 'ignore');
        else if (action.kind === 'set_type') get().setColumnType(action.column, action.type);
        else get().setTask(action.task);
      },

      async runCheck() {
        const ds = get().dataset;
        if (!ds) return;
        const seq = ++checkSeq;
        set({ checking: true });
        try {
          const report = await getBridge().invoke('checkData', { datasetId: ds.datasetId, ...get().settings });
          if (seq !== checkSeq) return; // a newer check is on its way
          set({ report, checking: false });
        } catch (err) {
          if (seq !== checkSeq) return;
          set({ checking: false, report: undefined, error: errorMessage(err) });
        }
      },

      setBudget(choice, customS) {
        set({ budget: choice, ...(customS !== undefined ? { customS } : {}) });
      },

      setMetric(metric) {
        set({ metric });
      },

      chosenMetric() {
        const task = get().report?.target?.task;
        if (!task) return undefined;
        const goals = goalsFor(task);
        return goals.find((g) => g.metric === get().metric)?.metric ?? goals[0].metric;
      },

      budgetSeconds() {
        const { budget, customS } = get();
        if (budget !== 'custom') return BUDGET_SECONDS[budget];
        const s = Math.round(Number.isFinite(customS) ? customS : 30);
        return Math.min(CUSTOM_MAX_S, Math.max(CUSTOM_MIN_S, s));
      },

      async startTraining() {
        const { dataset, settings, report, train, checking } = get();
        if (!dataset || !settings.target || !report?.canTrain || train || checking) return;
        const jobId = newJobId();
        const budgetS = get().budgetSeconds();
        set({
          train: { jobId, startedAt: now(), budgetS, elapsedS: 0, trialsDone: 0, cancelling: false },
          trials: [],
          history: [],
          run: undefined,
          error: undefined,
          notice: undefined,
        });
        try {
          const run = await getBridge().invoke('train', {
            ...settings,
            target: settings.target,
            datasetId: dataset.datasetId,
            budgetS,
            metric: get().chosenMetric(),
            jobId,
          });
          if (get().train?.jobId !== jobId) return;
          flush(); // trials still waiting in the batch belong to the chart
          // Extend the chart to the end of the run so the last flat stretch is visible.
          const history = [...get().history];
          if (run.best && Number.isFinite(run.best.score)) history.push({ t: Math.max(run.elapsedS, history.at(-1)?.t ?? 0), score: run.best.score });
          const error = get().error === TRAINING_BUSY ? undefined : get().error; // no longer true
          set({ run, trials: run.leaderboard.length ? run.leaderboard : get().trials, history, train: undefined, error });
        } catch (err) {
          if (get().train?.jobId !== jobId) return;
          if (isCancelledError(err)) set({ train: undefined, notice: 'Training stopped before any model was finished.' });
          else set({ train: undefined, error: errorMessage(err) });
        }
      },

      async cancelTraining() {
        const live = get().train;
        if (!live || live.cancelling) return;
        set({ train: { ...live, cancelling: true } });
        try {
          await getBridge().invoke('cancel', { jobId: live.jobId });
        } catch (err) {
          set({ error: errorMessage(err) });
        }
        // The train call itself resolves with the best model so far (summary.cancelled = true).
      },
    };
  });
}

let appBridge: AugurBridge | undefined;
/** main.tsx hands over the bridge from ensureBridge() (it turns every rejection into a sentence). */
export function setBridge(bridge: AugurBridge): void {
  appBridge = bridge;
}

/** The app's store; until setBridge runs it falls back to `window.augur`. */
export const store = createAugurStore(() => appBridge ?? window.augur);

export function useAugur<T>(selector: (s: AugurState) => T): T {
  return useStore(store, selector);
}
