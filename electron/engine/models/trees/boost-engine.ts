import { Worker } from 'node:worker_threads';
import { KERNEL_SOURCE, type TaskArrays, type TreeKernels, treeKernels } from './kernels.ts';

/**
 * Runs the per-split work of a boosting tree: histogram of the smaller child, subtraction for the larger
 * one, split scan of both children, and the row partition. With helper threads on shared memory
 * (LightGBM's data-parallel scheme) one wake-up per step covers build, subtraction and scans: threads
 * claim row blocks of the histogram, then feature chunks (sum of the partial histograms, subtraction,
 * scans); a partition is another task of row chunks. Claims are atomic counters, so a helper that wakes
 * late never holds the caller up, and results are combined in a fixed order, so the model does not
 * depend on timing.
 *
 * Helpers run the kernels' source text (`eval: true`: no worker file to ship or find under tsx, vitest or
 * the bundled app) and wait on Atomics, spinning briefly first, since splits come in quick succession.
 */
export interface EngineArrays {
  /** Row-major n x F bins. */
  bins: Uint8Array;
  /** Column-major bins (n per feature), for partitioning. */
  binCols: Uint8Array;
  nRows: number;
  nFeatures: number;
  nBins: Int32Array;
  rows: Int32Array;
  gh: Float64Array;
  q: Float64Array;
}

/** One leaf to scan after a step: its histogram slot and sums; results come back in `out`. */
export interface ScanLeaf {
  slot: number;
  Q: number;
  H: number;
  G: number;
  minH: number;
}

export interface StepParams {
  packed: boolean;
  shift: number;
  gScale: number;
  hScale: number;
  lambda: number;
  alpha: number;
}

/** Per scanned leaf: gain (-Infinity if none), feature, bin, defaultLeft (0/1), HL, GL, QL. */
export const RESULT = 8;

/** The calling thread's kernels, built on first use (where code generation from strings is disabled, create() rejects). */
let kernelsOnce: TreeKernels | null = null;
const kernels = (): TreeKernels => (kernelsOnce ??= treeKernels());
// sync words: claim / done counters (kernels.ts), then per helper u at 8 * u:
const SEQ = 0, EXIT = 1, STOP = 2, JOIN = 3;
/** JOIN values besides the task number: the helper entered the task, or the caller closed it without it. */
const ENTERED = -1, CLOSED = -2;
const CMD_STEP = 1, CMD_PART = 2;
/** How long the caller waits for a helper inside a task before it gives up on threads. */
const WAIT_MS = 20_000;
/**
 * How long an idle helper polls before it sleeps: long enough to catch the next step of a tree level
 * without a wake-up, short enough not to burn a core (1-5 ms of polling cost CPU time and no wall time).
 */
const SPIN_MS = 0.1;
/** Rows per histogram block and partition chunk (claimed one at a time). */
const HIST_BLOCK = 2048;
const PART_CHUNK = 8192;
/** Below this many histogram cells (rows x features), one thread beats waking a helper. */
const MIN_PARALLEL_CELLS = 60_000;
/** Below this many rows, a partition stays on the calling thread. */
const MIN_PARALLEL_PART = 16_384;
/** Feature chunks per step (scan results kept per chunk, merged in feature order). */
const MAX_CHUNKS = 16;
const MAX_PART_CHUNKS = 200;

const HELPER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const K = (function () {${KERNEL_SOURCE}})();
const w = workerData;
const c = {
  task: new Float64Array(w.taskBuf), res: new Float64Array(w.resBuf), sync: new Int32Array(w.syncBuf),
  slab: new Float64Array(w.slabBuf), stride: w.stride, bins: new Uint8Array(w.binsBuf), cols: new Uint8Array(w.colsBuf),
  F: w.F, n: w.n, nBins: new Int32Array(w.nBinsBuf), rows: new Int32Array(w.rowsBuf), tmp: new Int32Array(w.tmpBuf),
  gh: new Float64Array(w.ghBuf), q: new Float64Array(w.qBuf),
};
const sync = c.sync, t = w.t, T = w.T, o = 8 * t;
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  let s = Atomics.load(sync, o + ${SEQ});
  const spinUntil = performance.now() + ${SPIN_MS};
  for (let i = 1; s === seen; i++) {
    s = Atomics.load(sync, o + ${SEQ});
    if ((i & 1023) === 0 && performance.now() > spinUntil) break;
  }
  while (s === seen) { Atomics.wait(sync, o + ${SEQ}, seen); s = Atomics.load(sync, o + ${SEQ}); }
  seen = s;
  if (Atomics.load(sync, o + ${STOP}) === 1) break;
  // enter the task unless the caller already finished it without this helper
  if (Atomics.compareExchange(sync, o + ${JOIN}, s, ${ENTERED}) !== s) continue;
  K.helperTask(c, t, T);
  Atomics.store(sync, o + ${EXIT}, s);
  Atomics.notify(sync, o + ${EXIT});
}
`;

export class BoostEngine {
  /** Set when a helper failed; from then on everything runs on the calling thread. */
  failure: Error | null = null;
  readonly nSlots: number;
  /** Doubles per histogram slot (F * 256 * 2: big enough for either layout). */
  readonly stride: number;
  private readonly c: TaskArrays;
  private workers: Worker[] = [];
  private readonly T: number;
  private seq = 0;
  private readonly free: number[] = [];

  private constructor(private readonly a: EngineArrays, nSlots: number, threads: number) {
    this.T = threads;
    this.nSlots = nSlots;
    this.stride = a.nFeatures * 256 * 2;
    const shared = threads > 1;
    const buf = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.c = {
      task: new Float64Array(buf(64 * 8)),
      res: new Float64Array(buf((256 + MAX_PART_CHUNKS + 8) * 8)),
      sync: new Int32Array(buf(8 * (threads + 1) * 4)),
      // after the slots: one partial histogram per helper
      slab: new Float64Array(buf((nSlots + threads - 1) * this.stride * 8)),
      stride: this.stride,
      bins: a.bins, cols: a.binCols, F: a.nFeatures, n: a.nRows, nBins: a.nBins, rows: a.rows,
      tmp: new Int32Array(buf(a.nRows * 4)),
      gh: a.gh, q: a.q,
    };
    for (let s = nSlots - 1; s >= 0; s--) this.free.push(s);
  }

  /**
   * An engine with `threads - 1` helpers (threads > 1: every array in `a` must be on a SharedArrayBuffer).
   * Helpers that cannot start reject the promise; the caller then uses threads = 1.
   */
  static async create(a: EngineArrays, nSlots: number, threads: number): Promise<BoostEngine> {
    kernels();
    const eng = new BoostEngine(a, nSlots, threads);
    if (threads <= 1) return eng;
    const c = eng.c;
    for (let t = 1; t < threads; t++) {
      eng.workers.push(new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: {
          taskBuf: c.task.buffer, resBuf: c.res.buffer, syncBuf: c.sync.buffer, slabBuf: c.slab.buffer, binsBuf: c.bins.buffer,
          colsBuf: c.cols.buffer, nBinsBuf: c.nBins.buffer, rowsBuf: c.rows.buffer, tmpBuf: c.tmp.buffer, ghBuf: c.gh.buffer,
          qBuf: c.q.buffer, F: c.F, n: c.n, stride: c.stride, t, T: threads,
        },
        execArgv: [],
      }));
    }
    for (const w of eng.workers) w.on('error', (err) => { eng.failure ??= err; });
    try {
      await Promise.all(eng.workers.map((w) => new Promise<void>((resolve, reject) => {
        // 'ready' once its kernels are built: a helper that cannot even start them fails here, not mid-tree
        w.once('message', () => resolve());
        w.once('error', reject);
      })));
    } catch (err) {
      eng.close();
      throw err;
    }
    return eng;
  }

  alloc(): number {
    const s = this.free.pop();
    if (s === undefined) throw new Error('histogram slots exhausted');
    return s;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  /** All slots free again (start of a tree). */
  reset(): void {
    this.free.length = 0;
    for (let s = this.nSlots - 1; s >= 0; s--) this.free.push(s);
  }

  /**
   * Histogram of rows[begin..end) into `small`; parent >= 0: parent -= small (it becomes the larger child);
   * then scans `leaves` (at most 2) and writes one RESULT block per leaf into `out`.
   */
  step(p: StepParams, small: number, parent: number, begin: number, end: number, leaves: ScanLeaf[], out: Float64Array): void {
    const { task, res, sync, slab, stride } = this.c;
    const K = kernels();
    const F = this.a.nFeatures;
    const T = this.T > 1 && !this.failure && (end - begin) * F >= MIN_PARALLEL_CELLS ? this.T : 1;
    const len = end - begin;
    const bsize = T === 1 ? Math.max(1, len) : HIST_BLOCK;
    const nChunks = Math.min(MAX_CHUNKS, F);
    task[0] = CMD_STEP;
    task[1] = p.packed ? 1 : 0;
    task[3] = small; task[4] = parent; task[5] = begin; task[6] = end; task[7] = leaves.length;
    task[8] = p.lambda; task[9] = p.alpha; task[10] = p.shift; task[11] = p.gScale; task[12] = p.hScale;
    task[14] = this.nSlots; task[15] = Math.ceil(len / bsize); task[16] = bsize; task[31] = nChunks;
    for (let j = 0; j < leaves.length; j++) {
      const b = 40 + 8 * j;
      const l = leaves[j];
      task[b] = l.slot; task[b + 1] = l.Q; task[b + 2] = l.H; task[b + 3] = l.G; task[b + 4] = l.minH;
    }
    slab.fill(0, small * stride, small * stride + F * 256 * (p.packed ? 1 : 2));
    const s = this.begin(T);
    K.stepBlocks(this.c, 0, T, 0);
    if (T > 1) {
      for (let u = 1; u < T; u++) {
        // a helper that has not entered yet is shut out; with [h, g] blocks its fixed share is done here
        if (Atomics.compareExchange(sync, 8 * u + JOIN, s, CLOSED) === s && !p.packed) K.stepBlocks(this.c, 0, T, u);
      }
      this.waitFor(1, task[15]);
    }
    K.stepChunks(this.c, T);
    if (T > 1) { this.waitFor(3, nChunks); this.end(T, s); }
    // merge the chunks' bests in feature order: a later chunk wins only when strictly better, as in one scan
    for (let j = 0; j < leaves.length; j++) {
      let best = j * 8;
      for (let k = 1; k < nChunks; k++) { const r = (2 * k + j) * 8; if (res[r] > res[best]) best = r; }
      for (let k = 0; k < RESULT; k++) out[j * RESULT + k] = res[best + k];
    }
  }

  /** Stable partition of rows[begin..end) on numeric split (feature f, bin <= bin left); returns the left count. */
  partition(begin: number, end: number, f: number, bin: number, missLeft: boolean): number {
    const { task, res, tmp, rows } = this.c;
    const K = kernels();
    const len = end - begin;
    const T = this.T > 1 && !this.failure && len >= MIN_PARALLEL_PART ? this.T : 1;
    const csize = T === 1 ? Math.max(1, len) : Math.max(PART_CHUNK, Math.ceil(len / MAX_PART_CHUNKS));
    const nChunks = Math.ceil(len / csize);
    task[0] = CMD_PART; task[1] = begin; task[2] = end; task[3] = f; task[4] = bin; task[5] = missLeft ? 1 : 0;
    task[15] = nChunks; task[16] = csize;
    const s = this.begin(T);
    K.partChunks(this.c);
    if (T > 1) {
      for (let u = 1; u < T; u++) Atomics.compareExchange(this.c.sync, 8 * u + JOIN, s, CLOSED);
      this.waitFor(1, nChunks);
      this.end(T, s);
    }
    // chunk k holds [left | ...] in rows and [right] in tmp: lay out L0 L1 .. R0 R1 .. (a stable partition)
    let pos = begin;
    for (let k = 0; k < nChunks; k++) {
      const b = begin + k * csize;
      const nl = res[256 + k];
      if (pos !== b) rows.copyWithin(pos, b, b + nl);
      pos += nl;
    }
    const nLeft = pos - begin;
    for (let k = 0; k < nChunks; k++) {
      const b = begin + k * csize;
      const nr = Math.min(end, b + csize) - b - res[256 + k];
      rows.set(tmp.subarray(b, b + nr), pos);
      pos += nr;
    }
    return nLeft;
  }

  /** Resets the claim counters and, threaded, opens the task (written before) to the helpers; returns its number. */
  private begin(T: number): number {
    const sync = this.c.sync;
    for (let w = 0; w < 4; w++) sync[w] = 0;
    const s = ++this.seq;
    this.c.task[30] = s;
    if (T > 1) {
      for (let u = 1; u < T; u++) {
        Atomics.store(sync, 8 * u + JOIN, s);
        Atomics.store(sync, 8 * u + SEQ, s);
        Atomics.notify(sync, 8 * u + SEQ);
      }
    }
    return s;
  }

  /** Waits until counter word w reaches target (work claimed by helpers finishing). */
  private waitFor(w: number, target: number): void {
    const sync = this.c.sync;
    let v = Atomics.load(sync, w);
    for (let i = 0; v < target && i < 100_000; i++) v = Atomics.load(sync, w);
    const until = performance.now() + WAIT_MS;
    while (v < target) {
      Atomics.wait(sync, w, v, 2);
      v = Atomics.load(sync, w);
      if (v < target && performance.now() > until) this.fail();
    }
  }

  /** Waits until every helper that entered task s has left it (so the next task may reuse the arrays). */
  private end(T: number, s: number): void {
    const sync = this.c.sync;
    for (let u = 1; u < T; u++) {
      if (Atomics.load(sync, 8 * u + JOIN) !== ENTERED) continue;
      const o = 8 * u + EXIT;
      let v = Atomics.load(sync, o);
      for (let i = 0; v !== s && i < 100_000; i++) v = Atomics.load(sync, o);
      const until = performance.now() + WAIT_MS;
      while (v !== s) {
        Atomics.wait(sync, o, v, 2);
        v = Atomics.load(sync, o);
        if (v !== s && performance.now() > until) this.fail();
      }
    }
  }

  /** A helper stopped answering in the middle of a task: its half-done work cannot be recovered. */
  private fail(): never {
    this.failure ??= new Error('helper thread did not answer');
    throw new Error('A helper thread stopped answering during training; train again with one thread.');
  }

  close(): void {
    const sync = this.c.sync;
    for (let u = 1; u <= this.workers.length; u++) {
      Atomics.store(sync, 8 * u + STOP, 1);
      Atomics.add(sync, 8 * u + SEQ, 1);
      Atomics.notify(sync, 8 * u + SEQ);
    }
    for (const w of this.workers) void w.terminate();
    this.workers = [];
  }
}
