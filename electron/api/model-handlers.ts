// Understanding an open model: its evaluation (fast part at once, the deeper part as a job with
// progress), the rows it learned from, why it said what it said about one of them or about typed
// values, and the decision threshold from what a miss and a false alarm cost.
import type { ModelEvaluation } from '../../shared/api.ts';
import { UserError } from '../engine/util/errors.ts';
import type { ApiState, ModelEntry } from './context.ts';
import type { ApiImpl } from './handlers.ts';

const engine = {
  understand: () => import('../engine/evaluate/understand.ts'),
  scoring: () => import('../engine/deploy/scoring.ts'),
};

type ModelMethods = 'evaluation' | 'deepEvaluation' | 'trainingRows' | 'explainRow' | 'whatIfFields' | 'whatIf' | 'setCosts';

const noEvidence = () =>
  new UserError('no_evidence', 'This model was opened from a file, so Augur does not have the rows it learned from to look into.', 'Check it on a labelled file instead.');

export function modelHandlers(state: ApiState): Pick<ApiImpl, ModelMethods> {
  const view = (modelId: string, m: ModelEntry): ModelEvaluation => {
    if (!m.fast) throw noEvidence();
    return { modelId, fast: m.fast, ...(m.deep ? { deep: m.deep } : {}) };
  };
  const withEvidence = (modelId: string) => {
    const m = state.model(modelId);
    if (!m.evidence) throw noEvidence();
    return { m, ev: m.evidence };
  };

  return {
    async evaluation({ modelId }) {
      return view(modelId, state.model(modelId));
    },

    deepEvaluation({ modelId, jobId }) {
      const { m, ev } = withEvidence(modelId);
      return state.jobs.run(
        jobId,
        async (signal) => {
          if (!m.fast) throw noEvidence();
          if (!m.deep) {
            const { evaluateDeep } = await engine.understand();
            m.deep = await evaluateDeep(m.bundle, ev, m.fast, { signal, onProgress: state.progressEmitter(jobId) });
          }
          return view(modelId, m);
        },
        state.duplicateJob,
      );
    },

    async trainingRows({ modelId, offset, limit }) {
      const { m, ev } = withEvidence(modelId);
      const { scoreTable } = await engine.scoring();
      const t = ev.table;
      const from = Math.max(0, Math.min(offset, t.nRows));
      const to = Math.min(t.nRows, from + Math.max(1, Math.min(limit, 200)));
      const { takeRows, stringAt } = await import('../engine/data/table-ops.ts');
      const page = takeRows(t, Array.from({ length: to - from }, (_, i) => from + i));
      const scores = scoreTable(m.bundle, page);
      const target = m.bundle.target.name;
      const shown = page.columns.filter((c) => c.name !== target);
      const targetCol = page.columns.find((c) => c.name === target);
      const cell = (c: (typeof page.columns)[number], i: number) => stringAt(c)(i) ?? '';
      return {
        columns: shown.map((c) => c.name),
        total: t.nRows,
        rows: Array.from({ length: page.nRows }, (_, i) => ({
          index: from + i,
          cells: shown.map((c) => cell(c, i)),
          actual: targetCol ? cell(targetCol, i) : '',
          predicted: formatAnswer(scores.answers[i]),
        })),
      };
    },

    async explainRow({ modelId, row }) {
      const { m, ev } = withEvidence(modelId);
      if (!(row >= 0 && row < ev.table.nRows)) throw new UserError('no_such_row', `There is no row ${row + 1}; the model learned from ${ev.table.nRows.toLocaleString('en-US')} rows.`);
      const { explainTrainingRow } = await engine.understand();
      return explainTrainingRow(m.bundle, ev, row);
    },

    async whatIfFields({ modelId }) {
      const { m, ev } = withEvidence(modelId);
      const { formFields } = await engine.understand();
      return formFields(m.bundle, ev);
    },

    async whatIf({ modelId, values }) {
      const { m, ev } = withEvidence(modelId);
      const { explainTypedValues } = await engine.understand();
      return explainTypedValues(m.bundle, ev, values);
    },

    async setCosts({ modelId, missed, falseAlarm }) {
      const { m, ev } = withEvidence(modelId);
      if (m.bundle.taskInfo.task !== 'binary') throw new UserError('not_two_outcomes', 'Costs of a miss and a false alarm apply to models that choose between two outcomes.');
      const { evaluateAndKeep } = await engine.understand();
      m.fast = await evaluateAndKeep(m.bundle, ev, { costs: { missed, false_alarm: falseAlarm } });
      if (m.deep) m.deep = { ...m.deep }; // the slices do not depend on the threshold
      return view(modelId, m);
    },
  };
}

function formatAnswer(v: string | number): string {
  if (typeof v === 'string') return v;
  const a = Math.abs(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: a >= 100 ? 0 : a >= 1 ? 2 : 4 });
}
