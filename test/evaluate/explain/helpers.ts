import type { FlatTrees } from '../../../electron/engine/models/trees/flat.ts';
import { conditionalExpectation } from '../../../electron/engine/evaluate/explain/tree-shap.ts';
import { mulberry32 } from '../../../electron/engine/util/random.ts';

/**
 * Random trees in the FlatTrees layout: features drawn with repeats along a path (the case TreeSHAP's
 * unwind exists for), numeric and categorical splits, random default directions, covers that add up
 * (a parent's cover is its children's sum) and leaf values per output.
 */
export function randomTrees(opts: { nTrees: number; depth: number; nFeatures: number; catFeatures?: number[]; nOut?: number;
  outputs?: number; seed: number; leafProb?: number }): FlatTrees {
  const r = mulberry32(opts.seed);
  const nOut = opts.nOut ?? 1;
  const cats = new Set(opts.catFeatures ?? []);
  const F = opts.nFeatures;
  const roots: number[] = [], outOffset: number[] = [], feature: number[] = [], threshold: number[] = [], left: number[] = [];
  const right: number[] = [], defaultLeft: number[] = [], catIndex: number[] = [], catBits: number[] = [], value: number[] = [];
  const depthOf: number[] = [];
  for (let t = 0; t < opts.nTrees; t++) {
    const root = feature.length;
    roots.push(root);
    outOffset.push(opts.outputs ? t % opts.outputs : 0);
    const queue = [root];
    const push = (d: number) => { feature.push(-1); threshold.push(0); left.push(-1); right.push(-1); defaultLeft.push(0); catIndex.push(-1); depthOf.push(d); for (let c = 0; c < nOut; c++) value.push(0); };
    push(0);
    for (let q = 0; q < queue.length; q++) {
      const i = queue[q];
      const d = depthOf[i];
      const leaf = d >= opts.depth || (d > 0 && r() < (opts.leafProb ?? 0.15));
      if (leaf) { for (let c = 0; c < nOut; c++) value[i * nOut + c] = Math.round((r() * 4 - 2) * 100) / 100; continue; }
      const f = Math.floor(r() * F);
      feature[i] = f;
      defaultLeft[i] = r() < 0.5 ? 1 : 0;
      if (cats.has(f)) {
        catIndex[i] = catBits.length / 8;
        const bits = new Array(8).fill(0);
        for (let b = 1; b <= 5; b++) if (r() < 0.5) bits[0] |= 1 << b;
        catBits.push(...bits);
        threshold[i] = NaN;
      } else threshold[i] = Math.round((r() * 2 - 1) * 10) / 10;
      left[i] = feature.length; push(d + 1);
      right[i] = feature.length; push(d + 1);
      queue.push(left[i], right[i]);
    }
  }
  const n = feature.length;
  // covers: random leaf counts, inner nodes the sum of their children
  const cover = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) cover[i] = feature[i] < 0 ? 1 + Math.floor(r() * 20) : cover[left[i]] + cover[right[i]];
  return {
    nTrees: opts.nTrees, nOut, roots: Int32Array.from(roots), outOffset: Int32Array.from(outOffset), feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold), left: Int32Array.from(left), right: Int32Array.from(right), defaultLeft: Uint8Array.from(defaultLeft),
    catIndex: Int32Array.from(catIndex), catBits: Uint32Array.from(catBits), value: Float64Array.from(value),
    featureBins: Int32Array.from({ length: F }, (_, f) => (cats.has(f) ? 6 : 256)),
    featureIsCat: Uint8Array.from({ length: F }, (_, f) => (cats.has(f) ? 1 : 0)), cover,
  };
}

/** Shapley values of the path-dependent game v(S) = E[f(x) | x_S] by enumerating every subset. */
export function bruteForceShapley(ft: FlatTrees, x: Float64Array, output: number): Float64Array {
  const F = x.length;
  const v = new Float64Array(2 ** F);
  for (let mask = 0; mask < 2 ** F; mask++) v[mask] = conditionalExpectation(ft, x, (f) => ((mask >> f) & 1) === 1, output);
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Float64Array(F);
  for (let mask = 0; mask < 2 ** F; mask++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += (mask >> f) & 1;
    for (let f = 0; f < F; f++) {
      if ((mask >> f) & 1) continue;
      phi[f] += (fact(s) * fact(F - s - 1)) / fact(F) * (v[mask | (1 << f)] - v[mask]);
    }
  }
  return phi;
}

/** A random row for randomTrees: numbers in [-1, 1], categories 0..6 (6 = never seen), some missing. */
export function randomRow(F: number, catFeatures: number[], r: () => number): Float64Array {
  return Float64Array.from({ length: F }, (_, f) => {
    if (r() < 0.15) return NaN;
    return catFeatures.includes(f) ? Math.floor(r() * 7) : Math.round((r() * 2.2 - 1.1) * 100) / 100;
  });
}
