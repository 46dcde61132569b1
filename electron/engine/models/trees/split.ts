import type { BinMapper } from './binning.ts';
import type { GrowParams, PackedGradients } from './grow.ts';
import { plainKernels } from './kernels.ts';

// Split search over one leaf's histogram: numeric cuts with a learned side for missing values, categorical
// sets (one-vs-rest for few levels, sorted-prefix search above), extra-trees random cuts, packed histograms.

export const TINY = 1e-12;

export interface Split {
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

export interface Leaf {
  node: number;
  begin: number;
  end: number;
  depth: number;
  H: number;
  G: Float64Array;
  /** Packed mode: packed sum of the leaf's rows. */
  Q: number;
  hist: Float64Array | null;
  /** Histogram slot in a BoostEngine (-1: none). */
  slot: number;
  best: Split | null;
}

/**
 * Stable partition of rows[begin..end) on a categorical split: rows whose bin has its bit set in `bits` go
 * left (missing, bin 0, as missLeft), kept in place from begin; right rows go through `tmp` after them.
 * Row r's bin is bins[r * stride + offset] (row-major: stride F, offset f; column-major: 1, f * n).
 * Returns the left count.
 */
export function partitionSet(rows: Int32Array, tmp: Int32Array, bins: Uint8Array, stride: number, offset: number,
  begin: number, end: number, bits: Uint32Array, missLeft: boolean): number {
  let l = begin;
  let nr = 0;
  for (let i = begin; i < end; i++) {
    const r = rows[i];
    const b = bins[r * stride + offset];
    if (b === 0 ? missLeft : ((bits[b >>> 5] >>> (b & 31)) & 1) === 1) rows[l++] = r; else tmp[nr++] = r;
  }
  rows.set(tmp.subarray(0, nr), l);
  return l - begin;
}

export function thresholdL1(g: number, alpha: number): number {
  return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
}

export class SplitFinder {
  readonly C: number;
  readonly S: number;
  private accG: Float64Array;
  private tmpG: Float64Array;
  private tmpR: Float64Array;
  /** Small forest nodes: per feature, the smallest / largest value bin present (others are not zeroed). */
  binLo: Int32Array | null = null;
  binHi: Int32Array | null = null;
  packed: PackedGradients | null = null;
  /** One scan result of the kernels (kernels.ts scan: gain, feature, bin, defaultLeft, HL, GL, QL). */
  private readonly packedOut = new Float64Array(8);
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

  /**
   * Packed quantized histogram (one cell per bin): the kernels' scan, the same code the boosting engine
   * runs (packed gradients exist only where those kernels can be built, see packGradients).
   */
  private scanPacked(best: Split, leaf: Leaf, hist: Float64Array, f: number, minH: number, pk: PackedGradients): void {
    const K = plainKernels();
    if (!K) throw new Error('packed gradients need the tree kernels');
    const p = this.p;
    const r = this.packedOut;
    K.scan(hist, true, this.mapper.nBins, null, f, f + 1, leaf.Q, 0, 0, minH, p.lambda, p.alpha, pk.shift, pk.gScale, pk.hScale, r, 0);
    if (!(r[1] >= 0 && r[0] > best.gain)) return;
    const { shift, gScale, hScale } = pk;
    const QL = r[6];
    const QR = leaf.Q - QL;
    const rq = Math.floor(QR / shift);
    best.gain = r[0];
    best.feature = f;
    best.bin = r[2];
    best.cat = null;
    best.defaultLeft = r[3] === 1;
    best.GL[0] = r[5];
    best.HL = r[4];
    best.QL = QL;
    best.QR = QR;
    best.GR[0] = rq * gScale;
    best.HR = (QR - rq * shift) * hScale;
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

  // scratch for categorical scans (no per-call allocations: forests call this for most nodes)
  private catPresent = new Int32Array(256);
  private catKey = new Float64Array(256);
  private catBits = new Uint32Array(8);

  private scanCategorical(best: Split, leaf: Leaf, hist: Float64Array, f: number, minH: number): void {
    const { S, p } = this;
    const base = this.mapper.offsets[f] * S;
    const nb = this.mapper.nBins[f];
    const lam = p.lambda + p.catL2;
    const parentScore = this.score(leaf.G, leaf.H, lam);
    const present = this.catPresent;
    let np = 0;
    const rLo = this.binLo ? Math.max(1, this.binLo[f]) : 1;
    const rHi = this.binHi ? Math.min(nb - 1, this.binHi[f]) : nb - 1;
    for (let b = rLo; b <= rHi; b++) if (hist[base + b * S] > TINY) present[np++] = b;
    if (np < 2) return;
    const bits = this.catBits;
    if (p.randomSplits) {
      bits.fill(0);
      this.accG.fill(0);
      let HL = 0;
      let nLeft = 0;
      for (let i = 0; i < np; i++) if (p.rng() < 0.5) { HL += this.addCatBin(hist, base, present[i]); nLeft++; }
      if (nLeft === 0) HL += this.addCatBin(hist, base, present[0]);
      else if (nLeft === np) return;
      this.tryCatLeftSet(best, leaf, hist, base, f, HL, minH, lam, parentScore);
      return;
    }
    if (np <= p.maxCatOneHot) {
      for (let i = 0; i < np; i++) {
        bits.fill(0);
        this.accG.fill(0);
        const HL = this.addCatBin(hist, base, present[i]);
        this.tryCatLeftSet(best, leaf, hist, base, f, HL, minH, lam, parentScore);
      }
      return;
    }
    // As LightGBM does: only categories with about catSmooth rows or more are ordered and may go left.
    // Rarer ones stay right with the unseen ones: the mean gradient of two or three rows is mostly noise,
    // and ordering by it lets a tree pick out exactly the rare categories whose few rows agreed.
    const rowsPerH = (leaf.end - leaf.begin) / leaf.H;
    let ns = 0;
    for (let i = 0; i < np; i++) if (hist[base + present[i] * S] * rowsPerH >= p.catSmooth) present[ns++] = present[i];
    if (ns === 0) return;
    // Sort categories by mean gradient (channel 0); the best split is then a prefix (Fisher 1958).
    const key = this.catKey;
    for (let i = 0; i < ns; i++) {
      const b = present[i];
      key[b] = hist[base + b * S + 1] / (hist[base + b * S] + p.catSmooth);
    }
    for (let i = 1; i < ns; i++) { // insertion sort: at most 255 entries
      const b = present[i];
      let j = i - 1;
      while (j >= 0 && key[present[j]] > key[b]) { present[j + 1] = present[j]; j--; }
      present[j + 1] = b;
    }
    bits.fill(0);
    this.accG.fill(0);
    let HL = 0;
    // every ordered category may go left when rare ones are left out on the right
    for (let i = 0; i < (ns < np ? ns : ns - 1); i++) {
      HL += this.addCatBin(hist, base, present[i]);
      this.tryCatLeftSet(best, leaf, hist, base, f, HL, minH, lam, parentScore);
    }
  }

  /** Adds category bin b to the left set (bits, accG); returns its hessian. */
  private addCatBin(hist: Float64Array, base: number, b: number): number {
    this.catBits[b >>> 5] |= 1 << (b & 31);
    const k = base + b * this.S;
    for (let c = 0; c < this.C; c++) this.accG[c] += hist[k + 1 + c];
    return hist[k];
  }

  private tryCatLeftSet(best: Split, leaf: Leaf, hist: Float64Array, base: number, f: number, HL: number,
    minH: number, lam: number, parentScore: number): void {
    const acc = this.accG;
    const missH = hist[base];
    const gR = this.gainOf(leaf, HL, acc, minH, lam, parentScore);
    if (missH > TINY) {
      this.consider(best, leaf, gR, f, 0, this.catBits, false, HL, acc);
      const withMiss = this.tmpG;
      for (let c = 0; c < this.C; c++) withMiss[c] = acc[c] + hist[base + 1 + c];
      const gL = this.gainOf(leaf, HL + missH, withMiss, minH, lam, parentScore);
      this.consider(best, leaf, gL, f, 0, this.catBits, true, HL + missH, withMiss);
    } else {
      this.consider(best, leaf, gR, f, 0, this.catBits, HL > leaf.H - HL, HL, acc);
    }
  }
}
