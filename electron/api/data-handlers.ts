// The data steps: the app's status, importing a CSV file, and checking it against the column settings.
import { randomUUID } from 'node:crypto';
import type { AppStatus } from '../../shared/api.ts';
import { machineFacts } from '../engine/util/environment.ts';
import { loadTf } from '../engine/tf/backend.ts';
import pkg from '../../package.json' with { type: 'json' };
import type { ApiState } from './context.ts';
import type { ApiImpl } from './handlers.ts';
import { listSamples } from './samples.ts';

const engine = {
  importer: () => import('../engine/data/import.ts'),
  checks: () => import('../engine/data/checks.ts'),
};

export function dataHandlers(state: ApiState): Pick<ApiImpl, 'status' | 'importCsv' | 'checkData'> {
  const { ctx } = state;
  return {
    async status(): Promise<AppStatus> {
      const [tf, samples] = await Promise.all([loadTf(), listSamples(ctx.samplesDir)]);
      const facts = machineFacts();
      return {
        version: pkg.version,
        transport: ctx.transport,
        tfBackend: tf.backend,
        ...(tf.note ? { tfBackendNote: tf.note } : {}),
        node: facts.node,
        cores: facts.cores,
        memoryGb: facts.memoryGb,
        samples: samples.map(({ name, description }) => ({ name, description })),
      };
    },

    importCsv({ file, jobId }) {
      return state.jobs.run(
        jobId,
        async (signal) => {
          const { filePath, displayName } = await state.resolveFile(file);
          try {
            const { importCsvFile } = await engine.importer();
            const { table, plans, summary } = await importCsvFile(filePath, { signal, onProgress: state.progressEmitter(jobId) });
            const full = { ...summary, fileName: displayName ?? summary.fileName, datasetId: randomUUID() };
            state.datasets.set(full.datasetId, { table, plans, summary: full });
            return full;
          } finally {
            await state.releaseFile(file, filePath);
          }
        },
        state.duplicateJob,
        'import',
        state.importsRunning,
      );
    },

    async checkData({ datasetId, ...settings }) {
      const entry = state.dataset(datasetId);
      const { checkData } = await engine.checks();
      return checkData(entry.table, settings, entry.summary.findings);
    },
  };
}
