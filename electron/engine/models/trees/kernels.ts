/**
 * The boosting hot loops (histogram of a row range over a feature range, histogram subtraction, the split
 * scan, the row partition, and a round's per-row passes: gradients, packing, sums, score updates) and the
 * tasks that share them between the calling thread and helper threads (BoostEngine). Results are combined
 * in a fixed order, so the model is the same whatever the thread count.
 *
 * One JavaScript source for both sides: the calling thread builds the functions with `new Function` and
 * helper threads evaluate the same text, so they cannot drift apart, and no bundler transform (minified
 * names, keepNames helpers) can break the helpers' copy. Histogram cells: feature f's block starts at
 * f * 256 * HS (HS = 1 packed double, or 2 for [h, g]).
 */
export const KERNEL_SOURCE = `
  // Adds rows[begin..end) into h for features [f0, f1); packed: q per row, else gh = [h, g] per row.
  function hist(h, packed, bins, F, q, gh, rows, begin, end, f0, f1) {
    // four features per unaligned 32-bit load (little-endian: feature f in the low byte), loads before adds:
    // about 1.4x faster than one at a time in V8, and a quarter faster again than byte loads
    const nf = f1 - f0;
    const dv = new DataView(bins.buffer, bins.byteOffset, bins.byteLength);
    if (packed) {
      // two rows per step: their adds are independent, so more of them are in flight (about 1.15x)
      let i = begin;
      for (; i + 1 < end; i += 2) {
        const r = rows[i];
        const r2 = rows[i + 1];
        const v = q[r];
        const v2 = q[r2];
        const base = r * F + f0;
        const base2 = r2 * F + f0;
        let f = 0;
        let o = f0 << 8;
        for (; f + 7 < nf; f += 8, o += 2048) {
          const x = dv.getUint32(base + f, true);
          const y = dv.getUint32(base + f + 4, true);
          const x2 = dv.getUint32(base2 + f, true);
          const y2 = dv.getUint32(base2 + f + 4, true);
          h[o + (x & 255)] += v;
          h[o + 256 + ((x >>> 8) & 255)] += v;
          h[o + 512 + ((x >>> 16) & 255)] += v;
          h[o + 768 + (x >>> 24)] += v;
          h[o + 1024 + (y & 255)] += v;
          h[o + 1280 + ((y >>> 8) & 255)] += v;
          h[o + 1536 + ((y >>> 16) & 255)] += v;
          h[o + 1792 + (y >>> 24)] += v;
          h[o + (x2 & 255)] += v2;
          h[o + 256 + ((x2 >>> 8) & 255)] += v2;
          h[o + 512 + ((x2 >>> 16) & 255)] += v2;
          h[o + 768 + (x2 >>> 24)] += v2;
          h[o + 1024 + (y2 & 255)] += v2;
          h[o + 1280 + ((y2 >>> 8) & 255)] += v2;
          h[o + 1536 + ((y2 >>> 16) & 255)] += v2;
          h[o + 1792 + (y2 >>> 24)] += v2;
        }
        for (; f < nf; f++, o += 256) {
          h[o + bins[base + f]] += v;
          h[o + bins[base2 + f]] += v2;
        }
      }
      for (; i < end; i++) {
        const r = rows[i];
        const v = q[r];
        for (let f = f0, o = f0 << 8; f < f1; f++, o += 256) h[o + bins[r * F + f]] += v;
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
        const x = dv.getUint32(base + f, true);
        const k0 = o + ((x & 255) << 1), k1 = o + 512 + (((x >>> 8) & 255) << 1);
        const k2 = o + 1024 + (((x >>> 16) & 255) << 1), k3 = o + 1536 + ((x >>> 24) << 1);
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
  // into += sign * part over features [f0, f1): sign -1 turns the parent's histogram into the larger
  // child's, sign 1 sums a helper thread's partial histogram into the step's. Only each feature's nBins
  // cells: the rest of its 256 stay 0 in every histogram (26 classes of 16-bin columns spent 10 % of
  // their time subtracting zeros). (x += -1 * y is exactly x -= y.)
  function addCells(into, part, sign, HS, f0, f1, nBins) {
    for (let f = f0; f < f1; f++) {
      const e = ((f << 8) + nBins[f]) * HS;
      for (let k = (f << 8) * HS; k < e; k++) into[k] += sign * part[k];
    }
  }
  function t1(g, alpha) {
    return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
  }
  // Best numeric cut of one leaf over the features in [f0, f1) that use marks 1 (null: all), missing values
  // learning their side; writes [gain, feature, bin, defaultLeft, HL, GL, QL] at out[o..o+7) (gain
  // -Infinity: none). Packed: the leaf's packed sum Q and every running sum decode exactly; else H0, G0 are
  // the leaf's sums.
  function scan(h, packed, nBins, use, f0, f1, Q, H0, G0, minH, lam, alpha, shift, gScale, hScale, out, o) {
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
    out.fill(0, o, o + 7);
    out[o] = -Infinity;
    out[o + 1] = -1;
    for (let f = f0; f < f1; f++) {
      if (use !== null && use[f] !== 1) continue;
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
      // missing values to the right (or, with none seen, to the bigger child), then to the left
      scanSide(h, packed, f, nb, 0, 0, 0, hasMiss ? 0 : -1, H, G, minH, lam, alpha, shift, gScale, hScale, parentScore, out, o);
      if (hasMiss) scanSide(h, packed, f, nb, miss, missH, missG, 1, H, G, minH, lam, alpha, shift, gScale, hScale, parentScore, out, o);
    }
  }
  // The cuts "value bins 1..s go left" of feature f, into out[o..] where better (ties keep the earlier cut).
  // The left side starts from the missing values' sums (q0 packed, else h0, g0) when they go left; dl: 1 they
  // go left, 0 right, -1 none seen (default to the bigger side). One division per cut: the scan's main cost.
  function scanSide(h, packed, f, nb, q0, h0, g0, dl, H, G, minH, lam, alpha, shift, gScale, hScale, parentScore, out, o) {
    const inv = 1 / shift;
    let best = out[o];
    let acc = q0;
    let hl = h0;
    let gl = g0;
    for (let s = 1; s <= nb - 2; s++) {
      // (skipping empty bins, whose cut ties the one before, measured slower: the branch mispredicts)
      if (packed) {
        acc += h[(f << 8) + s];
        const aq = Math.floor(acc * inv);
        gl = aq * gScale;
        hl = (acc - aq * shift) * hScale;
      } else {
        const k = (f << 9) + 2 * s;
        hl += h[k];
        gl += h[k + 1];
      }
      if (hl < minH) continue;
      const hr = H - hl;
      if (hr < minH) break;
      const a = alpha === 0 ? gl : t1(gl, alpha);
      const b = alpha === 0 ? G - gl : t1(G - gl, alpha);
      const dL = hl + lam;
      const dR = hr + lam;
      const gain = (a * a * dR + b * b * dL) / (dL * dR) - parentScore;
      if (gain > best) {
        best = gain;
        out[o] = gain;
        out[o + 1] = f;
        out[o + 2] = s;
        out[o + 3] = dl < 0 ? (hl > hr ? 1 : 0) : dl;
        out[o + 4] = hl;
        out[o + 5] = gl;
        out[o + 6] = acc;
      }
    }
  }
  // Stable partition of rows[begin..end) on a numeric split: left rows compacted in place from begin,
  // right rows to tmp[begin..); returns the left count. col: the split feature's bins by row.
  function partition(rows, tmp, col, begin, end, bin, missLeft) {
    let l = begin;
    let nr = begin;
    // missing values going right: bin 0 counts as 256, above every value bin
    const missBit = missLeft ? 0 : 256;
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const b = col[r];
      // branch-free (integer ops: V8 compiles a ternary to a branch, and a 50/50 split would mispredict half
      // the time): write both places, advance one; goes right iff bin < b', b' = b or 256 for a missing b
      const gr = (bin - (b | (((b - 1) >>> 31) * missBit))) >>> 31;
      rows[l] = r;
      tmp[nr] = r;
      l += 1 - gr;
      nr += gr;
    }
    return l - begin;
  }
  // ---- Per-row passes of a boosting round (gradients, packing, sums, score updates), on rows b..e.
  // e^x within about 2 ulp and 2.5x faster than Math.exp in V8 (the logistic gradient's main cost), as libm
  // does it: x = (64m + j) ln2 / 64 + r with |r| <= ln2 / 128, e^x = 2^m 2^(j/64) e^r, e^r by its degree-5
  // Taylor polynomial (error below 2^-60); ln2 / 64 in two parts so that k * hi is exact.
  const EXP2_J = new Float64Array(64);
  for (let j = 0; j < 64; j++) EXP2_J[j] = Math.pow(2, j / 64);
  const EXP2_M = new Float64Array(2048);
  for (let m = 0; m < 2048; m++) EXP2_M[m] = Math.pow(2, m - 1024);
  const LN2_64_HI = 6.93147180369123816490e-01 / 64, LN2_64_LO = 1.90821492927058770002e-10 / 64;
  function exp(x) {
    const c = x > 700 ? 700 : x < -700 ? -700 : x;
    const kd = c * (64 / Math.LN2) + 6755399441055744 - 6755399441055744; // round to nearest integer
    const r = c - kd * LN2_64_HI - kd * LN2_64_LO;
    const k = kd | 0;
    const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
    return p * EXP2_J[k & 63] * EXP2_M[(k >> 6) + 1024];
  }
  // Objectives: 0 binary (logistic), 1 squared error, 2 huber (residual clipped at delta). gh = [h, g] per row;
  // the largest |g| and h into out[o], out[o + 1] (as maxRange: the packing's scales, without another pass).
  function gradRange(obj, score, y, w, hasW, gh, delta, b, e, out, o) {
    let maxG = 0;
    let maxH = 0;
    for (let i = b; i < e; i++) {
      const wi = hasW ? w[i] : 1;
      let h = wi;
      let g;
      if (obj === 0) {
        const p = 1 / (1 + exp(-score[i]));
        h = Math.max(p * (1 - p), 1e-16) * wi;
        g = (p - y[i]) * wi;
      } else {
        const r = score[i] - y[i];
        g = (obj === 2 ? (r > delta ? delta : r < -delta ? -delta : r) : r) * wi;
      }
      gh[2 * i] = h;
      gh[2 * i + 1] = g;
      const ag = Math.abs(g);
      if (ag > maxG) maxG = ag;
      if (h > maxH) maxH = h;
    }
    out[o] = maxG;
    out[o + 1] = maxH;
  }
  // Largest |g| and h over rows[b..e) into out[o], out[o + 1].
  function maxRange(gh, rows, b, e, out, o) {
    let maxG = 0;
    let maxH = 0;
    for (let i = b; i < e; i++) {
      const r = rows[i];
      const g = Math.abs(gh[2 * r + 1]);
      if (g > maxG) maxG = g;
      if (gh[2 * r] > maxH) maxH = gh[2 * r];
    }
    out[o] = maxG;
    out[o + 1] = maxH;
  }
  // Sums [H, G, Q] of rows[b..e) into out[o..o+3); pk (packing parameters, null: no packing) first
  // rounds each row's [h, g] stochastically to integers and packs them as q = gq * shift + hq (Q: their sum).
  // The rounding noise of row r is a hash of (seed, r): independent of the order rows are visited, and a
  // quarter cheaper than two generator draws; 16 bits per draw are plenty for 4-8 bit levels.
  function sumRange(gh, rows, q, pk, b, e, out, o) {
    let H = 0;
    let G = 0;
    let Q = 0;
    if (pk === null) {
      for (let i = b; i < e; i++) { const r = rows[i]; H += gh[2 * r]; G += gh[2 * r + 1]; }
    } else {
      const seed = pk[0] | 0, gInv = pk[1], hInv = pk[2], gMax = pk[3], hMax = pk[4], shift = pk[5];
      const U = 1 / 65536;
      for (let i = b; i < e; i++) {
        const r = rows[i];
        const h = gh[2 * r];
        const g = gh[2 * r + 1];
        let x = Math.imul(r ^ seed, 0x9e3779b1);
        x ^= x >>> 16;
        x = Math.imul(x, 0x85ebca6b);
        x ^= x >>> 13;
        x = Math.imul(x, 0xc2b2ae35);
        x ^= x >>> 16;
        const gq = Math.min(gMax, Math.max(-gMax, Math.floor(g * gInv + ((x & 0xffff) + 0.5) * U)));
        const hq = Math.min(hMax, Math.floor(h * hInv + ((x >>> 16) + 0.5) * U));
        const v = gq * shift + hq;
        q[r] = v;
        H += h;
        G += g;
        Q += v;
      }
    }
    out[o] = H;
    out[o + 1] = G;
    out[o + 2] = Q;
  }
  // leafOf[rows[i]] = leaf for rows[b..e) (one leaf's rows): the passes below then read rows in order,
  // not a leaf's scattered rows (about 3x cheaper).
  function markRange(leafOf, rows, leaf, b, e) {
    for (let i = b; i < e; i++) leafOf[rows[i]] = leaf;
  }
  // [H, G] by leaf of rows b..e, in row order, into out[o + 2 * leaf] (leafOf -1: a row outside the tree).
  function leafSumRange(gh, leafOf, nLeaves, b, e, out, o) {
    out.fill(0, o, o + 2 * nLeaves);
    for (let r = b; r < e; r++) {
      const L = leafOf[r];
      if (L < 0) continue;
      out[o + 2 * L] += gh[2 * r];
      out[o + 2 * L + 1] += gh[2 * r + 1];
    }
  }
  // score[r * K + k] += val[leaf of r] for rows b..e in the tree.
  function addLeafRange(score, leafOf, val, K, k, b, e) {
    for (let r = b; r < e; r++) {
      const L = leafOf[r];
      if (L >= 0) score[r * K + k] += val[L];
    }
  }
  // score[r * K + k] += the value of the leaf row r of bins (n x F) reaches in a tree of numeric splits (node i
  // at tree[5 * i..]: feature (-1: leaf), split bin, missing-left, left, right; val by node), for rows b..e;
  // skipSampled: only rows outside the tree's sample (leafOf -1; addLeafRange has updated the others).
  function walkRange(tree, val, bins, F, score, K, k, skipSampled, leafOf, b, e) {
    for (let r = b; r < e; r++) {
      if (skipSampled && leafOf[r] >= 0) continue;
      const base = r * F;
      let node = 0;
      for (let f = tree[0]; f >= 0; f = tree[5 * node]) {
        const x = bins[base + f];
        const left = x === 0 ? tree[5 * node + 2] === 1 : x <= tree[5 * node + 1];
        node = left ? tree[5 * node + 3] : tree[5 * node + 4];
      }
      score[r * K + k] += val[node];
    }
  }

  // ---- Tasks run by the calling thread (t = 0) and helpers (t >= 1) on shared arrays c (TaskArrays).
  // Work items are claimed with Atomics.add, so a helper that wakes late only finds less to do.
  // Sync words: 0 A_NEXT, 1 A_DONE, 2 B_NEXT, 3 B_DONE; helper u's from 16 * u (a cache line of its own, so its
  // spinning does not slow the counters): SEQ, EXIT, STOP, JOIN, PARTIC, SLEEP.

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
        if (!zeroed) { h.fill(0); Atomics.store(sync, 16 * t + 4, s); zeroed = true; }
        hist(h, true, c.bins, c.F, c.q, c.gh, c.rows, begin + b * bsize, Math.min(end, begin + (b + 1) * bsize), 0, c.F);
        done(sync, 1);
      }
      return;
    }
    const h = part(own);
    if (own !== 0) { h.fill(0); Atomics.store(sync, 16 * own + 4, s); }
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
      // runs of the tree's features (the others' cells are never read in this tree)
      for (let a = f0; a < f1;) {
        if (c.use[a] === 0) { a++; continue; }
        let e = a + 1;
        while (e < f1 && c.use[e] !== 0) e++;
        for (let u = 1; u < T; u++) {
          if (Atomics.load(sync, 16 * u + 4) !== s) continue;
          addCells(small, c.slab.subarray((task[14] + u - 1) * c.stride), 1, HS, a, e, c.nBins);
        }
        if (task[4] >= 0) addCells(c.slab.subarray((task[4] | 0) * c.stride), small, -1, HS, a, e, c.nBins);
        a = e;
      }
      const nScan = task[7] | 0;
      for (let j = 0; j < nScan; j++) {
        const b = 40 + 8 * j;
        scan(c.slab.subarray((task[b] | 0) * c.stride), packed, c.nBins, c.use, f0, f1, task[b + 1], task[b + 2], task[b + 3],
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

  // Row tasks (task layout: BoostEngine.rowTask): items [begin, end, leaf] claimed one at a time; item j's
  // results at itemOut[3 * j] (leaf sums: leafOut). The items do not depend on the thread count, so neither
  // do the sums merged from them. Ops (BoostEngine OP_*): 0 gradients, 1 maxima, 2 sums (and packing), 3 leaf
  // marks, 4 leaf sums, 5 leaf values into scores, 6 tree walk (task[4] = 1: the validation rows).
  function rowChunks(c) {
    const task = c.task, sync = c.sync, it = c.items, out = c.itemOut;
    const op = task[1] | 0, nItems = task[2] | 0;
    const pk = task[3] === 1 ? task.subarray(8, 14) : null;
    for (;;) {
      const j = Atomics.add(sync, 0, 1);
      if (j >= nItems) break;
      const b = it[3 * j], e = it[3 * j + 1];
      if (op === 0) gradRange(task[4] | 0, c.score, c.y, c.w, c.w.length > 0, c.gh, task[5], b, e, out, 3 * j);
      else if (op === 1) maxRange(c.gh, c.rows, b, e, out, 3 * j);
      else if (op === 2) sumRange(c.gh, c.rows, c.q, pk, b, e, out, 3 * j);
      else if (op === 3) markRange(c.leafOf, c.rows, it[3 * j + 2], b, e);
      else if (op === 4) leafSumRange(c.gh, c.leafOf, task[6] | 0, b, e, c.leafOut, 2 * (task[6] | 0) * j);
      else if (op === 5) addLeafRange(c.score, c.leafOf, c.leafVal, task[6] | 0, task[7] | 0, b, e);
      else if (task[4] === 1) walkRange(c.tree, c.treeVal, c.vBins, c.F, c.vScore, task[6] | 0, task[7] | 0, false, c.leafOf, b, e);
      else walkRange(c.tree, c.treeVal, c.bins, c.F, c.score, task[6] | 0, task[7] | 0, true, c.leafOf, b, e);
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
    } else if (task[0] === 2) partChunks(c);
    else rowChunks(c);
  }
  return {
    hist, addCells, scan, partition, exp, gradRange, maxRange, sumRange, markRange, leafSumRange, addLeafRange, walkRange,
    waitCount,
    stepBlocks, stepChunks, partChunks,
    rowChunks, helperTask,
  };
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
  /**
   * Per feature, for the current tree (per-tree column sampling): 1 = histogram and numeric scan here,
   * 2 = histogram only (categorical: the caller scans it), 0 = not in this tree.
   */
  use: Uint8Array;
  rows: Int32Array;
  tmp: Int32Array;
  gh: Float64Array;
  q: Float64Array;
  /** Row tasks: raw scores (n x K), targets and weights (empty: none) by row. */
  score: Float64Array;
  y: Float64Array;
  w: Float64Array;
  /** Row task items [begin, end, leaf], their results (3 doubles each) and leaf values by leaf. */
  items: Int32Array;
  itemOut: Float64Array;
  leafVal: Float64Array;
  /** Leaf of each row of the last tree (-1: outside its sample), and per-item leaf sums (2 per leaf). */
  leafOf: Int32Array;
  leafOut: Float64Array;
  /** The last tree for walkRange (5 ints per node) and its values; validation bins (row-major) and scores. */
  tree: Int32Array;
  treeVal: Float64Array;
  vBins: Uint8Array;
  vScore: Float64Array;
}

export interface TreeKernels {
  hist(h: Float64Array, packed: boolean, bins: Uint8Array, F: number, q: Float64Array, gh: Float64Array,
    rows: Int32Array, begin: number, end: number, f0: number, f1: number): void;
  addCells(into: Float64Array, part: Float64Array, sign: number, HS: number, f0: number, f1: number, nBins: Int32Array): void;
  scan(h: Float64Array, packed: boolean, nBins: Int32Array, use: Uint8Array | null, f0: number, f1: number, Q: number,
    H0: number, G0: number, minH: number, lam: number, alpha: number, shift: number, gScale: number, hScale: number,
    out: Float64Array, o: number): void;
  partition(rows: Int32Array, tmp: Int32Array, col: Uint8Array, begin: number, end: number, bin: number, missLeft: number): number;
  exp(x: number): number;
  gradRange(obj: number, score: Float64Array, y: Float64Array, w: Float64Array, hasW: boolean, gh: Float64Array,
    delta: number, b: number, e: number, out: Float64Array, o: number): void;
  maxRange(gh: Float64Array, rows: Int32Array, b: number, e: number, out: Float64Array, o: number): void;
  sumRange(gh: Float64Array, rows: Int32Array, q: Float64Array, pk: Float64Array | null, b: number, e: number, out: Float64Array, o: number): void;
  markRange(leafOf: Int32Array, rows: Int32Array, leaf: number, b: number, e: number): void;
  leafSumRange(gh: Float64Array, leafOf: Int32Array, nLeaves: number, b: number, e: number, out: Float64Array, o: number): void;
  addLeafRange(score: Float64Array, leafOf: Int32Array, val: Float64Array, K: number, k: number, b: number, e: number): void;
  walkRange(tree: Int32Array, val: Float64Array, bins: Uint8Array, F: number, score: Float64Array, K: number, k: number,
    skipSampled: boolean, leafOf: Int32Array, b: number, e: number): void;
  waitCount(sync: Int32Array, w: number, target: number): void;
  stepBlocks(c: TaskArrays, t: number, T: number, own: number): void;
  stepChunks(c: TaskArrays, T: number): void;
  partChunks(c: TaskArrays): void;
  rowChunks(c: TaskArrays): void;
  helperTask(c: TaskArrays, t: number, T: number): void;
}

/** A fresh set of kernel functions (each caller gets its own, so V8 optimizes them for its own arrays). */
export function treeKernels(): TreeKernels {
  return new Function(KERNEL_SOURCE)() as TreeKernels;
}

/**
 * The calling thread's kernels for the plain path (no engine: packing gradients, scanning packed
 * histograms), built on first use; null where code generation from strings is disabled, in which case
 * training goes without packed gradients.
 */
let plainOnce: TreeKernels | null | undefined;
export function plainKernels(): TreeKernels | null {
  if (plainOnce === undefined) {
    try {
      plainOnce = treeKernels();
    } catch {
      plainOnce = null;
    }
  }
  return plainOnce;
}
