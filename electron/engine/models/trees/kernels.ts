/**
 * The boosting hot loops (histogram of a row range over a feature range, histogram subtraction, the split
 * scan, the row partition) and the tasks that share them between the calling thread and helper threads
 * (BoostEngine). Results are combined in a fixed order, so the model is the same whatever the thread count.
 *
 * One JavaScript source for both sides: the calling thread builds the functions with `new Function` and
 * helper threads evaluate the same text, so they cannot drift apart, and no bundler transform (minified
 * names, keepNames helpers) can break the helpers' copy. Histogram cells: feature f's block starts at
 * f * 256 * HS (HS = 1 packed double, or 2 for [h, g]).
 */
export const KERNEL_SOURCE = `
  // Adds rows[begin..end) into h for features [f0, f1); packed: q per row, else gh = [h, g] per row.
  function hist(h, packed, bins, F, q, gh, rows, begin, end, f0, f1) {
    // four features per step (loads first, then adds): about 1.4x faster than one at a time in V8
    const nf = f1 - f0;
    if (packed) {
      for (let i = begin; i < end; i++) {
        const r = rows[i];
        const v = q[r];
        const base = r * F + f0;
        let f = 0;
        let o = f0 << 8;
        for (; f + 3 < nf; f += 4, o += 1024) {
          const p = base + f;
          const b0 = bins[p], b1 = bins[p + 1], b2 = bins[p + 2], b3 = bins[p + 3];
          h[o + b0] += v;
          h[o + 256 + b1] += v;
          h[o + 512 + b2] += v;
          h[o + 768 + b3] += v;
        }
        for (; f < nf; f++, o += 256) h[o + bins[base + f]] += v;
      }
      return;
    }
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const hv = gh[2 * r];
      const gv = gh[2 * r + 1];
      const base = r * F + f0;
      let f = 0;
      let o = f0 << 9;
      for (; f + 3 < nf; f += 4, o += 2048) {
        const p = base + f;
        const k0 = o + (bins[p] << 1), k1 = o + 512 + (bins[p + 1] << 1), k2 = o + 1024 + (bins[p + 2] << 1), k3 = o + 1536 + (bins[p + 3] << 1);
        h[k0] += hv; h[k0 + 1] += gv;
        h[k1] += hv; h[k1 + 1] += gv;
        h[k2] += hv; h[k2 + 1] += gv;
        h[k3] += hv; h[k3 + 1] += gv;
      }
      for (; f < nf; f++, o += 512) {
        const k = o + (bins[base + f] << 1);
        h[k] += hv;
        h[k + 1] += gv;
      }
    }
  }
  // parent -= small over features [f0, f1): the parent's histogram becomes the larger child's.
  function subtract(parent, small, HS, f0, f1) {
    const e = (f1 << 8) * HS;
    for (let k = (f0 << 8) * HS; k < e; k++) parent[k] -= small[k];
  }
  function t1(g, alpha) {
    return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
  }
  // Best numeric cut of one leaf over features [f0, f1), missing values learning their side; writes
  // [gain, feature, bin, defaultLeft, HL, GL, QL] at out[o..o+7) (gain -Infinity: none). Packed: the leaf's
  // packed sum Q and every running sum decode exactly; else H0, G0 are the leaf's sums.
  function scan(h, packed, nBins, f0, f1, Q, H0, G0, minH, lam, alpha, shift, gScale, hScale, out, o) {
    const inv = 1 / shift;
    let H = H0;
    let G = G0;
    if (packed) {
      const gqT = Math.floor(Q * inv);
      G = gqT * gScale;
      H = (Q - gqT * shift) * hScale;
    }
    const tG = t1(G, alpha);
    const parentScore = tG * tG / (H + lam);
    let bestGain = -Infinity;
    let bestF = -1;
    let bestBin = -1;
    let bestDl = false;
    let bestHL = 0;
    let bestGL = 0;
    let bestQ = 0;
    for (let f = f0; f < f1; f++) {
      const nb = nBins[f];
      let missH;
      let missG;
      let miss = 0;
      if (packed) {
        miss = h[f << 8];
        const mq = Math.floor(miss * inv);
        missG = mq * gScale;
        missH = (miss - mq * shift) * hScale;
      } else {
        missH = h[f << 9];
        missG = h[(f << 9) + 1];
      }
      const hasMiss = packed ? missH > 0 : missH > 1e-12;
      let acc = 0;
      let accH = 0;
      let accG = 0;
      for (let s = 1; s <= nb - 2; s++) {
        if (packed) {
          acc += h[(f << 8) + s];
          const aq = Math.floor(acc * inv);
          accG = aq * gScale;
          accH = (acc - aq * shift) * hScale;
        } else {
          const k = (f << 9) + 2 * s;
          accH += h[k];
          accG += h[k + 1];
        }
        if (accH + missH < minH) continue;
        if (H - accH < minH) break;
        if (accH >= minH) {
          // missing values to the right (or, with none seen, to the bigger child)
          const a = t1(accG, alpha);
          const b = t1(G - accG, alpha);
          const gain = a * a / (accH + lam) + b * b / (H - accH + lam) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = s;
            bestDl = !hasMiss && accH > H - accH;
            bestHL = accH;
            bestGL = accG;
            bestQ = acc;
          }
        }
        if (hasMiss && H - accH - missH >= minH) {
          let hl;
          let gl;
          let ql = 0;
          if (packed) {
            ql = acc + miss;
            const lq = Math.floor(ql * inv);
            gl = lq * gScale;
            hl = (ql - lq * shift) * hScale;
          } else {
            hl = accH + missH;
            gl = accG + missG;
          }
          const a = t1(gl, alpha);
          const b = t1(G - gl, alpha);
          const gain = a * a / (hl + lam) + b * b / (H - hl + lam) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = s;
            bestDl = true;
            bestHL = hl;
            bestGL = gl;
            bestQ = ql;
          }
        }
      }
    }
    out[o] = bestF < 0 ? -Infinity : bestGain;
    out[o + 1] = bestF;
    out[o + 2] = bestBin;
    out[o + 3] = bestDl ? 1 : 0;
    out[o + 4] = bestHL;
    out[o + 5] = bestGL;
    out[o + 6] = bestQ;
  }
  // Stable partition of rows[begin..end) on a numeric split: left rows compacted in place from begin,
  // right rows to tmp[begin..); returns the left count. col: the split feature's bins by row.
  function partition(rows, tmp, col, begin, end, bin, missLeft) {
    let l = begin;
    let nr = begin;
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const b = col[r];
      // branch-free: a 50/50 split would mispredict half the time; write both places, advance one
      const gl = b === 0 ? missLeft : b <= bin ? 1 : 0;
      rows[l] = r;
      tmp[nr] = r;
      l += gl;
      nr += 1 - gl;
    }
    return l - begin;
  }
  // ---- Tasks run by the calling thread (t = 0) and helpers (t >= 1) on shared arrays c (TaskArrays).
  // Work items are claimed with Atomics.add, so a helper that wakes late only finds less to do.
  // Sync words: 0 A_NEXT, 1 A_DONE, 2 B_NEXT, 3 B_DONE; helper u's from 8 * u: SEQ, EXIT, STOP, JOIN, PARTIC.

  // Counts one finished item on counter w and wakes whoever sleeps on it.
  function done(sync, w) {
    Atomics.add(sync, w, 1);
    Atomics.notify(sync, w);
  }

  function waitCount(sync, w, target) {
    let v = Atomics.load(sync, w);
    for (let i = 0; v < target && i < 100000; i++) v = Atomics.load(sync, w);
    while (v < target) { Atomics.wait(sync, w, v, 2); v = Atomics.load(sync, w); }
  }

  // Histogram blocks of the smaller child's rows (task layout: BoostEngine.step). Packed sums are exact
  // integers, so any thread may take any block; [h, g] floats keep a fixed block -> partial map (block b
  // into partial b % T, in ascending order) so that the model never depends on timing. Partial 0 is the
  // smaller child's slot (zeroed by the caller), partial u >= 1 lives after the slots.
  function stepBlocks(c, t, T, own) {
    const task = c.task, sync = c.sync;
    const packed = task[1] === 1;
    const cells = c.F * 256 * (packed ? 1 : 2);
    const begin = task[5] | 0, end = task[6] | 0, nBlocks = task[15] | 0, bsize = task[16] | 0;
    const s = task[30];
    const part = (u) => {
      const at = (u === 0 ? task[3] : task[14] + u - 1) * c.stride;
      return c.slab.subarray(at, at + cells);
    };
    if (packed) {
      const h = part(t);
      let zeroed = t === 0;
      for (;;) {
        const b = Atomics.add(sync, 0, 1);
        if (b >= nBlocks) break;
        if (!zeroed) { h.fill(0); Atomics.store(sync, 8 * t + 4, s); zeroed = true; }
        hist(h, true, c.bins, c.F, c.q, c.gh, c.rows, begin + b * bsize, Math.min(end, begin + (b + 1) * bsize), 0, c.F);
        done(sync, 1);
      }
      return;
    }
    const h = part(own);
    if (own !== 0) { h.fill(0); Atomics.store(sync, 8 * own + 4, s); }
    for (let b = own; b < nBlocks; b += T) {
      hist(h, false, c.bins, c.F, c.q, c.gh, c.rows, begin + b * bsize, Math.min(end, begin + (b + 1) * bsize), 0, c.F);
      done(sync, 1);
    }
  }

  // Feature chunks, after every block: sum the partials (in thread order), subtract from the parent,
  // scan up to two leaves; chunk k's results at res[(2k + j) * 8].
  function stepChunks(c, T) {
    const task = c.task, sync = c.sync, F = c.F;
    const packed = task[1] === 1;
    const HS = packed ? 1 : 2;
    const s = task[30];
    const nChunks = task[31] | 0;
    const s0 = (task[3] | 0) * c.stride;
    const small = c.slab.subarray(s0, s0 + F * 256 * HS);
    for (;;) {
      const k = Atomics.add(sync, 2, 1);
      if (k >= nChunks) break;
      const f0 = Math.floor((k * F) / nChunks);
      const f1 = Math.floor(((k + 1) * F) / nChunks);
      for (let u = 1; u < T; u++) {
        if (Atomics.load(sync, 8 * u + 4) !== s) continue;
        const p = c.slab.subarray((task[14] + u - 1) * c.stride);
        for (let i = f0 * 256 * HS, e = f1 * 256 * HS; i < e; i++) small[i] += p[i];
      }
      if (task[4] >= 0) subtract(c.slab.subarray((task[4] | 0) * c.stride), small, HS, f0, f1);
      const nScan = task[7] | 0;
      for (let j = 0; j < nScan; j++) {
        const b = 40 + 8 * j;
        scan(c.slab.subarray((task[b] | 0) * c.stride), packed, c.nBins, f0, f1, task[b + 1], task[b + 2], task[b + 3],
          task[b + 4], task[8], task[9], task[10], task[11], task[12], c.res, (2 * k + j) * 8);
      }
      done(sync, 3);
    }
  }

  // Partition chunks (fixed boundaries, any thread; task layout: BoostEngine.partition): chunk k's left
  // count at res[256 + k].
  function partChunks(c) {
    const task = c.task, sync = c.sync;
    const begin = task[1] | 0, end = task[2] | 0, f = task[3] | 0, bin = task[4] | 0, missLeft = task[5] | 0;
    const nChunks = task[15] | 0, csize = task[16] | 0;
    const col = c.cols.subarray(f * c.n, (f + 1) * c.n);
    for (;;) {
      const k = Atomics.add(sync, 0, 1);
      if (k >= nChunks) break;
      const b = begin + k * csize;
      c.res[256 + k] = partition(c.rows, c.tmp, col, b, Math.min(end, b + csize), bin, missLeft);
      done(sync, 1);
    }
  }

  // A helper's part of the current task (it has entered it, so the caller waits for its EXIT).
  function helperTask(c, t, T) {
    const task = c.task;
    if (task[0] === 1) {
      stepBlocks(c, t, T, t);
      waitCount(c.sync, 1, task[15]);
      stepChunks(c, T);
    } else partChunks(c);
  }
  return { hist, subtract, scan, partition, waitCount, stepBlocks, stepChunks, partChunks, helperTask };
`;

/** The shared arrays a task reads (the same views on every thread). */
export interface TaskArrays {
  task: Float64Array;
  res: Float64Array;
  sync: Int32Array;
  slab: Float64Array;
  stride: number;
  bins: Uint8Array;
  cols: Uint8Array;
  F: number;
  n: number;
  nBins: Int32Array;
  rows: Int32Array;
  tmp: Int32Array;
  gh: Float64Array;
  q: Float64Array;
}

export interface TreeKernels {
  hist(h: Float64Array, packed: boolean, bins: Uint8Array, F: number, q: Float64Array, gh: Float64Array,
    rows: Int32Array, begin: number, end: number, f0: number, f1: number): void;
  subtract(parent: Float64Array, small: Float64Array, HS: number, f0: number, f1: number): void;
  scan(h: Float64Array, packed: boolean, nBins: Int32Array, f0: number, f1: number, Q: number, H0: number, G0: number,
    minH: number, lam: number, alpha: number, shift: number, gScale: number, hScale: number, out: Float64Array, o: number): void;
  partition(rows: Int32Array, tmp: Int32Array, col: Uint8Array, begin: number, end: number, bin: number, missLeft: number): number;
  waitCount(sync: Int32Array, w: number, target: number): void;
  stepBlocks(c: TaskArrays, t: number, T: number, own: number): void;
  stepChunks(c: TaskArrays, T: number): void;
  partChunks(c: TaskArrays): void;
  helperTask(c: TaskArrays, t: number, T: number): void;
}

/** A fresh set of kernel functions (each caller gets its own, so V8 optimizes them for its own arrays). */
export function treeKernels(): TreeKernels {
  return new Function(KERNEL_SOURCE)() as TreeKernels;
}
