// Import, the column settings (target, roles, types, task) and the data check.
import type { ColumnRole, ColumnSettings, DataReport, FileRef } from '../../../shared/api.ts';
import { errorMessage, isCancelledError } from '../format.ts';
import { freshEvaluation } from './evaluation-slice.ts';
import { newJobId, type DataSlice, type SliceContext } from './types.ts';

export const TRAINING_BUSY = 'Training is still running. Stop it first (or let it finish), then import another file.';

export function roleOf(settings: ColumnSettings, column: string): ColumnRole {
  if (settings.target === column) return 'target';
  if (settings.ignore?.includes(column)) return 'ignore';
  return 'use';
}

export function dataSlice({ set, get, bridge }: SliceContext): DataSlice {
  let checkSeq = 0;

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
      const summary = await bridge().invoke('importCsv', { file, jobId });
      if (get().importJob?.jobId !== jobId) return;
      if (get().deepJob) void get().cancelDeep();
      set({ dataset: summary, importJob: undefined, settings: {}, keptLeaks: [], report: undefined, trials: [], history: [], run: undefined, train: undefined, ...freshEvaluation(undefined, undefined) });
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

  /**
   * A column that gives the outcome away completely is left out by default (the check says so, with a
   * button that puts it back): a model that uses it looks perfect and is useless.
   */
  function leaveOutCopies(report: DataReport): boolean {
    const s = get().settings;
    const copies = report.findings
      .filter((f) => f.code === 'target_copy' && f.column && !get().keptLeaks.includes(f.column) && !(s.ignore ?? []).includes(f.column))
      .map((f) => f.column!);
    if (!copies.length) return false;
    changeSettings({ ...s, ignore: [...(s.ignore ?? []), ...copies] });
    return true;
  }

  return {
    settings: {},
    checking: false,
    keptLeaks: [],

    importFile(file) {
      return doImport(file.name, (jobId) =>
        bridge().fileRef(file, (fraction) => {
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
        await bridge().invoke('cancel', { jobId: job.jobId });
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
      else if (action.kind === 'use_column') {
        set({ keptLeaks: [...get().keptLeaks, action.column] });
        get().setRole(action.column, 'use');
      }
      else if (action.kind === 'set_type') get().setColumnType(action.column, action.type);
      else get().setTask(action.task);
    },

    async runCheck() {
      const ds = get().dataset;
      if (!ds) return;
      const seq = ++checkSeq;
      set({ checking: true });
      try {
        const report = await bridge().invoke('checkData', { datasetId: ds.datasetId, ...get().settings });
        if (seq !== checkSeq) return; // a newer check is on its way
        set({ report, checking: false });
        leaveOutCopies(report); // (checks again when it leaves one out)
      } catch (err) {
        if (seq !== checkSeq) return;
        set({ checking: false, report: undefined, error: errorMessage(err) });
      }
    },
  };
}
