import type { BinMapper } from './binning.ts';
import { type FlatTrees, markCategoricalThresholds } from './flat.ts';
import type { BuiltTree } from './grow.ts';

// The training side of flat.ts: grown trees -> the flat predict layout.

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


/** Total split gain per feature. */
export function gainImportance(trees: BuiltTree[], nFeatures: number): Float64Array {
  const imp = new Float64Array(nFeatures);
  for (const t of trees) for (let i = 0; i < t.nNodes; i++) if (t.feature[i] >= 0) imp[t.feature[i]] += t.gain[i];
  return imp;
}

