// Training: the AutoML run with live events, then the model kept open with what the run measured and
// the part of its evaluation that is ready at once.
import { randomUUID } from 'node:crypto';
import type { MetricName } from '../engine/evaluate/metrics.ts';
import type { ApiState } from './context.ts';
import type { ApiImpl } from './handlers.ts';

const engine = {
  prepare: () => import('../engine/data/prepare.ts'),
  checks: () => import('../engine/data/checks.ts'),
  search: () => import('../engine/search/run.ts'),
  fromRun: () => import('../engine/deploy/from-run.ts'),
};

export function runHandlers(state: ApiState): Pick<ApiImpl, 'train'> {
  const { ctx } = state;
  return {
    train({ datasetId, jobId, budgetS, seed, metric, ...settings }) {
      const entry = state.dataset(datasetId);
      return state.jobs.run(
        jobId,
        async (signal) => {
          const [{ prepareTraining }, { runAutoML }, { bundleFromRun }, { checkData }] = await Promise.all([
            engine.prepare(), engine.search(), engine.fromRun(), engine.checks(),
          ]);
          const prepared = prepareTraining(entry.table, settings);
          const result = await runAutoML(prepared, {
            budgetS,
            seed,
            metric: metric as MetricName | undefined, // validated against the metric list in validate.ts
            signal,
            onEvent: (e) => {
              if (e.type === 'trial') ctx.emit({ type: 'run.trial', jobId, row: e.row });
              else {
                const { type: _type, ...rest } = e;
                ctx.emit({ type: 'run.progress', jobId, ...rest });
              }
            },
          });
          ctx.emit({ type: 'job.progress', jobId, fraction: 1, message: 'Checking how far the model can be trusted…' });
          const findings = checkData(entry.table, settings, entry.summary.findings).findings;
          const { bundle, evidence, evaluation, evaluationError } = await bundleFromRun(prepared, result, entry.table, settings, { plans: entry.plans, findings, seed: seed ?? 0 });
          if (evaluationError) console.error(`evaluation after training failed: ${String((evaluationError as Error).message ?? evaluationError).split('\n')[0]}`);
          const modelId = randomUUID();
          state.models.set(modelId, { bundle, evidence, fast: evaluation });
          return { ...result.summary, runId: modelId, modelId, ...(evaluation ? { evaluation } : {}) };
        },
        state.duplicateJob,
        'train',
        state.trainingRunning,
      );
    },
  };
}
