import type { Worker } from 'node:worker_threads';
import { histAll2, histPacked } from './histogram.ts';
import { startHelpers } from './helpers.ts';
import { KERNEL_SOURCE } from './kernels.ts';

const ALL_FEATURES = new Int32Array(0);

/**
 * Data-parallel histogram building (LightGBM's data-parallel idea, on one machine): the rows of a leaf are
 * split into blocks, each helper thread sums its block into its own histogram on shared memory, and the
 * caller adds the partial histograms. Threads wait on Atomics (microseconds), not on messages.
 *
 * The helper is a constant JavaScript string (started by startHelpers). It never sees user data other than
 * numbers in shared arrays.
 */
export interface ParallelHist {
  /** Adds the histogram of rows[begin..end) into `hist` (zeroed by the caller); packed: q, else [h, g]. */
  build(hist: Float64Array, begin: number, end: number, packed: boolean): void;
}

/** Shared arrays a fit must allocate on SharedArrayBuffers for the helpers to read. */
export interface SharedTrainingArrays {
  bins: Uint8Array;
  nFeatures: number;
  rows: Int32Array;
  /** [h, g] per row (exact mode) ... */
  gh: Float64Array;
  /** ... and packed quantized gradients (packed mode). */
  q: Float64Array;
}

// control block, per helper: [seq, begin, end, done, stop]
const SEQ = 0, BEGIN = 1, END = 2, DONE = 3, STOP = 4, MODE = 5, SLOTS = 6;
/** A helper block takes milliseconds; this long means it died or the machine is starved. */
const WAIT_MS = 20_000;

const HELPER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { ctrlBuf, slot, binsBuf, F, rowsBuf, ghBuf, qBuf, histBuf } = workerData;
const ctrl = new Int32Array(ctrlBuf);
const bins = new Uint8Array(binsBuf);
const rows = new Int32Array(rowsBuf);
const gh = new Float64Array(ghBuf);
const q = new Float64Array(qBuf);
const hist = new Float64Array(histBuf);
const o = slot * ${SLOTS};
// the boosting engine's histogram kernel (one source for every thread)
const K = (function () {${KERNEL_SOURCE}})();
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, o + ${SEQ}, seen);
  seen = Atomics.load(ctrl, o + ${SEQ});
  if (Atomics.load(ctrl, o + ${STOP}) === 1) break;
  hist.fill(0);
  K.hist(hist, ctrl[o + ${MODE}] === 1, bins, F, q, gh, rows, ctrl[o + ${BEGIN}], ctrl[o + ${END}], 0, F);
  Atomics.store(ctrl, o + ${DONE}, seen);
  Atomics.notify(ctrl, o + ${DONE});
}
`;

/** Rows below which one thread is faster than waking helpers. */
const MIN_PARALLEL_ROWS = 8192;

export class HistThreads implements ParallelHist {
  /** Set when a helper failed; from then on everything runs on the calling thread. */
  failure: Error | null = null;

  private constructor(
    private readonly workers: Worker[],
    private readonly ctrl: Int32Array,
    private readonly partial: Float64Array[],
    private readonly shared: SharedTrainingArrays,
  ) {}

  /** Starts `threads - 1` helpers (the calling thread does one block itself); histSize = largest histogram. */
  static async start(threads: number, shared: SharedTrainingArrays, histSize: number): Promise<HistThreads> {
    const helpers = Math.max(1, threads - 1);
    const ctrlBuf = new SharedArrayBuffer(helpers * SLOTS * 4);
    const partial: Float64Array[] = [];
    const data: object[] = [];
    for (let s = 0; s < helpers; s++) {
      const histBuf = new SharedArrayBuffer(histSize * 8);
      partial.push(new Float64Array(histBuf));
      data.push({
        ctrlBuf, slot: s, binsBuf: shared.bins.buffer, F: shared.nFeatures, rowsBuf: shared.rows.buffer,
        ghBuf: shared.gh.buffer, qBuf: shared.q.buffer, histBuf,
      });
    }
    let pool: HistThreads | undefined;
    const workers = await startHelpers(HELPER_SOURCE, data, (err) => { if (pool) pool.failure ??= err; });
    pool = new HistThreads(workers, new Int32Array(ctrlBuf), partial, shared);
    return pool;
  }

  build(hist: Float64Array, begin: number, end: number, packed: boolean): void {
    const n = end - begin;
    const parts = this.workers.length + 1;
    if (n < MIN_PARALLEL_ROWS || this.failure) { this.local(hist, begin, end, packed); return; }
    const step = Math.ceil(n / parts);
    const seqs: number[] = [];
    for (let s = 0; s < this.workers.length; s++) {
      const o = s * SLOTS;
      const b = begin + (s + 1) * step;
      this.ctrl[o + BEGIN] = Math.min(end, b);
      this.ctrl[o + END] = Math.min(end, b + step);
      this.ctrl[o + MODE] = packed ? 1 : 0;
      seqs.push(Atomics.add(this.ctrl, o + SEQ, 1) + 1);
      Atomics.notify(this.ctrl, o + SEQ);
    }
    this.local(hist, begin, Math.min(end, begin + step), packed);
    for (let s = 0; s < this.workers.length; s++) {
      const o = s * SLOTS;
      let late = false;
      while (Atomics.load(this.ctrl, o + DONE) !== seqs[s]) {
        if (Atomics.wait(this.ctrl, o + DONE, Atomics.load(this.ctrl, o + DONE), WAIT_MS) === 'timed-out') { late = true; break; }
      }
      if (late) {
        // a helper that died or hangs only costs speed: do its block here and stop using helpers
        this.failure ??= new Error('helper thread did not answer');
        this.local(hist, this.ctrl[o + BEGIN], this.ctrl[o + END], packed);
        continue;
      }
      const p = this.partial[s];
      for (let k = 0; k < hist.length; k++) hist[k] += p[k];
    }
  }

  /** A helper's block done on this thread, with the same kernels the single-thread path uses. */
  private local(hist: Float64Array, begin: number, end: number, packed: boolean): void {
    const { bins, nFeatures: F, rows, gh, q } = this.shared;
    if (packed) histPacked(hist, bins, F, q, rows, begin, end, ALL_FEATURES, F); // nf === F: the feature list is not read
    else histAll2(hist, bins, F, gh, rows, begin, end);
  }

  close(): void {
    for (let s = 0; s < this.workers.length; s++) {
      Atomics.store(this.ctrl, s * SLOTS + STOP, 1);
      Atomics.add(this.ctrl, s * SLOTS + SEQ, 1);
      Atomics.notify(this.ctrl, s * SLOTS + SEQ);
    }
    for (const w of this.workers) void w.terminate();
  }
}

/** A typed array of the same kind and contents on a SharedArrayBuffer. */
export function shareCopy<T extends Uint8Array | Int32Array | Float64Array>(a: T): T {
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
  out.set(a as never);
  return out;
}
