// What every group of API handlers shares: the transport's context, the session's state (imported
// tables, open models, running jobs), throttled progress events, and how a FileRef becomes a path.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ApiEvent, FileRef, ImportSummary } from '../../shared/api.ts';
import type { FastEvaluation } from '../../shared/evaluation.ts';
import type { DeepEvaluation } from '../../shared/api.ts';
import type { ColumnPlan } from '../engine/data/column-builder.ts';
import type { Table } from '../engine/data/table.ts';
import type { ModelBundle } from '../engine/deploy/bundle.ts';
import type { ModelEvidence } from '../engine/evaluate/understand.ts';
import { UserError } from '../engine/util/errors.ts';
import { BadRequestError } from './errors.ts';
import { listSamples } from './samples.ts';
import { Outbox } from './outbox.ts';
import { JobRegistry, LruMap } from './session.ts';

export interface ApiContext {
  emit: (e: ApiEvent) => void;
  transport: 'electron' | 'browser';
  samplesDir: string;
  /** Browser mode only: where the host's POST /upload put dropped files (one folder per uploadId). */
  uploadsDir?: string;
  /** Where made files wait to be saved (default: a folder of this process under the OS temp folder). */
  outboxDir?: string;
}

export interface DatasetEntry {
  table: Table;
  /** How the import read each column (what a model trained on it pins for later files). */
  plans: ColumnPlan[];
  summary: ImportSummary;
}

/** A model open in this session: from a run (with its evidence) or, later, from a file. */
export interface ModelEntry {
  bundle: ModelBundle;
  /** What the run measured; absent for a model opened from a file. */
  evidence?: ModelEvidence;
  fast?: FastEvaluation;
  deep?: DeepEvaluation;
}

const UPLOAD_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROGRESS_INTERVAL_MS = 100;

export class ApiState {
  readonly datasets = new LruMap<string, DatasetEntry>(6);
  // Models may hold TensorFlow.js memory (networks): release it when a model is forgotten.
  readonly models = new LruMap<string, ModelEntry>(6, (m) => m.bundle.fitted.dispose?.());
  readonly jobs = new JobRegistry();
  readonly outbox: Outbox;

  constructor(readonly ctx: ApiContext) {
    this.outbox = new Outbox(ctx.outboxDir);
  }

  duplicateJob = (): Error => new BadRequestError('jobId is already running');
  // Beyond what the machine can run at once (session.ts JOB_LIMITS), a job is refused in a sentence.
  trainingRunning = (): Error =>
    new UserError('busy_training', 'Augur is already training a model, and one training at a time gets the whole computer.', 'Wait for it to finish, or stop it, then start this one.');
  importsRunning = (n: number): Error =>
    new UserError('busy_importing', `Augur is already reading ${n} files at once.`, 'Wait for one of them to finish, then try again.');

  /** job.progress events, at most one per PROGRESS_INTERVAL_MS per job (the last one always goes out). */
  progressEmitter(jobId: string): (fraction: number, message: string) => void {
    let last = 0;
    return (fraction, message) => {
      const now = Date.now();
      if (fraction < 1 && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      this.ctx.emit({ type: 'job.progress', jobId, fraction: Math.max(0, Math.min(1, fraction)), message });
    };
  }

  dataset(datasetId: string): DatasetEntry {
    const entry = this.datasets.get(datasetId);
    if (!entry) throw new UserError('dataset_gone', 'That data is no longer loaded.', 'Please import the file again.');
    return entry;
  }

  model(modelId: string): ModelEntry {
    const entry = this.models.get(modelId);
    if (!entry) throw new UserError('model_gone', 'That model is no longer open.', 'Train it again, or open its saved file.');
    return entry;
  }

  /** Where a FileRef points on disk, and the name to show for it. */
  async resolveFile(ref: FileRef): Promise<{ filePath: string; displayName?: string }> {
    const ctx = this.ctx;
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

  /** An upload is a temporary copy (up to gigabytes): once read, or refused, it is not needed again. */
  async releaseFile(ref: FileRef, filePath: string): Promise<void> {
    if (ref.kind === 'upload') await fs.rm(path.dirname(filePath), { recursive: true, force: true });
  }
}
