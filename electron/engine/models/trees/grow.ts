import type { BinMapper } from './binning.ts';
import { histAll2, histList, histPacked, zeroFeatures } from './histogram.ts';
import { type BoostEngine, RESULT, type ScanLeaf } from './boost-engine.ts';
import type { ParallelHist } from './parallel.ts';
import type { Rng } from './rng.ts';
import { type Leaf, partitionSet, type Split, SplitFinder, thresholdL1, TINY } from './split.ts';

/**
 * Grows one histogram tree on binned rows (LightGBM-style):
 * - best-first (leaf-wise) growth up to maxLeaves; with maxLeaves >= 2^maxDepth it yields the
 *   depth-wise tree, so one routine serves both policies;
 * - boosting mode: histograms of all tree features, the larger child by subtraction (parent - smaller);
 * - forest mode (featuresPerNode > 0): a fresh random feature subset per node, histograms of those only;
 * - several gradient channels share one hessian, so a forest grows one multi-class tree (Gini = sum
 *   of per-class variance reductions) while boosting uses one channel.
 * Rows are not objects: each leaf owns a contiguous range of `rows`, re-ordered in place on split.
 */
export interface GrowParams {
  /** 0 = unlimited. */
  maxDepth: number;
  /** Infinity = unlimited. */
  maxLeaves: number;
  /** Minimum hessian sum (sum of weights for squared error / forests) in each child. */
  minChildWeight: number;
  /** Minimum rows in each child, estimated from the hessian share (LightGBM min_data_in_leaf). */
  minDataInLeaf: number;
  minSplitGain: number;
  lambda: number;
  alpha: number;
  /** Extra L2 for categorical splits and smoothing of the category ordering (LightGBM cat_l2 / cat_smooth). */
  catL2: number;
  catSmooth: number;
  /** Up to this many present categories, try one-vs-rest splits; above, the sorted-prefix search. */
  maxCatOneHot: number;
  /** Features this tree may use. */
  features: Int32Array;
  /** > 0: forest mode, this many random features tried per node. */
  featuresPerNode: number;
  /** Extra-trees: one random cut per feature instead of the best one. */
  randomSplits: boolean;
  /** Bytes of histograms kept alive for the subtraction trick (default HIST_MEMORY_BUDGET). */
  histMemoryBudget?: number;
  /** Classification forests: a node whose rows all share one class is a leaf (channels hold -class counts). */
  stopWhenPure?: boolean;
  rng: Rng;
}

export interface GrowInput {
  /** Row-major n x F bins. */
  bins: Uint8Array;
  /** Optional column-major copy (faster partitioning). */
  binColumns?: Uint8Array[];
  nFeatures: number;
  mapper: BinMapper;
  /** Per row, stride 1 + nChannels: [h, g_0, ..., g_{C-1}] (row weights already applied). */
  gh: Float64Array;
  nChannels: number;
  /** Rows that take part in this tree (re-ordered in place). */
  rows: Int32Array;
  nRows: number;
  /** Quantized gradients (numeric features, one channel only): one histogram add per cell instead of two. */
  packed?: PackedGradients;
  /** Helper threads for all-feature boosting histograms (shared-memory copies of bins, rows, gh, q). */
  parallel?: ParallelHist;
  /**
   * Boosting (all features or a per-tree sample): histograms, numeric scans and partitions run in this engine
   * (over the same bins, rows, gh and q), threaded or not, with the same result either way.
   */
  engine?: BoostEngine;
  /** Sums of the rows' h, g (one channel) and packed q, when the caller has them already (BoostEngine.sums). */
  rootSums?: { H: number; G: number; Q: number };
}

/**
 * LightGBM-style quantized gradients, packed into one float64 per row: q = gq * shift + hq with small
 * integers gq (signed) and hq (>= 0), stochastically rounded. Sums of any rows stay exact integers below
 * 2^53, so a histogram cell decodes exactly into (sum gq, sum hq). Split search uses the quantized sums;
 * leaf values are recomputed from the exact gradients of each leaf's rows.
 */
export interface PackedGradients {
  q: Float64Array;
  shift: number;
  gScale: number;
  hScale: number;
}

export interface BuiltTree {
  nNodes: number;
  nChannels: number;
  /** -1 = leaf. */
  feature: Int32Array;
  /** Numeric split: value bins 1..splitBin go left. */
  splitBin: Int32Array;
  /** Categorical split: bins whose bit is set go left. */
  catBits: (Uint32Array | null)[];
  /** Where the missing bin (0) goes. */
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  gain: Float64Array;
  /** nNodes * nChannels leaf values: -T(G)/(H + lambda) (no learning rate applied). */
  value: Float64Array;
  /** Leaves: the range of `rows` they hold after growth. */
  begin: Int32Array;
  end: Int32Array;
}

/** Forest nodes below this many rows get bin-range-limited histograms. */
const SMALL_NODE = 512;
/** Bytes of histograms boosting may keep alive at once (subtraction trick) before it rebuilds instead. */
export const HIST_MEMORY_BUDGET = 256 * 1024 * 1024;

export function growTree(input: GrowInput, p: GrowParams): BuiltTree {
  const { bins, nFeatures: F, mapper, gh, rows } = input;
  const C = input.nChannels;
  const S = C + 1;
  const off = mapper.offsets;
  const forestMode = p.featuresPerNode > 0;
  const finder = new SplitFinder(p, mapper, C);
  const packed = input.packed && C === 1 && !forestMode ? input.packed : null;
  finder.packed = packed;
  /** Histogram doubles per bin: one packed value, or [h, g...]. */
  const HS = packed ? 1 : S;
  const histSize = off[F] * HS;
  const treeFeats = p.features;
  const allFeatures = treeFeats.length === F;
  // histogram subtraction keeps one histogram per open leaf; past this budget (very wide tables) rebuild instead
  const maxOpen = Number.isFinite(p.maxLeaves) ? p.maxLeaves : 2 ** Math.max(1, p.maxDepth || 16);
  const keepHists = histSize * 8 * Math.min(maxOpen, 1024) <= (p.histMemoryBudget ?? HIST_MEMORY_BUDGET);

  // node storage (grown as plain arrays; converted to typed arrays at the end)
  const feature: number[] = [];
  const splitBin: number[] = [];
  const catBits: (Uint32Array | null)[] = [];
  const defaultLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const gain: number[] = [];
  const nodeH: number[] = [];
  const nodeG: Float64Array[] = [];
  const begin: number[] = [];
  const end: number[] = [];
  // one object shape for every leaf (a spread would give each its own and slow every access)
  const newNode = (b: number, e: number, depth: number, H: number, G: Float64Array, Q: number): Leaf => {
    const node = feature.length;
    feature.push(-1); splitBin.push(0); catBits.push(null); defaultLeft.push(0);
    left.push(-1); right.push(-1); gain.push(0);
    nodeH.push(H); nodeG.push(G); begin.push(b); end.push(e);
    return { node, begin: b, end: e, depth, H, G, Q, hist: null, slot: -1, best: null };
  };

  const pool: Float64Array[] = [];
  const takeHist = (): Float64Array => {
    const h = pool.pop() ?? new Float64Array(histSize);
    if (allFeatures) h.fill(0); else zeroFeatures(h, off, HS, treeFeats, treeFeats.length);
    return h;
  };
  const buildHist = (h: Float64Array, b: number, e: number, feats: Int32Array, nf: number): void => {
    if (input.parallel && nf === F && (packed || S === 2)) input.parallel.build(h, b, e, packed !== null);
    else if (packed) histPacked(h, bins, F, packed.q, rows, b, e, feats, nf);
    else if (S === 2 && nf === F) histAll2(h, bins, F, gh, rows, b, e);
    else histList(h, bins, F, gh, S, rows, b, e, feats, nf);
  };
  const nodeScratch = forestMode ? new Float64Array(histSize) : null;

  const canSplit = (leaf: Leaf): boolean =>
    (p.maxDepth <= 0 || leaf.depth < p.maxDepth) &&
    leaf.end - leaf.begin >= 2 * Math.max(1, p.minDataInLeaf) &&
    leaf.H >= 2 * Math.max(p.minChildWeight, TINY) &&
    !isPure(leaf);

  const binLo = new Int32Array(F);
  const binHi = new Int32Array(F);
  // Forest scratch histogram: all zero between nodes. Small nodes record the bin range they touch in the
  // same pass that fills the histogram, so both the split scan and the clean-up cost the range, not 256 bins.
  const histFor = (leaf: Leaf, feats: Int32Array, nf: number): boolean => {
    const h = nodeScratch!;
    const small = leaf.end - leaf.begin < SMALL_NODE;
    if (!small) {
      histList(h, bins, F, gh, S, rows, leaf.begin, leaf.end, feats, nf);
      finder.binLo = null;
      finder.binHi = null;
      return false;
    }
    for (let j = 0; j < nf; j++) { binLo[feats[j]] = 255; binHi[feats[j]] = 0; }
    for (let i = leaf.begin; i < leaf.end; i++) {
      const r = rows[i];
      const base = r * F;
      const src = r * S;
      for (let j = 0; j < nf; j++) {
        const f = feats[j];
        const b = bins[base + f];
        if (b < binLo[f]) binLo[f] = b;
        if (b > binHi[f]) binHi[f] = b;
        const k = ((f << 8) + b) * S;
        for (let c = 0; c < S; c++) h[k + c] += gh[src + c];
      }
    }
    finder.binLo = binLo;
    finder.binHi = binHi;
    return true;
  };
  const clearFor = (feats: Int32Array, nf: number, small: boolean): void => {
    const h = nodeScratch!;
    if (!small) { zeroFeatures(h, off, S, feats, nf); return; }
    for (let j = 0; j < nf; j++) {
      const f = feats[j];
      const base = off[f] * S;
      h.fill(0, base, base + S);
      if (binLo[f] <= binHi[f]) h.fill(0, base + binLo[f] * S, base + (binHi[f] + 1) * S);
    }
  };
  const order = Int32Array.from(treeFeats); // shuffled in place per node (partial Fisher-Yates)
  const rest = new Int32Array(order.length);
  const findForest = (leaf: Leaf): Split | null => {
    // a fresh random subset per node; if none of it splits, look at the remaining features too
    const k = Math.min(p.featuresPerNode, order.length);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(p.rng() * (order.length - i));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    let small = histFor(leaf, order, k);
    const best = finder.find(leaf, nodeScratch!, order, k);
    clearFor(order, k, small);
    if (best || k === order.length) return best;
    const nr = order.length - k;
    for (let i = 0; i < nr; i++) rest[i] = order[k + i];
    small = histFor(leaf, rest, nr);
    const second = finder.find(leaf, nodeScratch!, rest, nr);
    clearFor(rest, nr, small);
    return second;
  };
  const isPure = (leaf: Leaf): boolean => {
    if (!p.stopWhenPure) return false;
    const tol = leaf.H * 1e-9;
    let all0 = C === 1;
    for (let c = 0; c < C; c++) {
      if (Math.abs(leaf.G[c] + leaf.H) <= tol) return true; // every row in class c
      if (Math.abs(leaf.G[c]) > tol) all0 = false;
    }
    return all0; // binary: every row in class 0
  };

  // root
  const G0 = new Float64Array(C);
  let H0 = 0;
  let Q0 = 0;
  if (input.rootSums && C === 1) {
    H0 = input.rootSums.H;
    G0[0] = input.rootSums.G;
    Q0 = input.rootSums.Q;
  } else {
    for (let i = 0; i < input.nRows; i++) {
      const r = rows[i] * S;
      H0 += gh[r];
      for (let c = 0; c < C; c++) G0[c] += gh[r + 1 + c];
    }
    if (packed) for (let i = 0; i < input.nRows; i++) Q0 += packed.q[rows[i]];
  }
  const root: Leaf = newNode(0, input.nRows, 0, H0, G0, Q0);
  const open: Leaf[] = [];
  const evaluate = (leaf: Leaf): void => {
    if (!canSplit(leaf)) { if (leaf.hist) { pool.push(leaf.hist); leaf.hist = null; } return; }
    leaf.best = forestMode ? findForest(leaf) : finder.find(leaf, leaf.hist!, treeFeats, treeFeats.length);
    if (leaf.best) open.push(leaf);
    if (leaf.hist && (!leaf.best || !keepHists)) { pool.push(leaf.hist); leaf.hist = null; }
  };
  // the engine path: boosting trees (the common, hot case); histograms cover every feature, scans the tree's
  const eng = input.engine && !forestMode && C === 1 && !p.randomSplits && keepHists &&
    Math.min(maxOpen, 1 << 20) + 2 <= input.engine.nSlots ? input.engine : null;
  // categorical features: histograms in the engine, scanned here (SplitFinder) on its slot
  const catFeats = eng ? treeFeats.filter((f) => mapper.isCat[f] === 1) : treeFeats.subarray(0, 0);
  // right rows while partitioning (the engine has its own)
  const tmpRows = new Int32Array(eng ? 0 : input.nRows);
  const stepParams = {
    packed: packed !== null, shift: packed?.shift ?? 1, gScale: packed?.gScale ?? 1, hScale: packed?.hScale ?? 1,
    lambda: p.lambda, alpha: p.alpha,
  };
  const out = new Float64Array(2 * RESULT);
  const gainFloor = Math.max(p.minSplitGain, 0);
  const scanOf = (leaf: Leaf): ScanLeaf => {
    const count = leaf.end - leaf.begin;
    const minH = Math.max(p.minChildWeight, count > 0 ? (p.minDataInLeaf * leaf.H) / count : 0, TINY);
    return { slot: leaf.slot, Q: leaf.Q, H: leaf.H, G: leaf.G[0], minH };
  };
  /**
   * The engine's numeric scan result at out[o..], or the best categorical split if better (ties to the
   * lower feature, as one scan in feature order), becomes leaf.best and opens the leaf, or frees its slot
   * (thresholds as SplitFinder.find).
   */
  const settle = (leaf: Leaf, o: number): void => {
    const g = out[o];
    const parentScore = finder.score(leaf.G, leaf.H, p.lambda);
    const numericOk = out[o + 1] >= 0 && g > gainFloor && g > 1e-10 * Math.abs(parentScore);
    const catBest = catFeats.length > 0 ? finder.find(leaf, eng!.histogram(leaf.slot), catFeats, catFeats.length) : null;
    if (catBest && (!numericOk || catBest.gain > g || (catBest.gain === g && catBest.feature < out[o + 1]))) {
      leaf.best = catBest;
      open.push(leaf);
      return;
    }
    if (!numericOk) {
      eng!.release(leaf.slot);
      leaf.slot = -1;
      return;
    }
    const HL = out[o + 4];
    const GL = new Float64Array(1);
    const GR = new Float64Array(1);
    let HR: number;
    const QL = out[o + 6];
    const QR = packed ? leaf.Q - QL : 0;
    if (packed) {
      GL[0] = Math.floor(QL / packed.shift) * packed.gScale;
      const rq = Math.floor(QR / packed.shift);
      GR[0] = rq * packed.gScale;
      HR = (QR - rq * packed.shift) * packed.hScale;
    } else {
      GL[0] = out[o + 5];
      GR[0] = leaf.G[0] - GL[0];
      HR = leaf.H - HL;
    }
    leaf.best = { gain: g, feature: out[o + 1], bin: out[o + 2], cat: null, defaultLeft: out[o + 3] === 1, HL, GL, HR, GR, QL, QR };
    open.push(leaf);
  };
  if (eng) {
    eng.reset(treeFeats, mapper.isCat);
    if (canSplit(root)) {
      root.slot = eng.alloc();
      eng.step(stepParams, root.slot, -1, 0, input.nRows, [scanOf(root)], out);
      settle(root, 0);
    }
  } else if (canSplit(root)) {
    if (!forestMode) {
      root.hist = takeHist();
      buildHist(root.hist, 0, input.nRows, treeFeats, treeFeats.length);
    }
    evaluate(root);
  }

  let nLeaves = 1;
  const bestFirst = Number.isFinite(p.maxLeaves);
  while (open.length > 0 && nLeaves < p.maxLeaves) {
    let pick = open.length - 1;
    if (bestFirst) for (let i = 0; i < open.length - 1; i++) if (open[i].best!.gain > open[pick].best!.gain) pick = i;
    const leaf = open[pick];
    open[pick] = open[open.length - 1];
    open.pop();
    const sp = leaf.best!;

    // partition the leaf's rows: left rows keep their order at the front, right rows after them
    const f = sp.feature;
    const dl = sp.defaultLeft;
    const cat = sp.cat;
    const sb = sp.bin;
    let l = leaf.begin;
    let nr = 0;
    if (eng) {
      l = leaf.begin + (cat
        ? eng.partitionSet(leaf.begin, leaf.end, f, cat, dl)
        : eng.partition(leaf.begin, leaf.end, f, sb, dl));
    } else if (cat) {
      l = leaf.begin + partitionSet(rows, tmpRows, bins, F, f, leaf.begin, leaf.end, cat, dl);
    } else if (input.binColumns) {
      const col = input.binColumns[f];
      const missLeft = dl ? 1 : 0;
      for (let i = leaf.begin; i < leaf.end; i++) {
        const r = rows[i];
        const b = col[r];
        const gl = b === 0 ? missLeft : (b <= sb ? 1 : 0);
        rows[l] = r;
        tmpRows[nr] = r;
        l += gl;
        nr += 1 - gl;
      }
    } else {
      // branch-free: a 50/50 split would mispredict half the time; write both places, advance one
      const missLeft = dl ? 1 : 0;
      for (let i = leaf.begin; i < leaf.end; i++) {
        const r = rows[i];
        const b = bins[r * F + f];
        const gl = b === 0 ? missLeft : (b <= sb ? 1 : 0);
        rows[l] = r;
        tmpRows[nr] = r;
        l += gl;
        nr += 1 - gl;
      }
    }
    // numeric plain-path partitions leave their right rows in tmpRows
    if (!eng && !cat) rows.set(tmpRows.subarray(0, nr), l);

    const L = newNode(leaf.begin, l, leaf.depth + 1, sp.HL, sp.GL, sp.QL);
    const R = newNode(l, leaf.end, leaf.depth + 1, sp.HR, sp.GR, sp.QR);
    const n = leaf.node;
    feature[n] = f; splitBin[n] = sb; catBits[n] = cat; defaultLeft[n] = dl ? 1 : 0;
    left[n] = L.node; right[n] = R.node; gain[n] = sp.gain;
    nLeaves++;

    if (eng) {
      const parentSlot = leaf.slot;
      leaf.slot = -1;
      const canL = canSplit(L);
      const canR = canSplit(R);
      if (canL || canR) {
        const [small, large] = L.end - L.begin <= R.end - R.begin ? [L, R] : [R, L];
        small.slot = eng.alloc();
        large.slot = parentSlot;
        const scans: ScanLeaf[] = [];
        if (canL) scans.push(scanOf(L));
        if (canR) scans.push(scanOf(R));
        // one step: smaller child's histogram, subtraction for the larger, scans of both
        eng.step(stepParams, small.slot, parentSlot, small.begin, small.end, scans, out);
        if (canL) settle(L, 0); else { eng.release(L.slot); L.slot = -1; }
        if (canR) settle(R, canL ? RESULT : 0); else { eng.release(R.slot); R.slot = -1; }
      } else eng.release(parentSlot);
      continue;
    }
    if (!forestMode && !keepHists) {
      // low-memory mode (very wide data): no histograms kept between steps, both children built directly
      for (const child of [L, R]) {
        if (!canSplit(child)) continue;
        child.hist = takeHist();
        buildHist(child.hist, child.begin, child.end, treeFeats, treeFeats.length);
      }
    } else if (!forestMode) {
      const parentHist = leaf.hist!;
      leaf.hist = null;
      if (canSplit(L) || canSplit(R)) {
        const [small, large] = L.end - L.begin <= R.end - R.begin ? [L, R] : [R, L];
        small.hist = takeHist();
        buildHist(small.hist, small.begin, small.end, treeFeats, treeFeats.length);
        // histogram subtraction: the larger child costs nothing to build
        const sh = small.hist;
        if (allFeatures) for (let k = 0; k < histSize; k++) parentHist[k] -= sh[k];
        else for (const tf of treeFeats) for (let k = off[tf] * HS; k < off[tf + 1] * HS; k++) parentHist[k] -= sh[k];
        large.hist = parentHist;
      } else pool.push(parentHist);
    }
    evaluate(L);
    evaluate(R);
  }
  for (const leaf of open) if (leaf.hist) pool.push(leaf.hist);

  const nNodes = feature.length;
  const value = new Float64Array(nNodes * C);
  // leaf values from the exact gradients of the leaf's rows (split search used the quantized ones)
  const exact = packed && eng ? exactLeafSums(eng, feature, begin, end) : null;
  for (let i = 0; i < nNodes; i++) {
    if (feature[i] >= 0) continue;
    let G = nodeG[i];
    let H = nodeH[i];
    if (exact) {
      H = exact[2 * i];
      G = Float64Array.of(exact[2 * i + 1]);
    } else if (packed) {
      let g = 0;
      H = 0;
      for (let j = begin[i]; j < end[i]; j++) { const r = rows[j]; H += gh[2 * r]; g += gh[2 * r + 1]; }
      G = Float64Array.of(g);
    }
    for (let c = 0; c < C; c++) value[i * C + c] = -thresholdL1(G[c], p.alpha) / (H + p.lambda);
  }
  return {
    nNodes,
    nChannels: C,
    feature: Int32Array.from(feature),
    splitBin: Int32Array.from(splitBin),
    catBits,
    defaultLeft: Uint8Array.from(defaultLeft),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    gain: Float64Array.from(gain),
    value,
    begin: Int32Array.from(begin),
    end: Int32Array.from(end),
  };
}

/** [H, G] of every node's rows by node (leaves only; inner nodes 0), summed by the engine's threads. */
function exactLeafSums(eng: BoostEngine, feature: number[], begin: number[], end: number[]): Float64Array {
  const leaves = leafRanges(feature, begin, end, feature.length);
  const sums = new Float64Array(2 * leaves.nodes.length);
  eng.leafSums(leaves.begin, leaves.end, sums);
  const out = new Float64Array(2 * feature.length);
  leaves.nodes.forEach((n, j) => { out[2 * n] = sums[2 * j]; out[2 * n + 1] = sums[2 * j + 1]; });
  return out;
}

/**
 * The leaves among the first nNodes nodes (feature < 0), in node order, with their row ranges: the same
 * ranges for a tree's leaf sums and its score update, so the engine marks rows once for both.
 */
export function leafRanges(feature: ArrayLike<number>, begin: ArrayLike<number>, end: ArrayLike<number>, nNodes: number):
  { begin: number[]; end: number[]; nodes: number[] } {
  const out = { begin: [] as number[], end: [] as number[], nodes: [] as number[] };
  for (let i = 0; i < nNodes; i++) if (feature[i] < 0) { out.begin.push(begin[i]); out.end.push(end[i]); out.nodes.push(i); }
  return out;
}

/** Leaf reached by one binned row (for rows outside the tree's sample, and validation rows). */
export function leafOfBinnedRow(t: BuiltTree, bins: Uint8Array, F: number, r: number): number {
  let node = 0;
  const base = r * F;
  while (t.feature[node] >= 0) {
    const b = bins[base + t.feature[node]];
    const cat = t.catBits[node];
    const goLeft = b === 0 ? t.defaultLeft[node] === 1 : cat ? ((cat[b >>> 5] >>> (b & 31)) & 1) === 1 : b <= t.splitBin[node];
    node = goLeft ? t.left[node] : t.right[node];
  }
  return node;
}
