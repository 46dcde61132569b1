import { UserError } from '../../util/errors.ts';
import { type BinMapper, categoricalBin } from './binning.ts';
import type { BuiltTree } from './grow.ts';

/**
 * All trees of a model in one flattened layout of typed arrays (no node objects), predicting on raw
 * feature values: numeric nodes compare `v <= threshold` (the bin upper bound, so training and
 * prediction agree exactly), categorical nodes test the category's bin in a 256-bit set, NaN follows
 * the learned default direction.
 */
export interface FlatTrees {
  nTrees: number;
  /** Values per leaf (1 for boosting, #classes for a forest's probability leaves). */
  nOut: number;
  roots: Int32Array;
  /** Where tree t adds its nOut values in a row's output (class index for multiclass boosting). */
  outOffset: Int32Array;
  /** -1 = leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  defaultLeft: Uint8Array;
  /** -1 = numeric split, else index of 8 words in catBits. */
  catIndex: Int32Array;
  catBits: Uint32Array;
  /** nNodes * nOut. */
  value: Float64Array;
  /** Per feature: bins incl. missing (categorical code -> bin mapping needs it). */
  featureBins: Int32Array;
  featureIsCat: Uint8Array;
  /**
   * Training rows that reached each node (nNodes), for path-dependent TreeSHAP (evaluate/explain): the
   * rows of the tree's own sample (bootstrap or subsample), unweighted, so a tree's expected value is its
   * average output over those rows. Absent in models saved before it was kept.
   */
  cover?: Float64Array;
  /** Derived (not saved): see prepareWalk. */
  walk?: WalkArrays;
}

/**
 * Branch-free walk layout: leaves point to themselves with a +Infinity threshold, so every row can take
 * exactly `depth` steps and four rows' walks interleave (independent load chains run ~3x faster than one).
 */
interface WalkArrays {
  feature: Int32Array;
  left: Int32Array;
  threshold: Float64Array;
  depth: Int32Array;
  /** Trees with a categorical split take the general path. */
  hasCat: Uint8Array;
}

const MAX_WALK_DEPTH = 16;

function prepareWalk(ft: FlatTrees): FlatTrees {
  const n = ft.feature.length;
  const feature = new Int32Array(n);
  const left = new Int32Array(n);
  const threshold = new Float64Array(n);
  const nodeDepth = new Int32Array(n);
  const depth = new Int32Array(ft.nTrees);
  const hasCat = new Uint8Array(ft.nTrees);
  for (let t = 0; t < ft.nTrees; t++) {
    const start = ft.roots[t];
    const end = t + 1 < ft.nTrees ? ft.roots[t + 1] : n;
    nodeDepth[start] = 0;
    for (let i = start; i < end; i++) {
      if (ft.feature[i] < 0) { feature[i] = 0; left[i] = i; threshold[i] = Infinity; continue; }
      feature[i] = ft.feature[i];
      left[i] = ft.left[i];
      threshold[i] = ft.threshold[i];
      if (ft.catIndex[i] >= 0) hasCat[t] = 1;
      const d = nodeDepth[i] + 1;
      nodeDepth[ft.left[i]] = d;
      nodeDepth[ft.right[i]] = d;
      if (d > depth[t]) depth[t] = d;
    }
  }
  ft.walk = { feature, left, threshold, depth, hasCat };
  return ft;
}

/** Accumulates trees into a FlatTrees. `scale` multiplies leaf values (learning rate, 1/nTrees...). */
export class FlatBuilder {
  private roots: number[] = [];
  private outOffset: number[] = [];
  private feature: number[] = [];
  private threshold: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private defaultLeft: number[] = [];
  private catIndex: number[] = [];
  private catBits: number[] = [];
  private value: number[] = [];
  private cover: number[] = [];

  constructor(private mapper: BinMapper, private nOut: number) {}

  get nTrees(): number { return this.roots.length; }

  add(t: BuiltTree, scale: number, outOffset: number): void {
    const base = this.feature.length;
    this.roots.push(base);
    this.outOffset.push(outOffset);
    // breadth-first renumbering puts every right child right after its left one, so prediction steps
    // with `left + (v > threshold)` instead of a hard-to-predict branch
    const order: number[] = [0];
    const newIndex = new Int32Array(t.nNodes);
    for (let q = 0; q < order.length; q++) {
      const i = order[q];
      if (t.feature[i] >= 0) { newIndex[t.left[i]] = order.length; order.push(t.left[i]); newIndex[t.right[i]] = order.length; order.push(t.right[i]); }
    }
    for (const i of order) {
      const f = t.feature[i];
      this.feature.push(f);
      this.left.push(f >= 0 ? base + newIndex[t.left[i]] : -1);
      this.right.push(f >= 0 ? base + newIndex[t.right[i]] : -1);
      this.defaultLeft.push(t.defaultLeft[i]);
      const bits = t.catBits[i];
      if (f >= 0 && bits) {
        this.catIndex.push(this.catBits.length / 8);
        for (let w = 0; w < 8; w++) this.catBits.push(bits[w]);
        this.threshold.push(0);
      } else {
        this.catIndex.push(-1);
        this.threshold.push(f >= 0 ? this.mapper.upper[f][t.splitBin[i] - 1] : 0);
      }
      for (let c = 0; c < this.nOut; c++) this.value.push(f >= 0 ? 0 : t.value[i * t.nChannels + c] * scale);
      // node cover: every node keeps the range of the sample's rows it held (its children split that range)
      this.cover.push(t.end[i] - t.begin[i]);
    }
  }

  /** Keep only the first n trees (early stopping's best iteration). */
  truncate(n: number): void {
    if (n >= this.roots.length) return;
    const nodes = this.roots[n];
    this.roots.length = n;
    this.outOffset.length = n;
    for (const a of [this.feature, this.threshold, this.left, this.right, this.defaultLeft, this.catIndex, this.cover]) a.length = nodes;
    this.value.length = nodes * this.nOut;
    let cats = 0;
    for (const c of this.catIndex) if (c >= 0) cats = c + 1;
    this.catBits.length = cats * 8;
  }

  build(): FlatTrees {
    return markCategoricalThresholds({
      nTrees: this.roots.length,
      nOut: this.nOut,
      roots: Int32Array.from(this.roots),
      outOffset: Int32Array.from(this.outOffset),
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      catIndex: Int32Array.from(this.catIndex),
      catBits: Uint32Array.from(this.catBits),
      value: Float64Array.from(this.value),
      featureBins: Int32Array.from(this.mapper.nBins),
      featureIsCat: Uint8Array.from(this.mapper.isCat),
      cover: Float64Array.from(this.cover),
    });
  }
}

const BLOCK = 256;

/**
 * out[i * stride + outOffset[t] + c] += value of tree t's leaf for row i (c < nOut), for all trees.
 * Rows go in blocks copied to a row-major buffer, so every tree walks cache-resident values.
 * Categorical nodes carry a NaN threshold, so the common numeric step is one compare.
 */
export function addTreeOutputs(ft: FlatTrees, columns: Float64Array[], nRows: number, out: Float64Array, stride: number,
  firstTree = 0, lastTree = ft.nTrees): void {
  const { roots, outOffset } = ft;
  const walk = ft.walk ?? prepareWalk(ft).walk!;
  const { feature: wf, left: wl, threshold: wt } = walk;
  const value = ft.value;
  const nOut = ft.nOut;
  const F = columns.length;
  const buf = new Float64Array(Math.min(BLOCK, nRows) * F);
  const rowNaN = new Uint8Array(Math.min(BLOCK, nRows));
  for (let b0 = 0; b0 < nRows; b0 += BLOCK) {
    const len = Math.min(nRows, b0 + BLOCK) - b0;
    rowNaN.fill(0);
    for (let f = 0; f < F; f++) {
      const col = columns[f];
      for (let i = 0; i < len; i++) {
        const v = col[b0 + i];
        buf[i * F + f] = v;
        if (v !== v) rowNaN[i] = 1;
      }
    }
    for (let t = firstTree; t < lastTree; t++) {
      const root = roots[t];
      const o = outOffset[t];
      const D = walk.depth[t];
      const fast = walk.hasCat[t] === 0 && D <= MAX_WALK_DEPTH;
      let i = 0;
      if (fast) {
        for (; i + 4 <= len; i += 4) {
          if ((rowNaN[i] | rowNaN[i + 1] | rowNaN[i + 2] | rowNaN[i + 3]) !== 0) {
            for (let j = i; j < i + 4; j++) addLeaf(out, (b0 + j) * stride + o, value, nOut, walkOne(ft, root, buf, j * F));
            continue;
          }
          const B0 = i * F;
          const B1 = B0 + F;
          const B2 = B1 + F;
          const B3 = B2 + F;
          let n0 = root, n1 = root, n2 = root, n3 = root;
          for (let d = 0; d < D; d++) {
            n0 = wl[n0] + (((buf[B0 + wf[n0]] > wt[n0]) as unknown as number) | 0);
            n1 = wl[n1] + (((buf[B1 + wf[n1]] > wt[n1]) as unknown as number) | 0);
            n2 = wl[n2] + (((buf[B2 + wf[n2]] > wt[n2]) as unknown as number) | 0);
            n3 = wl[n3] + (((buf[B3 + wf[n3]] > wt[n3]) as unknown as number) | 0);
          }
          const dst = (b0 + i) * stride + o;
          if (nOut === 1) {
            out[dst] += value[n0];
            out[dst + stride] += value[n1];
            out[dst + 2 * stride] += value[n2];
            out[dst + 3 * stride] += value[n3];
          } else {
            addLeaf(out, dst, value, nOut, n0);
            addLeaf(out, dst + stride, value, nOut, n1);
            addLeaf(out, dst + 2 * stride, value, nOut, n2);
            addLeaf(out, dst + 3 * stride, value, nOut, n3);
          }
        }
      }
      for (; i < len; i++) addLeaf(out, (b0 + i) * stride + o, value, nOut, walkOne(ft, root, buf, i * F));
    }
  }
}

function addLeaf(out: Float64Array, dst: number, value: Float64Array, nOut: number, node: number): void {
  if (nOut === 1) out[dst] += value[node];
  else for (let c = 0; c < nOut; c++) out[dst + c] += value[node * nOut + c];
}

/** General walk of one row: missing values follow the learned direction, categorical nodes test their bitset. */
function walkOne(ft: FlatTrees, root: number, buf: Float64Array, base: number): number {
  const { feature, threshold, left } = ft;
  let node = root;
  let f = feature[node];
  while (f >= 0) {
    const v = buf[base + f];
    const t = threshold[node];
    // right child = left + 1; NaN values and categorical nodes (NaN threshold) take the slow step
    if (v === v && t === t) node = left[node] + (v > t ? 1 : 0);
    else node = slowStep(ft, node, f, v);
    f = feature[node];
  }
  return node;
}

/** Missing values and categorical nodes. */
function slowStep(ft: FlatTrees, node: number, f: number, v: number): number {
  let goLeft: boolean;
  if (v !== v) goLeft = ft.defaultLeft[node] === 1;
  else {
    const ci = ft.catIndex[node];
    const bin = categoricalBin(ft.featureBins[f], v);
    goLeft = bin === 0 ? ft.defaultLeft[node] === 1 : ((ft.catBits[ci * 8 + (bin >>> 5)] >>> (bin & 31)) & 1) === 1;
  }
  return goLeft ? ft.left[node] : ft.right[node];
}

/** Categorical nodes get a NaN threshold (never "<="), so prediction falls through to the bitset test. */
function markCategoricalThresholds(ft: FlatTrees): FlatTrees {
  for (let i = 0; i < ft.catIndex.length; i++) if (ft.catIndex[i] >= 0) ft.threshold[i] = NaN;
  return prepareWalk(ft);
}

/** Total split gain per feature. */
export function gainImportance(trees: BuiltTree[], nFeatures: number): Float64Array {
  const imp = new Float64Array(nFeatures);
  for (const t of trees) for (let i = 0; i < t.nNodes; i++) if (t.feature[i] >= 0) imp[t.feature[i]] += t.gain[i];
  return imp;
}

// ---- JSON (typed arrays <-> plain arrays; values are finite by construction) ----

const KEYS = ['roots', 'outOffset', 'feature', 'threshold', 'left', 'right', 'defaultLeft', 'catIndex', 'catBits',
  'value', 'featureBins', 'featureIsCat'] as const;

export function flatToJSON(ft: FlatTrees): Record<string, unknown> {
  const o: Record<string, unknown> = { nTrees: ft.nTrees, nOut: ft.nOut };
  for (const k of KEYS) o[k] = Array.from(ft[k] as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : 0));
  if (ft.cover) o.cover = Array.from(ft.cover);
  return o;
}

export function flatFromJSON(json: unknown): FlatTrees {
  const o = json as Record<string, unknown>;
  const nums = (k: string): number[] => {
    const a = o?.[k];
    if (!Array.isArray(a) || a.some((x) => typeof x !== 'number')) throw damaged();
    return a as number[];
  };
  const ft: FlatTrees = {
    nTrees: Number(o?.nTrees),
    nOut: Number(o?.nOut),
    roots: Int32Array.from(nums('roots')),
    outOffset: Int32Array.from(nums('outOffset')),
    feature: Int32Array.from(nums('feature')),
    threshold: Float64Array.from(nums('threshold')),
    left: Int32Array.from(nums('left')),
    right: Int32Array.from(nums('right')),
    defaultLeft: Uint8Array.from(nums('defaultLeft')),
    catIndex: Int32Array.from(nums('catIndex')),
    catBits: Uint32Array.from(nums('catBits')),
    value: Float64Array.from(nums('value')),
    featureBins: Int32Array.from(nums('featureBins')),
    featureIsCat: Uint8Array.from(nums('featureIsCat')),
  };
  validateFlat(ft);
  if (o.cover !== undefined) ft.cover = coverFromJSON(o.cover, ft.feature.length);
  return markCategoricalThresholds(ft);
}

/** A model file is untrusted input: every index must stay in range and every walk must end at a leaf. */
function validateFlat(ft: FlatTrees): void {
  const n = ft.feature.length;
  const F = ft.featureBins.length;
  if (!(ft.nTrees === ft.roots.length && ft.nOut >= 1 && ft.outOffset.length === ft.nTrees)) throw damaged();
  if ([ft.threshold, ft.left, ft.right, ft.defaultLeft, ft.catIndex].some((a) => a.length !== n)) throw damaged();
  if (ft.value.length !== n * ft.nOut || ft.featureIsCat.length !== F) throw damaged();
  for (let t = 0; t < ft.nTrees; t++) if (!(ft.roots[t] >= 0 && ft.roots[t] < n)) throw damaged();
  for (let i = 0; i < n; i++) {
    const f = ft.feature[i];
    if (f < 0) continue;
    // children always come after their parent, so every walk terminates
    if (f >= F || !(ft.left[i] > i && ft.right[i] === ft.left[i] + 1 && ft.right[i] < n)) throw damaged();
    if (ft.catIndex[i] >= 0 && (ft.catIndex[i] + 1) * 8 > ft.catBits.length) throw damaged();
  }
}

/** Optional node cover (older models have none): one finite count >= 0 per node, else the file is damaged. */
function coverFromJSON(a: unknown, nNodes: number): Float64Array {
  if (!Array.isArray(a) || a.length !== nNodes || !a.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) throw damaged();
  return Float64Array.from(a as number[]);
}

function damaged(): UserError {
  return new UserError('model_damaged', 'The saved model file is damaged or from an incompatible version.');
}
