// Exact path-dependent TreeSHAP (Lundberg et al. 2018, "Consistent individualized feature attribution
// for tree ensembles", Algorithm 2) on the flattened trees of gradient boosting, random forests and extra
// trees. A feature outside the coalition is integrated out the way the tree saw its training rows: at a
// split on it, both children, weighted by the rows (node cover) that went each way. Exact in the trees'
// raw output: margins (log-odds, softmax scores) for boosting, probabilities or values for forests.
import { categoricalBin } from '../../models/trees/category-bin.ts';
import type { FlatTrees } from '../../models/trees/flat.ts';

/**
 * The child a row with value `v` takes at inner node `node`: the same test as prediction (flat.ts walkOne):
 * numeric `v <= threshold` goes left, categorical nodes test the category's bin in their bit set, missing
 * values (and categories never seen in training, bin 0) follow the learned default direction.
 */
export function childFor(ft: FlatTrees, node: number, v: number): number {
  const ci = ft.catIndex[node];
  let goLeft: boolean;
  if (v !== v) goLeft = ft.defaultLeft[node] === 1;
  else if (ci < 0) goLeft = v <= ft.threshold[node];
  else {
    const bin = categoricalBin(ft.featureBins[ft.feature[node]], v);
    goLeft = bin === 0 ? ft.defaultLeft[node] === 1 : ((ft.catBits[ci * 8 + (bin >>> 5)] >>> (bin & 31)) & 1) === 1;
  }
  return goLeft ? ft.left[node] : ft.right[node];
}

/** Share of a node's cover that goes to `child` (children's covers normalised, so untrusted files stay sane). */
function coverShare(cover: Float64Array, ft: FlatTrees, node: number, child: number): number {
  const l = cover[ft.left[node]];
  const r = cover[ft.right[node]];
  const total = l + r;
  return total > 0 ? cover[child] / total : 0.5;
}

/** Last node of tree t (nodes of a tree are contiguous, children after their parent). */
function treeEnd(ft: FlatTrees, t: number): number {
  return t + 1 < ft.nTrees ? ft.roots[t + 1] : ft.feature.length;
}

/**
 * Per-row SHAP values of a whole FlatTrees. Outputs: tree t adds its nOut leaf values at outputs
 * outOffset[t]..outOffset[t]+nOut-1 (a class per tree in multiclass boosting, a class per leaf value in
 * forests), so nOutputs = max(outOffset) + nOut.
 */
export class TreeShap {
  readonly nFeatures: number;
  readonly nOutputs: number;
  /** Expected raw output per output: every tree's cover-weighted mean leaf value, summed. */
  readonly expected: Float64Array;
  private readonly cover: Float64Array;
  // unique-path storage: one segment per recursion level, each one longer than the last
  private readonly pFeature: Int32Array;
  private readonly pZero: Float64Array;
  private readonly pOne: Float64Array;
  private readonly pWeight: Float64Array;
  private x: Float64Array = new Float64Array(0);
  private phi: Float64Array = new Float64Array(0);
  private outBase = 0;

  /** Throws when the trees carry no node cover (models saved before it was kept): use sampling instead. */
  constructor(private readonly ft: FlatTrees) {
    if (!ft.cover || ft.cover.length !== ft.feature.length) throw new Error('These trees have no node cover.');
    this.cover = ft.cover;
    this.nFeatures = ft.featureBins.length;
    let outs = ft.nOut;
    for (let t = 0; t < ft.nTrees; t++) outs = Math.max(outs, ft.outOffset[t] + ft.nOut);
    this.nOutputs = outs;
    this.expected = new Float64Array(outs);
    const depth = this.expectations();
    const maxd = depth + 3;
    const size = ((maxd + 1) * (maxd + 2)) / 2;
    this.pFeature = new Int32Array(size);
    this.pZero = new Float64Array(size);
    this.pOne = new Float64Array(size);
    this.pWeight = new Float64Array(size);
  }

  /** Fills `expected` bottom-up and returns the deepest tree's depth. */
  private expectations(): number {
    const { ft, cover } = this;
    const nOut = ft.nOut;
    const mean = new Float64Array(nOut * ft.feature.length);
    const depth = new Int32Array(ft.feature.length);
    let maxDepth = 0;
    for (let t = 0; t < ft.nTrees; t++) {
      const root = ft.roots[t];
      const end = treeEnd(ft, t);
      depth[root] = 0;
      for (let i = root; i < end; i++) {
        if (ft.feature[i] < 0) continue;
        depth[ft.left[i]] = depth[ft.right[i]] = depth[i] + 1;
        if (depth[i] + 1 > maxDepth) maxDepth = depth[i] + 1;
      }
      for (let i = end - 1; i >= root; i--) {
        if (ft.feature[i] < 0) {
          for (let c = 0; c < nOut; c++) mean[i * nOut + c] = ft.value[i * nOut + c];
          continue;
        }
        const l = ft.left[i];
        const r = ft.right[i];
        const wl = coverShare(cover, ft, i, l);
        for (let c = 0; c < nOut; c++) mean[i * nOut + c] = wl * mean[l * nOut + c] + (1 - wl) * mean[r * nOut + c];
      }
      for (let c = 0; c < nOut; c++) this.expected[ft.outOffset[t] + c] += mean[root * nOut + c];
    }
    return maxDepth;
  }

  /**
   * Adds one row's SHAP values to phi[f * nOutputs + k] (feature f, output k). x: the row's nFeatures
   * values. Sum over f of phi[f][k] = raw output k for x minus expected[k] (exactly, up to rounding).
   * Trees firstTree..lastTree-1 only, when given (a prefix of boosting rounds).
   */
  explainRow(x: Float64Array, phi: Float64Array, firstTree = 0, lastTree = this.ft.nTrees): void {
    this.x = x;
    this.phi = phi;
    for (let t = firstTree; t < lastTree; t++) {
      this.outBase = this.ft.outOffset[t];
      this.recurse(this.ft.roots[t], 0, 0, 1, 1, -1);
    }
  }

  /**
   * One node of Algorithm 2. The path of the parent lives at pathAt..pathAt+depth-1; this node's extended
   * copy goes right after it. depth = elements on the path before extending (the root's dummy included).
   */
  private recurse(node: number, pathAt: number, depth: number, zero: number, one: number, feature: number): void {
    const { ft, pFeature, pZero, pOne, pWeight } = this;
    const at = pathAt + depth;
    for (let i = 0; i < depth; i++) {
      pFeature[at + i] = pFeature[pathAt + i];
      pZero[at + i] = pZero[pathAt + i];
      pOne[at + i] = pOne[pathAt + i];
      pWeight[at + i] = pWeight[pathAt + i];
    }
    this.extend(at, depth, zero, one, feature);
    let d = depth; // index of the last path element
    const f = ft.feature[node];
    if (f < 0) {
      const nOut = ft.nOut;
      for (let i = 1; i <= d; i++) {
        const scale = this.unwoundSum(at, d, i) * (pOne[at + i] - pZero[at + i]);
        if (scale === 0) continue;
        const o = pFeature[at + i] * this.nOutputs + this.outBase;
        for (let c = 0; c < nOut; c++) this.phi[o + c] += scale * ft.value[node * nOut + c];
      }
      return;
    }
    const hot = childFor(ft, node, this.x[f]);
    const cold = hot === ft.left[node] ? ft.right[node] : ft.left[node];
    const hotShare = coverShare(this.cover, ft, node, hot);
    let inZero = 1;
    let inOne = 1;
    // a feature met again on the path: undo its first split and redo it here with both fractions multiplied
    for (let k = 1; k <= d; k++) {
      if (pFeature[at + k] !== f) continue;
      inZero = pZero[at + k];
      inOne = pOne[at + k];
      this.unwind(at, d, k);
      d -= 1;
      break;
    }
    const next = d + 1;
    if (hotShare * inZero > 0 || inOne > 0) this.recurse(hot, at, next, hotShare * inZero, inOne, f);
    if ((1 - hotShare) * inZero > 0) this.recurse(cold, at, next, (1 - hotShare) * inZero, 0, f);
  }

  /** Appends an element at index d (the path had d elements) and updates the permutation weights. */
  private extend(at: number, d: number, zero: number, one: number, feature: number): void {
    const { pFeature, pZero, pOne, pWeight } = this;
    pFeature[at + d] = feature;
    pZero[at + d] = zero;
    pOne[at + d] = one;
    pWeight[at + d] = d === 0 ? 1 : 0;
    for (let i = d - 1; i >= 0; i--) {
      pWeight[at + i + 1] += (one * pWeight[at + i] * (i + 1)) / (d + 1);
      pWeight[at + i] = (zero * pWeight[at + i] * (d - i)) / (d + 1);
    }
  }

  /** Removes element k from a path whose last index is d (inverse of extend). */
  private unwind(at: number, d: number, k: number): void {
    const { pFeature, pZero, pOne, pWeight } = this;
    const one = pOne[at + k];
    const zero = pZero[at + k];
    let next = pWeight[at + d];
    for (let i = d - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = pWeight[at + i];
        pWeight[at + i] = (next * (d + 1)) / ((i + 1) * one);
        next = tmp - (pWeight[at + i] * zero * (d - i)) / (d + 1);
      } else {
        pWeight[at + i] = (pWeight[at + i] * (d + 1)) / (zero * (d - i));
      }
    }
    for (let i = k; i < d; i++) {
      pFeature[at + i] = pFeature[at + i + 1];
      pZero[at + i] = pZero[at + i + 1];
      pOne[at + i] = pOne[at + i + 1];
    }
  }

  /** Total permutation weight the path would have without element k (unwind without changing the path). */
  private unwoundSum(at: number, d: number, k: number): number {
    const { pZero, pOne, pWeight } = this;
    const one = pOne[at + k];
    const zero = pZero[at + k];
    let next = pWeight[at + d];
    let total = 0;
    for (let i = d - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = (next * (d + 1)) / ((i + 1) * one);
        total += tmp;
        next = pWeight[at + i] - (tmp * zero * (d - i)) / (d + 1);
      } else {
        total += (pWeight[at + i] * (d + 1)) / (zero * (d - i));
      }
    }
    return total;
  }
}

/**
 * The path-dependent conditional expectation E[f(x) | x_S] of output k: features in `known` follow x,
 * the others split by cover. Reference definition (TreeSHAP's value function), exponential in nothing but
 * slow per call; tests build brute-force Shapley values from it.
 */
export function conditionalExpectation(ft: FlatTrees, x: Float64Array, known: (f: number) => boolean, output: number): number {
  const cover = ft.cover!;
  const nOut = ft.nOut;
  const walk = (node: number, c: number): number => {
    const f = ft.feature[node];
    if (f < 0) return ft.value[node * nOut + c];
    if (known(f)) return walk(childFor(ft, node, x[f]), c);
    const wl = coverShare(cover, ft, node, ft.left[node]);
    return wl * walk(ft.left[node], c) + (1 - wl) * walk(ft.right[node], c);
  };
  let total = 0;
  for (let t = 0; t < ft.nTrees; t++) {
    const c = output - ft.outOffset[t];
    if (c >= 0 && c < nOut) total += walk(ft.roots[t], c);
  }
  return total;
}
