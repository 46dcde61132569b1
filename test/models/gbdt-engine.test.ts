import { describe, expect, it } from 'vitest';
import { mulberry32 as rand } from '../../electron/engine/util/random.ts';
import { BoostEngine, type EngineArrays, RESULT } from '../../electron/engine/models/trees/boost-engine.ts';
import { applyBinMapper, fitBinMapper } from '../../electron/engine/models/trees/binning.ts';
import { type BuiltTree, type GrowParams, growTree } from '../../electron/engine/models/trees/grow.ts';
import { makeRng } from '../../electron/engine/models/trees/rng.ts';
import type { Dataset } from '../../electron/engine/models/types.ts';

// The boosting engine must give the same histograms, splits and partitions with helper threads as without:
// the model may not depend on the thread count or on when a helper wakes up.

const N = 50_000;
const F = 7;

function arrays(): EngineArrays {
  const r = rand(7);
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  const bins = new Uint8Array(sab(N * F));
  const binCols = new Uint8Array(sab(N * F));
  const nBins = new Int32Array(sab(F * 4));
  for (let f = 0; f < F; f++) nBins[f] = 2 + Math.floor(r() * 254);
  for (let i = 0; i < N; i++) {
    for (let f = 0; f < F; f++) {
      const b = r() < 0.1 ? 0 : 1 + Math.floor(r() * (nBins[f] - 1)); // bin 0: missing
      bins[i * F + f] = b;
      binCols[f * N + i] = b;
    }
  }
  const gh = new Float64Array(sab(N * 16));
  const q = new Float64Array(sab(N * 8));
  for (let i = 0; i < N; i++) {
    const h = 0.05 + r() * 0.2;
    const g = r() - 0.45 + (bins[i * F + 2] > 100 ? 0.3 : 0);
    gh[2 * i] = h;
    gh[2 * i + 1] = g;
    q[i] = Math.round(g * 100) * 2 ** 24 + Math.round(h * 100);
  }
  const rows = new Int32Array(sab(N * 4));
  for (let i = 0; i < N; i++) rows[i] = i;
  return { bins, binCols, nRows: N, nFeatures: F, nBins, rows, gh, q };
}

/** The same rows with only the features in `keep` (renumbered 0..). */
function project(a: EngineArrays, keep: number[]): EngineArrays {
  const k = keep.length;
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  const bins = new Uint8Array(sab(N * k));
  const binCols = new Uint8Array(sab(N * k));
  const nBins = new Int32Array(sab(k * 4));
  keep.forEach((f, j) => {
    nBins[j] = a.nBins[f];
    for (let i = 0; i < N; i++) { bins[i * k + j] = a.bins[i * F + f]; binCols[j * N + i] = a.bins[i * F + f]; }
  });
  const rows = new Int32Array(sab(N * 4));
  for (let i = 0; i < N; i++) rows[i] = i;
  return { ...a, bins, binCols, nFeatures: k, nBins, rows };
}

/** Root step, a partition on its best split, then the step of both children: returns every result. */
function grow(eng: BoostEngine, a: EngineArrays, packed: boolean, features?: Int32Array): number[] {
  const p = { packed, shift: 2 ** 24, gScale: 0.01, hScale: 0.01, lambda: 1, alpha: 0 };
  let H = 0, G = 0, Q = 0;
  for (let i = 0; i < N; i++) { H += a.gh[2 * i]; G += a.gh[2 * i + 1]; Q += a.q[i]; }
  const out = new Float64Array(2 * RESULT);
  eng.reset(features);
  const root = eng.alloc();
  eng.step(p, root, -1, 0, N, [{ slot: root, Q, H, G, minH: 1 }], out);
  const got = Array.from(out.subarray(0, RESULT));
  const nl = eng.partition(0, N, out[1], out[2], out[3] === 1);
  got.push(nl, ...Array.from(a.rows.subarray(0, 50)), ...Array.from(a.rows.subarray(nl, nl + 50)));
  const QL = out[6];
  const small = eng.alloc();
  // both children scanned; the left child is built, the right one is the parent minus it
  eng.step(p, small, root, 0, nl, [
    { slot: small, Q: QL, H: out[4], G: out[5], minH: 1 },
    { slot: root, Q: Q - QL, H: H - out[4], G: G - out[5], minH: 1 },
  ], out);
  got.push(...Array.from(out));
  return got;
}

describe('boosting engine', () => {
  for (const packed of [true, false]) {
    it(`${packed ? 'packed' : '[h, g]'} histograms: a helper thread changes nothing, run after run`, async () => {
      const a = arrays();
      const one = await BoostEngine.create(a, 4, 1);
      const ref = grow(one, a, packed);
      one.close();
      expect(ref[1]).toBeGreaterThanOrEqual(0); // a split was found
      let prev: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        for (let i = 0; i < N; i++) a.rows[i] = i;
        const two = await BoostEngine.create(a, 4, 2);
        try {
          const got = grow(two, a, packed);
          if (packed) expect(got).toEqual(ref);
          else for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i], 9);
          if (rep > 0 && !packed) expect(got).toEqual(prev); // fixed block map: identical between runs
          prev = got;
        } finally {
          two.close();
        }
        for (let i = 0; i < N; i++) a.rows[i] = i;
      }
    });
  }

  it('a tree given some of the features (column sampling) splits as if the others were not there', async () => {
    const a = arrays();
    const keep = [0, 1, 3, 5, 6]; // without feature 2, the one that carries the signal
    const sub = project(a, keep);
    for (const packed of [true, false]) {
      for (const threads of [1, 2]) {
        for (let i = 0; i < N; i++) { a.rows[i] = i; sub.rows[i] = i; }
        const small = await BoostEngine.create(sub, 4, 1);
        const full = await BoostEngine.create(a, 4, threads);
        try {
          const ref = grow(small, sub, packed);
          // feature numbers of the three scan results, back in the full table's numbering
          for (const at of [1, RESULT + 101 + 1, 2 * RESULT + 101 + 1]) ref[at] = ref[at] >= 0 ? keep[ref[at]] : ref[at];
          const got = grow(full, a, packed, Int32Array.from(keep));
          expect(got[1]).not.toBe(2);
          if (packed) expect(got).toEqual(ref);
          else for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i], 9);
          // the next tree may use every feature again, and finds feature 2
          for (let i = 0; i < N; i++) a.rows[i] = i;
          expect(grow(full, a, packed)[1]).toBe(2);
        } finally {
          small.close();
          full.close();
        }
      }
    }
  });

  it('trees on numbers and categories grow the same in the engine as on the plain path', async () => {
    // 4 numeric columns and 2 categorical ones (3 levels: one-vs-rest; 30 levels: sorted prefix), gaps in all
    const n = 4000;
    const r = rand(5);
    const num = Array.from({ length: 4 }, () => new Float64Array(n));
    const few = new Float64Array(n);
    const many = new Float64Array(n);
    const gh = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      for (const c of num) c[i] = r() < 0.05 ? NaN : r();
      few[i] = r() < 0.05 ? NaN : Math.floor(r() * 3);
      many[i] = r() < 0.05 ? NaN : Math.floor(r() * 30);
      const s = (few[i] === 1 ? 1 : 0) + ((many[i] * 7) % 30 < 12 ? 1 : 0) + num[0][i] - 0.5 + 0.5 * (r() - 0.5);
      gh[2 * i] = 0.25;
      gh[2 * i + 1] = s > 0.8 ? -0.5 : 0.5; // logistic gradients at score 0
    }
    const levels = (k: number) => Array.from({ length: k }, (_, j) => `l${j}`);
    const data: Dataset = {
      nRows: n,
      columns: [num[0], few, num[1], many, num[2], num[3]],
      features: [
        { name: 'a', kind: 'numeric' }, { name: 'few', kind: 'categorical', categories: levels(3) },
        { name: 'b', kind: 'numeric' }, { name: 'many', kind: 'categorical', categories: levels(30) },
        { name: 'c', kind: 'numeric' }, { name: 'd', kind: 'numeric' },
      ],
    };
    const mapper = fitBinMapper(data, 255, makeRng(1));
    const binned = applyBinMapper(mapper, data);
    const nf = data.columns.length;
    const rows = new Int32Array(n);
    const eng = await BoostEngine.create({
      bins: binned.bins, binCols: new Uint8Array(binned.byColumn[0].buffer), nRows: n, nFeatures: nf,
      nBins: mapper.nBins, rows, gh, q: new Float64Array(0),
    }, 20, 1);
    const params = (features: Int32Array): GrowParams => ({
      maxDepth: 0, maxLeaves: 15, minChildWeight: 1e-3, minDataInLeaf: 20, minSplitGain: 0, lambda: 1, alpha: 0,
      catL2: 10, catSmooth: 10, maxCatOneHot: 4, features, featuresPerNode: 0, randomSplits: false, rng: makeRng(0),
    });
    const shape = (t: BuiltTree) => ({
      feature: Array.from(t.feature.subarray(0, t.nNodes)), bin: Array.from(t.splitBin.subarray(0, t.nNodes)),
      cat: t.catBits.slice(0, t.nNodes).map((b) => (b ? Array.from(b) : null)), dl: Array.from(t.defaultLeft.subarray(0, t.nNodes)),
    });
    try {
      for (const features of [Int32Array.from([0, 1, 2, 3, 4, 5]), Int32Array.from([1, 2, 3, 5])]) {
        const input = { bins: binned.bins, binColumns: binned.byColumn, nFeatures: nf, mapper, gh, nChannels: 1, nRows: n };
        const plain = growTree({ ...input, rows: Int32Array.from({ length: n }, (_, i) => i) }, params(features));
        for (let i = 0; i < n; i++) rows[i] = i;
        const viaEngine = growTree({ ...input, rows, engine: eng }, params(features));
        expect(viaEngine.catBits.filter((b) => b !== null).length).toBeGreaterThanOrEqual(2); // both kinds of split ran
        expect(viaEngine.feature.subarray(0, viaEngine.nNodes).some((f) => f === 2 || f === 5 || f === 0)).toBe(true);
        expect(shape(viaEngine)).toEqual(shape(plain));
        for (let k = 0; k < plain.nNodes; k++) expect(viaEngine.value[k]).toBeCloseTo(plain.value[k], 9);
      }
    } finally {
      eng.close();
    }
  });
});
