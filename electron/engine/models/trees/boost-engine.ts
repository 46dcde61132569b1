import type { Worker } from 'node:worker_threads';
import { startHelpers } from './helpers.ts';
import { KERNEL_SOURCE, type TaskArrays, type TreeKernels, treeKernels } from './kernels.ts';
import { partitionSet } from './split.ts';

/**
 * Runs the per-split work of a boosting tree: histogram of the smaller child, subtraction for the larger
 * one, split scan of both children, and the row partition; and the per-row work of a round (gradients,
 * their packing, root and leaf sums, score updates) as row tasks cut into fixed items. With helper threads
 * on shared memory (LightGBM's data-parallel scheme) one wake-up per step covers build, subtraction and scans: threads
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
  /** For row tasks (gradients, score updates): raw scores (n x K), targets, weights (absent: all 1). */
  score?: Float64Array;
  y?: Float64Array;
  w?: Float64Array;
  /** Validation rows: row-major bins (nValid x F) and raw scores (nValid x K), for walkScores. */
  vBins?: Uint8Array;
  vScore?: Float64Array;
  nValid?: number;
}

/** A tree of numeric splits as walkScores reads it (BuiltTree has these fields). */
export interface WalkTree {
  nNodes: number;
  feature: Int32Array;
  splitBin: Int32Array;
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** Objective codes of BoostEngine.gradients (kernels.ts gradRange). */
export const OBJ_BINARY = 0, OBJ_SQUARED = 1, OBJ_HUBER = 2;

export interface Maxima {
  maxG: number;
  maxH: number;
}

/** Packing parameters of BoostEngine.sums (kernels.ts sumRange). */
export interface PackParams {
  seed: number;
  gInv: number;
  hInv: number;
  gMax: number;
  hMax: number;
  shift: number;
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
// sync words: claim / done counters (kernels.ts), then per helper u at W * u (a cache line of its own, so a
// spinning helper does not slow the counters):
const W = 16;
const SEQ = 0, EXIT = 1, STOP = 2, JOIN = 3, SLEEP = 5;
/** JOIN values besides the task number: the helper entered the task, or the caller closed it without it. */
const ENTERED = -1, CLOSED = -2;
const CMD_STEP = 1, CMD_PART = 2, CMD_ROWS = 3;
const OP_GRAD = 0, OP_MAX = 1, OP_SUMS = 2, OP_MARK = 3, OP_LEAF_SUMS = 4, OP_ADD = 5, OP_WALK = 6;
/** How long the caller waits for a helper inside a task before it gives up on threads. */
const WAIT_MS = 20_000;
/**
 * How long an idle helper polls before it sleeps: long enough to catch the next step of a tree level
 * without a wake-up, short enough not to burn a core (1-5 ms of polling cost CPU time and no wall time).
 */
const SPIN_MS = 0.1;
/** Rows per histogram block and partition chunk (claimed one at a time). */
const HIST_BLOCK = 2048;
const MIN_HIST_BLOCK = 256;
const PART_CHUNK = 2048;
/** Below this much work (histogram cells, rows x features, plus scanned cells), one thread beats waking a helper. */
const MIN_PARALLEL_CELLS = 60_000;
/** A scanned cell costs about as much as this many histogram cells (a division and a decode). */
const SCAN_CELL_COST = 8;
/** Below this many rows, a partition stays on the calling thread. */
const MIN_PARALLEL_PART = 4096;
/** Feature chunks per step (scan results kept per chunk, merged in feature order). */
const MAX_CHUNKS = 16;
const MAX_PART_CHUNKS = 200;
/**
 * Rows per row-task item (a leaf's rows are cut at this size from its start). It depends on nothing but
 * the row count, so sums merged item by item are the same whatever the thread count.
 */
const ROW_ITEM = 2048;
/** Most doubles of per-item leaf sums (many leaves: longer items, still fixed by the row and leaf counts). */
const LEAF_OUT_MAX = 1 << 20;
/** Below this many rows, a row task stays on the calling thread (same items, same result). */
const MIN_PARALLEL_ROWS = 16_384;

const HELPER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const K = (function () {${KERNEL_SOURCE}})();
const w = workerData;
const c = {
  task: new Float64Array(w.taskBuf), res: new Float64Array(w.resBuf), sync: new Int32Array(w.syncBuf),
  slab: new Float64Array(w.slabBuf), stride: w.stride, bins: new Uint8Array(w.binsBuf), cols: new Uint8Array(w.colsBuf),
  F: w.F, n: w.n, nBins: new Int32Array(w.nBinsBuf), use: new Uint8Array(w.useBuf),
  rows: new Int32Array(w.rowsBuf), tmp: new Int32Array(w.tmpBuf),
  gh: new Float64Array(w.ghBuf), q: new Float64Array(w.qBuf), score: new Float64Array(w.scoreBuf), y: new Float64Array(w.yBuf),
  w: new Float64Array(w.wBuf), items: new Int32Array(w.itemsBuf), itemOut: new Float64Array(w.itemOutBuf),
  leafVal: new Float64Array(w.leafValBuf), leafOf: new Int32Array(w.leafOfBuf), leafOut: new Float64Array(w.leafOutBuf),
  tree: new Int32Array(w.treeBuf), treeVal: new Float64Array(w.treeValBuf), vBins: new Uint8Array(w.vBinsBuf),
  vScore: new Float64Array(w.vScoreBuf),
};
const sync = c.sync, t = w.t, T = w.T, o = ${W} * t;
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  let s = Atomics.load(sync, o + ${SEQ});
  const spinUntil = performance.now() + ${SPIN_MS};
  for (let i = 1; s === seen; i++) {
    s = Atomics.load(sync, o + ${SEQ});
    if ((i & 1023) === 0 && performance.now() > spinUntil) break;
  }
  // SLEEP tells the caller to notify (a futex wake-up costs it microseconds, so it skips that for a spinning helper)
  while (s === seen) {
    Atomics.store(sync, o + ${SLEEP}, 1);
    s = Atomics.load(sync, o + ${SEQ});
    if (s === seen) { Atomics.wait(sync, o + ${SEQ}, seen); s = Atomics.load(sync, o + ${SEQ}); }
    Atomics.store(sync, o + ${SLEEP}, 0);
  }
  seen = s;
  if (Atomics.load(sync, o + ${STOP}) === 1) break;
  // enter the task unless the caller already finished it without this helper
  if (Atomics.compareExchange(sync, o + ${JOIN}, s, ${ENTERED}) !== s) continue;
  K.helperTask(c, t, T);
  Atomics.store(sync, o + ${EXIT}, s);
  Atomics.notify(sync, o + ${EXIT});
}
`;

function sameRanges(m: number[], begin: ArrayLike<number>, end: ArrayLike<number>): boolean {
  if (m.length !== 2 * begin.length) return false;
  for (let j = 0; j < begin.length; j++) if (m[2 * j] !== begin[j] || m[2 * j + 1] !== end[j]) return false;
  return true;
}

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
  /** The leaf ranges leafOf holds, [begin, end] pairs (null: none; a partition moves rows). */
  private marked: number[] | null = null;

  private constructor(private readonly a: EngineArrays, nSlots: number, threads: number) {
    this.T = threads;
    this.nSlots = nSlots;
    this.stride = a.nFeatures * 256 * 2;
    const shared = threads > 1;
    const buf = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.c = {
      task: new Float64Array(buf(64 * 8)),
      res: new Float64Array(buf((256 + MAX_PART_CHUNKS + 8) * 8)),
      sync: new Int32Array(buf(W * (threads + 1) * 4)),
      // after the slots: one partial histogram per helper
      slab: new Float64Array(buf((nSlots + threads - 1) * this.stride * 8)),
      stride: this.stride,
      bins: a.bins, cols: a.binCols, F: a.nFeatures, n: a.nRows, nBins: a.nBins, rows: a.rows,
      use: new Uint8Array(buf(a.nFeatures)).fill(1),
      tmp: new Int32Array(buf(a.nRows * 4)),
      gh: a.gh, q: a.q,
      score: a.score ?? new Float64Array(0), y: a.y ?? new Float64Array(0), w: a.w ?? new Float64Array(0),
      // every leaf may add one item beyond the whole-chunk count
      items: new Int32Array(buf(3 * (nSlots + Math.ceil(a.nRows / ROW_ITEM) + 1) * 4)),
      itemOut: new Float64Array(buf(3 * (nSlots + Math.ceil(a.nRows / ROW_ITEM) + 1) * 8)),
      leafVal: new Float64Array(buf(Math.max(1, nSlots) * 8)),
      leafOf: new Int32Array(buf(a.nRows * 4)),
      leafOut: new Float64Array(buf(Math.min(LEAF_OUT_MAX, Math.ceil(a.nRows / ROW_ITEM) * 2 * Math.max(1, nSlots)) * 8)),
      // a tree has at most nSlots - 2 leaves (the caller keeps two slots spare), so fewer than 2 * nSlots nodes
      tree: new Int32Array(buf(5 * 2 * Math.max(1, nSlots) * 4)),
      treeVal: new Float64Array(buf(2 * Math.max(1, nSlots) * 8)),
      vBins: a.vBins ?? new Uint8Array(0),
      vScore: a.vScore ?? new Float64Array(0),
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
    const shared = {
      taskBuf: c.task.buffer, resBuf: c.res.buffer, syncBuf: c.sync.buffer, slabBuf: c.slab.buffer, binsBuf: c.bins.buffer,
      colsBuf: c.cols.buffer, nBinsBuf: c.nBins.buffer, useBuf: c.use.buffer, rowsBuf: c.rows.buffer, tmpBuf: c.tmp.buffer,
      ghBuf: c.gh.buffer,
      qBuf: c.q.buffer, scoreBuf: c.score.buffer, yBuf: c.y.buffer, wBuf: c.w.buffer, itemsBuf: c.items.buffer,
      itemOutBuf: c.itemOut.buffer, leafValBuf: c.leafVal.buffer,
      leafOfBuf: c.leafOf.buffer, leafOutBuf: c.leafOut.buffer, treeBuf: c.tree.buffer, treeValBuf: c.treeVal.buffer,
      vBinsBuf: c.vBins.buffer, vScoreBuf: c.vScore.buffer, F: c.F, n: c.n, stride: c.stride, T: threads,
    };
    const data = Array.from({ length: threads - 1 }, (_, i) => ({ ...shared, t: i + 1 }));
    eng.workers = await startHelpers(HELPER_SOURCE, data, (err) => { eng.failure ??= err; });
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

  /**
   * All slots free again (start of a tree), which splits on `features` only (all if absent). Features
   * marked in `isCat` get histograms but no scan here: the caller scans them (histogram()).
   */
  reset(features?: Int32Array, isCat?: ArrayLike<number>): void {
    this.free.length = 0;
    for (let s = this.nSlots - 1; s >= 0; s--) this.free.push(s);
    const use = this.c.use;
    if (!features || features.length === use.length) use.fill(1);
    else { use.fill(0); for (const f of features) use[f] = 1; }
    if (isCat) for (let f = 0; f < use.length; f++) if (use[f] === 1 && isCat[f] === 1) use[f] = 2;
  }

  /** The histogram in `slot` after a step (feature f's cells at f * 256 * HS, as SplitFinder reads them). */
  histogram(slot: number): Float64Array {
    return this.c.slab.subarray(slot * this.stride, (slot + 1) * this.stride);
  }

  /**
   * Histogram of rows[begin..end) into `small`; parent >= 0: parent -= small (it becomes the larger child);
   * then scans `leaves` (at most 2) and writes one RESULT block per leaf into `out`.
   */
  step(p: StepParams, small: number, parent: number, begin: number, end: number, leaves: ScanLeaf[], out: Float64Array): void {
    const { task, res, sync, slab, stride } = this.c;
    const K = kernels();
    const F = this.a.nFeatures;
    const work = (end - begin + leaves.length * 256 * SCAN_CELL_COST) * F;
    const T = this.T > 1 && !this.failure && work >= MIN_PARALLEL_CELLS ? this.T : 1;
    const len = end - begin;
    // blocks small enough that the threads finish together (a step waits for its last block)
    const bsize = T === 1 ? Math.max(1, len) : Math.min(HIST_BLOCK, Math.max(MIN_HIST_BLOCK, Math.ceil(len / (8 * T))));
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
        if (Atomics.compareExchange(sync, W * u + JOIN, s, CLOSED) === s && !p.packed) K.stepBlocks(this.c, 0, T, u);
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
    this.marked = null;
    const T = this.T > 1 && !this.failure && len >= MIN_PARALLEL_PART ? this.T : 1;
    const csize = T === 1 ? Math.max(1, len) : Math.max(PART_CHUNK, Math.ceil(len / MAX_PART_CHUNKS));
    const nChunks = Math.ceil(len / csize);
    task[0] = CMD_PART; task[1] = begin; task[2] = end; task[3] = f; task[4] = bin; task[5] = missLeft ? 1 : 0;
    task[15] = nChunks; task[16] = csize;
    const s = this.begin(T);
    K.partChunks(this.c);
    if (T > 1) {
      for (let u = 1; u < T; u++) Atomics.compareExchange(this.c.sync, W * u + JOIN, s, CLOSED);
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

  /**
   * Stable partition of rows[begin..end) on a categorical split (bins whose bit is set go left, missing
   * values as missLeft), on this thread; returns the left count.
   */
  partitionSet(begin: number, end: number, f: number, bits: Uint32Array, missLeft: boolean): number {
    this.marked = null;
    return partitionSet(this.c.rows, this.c.tmp, this.c.cols, 1, f * this.a.nRows, begin, end, bits, missLeft);
  }

  /**
   * gh of rows 0..n from the scores (K = 1): obj OBJ_BINARY, OBJ_SQUARED or OBJ_HUBER (residuals clipped at
   * delta); returns the largest |g| and h.
   */
  gradients(obj: number, delta: number): Maxima {
    const n = this.a.nRows;
    this.c.task[4] = obj;
    this.c.task[5] = delta;
    const nItems = this.cut([0], [n]);
    this.rowTask(OP_GRAD, nItems, n);
    return this.maxOf(nItems);
  }

  /** Largest |g| and h over rows[0..m). */
  maxima(m: number): Maxima {
    const nItems = this.cut([0], [m]);
    this.rowTask(OP_MAX, nItems, m);
    return this.maxOf(nItems);
  }

  private maxOf(nItems: number): Maxima {
    const out = this.c.itemOut;
    let maxG = 0;
    let maxH = 0;
    for (let j = 0; j < nItems; j++) { maxG = Math.max(maxG, out[3 * j]); maxH = Math.max(maxH, out[3 * j + 1]); }
    return { maxG, maxH };
  }

  /**
   * Sums [H, G, Q] of the rows of each range rows[begin[j]..end[j]) into out[3 * j..]; pk: the rows' packed
   * gradients are written first (Q: their sum).
   */
  sums(begin: ArrayLike<number>, end: ArrayLike<number>, pk: PackParams | null, out: Float64Array): void {
    const task = this.c.task;
    task[3] = pk ? 1 : 0;
    if (pk) { task[8] = pk.seed; task[9] = pk.gInv; task[10] = pk.hInv; task[11] = pk.gMax; task[12] = pk.hMax; task[13] = pk.shift; }
    const nItems = this.cut(begin, end);
    this.rowTask(OP_SUMS, nItems, this.rowCount(begin, end));
    // in item order: items of range j are consecutive and ascending
    const { items, itemOut } = this.c;
    out.fill(0, 0, 3 * begin.length);
    for (let i = 0; i < nItems; i++) {
      const j = items[3 * i + 2];
      out[3 * j] += itemOut[3 * i]; out[3 * j + 1] += itemOut[3 * i + 1]; out[3 * j + 2] += itemOut[3 * i + 2];
    }
  }

  /** [H, G] of each leaf j's rows rows[begin[j]..end[j]) (exact gradients) into out[2 * j..]. */
  leafSums(begin: ArrayLike<number>, end: ArrayLike<number>, out: Float64Array): void {
    this.markLeaves(begin, end);
    const nLeaves = begin.length;
    const n = this.a.nRows;
    this.c.task[6] = nLeaves;
    const itemRows = Math.max(ROW_ITEM, Math.ceil(n / Math.floor(this.c.leafOut.length / (2 * nLeaves))));
    const nItems = this.cut([0], [n], itemRows);
    this.rowTask(OP_LEAF_SUMS, nItems, n);
    // item by item, in row order: the same sums whatever the thread count
    const lo = this.c.leafOut;
    out.fill(0, 0, 2 * nLeaves);
    for (let i = 0; i < nItems; i++) for (let k = 0; k < 2 * nLeaves; k++) out[k] += lo[2 * nLeaves * i + k];
  }

  /** score[r * K + k] += values[j] for the rows r of each leaf range rows[begin[j]..end[j]). */
  addScores(begin: ArrayLike<number>, end: ArrayLike<number>, values: ArrayLike<number>, K: number, k: number): void {
    this.markLeaves(begin, end);
    const { task, leafVal } = this.c;
    for (let j = 0; j < begin.length; j++) leafVal[j] = values[j];
    task[6] = K; task[7] = k;
    const n = this.a.nRows;
    this.rowTask(OP_ADD, this.cut([0], [n]), n);
    this.marked = null; // the caller may reorder rows for the next tree
  }

  /**
   * score[r * K + k] += the value of the leaf each row reaches in `t`: the training rows outside the tree's
   * sample (call after addScores for the tree), or (valid) every validation row.
   */
  walkScores(t: WalkTree, K: number, k: number, valid: boolean): void {
    const { task, tree, treeVal } = this.c;
    if (t.nNodes > treeVal.length) throw new Error('tree too large for the engine');
    for (let i = 0; i < t.nNodes; i++) {
      tree[5 * i] = t.feature[i]; tree[5 * i + 1] = t.splitBin[i]; tree[5 * i + 2] = t.defaultLeft[i];
      tree[5 * i + 3] = t.left[i]; tree[5 * i + 4] = t.right[i];
    }
    treeVal.set(t.value.subarray(0, t.nNodes));
    const n = valid ? this.a.nValid ?? 0 : this.a.nRows;
    task[4] = valid ? 1 : 0; task[6] = K; task[7] = k;
    this.rowTask(OP_WALK, this.cut([0], [n]), n);
  }

  /**
   * leafOf[r] = j for the rows of each leaf range (-1 for rows in none), unless still marked for the same
   * ranges (leafSums, then addScores of the same tree). Marks last until a partition or addScores.
   */
  private markLeaves(begin: ArrayLike<number>, end: ArrayLike<number>): void {
    if (this.marked && sameRanges(this.marked, begin, end)) return;
    const nIn = this.rowCount(begin, end);
    if (nIn < this.a.nRows) this.c.leafOf.fill(-1);
    this.rowTask(OP_MARK, this.cut(begin, end), nIn);
    const m: number[] = [];
    for (let j = 0; j < begin.length; j++) m.push(begin[j], end[j]);
    this.marked = m;
  }

  /** Cuts each range into items of at most `size` rows from its start; returns the item count. */
  private cut(begin: ArrayLike<number>, end: ArrayLike<number>, size = ROW_ITEM): number {
    const items = this.c.items;
    if (begin.length > this.c.leafVal.length) throw new Error('too many ranges for the row task');
    let m = 0;
    for (let j = 0; j < begin.length; j++) {
      for (let b = begin[j]; b < end[j]; b += size) {
        items[3 * m] = b; items[3 * m + 1] = Math.min(end[j], b + size); items[3 * m + 2] = j;
        m++;
      }
    }
    return m;
  }

  private rowCount(begin: ArrayLike<number>, end: ArrayLike<number>): number {
    let m = 0;
    for (let j = 0; j < begin.length; j++) m += end[j] - begin[j];
    return m;
  }

  /** Runs row task op over the items (written by cut), with the helpers when there are enough rows. */
  private rowTask(op: number, nItems: number, nRows: number): void {
    const { task, sync } = this.c;
    const T = this.T > 1 && !this.failure && nRows >= MIN_PARALLEL_ROWS ? this.T : 1;
    task[0] = CMD_ROWS; task[1] = op; task[2] = nItems;
    const s = this.begin(T);
    kernels().rowChunks(this.c);
    if (T > 1) {
      for (let u = 1; u < T; u++) Atomics.compareExchange(sync, W * u + JOIN, s, CLOSED);
      this.waitFor(1, nItems);
      this.end(T, s);
    }
  }

  /** Resets the claim counters and, threaded, opens the task (written before) to the helpers; returns its number. */
  private begin(T: number): number {
    const sync = this.c.sync;
    for (let w = 0; w < 4; w++) sync[w] = 0;
    const s = ++this.seq;
    this.c.task[30] = s;
    if (T > 1) {
      for (let u = 1; u < T; u++) {
        Atomics.store(sync, W * u + JOIN, s);
        Atomics.store(sync, W * u + SEQ, s);
        // a helper stores SLEEP before its last look at SEQ: it either sees s or is woken here
        if (Atomics.load(sync, W * u + SLEEP) === 1) Atomics.notify(sync, W * u + SEQ);
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
      if (Atomics.load(sync, W * u + JOIN) !== ENTERED) continue;
      const o = W * u + EXIT;
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
      Atomics.store(sync, W * u + STOP, 1);
      Atomics.add(sync, W * u + SEQ, 1);
      Atomics.notify(sync, W * u + SEQ);
    }
    for (const w of this.workers) void w.terminate();
    this.workers = [];
  }
}
