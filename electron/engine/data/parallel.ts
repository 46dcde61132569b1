// Two threads share a big file: this thread reads the first half, a worker the second, from the
// first line break after the middle. That split is a guess (the line break could sit inside a
// quoted value); it is confirmed when the first half ends exactly on it. If not, or if the worker
// cannot start, this thread simply reads on to the end: same result, only slower.
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../util/errors.ts';
import { findWorkerFile, workerEntry } from '../util/worker-entry.ts';
import type { BuilderState, ColumnBuilder } from './column-builder.ts';
import { NotUtf8Error, RangeParser, type RangeSpec } from './parse-range.ts';
import type { Yielder } from '../util/yielder.ts';

/**
 * When to use a second thread: only for files big enough that starting a worker pays off, and only
 * when the computer has a core to spare (on a busy machine a second thread just competes with the first).
 * Tests lower `minBytes` and set `ignoreLoad` to exercise the two-thread path on small files.
 */
export const parallelPolicy = { minBytes: 48 << 20, ignoreLoad: false };

/** How the last two-thread attempt went (for tests and benchmarks). */
export const parallelStats = { last: 'none' as 'none' | 'two-threads' | 'read-on' };

export interface ParseResult {
  rows: number;
  builders: ColumnBuilder[];
  shortRows: number;
  longRows: number;
  firstShort: number;
  firstLong: number;
  unterminated: number[];
  headerRows: number;
  firstHeaderRow: number;
}

interface WorkerDone {
  type: 'done';
  states: BuilderState[];
  rows: number;
  line: number;
  shortRows: number;
  longRows: number;
  firstShort: number;
  firstLong: number;
  unterminated: number[];
  headerRows: number;
  firstHeaderRow: number;
}
type WorkerMsg = WorkerDone | { type: 'progress'; bytesRead: number; rows: number } | { type: 'error'; notUtf8: boolean; message: string };

/** The worker's entry file, or null when it is not available (then the import uses one thread). */
function workerFile(): string | null {
  return findWorkerFile('import-worker', (import.meta as { url?: string }).url, 'AUGUR_IMPORT_WORKER_PATH');
}

/** Offset just after the first line break at or after the middle of the data, or -1. */
async function splitPoint(filePath: string, start: number, fileBytes: number): Promise<number> {
  const mid = start + Math.floor((fileBytes - start) / 2);
  const fh = await fs.promises.open(filePath, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await fh.read(buf, 0, buf.length, mid);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    return nl < 0 ? -1 : mid + nl + 1;
  } finally {
    await fh.close();
  }
}

export async function canParallelize(fileBytes: number, encoding: string): Promise<boolean> {
  const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  if (fileBytes < parallelPolicy.minBytes || cores < 2) return false;
  if (!(encoding === 'utf-8' || encoding === 'utf-8-bom' || encoding === 'windows-1252')) return false;
  if (workerFile() === null) return false;
  return parallelPolicy.ignoreLoad || (await idleCores(100)) >= 0.8;
}

/**
 * Idle cores right now, from the system's CPU counters over `ms` milliseconds. (The load average
 * lags by a minute, so right after other heavy work it would keep a free core unused; it is also 0
 * on Windows.) Costs `ms` once per big file.
 */
async function idleCores(ms: number): Promise<number> {
  const sample = () => os.cpus().reduce((acc, c) => {
    const t = c.times;
    acc.idle += t.idle;
    acc.total += t.user + t.nice + t.sys + t.idle + t.irq;
    return acc;
  }, { idle: 0, total: 0 });
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  const total = b.total - a.total;
  return total > 0 ? ((b.idle - a.idle) / total) * os.cpus().length : 0;
}

/**
 * Reads the whole range of `spec` (to the end of the file) with two threads when possible.
 * `onProgress` gets the file bytes read so far by both threads.
 */
export async function parseWithTwoThreads(
  spec: RangeSpec,
  fileBytes: number,
  opts: { signal?: AbortSignal; onProgress?: (bytesRead: number, rows: number) => void; yielder?: Yielder },
): Promise<ParseResult> {
  const y = opts.yielder;
  const a = y ? await RangeParser.create(spec, y) : new RangeParser(spec);
  const split = await splitPoint(spec.filePath, spec.start, fileBytes);
  const file = workerFile();
  let worker: Worker | null = null;
  let workerBytes = 0;
  let workerRows = 0;
  let done: Promise<WorkerDone | null> = Promise.resolve(null);
  if (split > 0 && file) {
    try {
      worker = new Worker(workerEntry(file), {
        workerData: { ...spec, start: split, skipRecords: 0, estRows: Math.ceil(spec.estRows / 2) + 1024 } satisfies RangeSpec,
      });
    } catch {
      worker = null;
    }
  }
  if (worker) {
    const w = worker;
    done = new Promise<WorkerDone | null>((resolve, reject) => {
      w.on('message', (m: WorkerMsg) => {
        if (m.type === 'progress') {
          workerBytes = m.bytesRead;
          workerRows = m.rows;
        } else if (m.type === 'done') resolve(m);
        else if (m.notUtf8) reject(new NotUtf8Error());
        else resolve(null); // any other worker failure: read that half here instead
      });
      w.on('error', () => resolve(null));
      w.on('exit', () => resolve(null));
    });
    done.catch(() => {}); // awaited below; this only keeps an early failure here from going unhandled
  }
  const report = () => opts.onProgress?.(a.bytesRead + workerBytes, a.rows + workerRows);
  try {
    const clean = worker ? await a.run({ limit: split, signal: opts.signal, onChunk: report, yielder: y }) : false;
    let b: WorkerDone | null = null;
    if (worker && clean) {
      const abort = new Promise<never>((_, reject) => {
        if (opts.signal?.aborted) reject(new CancelledError());
        opts.signal?.addEventListener('abort', () => reject(new CancelledError()), { once: true });
      });
      b = await Promise.race([done, abort]);
    }
    if (!b) {
      // No worker, a failed worker, or the split fell inside a quoted value: read on to the end.
      await worker?.terminate();
      worker = null;
      await a.run({ signal: opts.signal, onChunk: report, yielder: y });
      parallelStats.last = 'read-on';
      return a;
    }
    const rowsA = a.rows;
    a.builders.forEach((builder, k) => builder.append(b!.states[k], rowsA, b!.rows));
    // The worker counted lines from 1 at the split; line a.line is where the split sits.
    const shift = a.line - 1;
    parallelStats.last = 'two-threads';
    return {
      rows: rowsA + b.rows,
      builders: a.builders,
      shortRows: a.shortRows + b.shortRows,
      longRows: a.longRows + b.longRows,
      firstShort: a.shortRows ? a.firstShort : b.firstShort + shift,
      firstLong: a.longRows ? a.firstLong : b.firstLong + shift,
      unterminated: [...a.unterminated, ...b.unterminated.map((l) => l + shift)],
      headerRows: a.headerRows + b.headerRows,
      firstHeaderRow: a.headerRows ? a.firstHeaderRow : b.firstHeaderRow + shift,
    };
  } finally {
    await a.close();
    await worker?.terminate();
  }
}
