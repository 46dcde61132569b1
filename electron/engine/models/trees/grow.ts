import type { BinMapper } from './binning.ts';
import type { Rng } from './rng.ts';

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
  /** Classification forests: a node whose rows all share one class is a leaf (channels hold -class counts). */
  stopWhenPure?: boolean;
  rng: Rng;
}

export interface GrowInput {
  /** Row-major n x F bins. */
  bins: Uint8Array;
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

interface Split {
  gain: number;
  feature: number;
  bin: number;
  cat: Uint32Array | null;
  defaultLeft: boolean;
  HL: number;
  GL: Float64Array;
  HR: number;
  GR: Float64Array;
  /** Packed mode: left / right packed sums. */
  QL: number;
  QR: number;
}

interface Leaf {
  node: number;
  begin: number;
  end: number;
  depth: number;
  H: number;
  G: Float64Array;
  /** Packed mode: packed sum of the leaf's rows. */
  Q: number;
  hist: Float64Array | null;
  best: Split | null;
}

const TINY = 1e-12;
/** Forest nodes below this many rows get bin-range-limited histograms. */
const SMALL_NODE = 512;

function thresholdL1(g: number, alpha: number): number {
  return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
}

// ---- histogram kernels (the hot loop: ~all of boosting time) ----

// Feature f's block starts at f * 256 cells (BIN_STRIDE), so a cell index is a shift and an add.
function histAll2(hist: Float64Array, bins: Uint8Array, F: number, gh: Float64Array,
  rows: Int32Array, begin: number, end: number): void {
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const h = gh[2 * r];
    const g = gh[2 * r + 1];
    const base = r * F;
    for (let f = 0; f < F; f++) {
      const k = (f << 9) + (bins[base + f] << 1);
      hist[k] += h;
      hist[k + 1] += g;
    }
  }
}

function histList(hist: Float64Array, bins: Uint8Array, F: number, gh: Float64Array, S: number,
  rows: Int32Array, begin: number, end: number, feats: Int32Array, nf: number): void {
  if (S === 2) {
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const h = gh[2 * r];
      const g = gh[2 * r + 1];
      const base = r * F;
      for (let j = 0; j < nf; j++) {
        const f = feats[j];
        const k = (f << 9) + (bins[base + f] << 1);
        hist[k] += h;
        hist[k + 1] += g;
      }
    }
    return;
  }
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const src = r * S;
    const base = r * F;
    for (let j = 0; j < nf; j++) {
      const f = feats[j];
      const k = ((f << 8) + bins[base + f]) * S;
      for (let c = 0; c < S; c++) hist[k + c] += gh[src + c];
    }
  }
}

function histPacked(hist: Float64Array, bins: Uint8Array, F: number, q: Float64Array,
  rows: Int32Array, begin: number, end: number, feats: Int32Array, nf: number): void {
  if (nf === F) {
    for (let i = begin; i < end; i++) {
      const r = rows[i];
      const v = q[r];
      const base = r * F;
      for (let f = 0; f < F; f++) hist[(f << 8) + bins[base + f]] += v;
    }
    return;
  }
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const v = q[r];
    const base = r * F;
    for (let j = 0; j < nf; j++) { const f = feats[j]; hist[(f << 8) + bins[base + f]] += v; }
  }
}

function zeroFeatures(hist: Float64Array, off: Int32Array, S: number, feats: Int32Array, nf: number): void {
  for (let j = 0; j < nf; j++) hist.fill(0, off[feats[j]] * S, off[feats[j] + 1] * S);
}

// ---- split search ----

class SplitFinder {
  readonly C: number;
  readonly S: number;
  private accG: Float64Array;
  private tmpG: Float64Array;
  private tmpR: Float64Array;
  /** Small forest nodes: per feature, the smallest / largest value bin present (others are not zeroed). */
  binLo: Int32Array | null = null;
  binHi: Int32Array | null = null;
  packed: PackedGradients | null = null;
  constructor(private p: GrowParams, private mapper: BinMapper, C: number) {
    this.C = C;
    this.S = C + 1;
    this.accG = new Float64Array(C);
    this.tmpG = new Float64Array(C);
    this.tmpR = new Float64Array(C);
  }

  score(G: Float64Array, H: number, lam: number): number {
    let s = 0;
    for (let c = 0; c < this.C; c++) { const t = thresholdL1(G[c], this.p.alpha); s += t * t; }
    return s / (H + lam);
  }

  /** Gain of (HL, GL) vs the rest of the leaf; -Infinity if a child is too small. */
  private gainOf(leaf: Leaf, HL: number, GL: Float64Array, minH: number, lam: number, parentScore: number): number {
    const HR = leaf.H - HL;
    if (HL < minH || HR < minH) return -Infinity;
    const GR = this.tmpR;
    for (let c = 0; c < this.C; c++) GR[c] = leaf.G[c] - GL[c];
    return this.score(GL, HL, lam) + this.score(GR, HR, lam) - parentScore;
  }

  private consider(best: Split, leaf: Leaf, gain: number, f: number, bin: number, cat: Uint32Array | null,
    defaultLeft: boolean, HL: number, GL: Float64Array): void {
    if (!(gain > best.gain)) return;
    best.gain = gain;
    best.feature = f;
    best.bin = bin;
    best.cat = cat ? Uint32Array.from(cat) : null;
    best.defaultLeft = defaultLeft;
    best.HL = HL;
    best.HR = leaf.H - HL;
    for (let c = 0; c < this.C; c++) { best.GL[c] = GL[c]; best.GR[c] = leaf.G[c] - GL[c]; }
  }

  /** Best split of `leaf` over features `feats[0..nf)`, given its histogram; null if none beats the threshold. */
  find(leaf: Leaf, hist: Float64Array, feats: Int32Array, nf: number): Split | null {
    const p = this.p;
    const count = leaf.end - leaf.begin;
    const minH = Math.max(p.minChildWeight, count > 0 ? (p.minDataInLeaf * leaf.H) / count : 0, TINY);
    const best: Split = {
      gain: -Infinity, feature: -1, bin: 0, cat: null, defaultLeft: false,
      HL: 0, GL: new Float64Array(this.C), HR: 0, GR: new Float64Array(this.C), QL: 0, QR: 0,
    };
    const floor = Math.max(p.minSplitGain, 0);
    for (let j = 0; j < nf; j++) {
      const f = feats[j];
      if (this.packed) this.scanPacked(best, leaf, hist, f, minH, this.packed);
      else if (this.mapper.isCat[f]) this.scanCategorical(best, leaf, hist, f, minH);
      else this.scanNumeric(best, leaf, hist, f, minH);
    }
    const parentScore = this.score(leaf.G, leaf.H, p.lambda);
    if (best.feature < 0 || !(best.gain > floor) || best.gain <= 1e-10 * Math.abs(parentScore)) return null;
    return best;
  }

  /** Packed quantized histogram (one cell per bin): decode running sums exactly, then as scanNumeric1. */
  private scanPacked(best: Split, leaf: Leaf, hist: Float64Array, f: number, minH: number, pk: PackedGradients): void {
    const p = this.p;
    const base = this.mapper.offsets[f];
    const nb = this.mapper.nBins[f];
    const { shift, gScale, hScale } = pk;
    const inv = 1 / shift;
    const lam = p.lambda;
    const alpha = p.alpha;
    const Q = leaf.Q;
    const gqT = Math.floor(Q * inv);
    const G = gqT * gScale;
    const H = (Q - gqT * shift) * hScale;
    const tG = thresholdL1(G, alpha);
    const parentScore = (tG * tG) / (H + lam);
    const miss = hist[base];
    const mq = Math.floor(miss * inv);
    const missH = (miss - mq * shift) * hScale;
    const hasMiss = missH > 0;
    let acc = 0;
    let bestGain = best.gain;
    let bestBin = -1;
    let bestDl = false;
    let bestQ = 0;
    for (let s = 1; s <= nb - 2; s++) {
      acc += hist[base + s];
      const aq = Math.floor(acc * inv);
      const accG = aq * gScale;
      const accH = (acc - aq * shift) * hScale;
      if (accH + missH < minH) continue;
      if (H - accH < minH) break;
      if (accH >= minH) {
        const a = thresholdL1(accG, alpha);
        const b = thresholdL1(G - accG, alpha);
        const gain = (a * a) / (accH + lam) + (b * b) / (H - accH + lam) - parentScore;
        if (gain > bestGain) { bestGain = gain; bestBin = s; bestDl = !hasMiss && accH > H - accH; bestQ = acc; }
      }
      if (hasMiss && H - accH - missH >= minH) {
        const ql = acc + miss;
        const lq = Math.floor(ql * inv);
        const gl = lq * gScale;
        const hl = (ql - lq * shift) * hScale;
        const a = thresholdL1(gl, alpha);
        const b = thresholdL1(G - gl, alpha);
        const gain = (a * a) / (hl + lam) + (b * b) / (H - hl + lam) - parentScore;
        if (gain > bestGain) { bestGain = gain; bestBin = s; bestDl = true; bestQ = ql; }
      }
    }
    if (bestBin < 0) return;
    const lq = Math.floor(bestQ * inv);
    best.gain = bestGain;
    best.feature = f;
    best.bin = bestBin;
    best.cat = null;
    best.defaultLeft = bestDl;
    best.GL[0] = lq * gScale;
    best.HL = (bestQ - lq * shift) * hScale;
    best.QL = bestQ;
    best.QR = Q - bestQ;
    const rq = Math.floor(best.QR * inv);
    best.GR[0] = rq * gScale;
    best.HR = (best.QR - rq * shift) * hScale;
  }

  /** One gradient channel, best cut (the boosting hot path): everything inline, no allocations. */
  private scanNumeric1(best: Split, leaf: Leaf, hist: Float64Array, f: number, minH: number): void {
    const p = this.p;
    const base = this.mapper.offsets[f] * 2;
    const nb = this.mapper.nBins[f];
    const lam = p.lambda;
    const alpha = p.alpha;
    const H = leaf.H;
    const G = leaf.G[0];
    const tG = thresholdL1(G, alpha);
    const parentScore = (tG * tG) / (H + lam);
    const missH = hist[base];
    const missG = hist[base + 1];
    const hasMiss = missH > TINY;
    let accH = 0;
    let accG = 0;
    let bestGain = best.gain;
    let bestBin = -1;
    let bestDl = false;
    let bestHL = 0;
    let bestGL = 0;
    const sLo = this.binLo ? Math.max(1, this.binLo[f]) : 1;
    const sHi = this.binHi ? Math.min(nb - 2, this.binHi[f] - 1) : nb - 2;
    for (let s = sLo; s <= sHi; s++) {
      const k = base + 2 * s;
      accH += hist[k];
      accG += hist[k + 1];
      if (accH + missH < minH) continue;
      if (H - accH < minH) break;
      if (accH >= minH) {
        // missing values to the right (or, with none seen, to the bigger child)
        const a = thresholdL1(accG, alpha);
        const b = thresholdL1(G - accG, alpha);
        const gain = (a * a) / (accH + lam) + (b * b) / (H - accH + lam) - parentScore;
        if (gain > bestGain) { bestGain = gain; bestBin = s; bestDl = !hasMiss && accH > H - accH; bestHL = accH; bestGL = accG; }
      }
      if (hasMiss && H - accH - missH >= minH) {
        const hl = accH + missH;
        const gl = accG + missG;
        const a = thresholdL1(gl, alpha);
        const b = thresholdL1(G - gl, alpha);
        const gain = (a * a) / (hl + lam) + (b * b) / (H - hl + lam) - parentScore;
        if (gain > bestGain) { bestGain = gain; bestBin = s; bestDl = true; bestHL = hl; bestGL = gl; }
      }
    }
    if (bestBin < 0) return;
    best.gain = bestGain;
    best.feature = f;
    best.bin = bestBin;
    best.cat = null;
    best.defaultLeft = bestDl;
    best.HL = bestHL;
    best.HR = H - bestHL;
    best.GL[0] = bestGL;
    best.GR[0] = G - bestGL;
  }

  private scanNumeric(best: Split, leaf: Leaf, hist: Float64Array, f: number, minH: number): void {
    const { C, S, p } = this;
    if (C === 1 && !p.randomSplits) { this.scanNumeric1(best, leaf, hist, f, minH); return; }
    const base = this.mapper.offsets[f] * S;
    const nb = this.mapper.nBins[f];
    if (nb < 3) return;
    const lam = p.lambda;
    const parentScore = this.score(leaf.G, leaf.H, lam);
    const missH = hist[base];
    const acc = this.accG;
    const withMiss = this.tmpG;
    acc.fill(0);
    let accH = 0;
    const rLo = this.binLo ? Math.max(1, this.binLo[f]) : 1;
    const rHi = this.binHi ? Math.min(nb - 1, this.binHi[f]) : nb - 1;
    let lo = rLo;
    let hi = Math.min(nb - 2, rHi - 1);
    if (p.randomSplits) {
      // the cut is drawn uniformly between the smallest and largest bins present in this node
      let first = -1;
      let last = -1;
      for (let b = rLo; b <= rHi; b++) if (hist[base + b * S] > TINY) { if (first < 0) first = b; last = b; }
      if (first < 0 || last <= first) return;
      const cut = first + Math.floor(p.rng() * (last - first));
      for (let b = rLo; b < cut; b++) {
        const k = base + b * S;
        accH += hist[k];
        for (let c = 0; c < C; c++) acc[c] += hist[k + 1 + c];
      }
      lo = cut;
      hi = cut;
    }
    for (let s = lo; s <= hi; s++) {
      const k = base + s * S;
      accH += hist[k];
      for (let c = 0; c < C; c++) acc[c] += hist[k + 1 + c];
      if (accH + missH < minH) continue;
      if (leaf.H - accH < minH) break;
      // missing values to the right
      const gR = this.gainOf(leaf, accH, acc, minH, lam, parentScore);
      if (missH > TINY) {
        this.consider(best, leaf, gR, f, s, null, false, accH, acc);
        for (let c = 0; c < C; c++) withMiss[c] = acc[c] + hist[base + 1 + c];
        const gL = this.gainOf(leaf, accH + missH, withMiss, minH, lam, parentScore);
        this.consider(best, leaf, gL, f, s, null, true, accH + missH, withMiss);
      } else {
        // no missing values seen here: at predict time they follow the bigger child
        this.consider(best, leaf, gR, f, s, null, accH > leaf.H - accH, accH, acc);
      }
    }
  }

  private scanCategorical(best: Split, leaf: Leaf, hist: Float64Array, f: number, minH: number): void {
    const { C, S, p } = this;
    const base = this.mapper.offsets[f] * S;
    const nb = this.mapper.nBins[f];
    const lam = p.lambda + p.catL2;
    const parentScore = this.score(leaf.G, leaf.H, lam);
    const present: number[] = [];
    const rLo = this.binLo ? Math.max(1, this.binLo[f]) : 1;
    const rHi = this.binHi ? Math.min(nb - 1, this.binHi[f]) : nb - 1;
    for (let b = rLo; b <= rHi; b++) if (hist[base + b * S] > TINY) present.push(b);
    if (present.length < 2) return;
    const missH = hist[base];
    const bits = new Uint32Array(8);
    const acc = this.accG;
    const withMiss = this.tmpG;
    const tryLeftSet = (HL: number): void => {
      const gR = this.gainOf(leaf, HL, acc, minH, lam, parentScore);
      if (missH > TINY) {
        this.consider(best, leaf, gR, f, 0, bits, false, HL, acc);
        for (let c = 0; c < C; c++) withMiss[c] = acc[c] + hist[base + 1 + c];
        const gL = this.gainOf(leaf, HL + missH, withMiss, minH, lam, parentScore);
        this.consider(best, leaf, gL, f, 0, bits, true, HL + missH, withMiss);
      } else {
        this.consider(best, leaf, gR, f, 0, bits, HL > leaf.H - HL, HL, acc);
      }
    };
    const addBin = (b: number): number => {
      bits[b >>> 5] |= 1 << (b & 31);
      const k = base + b * S;
      for (let c = 0; c < C; c++) acc[c] += hist[k + 1 + c];
      return hist[k];
    };
    if (p.randomSplits) {
      let HL = 0;
      acc.fill(0);
      let nLeft = 0;
      for (const b of present) if (p.rng() < 0.5) { HL += addBin(b); nLeft++; }
      if (nLeft === 0) HL += addBin(present[0]);
      else if (nLeft === present.length) return;
      tryLeftSet(HL);
      return;
    }
    if (present.length <= p.maxCatOneHot) {
      for (const b of present) {
        bits.fill(0);
        acc.fill(0);
        tryLeftSet(addBin(b));
      }
      return;
    }
    // Sort categories by mean gradient (channel 0), then the best split is a prefix (Fisher 1958).
    const key = new Map<number, number>();
    for (const b of present) key.set(b, hist[base + b * S + 1] / (hist[base + b * S] + p.catSmooth));
    present.sort((a, b) => key.get(a)! - key.get(b)!);
    bits.fill(0);
    acc.fill(0);
    let HL = 0;
    for (let i = 0; i + 1 < present.length; i++) {
      HL += addBin(present[i]);
      tryLeftSet(HL);
    }
  }
}

// ---- growth ----

export function growTree(input: GrowInput, p: GrowParams): BuiltTree {
  const { bins, nFeatures: F, mapper, gh, rows } = input;
  const C = input.nChannels;
  const S = C + 1;
  const off = mapper.offsets;
  const packed = input.packed && C === 1 && !forestMode ? input.packed : null;
  finder.packed = packed;
  /** Histogram doubles per bin: one packed value, or [h, g...]. */
  const HS = packed ? 1 : S;
  const histSize = off[F] * HS;
  const forestMode = p.featuresPerNode > 0;
  const finder = new SplitFinder(p, mapper, C);
  const treeFeats = p.features;
  const allFeatures = treeFeats.length === F;
  const tmpRows = new Int32Array(input.nRows);

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
  const newNode = (l: Omit<Leaf, 'node' | 'hist' | 'best'>): Leaf => {
    const node = feature.length;
    feature.push(-1); splitBin.push(0); catBits.push(null); defaultLeft.push(0);
    left.push(-1); right.push(-1); gain.push(0);
    nodeH.push(l.H); nodeG.push(l.G); begin.push(l.begin); end.push(l.end);
    return { ...l, node, hist: null, best: null };
  };

  const pool: Float64Array[] = [];
  const takeHist = (): Float64Array => {
    const h = pool.pop() ?? new Float64Array(histSize);
    if (allFeatures) h.fill(0); else zeroFeatures(h, off, HS, treeFeats, treeFeats.length);
    return h;
  };
  const buildHist = (h: Float64Array, b: number, e: number, feats: Int32Array, nf: number): void => {
    if (packed) histPacked(h, bins, F, packed.q, rows, b, e, feats, nf);
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
  const histFor = (leaf: Leaf, feats: Int32Array): boolean => {
    const h = nodeScratch!;
    const nf = feats.length;
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
  const clearFor = (feats: Int32Array, small: boolean): void => {
    const h = nodeScratch!;
    if (!small) { zeroFeatures(h, off, S, feats, feats.length); return; }
    for (let j = 0; j < feats.length; j++) {
      const f = feats[j];
      const base = off[f] * S;
      h.fill(0, base, base + S);
      if (binLo[f] <= binHi[f]) h.fill(0, base + binLo[f] * S, base + (binHi[f] + 1) * S);
    }
  };
  const order = Int32Array.from(treeFeats); // shuffled in place per node (partial Fisher-Yates)
  const findForest = (leaf: Leaf): Split | null => {
    // a fresh random subset per node; if none of it splits, look at the remaining features too
    const k = Math.min(p.featuresPerNode, order.length);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(p.rng() * (order.length - i));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    const first = order.subarray(0, k);
    let small = histFor(leaf, first);
    const best = finder.find(leaf, nodeScratch!, first, k);
    clearFor(first, small);
    if (best || k === order.length) return best;
    const rest = order.subarray(k);
    small = histFor(leaf, rest);
    const second = finder.find(leaf, nodeScratch!, rest, rest.length);
    clearFor(rest, small);
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
  for (let i = 0; i < input.nRows; i++) {
    const r = rows[i] * S;
    H0 += gh[r];
    for (let c = 0; c < C; c++) G0[c] += gh[r + 1 + c];
  }
  let Q0 = 0;
  if (packed) for (let i = 0; i < input.nRows; i++) Q0 += packed.q[rows[i]];
  const root: Leaf = newNode({ begin: 0, end: input.nRows, depth: 0, H: H0, G: G0, Q: Q0 });
  const open: Leaf[] = [];
  const evaluate = (leaf: Leaf): void => {
    if (!canSplit(leaf)) { if (leaf.hist) { pool.push(leaf.hist); leaf.hist = null; } return; }
    leaf.best = forestMode ? findForest(leaf) : finder.find(leaf, leaf.hist!, treeFeats, treeFeats.length);
    if (leaf.best) open.push(leaf);
    else if (leaf.hist) { pool.push(leaf.hist); leaf.hist = null; }
  };
  if (canSplit(root)) {
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
    if (!cat) {
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
    } else {
      for (let i = leaf.begin; i < leaf.end; i++) {
        const r = rows[i];
        const b = bins[r * F + f];
        const goLeft = b === 0 ? dl : ((cat[b >>> 5] >>> (b & 31)) & 1) === 1;
        if (goLeft) rows[l++] = r; else tmpRows[nr++] = r;
      }
    }
    rows.set(tmpRows.subarray(0, nr), l);

    const L = newNode({ begin: leaf.begin, end: l, depth: leaf.depth + 1, H: sp.HL, G: Float64Array.from(sp.GL), Q: sp.QL });
    const R = newNode({ begin: l, end: leaf.end, depth: leaf.depth + 1, H: sp.HR, G: Float64Array.from(sp.GR), Q: sp.QR });
    const n = leaf.node;
    feature[n] = f; splitBin[n] = sb; catBits[n] = cat; defaultLeft[n] = dl ? 1 : 0;
    left[n] = L.node; right[n] = R.node; gain[n] = sp.gain;
    nLeaves++;

    if (!forestMode) {
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
  for (let i = 0; i < nNodes; i++) {
    if (feature[i] >= 0) continue;
    let G = nodeG[i];
    let H = nodeH[i];
    if (packed) {
      // leaf values from the exact gradients of the leaf's rows (split search used the quantized ones)
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
