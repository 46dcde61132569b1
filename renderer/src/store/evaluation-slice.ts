// Understanding the open model: its evaluation (the fast part arrives with the run; the deeper part is
// a job started when Results opens), the row the user picked and why the model said what it did, the
// what-if form, and the costs that set the decision threshold. Answers for an earlier model are dropped.
import type { ApiEvent, ModelEvaluation, WhatIfValues } from '../../../shared/api.ts';
import { errorMessage, isCancelledError } from '../format.ts';
import { newJobId, type EvaluationSlice, type SliceContext } from './types.ts';

const WHAT_IF_DEBOUNCE_MS = 250;
const ROWS_PAGE = 10;

export function evaluationSlice({ set, get, bridge }: SliceContext): { slice: EvaluationSlice; onEvalEvent: (e: ApiEvent) => void } {
  let whatIfTimer: ReturnType<typeof setTimeout> | undefined;
  let whatIfSeq = 0;
  const modelId = () => get().evaluation?.modelId;
  /** Still the same model as when the request left? */
  const same = (id: string | undefined) => id !== undefined && get().evaluation?.modelId === id;

  const onEvalEvent = (e: ApiEvent) => {
    const job = get().deepJob;
    if (e.type === 'job.progress' && job?.jobId === e.jobId) set({ deepJob: { ...job, fraction: e.fraction, message: e.message } });
  };

  async function rescore() {
    const id = modelId();
    const w = get().whatIf;
    if (!id || !w) return;
    const seq = ++whatIfSeq;
    set({ whatIf: { ...w, busy: true, error: undefined } });
    try {
      const result = await bridge().invoke('whatIf', { modelId: id, values: w.values });
      if (seq !== whatIfSeq || !same(id)) return;
      set({ whatIf: { ...get().whatIf!, result, busy: false } });
    } catch (err) {
      if (seq !== whatIfSeq || !same(id)) return;
      set({ whatIf: { ...get().whatIf!, busy: false, error: errorMessage(err) } });
    }
  }

  const slice: EvaluationSlice = {
    explaining: false,
    costsBusy: false,

    async loadDeep() {
      const ev = get().evaluation;
      if (!ev || ev.deep || get().deepJob) return;
      const jobId = newJobId();
      set({ deepJob: { jobId, label: 'A closer look', fraction: 0, message: 'Finding where the model is weaker…' }, deepError: undefined });
      try {
        const full: ModelEvaluation = await bridge().invoke('deepEvaluation', { modelId: ev.modelId, jobId });
        if (get().deepJob?.jobId !== jobId || !same(ev.modelId)) return;
        set({ evaluation: { ...get().evaluation!, deep: full.deep }, deepJob: undefined });
      } catch (err) {
        if (get().deepJob?.jobId !== jobId) return;
        set({ deepJob: undefined, deepError: isCancelledError(err) ? 'Stopped. The rest of the report is still here.' : errorMessage(err) });
      }
    },

    async cancelDeep() {
      const job = get().deepJob;
      if (!job) return;
      set({ deepJob: undefined, deepError: 'Stopped. The rest of the report is still here.' });
      try {
        await bridge().invoke('cancel', { jobId: job.jobId });
      } catch {
        // already forgotten by the screen; the engine stops at its next check
      }
    },

    async loadRows(offset) {
      const id = modelId();
      if (!id) return;
      try {
        const page = await bridge().invoke('trainingRows', { modelId: id, offset: Math.max(0, offset), limit: ROWS_PAGE });
        if (same(id)) set({ rowsPage: page });
      } catch (err) {
        if (same(id)) set({ error: errorMessage(err) });
      }
    },

    async explain(row) {
      const id = modelId();
      if (!id) return;
      set({ explaining: true });
      try {
        const explanation = await bridge().invoke('explainRow', { modelId: id, row });
        if (same(id)) set({ explained: { row, explanation }, explaining: false });
      } catch (err) {
        if (same(id)) set({ explaining: false, error: errorMessage(err) });
      }
    },

    async openWhatIf() {
      const id = modelId();
      if (!id || get().whatIf) return;
      try {
        const fields = await bridge().invoke('whatIfFields', { modelId: id });
        if (!same(id)) return;
        const values: WhatIfValues = {};
        for (const f of fields) {
          const typical = f.typical;
          values[f.column] = typeof typical === 'number' ? (Number.isFinite(typical) ? typical : null) : typical ?? null;
        }
        set({ whatIf: { fields, values, busy: false } });
        await rescore();
      } catch (err) {
        if (same(id)) set({ error: errorMessage(err) });
      }
    },

    setWhatIf(column, value) {
      const w = get().whatIf;
      if (!w) return;
      set({ whatIf: { ...w, values: { ...w.values, [column]: value } } });
      if (whatIfTimer !== undefined) clearTimeout(whatIfTimer);
      whatIfTimer = setTimeout(() => void rescore(), WHAT_IF_DEBOUNCE_MS);
    },

    async setCosts(missed, falseAlarm) {
      const id = modelId();
      if (!id) return;
      set({ costs: { missed, falseAlarm }, costsBusy: true });
      try {
        const ev = await bridge().invoke('setCosts', { modelId: id, missed, falseAlarm });
        if (!same(id)) return;
        set({ evaluation: { ...get().evaluation!, fast: ev.fast }, costsBusy: false });
      } catch (err) {
        if (same(id)) set({ costsBusy: false, error: errorMessage(err) });
      }
    },
  };
  return { slice, onEvalEvent };
}

/** The evaluation part of the state for a freshly finished run (or none): everything about an earlier model goes. */
export function freshEvaluation(modelId: string | undefined, fast: ModelEvaluation['fast'] | undefined) {
  return {
    evaluation: modelId && fast ? { modelId, fast } : undefined,
    deepJob: undefined,
    deepError: undefined,
    rowsPage: undefined,
    explained: undefined,
    explaining: false,
    whatIf: undefined,
    costs: undefined,
    costsBusy: false,
  };
}
