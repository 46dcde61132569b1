// The one implementation of the API contract (shared/api.ts). Electron's IPC handlers and the
// browser-mode WebSocket host both call these same functions, so the two transports cannot drift.
// Args arrive already validated (validate.ts via dispatch.ts). Engine modules load lazily: status
// answers fast, and the host starts even while a heavy module (tfjs) is still loading.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ApiEvent, ApiMethod, ApiMethods, AppStatus, FileRef } from '../../shared/api.ts';
import type { MetricName } from '../engine/evaluate/metrics.ts';
import type { Table } from '../engine/data/table.ts';
import type { TrainedModel } from '../engine/search/run.ts';
import { UserError } from '../engine/util/errors.ts';
import { machineFacts } from '../engine/util/environment.ts';
import { loadTf } from '../engine/tf/backend.ts';
import pkg from '../../package.json' with { type: 'json' };
import { BadRequestError } from './errors.ts';
import { JobRegistry, LruMap } from './session.ts';
import { listSamples } from './samples.ts';

export interface ApiContext {
  emit: (e: ApiEvent) => void;
  transport: 'electron' | 'browser';
  samplesDir: string;
  /** Browser mode only: where the host's POST /upload put dropped files (one folder per uploadId). */
  uploadsDir?: string;
}

export type ApiImpl = { [M in ApiMethod]: (args: ApiMethods[M]['args']) => Promise<ApiMethods[M]['result']> };

export interface Api extends ApiImpl {
  /** Stop every running job (window closed, host shutting down). */
  cancelAll(): void;
}

interface DatasetEntry {
  table: Table;
  summary: ApiMethods['importCsv']['result'];
}

const engine = {
  importer: () => import('../engine/data/import.ts'),
  checks: () => import('../engine/data/checks.ts'),
  features: () => import('../engine/data/features.ts'),
  search: () => import('../engine/search/run.ts'),
};

const UPLOAD_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROGRESS_INTERVAL_MS = 100;

export function createApi(ctx: ApiContext): Api {
  const datasets = new LruMap<string, DatasetEntry>(6);
  // Trained models may hold TensorFlow.js memory (networks): release it when a model is forgotten.
  const models = new LruMap<string, TrainedModel>(6, (m) => m.fitted.dispose?.());
  const jobs = new JobRegistry();
  const duplicateJob = () => new BadRequestError('jobId is already running');
  // Beyond what the machine can run at once (session.ts JOB_LIMITS), a job is refused in a sentence.
  const trainingRunning = () =>
    new UserError('busy_training', 'Augur is already training a model, and one training at a time gets the whole computer.', 'Wait for it to finish, or stop it, then start this one.');
  const importsRunning = (n: number) =>
    new UserError('busy_importing', `Augur is already reading ${n} files at once.`, 'Wait for one of them to finish, then try again.');

  /** job.progress events, at most one per PROGRESS_INTERVAL_MS per job (the last one always goes out). */
  function progressEmitter(jobId: string): (fraction: number, message: string) => void {
    let last = 0;
    return (fraction, message) => {
      const now = Date.now();
      if (fraction < 1 && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      ctx.emit({ type: 'job.progress', jobId, fraction: Math.max(0, Math.min(1, fraction)), message });
    };
  }

  function dataset(datasetId: string): DatasetEntry {
    const entry = datasets.get(datasetId);
    if (!entry) throw new UserError('dataset_gone', 'That data is no longer loaded.', 'Please import the file again.');
    return entry;
  }

  /** Where a FileRef points on disk, and the name to show for it. */
  async function resolveFile(ref: FileRef): Promise<{ filePath: string; displayName?: string }> {
    if (ref.kind === 'sample') {
      const sample = (await listSamples(ctx.samplesDir)).find((s) => s.name === ref.name);
      if (!sample) throw new UserError('sample_missing', `There is no example file called "${ref.name}".`);
      return { filePath: sample.path };
    }
    if (ref.kind === 'upload') {
      if (!ctx.uploadsDir || !UPLOAD_ID_RE.test(ref.uploadId))
        throw new UserError('upload_missing', 'That file upload is no longer available.', 'Please drop the file again.');
      const dir = path.join(ctx.uploadsDir, ref.uploadId);
      const files = await fs.readdir(dir).catch(() => [] as string[]);
      if (files.length !== 1) throw new UserError('upload_missing', 'That file upload is no longer available.', 'Please drop the file again.');
      return { filePath: path.join(dir, files[0]), displayName: path.basename(ref.name) };
    }
    // A picked file's id is turned into its path by Electron's main process (main/picked-files.ts) before it gets here.
    if (ref.kind === 'picked') throw new UserError('file_gone', 'Augur no longer knows that file.', 'Please drop the file or choose it again.');
    // A path: only from Electron, where main turned a picked file's id into it (the renderer cannot send one).
    // Browser mode sends uploads, so a path there is refused: a web page must not read arbitrary files.
    if (ctx.transport !== 'electron') throw new UserError('path_not_allowed', 'In the browser, please drop the file or choose it with the file picker.');
    if (!path.isAbsolute(ref.path)) throw new BadRequestError('file.path must be absolute');
    const stat = await fs.stat(ref.path).catch(() => undefined);
    if (!stat) throw new UserError('file_not_found', `Augur cannot find the file "${path.basename(ref.path)}".`, 'It may have been moved or deleted.');
    if (!stat.isFile()) throw new UserError('not_a_file', `"${path.basename(ref.path)}" is a folder, not a file.`, 'Please choose a CSV file.');
    return { filePath: ref.path };
  }

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
      return jobs.run(
        jobId,
        async (signal) => {
          const { filePath, displayName } = await resolveFile(file);
          try {
            const { importCsvFile } = await engine.importer();
            const { table, summary } = await importCsvFile(filePath, { signal, onProgress: progressEmitter(jobId) });
            const full = { ...summary, fileName: displayName ?? summary.fileName, datasetId: randomUUID() };
            datasets.set(full.datasetId, { table, summary: full });
            return full;
          } finally {
            // An upload is a temporary copy (up to gigabytes): once read, or refused, it is not needed again.
            if (file.kind === 'upload') await fs.rm(path.dirname(filePath), { recursive: true, force: true });
          }
        },
        duplicateJob,
        'import',
        importsRunning,
      );
    },

    async checkData({ datasetId, ...settings }) {
      const entry = dataset(datasetId);
      const { checkData } = await engine.checks();
      return checkData(entry.table, settings, entry.summary.findings);
    },

    train({ datasetId, jobId, budgetS, seed, metric, ...settings }) {
      const entry = dataset(datasetId);
      return jobs.run(
        jobId,
        async (signal) => {
          const [{ prepareTraining }, { runAutoML }] = await Promise.all([engine.features(), engine.search()]);
          const prepared = prepareTraining(entry.table, settings);
          const { summary, model } = await runAutoML(prepared, {
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
          const runId = randomUUID();
          models.set(runId, model);
          return { ...summary, runId };
        },
        duplicateJob,
        'train',
        trainingRunning,
      );
    },

    async cancel({ jobId }) {
      return { cancelled: jobs.cancel(jobId) };
    },

    cancelAll() {
      jobs.cancelAll();
    },
  };
}
