import { UserError } from '../../util/errors.ts';
import { categoricalBin } from './category-bin.ts';

// The predict side of the tree models (pure: no Node, no threads, no training code), shared by
// boosting and forests. Trees are built by flat-builder.ts at training time.

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
export function markCategoricalThresholds(ft: FlatTrees): FlatTrees {
  for (let i = 0; i < ft.catIndex.length; i++) if (ft.catIndex[i] >= 0) ft.threshold[i] = NaN;
  return prepareWalk(ft);
}

// ---- JSON (typed arrays <-> plain arrays; values are finite by construction) ----

const KEYS = ['roots', 'outOffset', 'feature', 'threshold', 'left', 'right', 'defaultLeft', 'catIndex', 'catBits',
  'value', 'featureBins', 'featureIsCat'] as const;

/** Bounds a saved model must respect (a file is untrusted: nothing is allocated from a number in it unchecked). */
const MAX_NODES = 50_000_000;
const MAX_OUT = 1024;
/** Bins per feature incl. missing: the categorical bitset has 256 bits. */
const MAX_FEATURE_BINS = 256;

export function flatToJSON(ft: FlatTrees): Record<string, unknown> {
  const o: Record<string, unknown> = { nTrees: ft.nTrees, nOut: ft.nOut };
  for (const k of KEYS) o[k] = Array.from(ft[k] as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : 0));
  if (ft.cover) o.cover = Array.from(ft.cover);
  return o;
}

type Kind = 'int' | 'uint32' | 'bit' | 'finite';

/** The array under `key`, every element checked before any typed array is made from it. */
function numbers(o: Record<string, unknown>, key: string, kind: Kind, length?: number): number[] {
  const a = o[key];
  if (!Array.isArray(a) || a.length > MAX_NODES * MAX_OUT || (length !== undefined && a.length !== length)) throw damaged();
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const ok = typeof v === 'number' && (
      kind === 'finite' ? Number.isFinite(v)
        : kind === 'bit' ? v === 0 || v === 1
          : kind === 'uint32' ? Number.isInteger(v) && v >= 0 && v <= 0xffffffff
            : Number.isInteger(v) && v >= -1 && v <= 0x7fffffff);
    if (!ok) throw damaged();
  }
  return a as number[];
}

export function flatFromJSON(json: unknown): FlatTrees {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw damaged();
  const o = json as Record<string, unknown>;
  const nTrees = o.nTrees, nOut = o.nOut;
  if (!Number.isInteger(nTrees) || (nTrees as number) < 0 || !Number.isInteger(nOut) || (nOut as number) < 1 || (nOut as number) > MAX_OUT) throw damaged();
  const feature = numbers(o, 'feature', 'int');
  const n = feature.length;
  if (n > MAX_NODES) throw damaged();
  const featureBins = numbers(o, 'featureBins', 'int');
  const ft: FlatTrees = {
    nTrees: nTrees as number,
    nOut: nOut as number,
    roots: Int32Array.from(numbers(o, 'roots', 'int', nTrees as number)),
    outOffset: Int32Array.from(numbers(o, 'outOffset', 'int', nTrees as number)),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(numbers(o, 'threshold', 'finite', n)),
    left: Int32Array.from(numbers(o, 'left', 'int', n)),
    right: Int32Array.from(numbers(o, 'right', 'int', n)),
    defaultLeft: Uint8Array.from(numbers(o, 'defaultLeft', 'bit', n)),
    catIndex: Int32Array.from(numbers(o, 'catIndex', 'int', n)),
    catBits: Uint32Array.from(numbers(o, 'catBits', 'uint32')),
    value: Float64Array.from(numbers(o, 'value', 'finite', n * (nOut as number))),
    featureBins: Int32Array.from(featureBins),
    featureIsCat: Uint8Array.from(numbers(o, 'featureIsCat', 'bit', featureBins.length)),
  };
  if (o.cover !== undefined) {
    const cover = numbers(o, 'cover', 'finite', n);
    if (cover.some((c) => c < 0)) throw damaged();
    ft.cover = Float64Array.from(cover);
  }
  validateFlat(ft);
  return markCategoricalThresholds(ft);
}

/**
 * A model file is untrusted input: every index must stay in range, each tree's nodes must lie in its own
 * block (children after their parent, so every walk ends at a leaf) and bins must fit the 256-bit sets.
 */
function validateFlat(ft: FlatTrees): void {
  const n = ft.feature.length;
  const F = ft.featureBins.length;
  if (ft.nTrees > 0 && ft.roots[0] !== 0) throw damaged();
  for (let f = 0; f < F; f++) if (!(ft.featureBins[f] >= 1 && ft.featureBins[f] <= MAX_FEATURE_BINS)) throw damaged();
  if (ft.catBits.length % 8 !== 0) throw damaged();
  for (let t = 0; t < ft.nTrees; t++) {
    const start = ft.roots[t];
    const end = t + 1 < ft.nTrees ? ft.roots[t + 1] : n;
    if (!(start >= 0 && start < end && end <= n)) throw damaged();
    for (let i = start; i < end; i++) {
      const f = ft.feature[i];
      if (f < 0) continue;
      if (f >= F || !(ft.left[i] > i && ft.right[i] === ft.left[i] + 1 && ft.right[i] < end)) throw damaged();
      if (ft.catIndex[i] >= 0 && (ft.catIndex[i] + 1) * 8 > ft.catBits.length) throw damaged();
    }
  }
  if (ft.nTrees === 0 && n !== 0) throw damaged();
}

/**
 * The largest magnitude the trees can add to one output of a row (the sum over trees of each tree's
 * largest leaf). A saved model whose bound is not far below float64's range could predict infinity.
 */
export function outputBound(ft: FlatTrees): number {
  let total = 0;
  const n = ft.feature.length;
  for (let t = 0; t < ft.nTrees; t++) {
    const end = t + 1 < ft.nTrees ? ft.roots[t + 1] : n;
    let m = 0;
    for (let i = ft.roots[t] * ft.nOut; i < end * ft.nOut; i++) m = Math.max(m, Math.abs(ft.value[i]));
    total += m;
  }
  return total;
}

/** Bound any saved model's raw outputs must stay under: far from overflow, far above any real model. */
export const MAX_OUTPUT_BOUND = 1e250;

function damaged(): UserError {
  return new UserError('model_damaged', 'The saved model file is damaged or from an incompatible version.');
}
