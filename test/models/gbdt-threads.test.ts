import { describe, expect, it } from 'vitest';
import { mulberry32 as rand } from '../../electron/engine/util/random.ts';
import { type GbdtParams, gbdtFamily } from '../../electron/engine/models/gbdt/index.ts';
import { binaryGradients, huberDelta, huberGradients, squaredGradients } from '../../electron/engine/models/gbdt/objectives.ts';
import { treeKernels } from '../../electron/engine/models/trees/kernels.ts';
import { BoostEngine } from '../../electron/engine/models/trees/boost-engine.ts';
import { leafOfBinnedRow } from '../../electron/engine/models/trees/grow.ts';
import { applyBinMapper, fitBinMapper, sortNumbers } from '../../electron/engine/models/trees/binning.ts';
import { makeRng } from '../../electron/engine/models/trees/rng.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../../electron/engine/models/types.ts';

// The per-row work of a boosting round (gradients, packing, sums, score updates) runs on the engine's helper
// threads in fixed items, so every objective and sampling option must give the same model with any thread count.

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const MULTI: TaskInfo = { task: 'multiclass', nClasses: 3 };
const REG: TaskInfo = { task: 'regression', nClasses: 1 };
const num = (name: string): FeatureSpec => ({ name, kind: 'numeric' });

/** 40k rows (enough for helper threads), 5 numeric features with some missing values; y by task. */
function data(n: number, seed: number, task: TaskInfo): Dataset {
  const r = rand(seed);
  const cols = Array.from({ length: 5 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = r() < 0.05 ? NaN : r() * 2 - 1;
    const s = Math.sin(3 * (cols[0][i] || 0)) + (cols[1][i] || 0) * (cols[2][i] || 0) + 0.3 * (r() - 0.5);
    if (task.task === 'binary') y[i] = s > 0 ? 1 : 0;
    else if (task.task === 'multiclass') y[i] = s < -0.4 ? 0 : s < 0.4 ? 1 : 2;
    else y[i] = s + (r() < 0.02 ? 20 : 0); // a few outliers for Huber
  }
  return { features: cols.map((_, f) => num(`x${f}`)), nRows: n, columns: cols, y };
}

function params(task: TaskInfo, d: Dataset, over: Partial<GbdtParams> = {}): GbdtParams {
  return { ...gbdtFamily.defaults(task, { nRows: d.nRows, nFeatures: d.columns.length }), nRounds: 6, growPolicy: 'depthwise', maxDepth: 4, ...over };
}

async function sameWithThreads(task: TaskInfo, over: Partial<GbdtParams>, ctx: { weights?: boolean; valid?: boolean } = {}): Promise<void> {
  const train = data(40_000, 11, task);
  if (ctx.weights) train.weights = Float64Array.from({ length: train.nRows }, (_, i) => 0.5 + (i % 3));
  const test = data(500, 12, task);
  const valid = ctx.valid ? data(2000, 13, task) : undefined;
  const p = params(task, train, over);
  const one = await gbdtFamily.fit(train, task, { ...p, threads: 1 }, { seed: 3, valid });
  const two = await gbdtFamily.fit(train, task, { ...p, threads: 2 }, { seed: 3, valid });
  expect(Array.from(two.predict(test))).toEqual(Array.from(one.predict(test)));
}

describe('gbdt row tasks on helper threads', () => {
  it('binary with row weights: the same model with one or two threads', () => sameWithThreads(BIN, {}, { weights: true }));
  it('squared error: the same model', () => sameWithThreads(REG, { objective: 'squared_error' }));
  it('huber: the same model', () => sameWithThreads(REG, { objective: 'huber' }));
  it('row and column subsampling: the same model', () => sameWithThreads(BIN, { subsample: 0.7, colsampleByTree: 0.6 }));
  it('multiclass: the same model', () => sameWithThreads(MULTI, { nRounds: 3 }));
  it('early stopping on a validation set: the same model', () => sameWithThreads(BIN, { nRounds: 12, earlyStoppingRounds: 2 }, { valid: true }));

  it('categorical tables (histogram helpers running the engine kernel) give a close model', async () => {
    const train = data(40_000, 21, BIN);
    const codes = Float64Array.from({ length: train.nRows }, (_, i) => (i * 7) % 5);
    for (let i = 0; i < train.nRows; i++) if (codes[i] === 3) train.y![i] = 1 - train.y![i];
    train.features.push({ name: 'c', kind: 'categorical', categories: ['a', 'b', 'c', 'd', 'e'] });
    train.columns.push(codes);
    const test = { ...train, nRows: 300, columns: train.columns.map((c) => c.slice(0, 300)) };
    const p = params(BIN, train);
    const one = (await gbdtFamily.fit(train, BIN, { ...p, threads: 1 }, { seed: 0 })).predict(test);
    const two = (await gbdtFamily.fit(train, BIN, { ...p, threads: 2 }, { seed: 0 })).predict(test);
    for (let i = 0; i < test.nRows; i++) expect(two[i]).toBeCloseTo(one[i], 6);
  });

  it('the histogram kernel adds every cell of any feature window (packed and [h, g])', () => {
    const r = rand(6);
    const K = treeKernels();
    for (const F of [1, 3, 4, 7, 8, 9, 13, 30]) {
      const n = 301; // an odd row count: the last row goes alone
      const bins = Uint8Array.from({ length: n * F }, () => Math.floor(r() * 256));
      const q = Float64Array.from({ length: n }, () => Math.floor(r() * 1000));
      const gh = Float64Array.from({ length: 2 * n }, () => r());
      const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
      for (const [f0, f1] of [[0, F], [1, F], [0, Math.max(1, F - 2)]]) {
        if (f0 >= f1) continue;
        const hp = new Float64Array(F * 256), hx = new Float64Array(F * 512);
        K.hist(hp, true, bins, F, q, gh, rows, 0, rows.length, f0, f1);
        K.hist(hx, false, bins, F, q, gh, rows, 0, rows.length, f0, f1);
        const wp = new Float64Array(F * 256), wx = new Float64Array(F * 512);
        for (const i of rows) {
          for (let f = f0; f < f1; f++) {
            const b = bins[i * F + f];
            wp[f * 256 + b] += q[i];
            wx[f * 512 + 2 * b] += gh[2 * i];
            wx[f * 512 + 2 * b + 1] += gh[2 * i + 1];
          }
        }
        expect(Array.from(hp)).toEqual(Array.from(wp));
        expect(Array.from(hx)).toEqual(Array.from(wx));
      }
    }
  });

  it('the kernels\' exp is within a few ulp of Math.exp', () => {
    const K = treeKernels();
    const r = rand(8);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = i < 100_000 ? (r() - 0.5) * 1400 : (r() - 0.5) * 40;
      worst = Math.max(worst, Math.abs(K.exp(x) / Math.exp(x) - 1));
    }
    expect(worst).toBeLessThan(8 * Number.EPSILON);
    expect(K.exp(0)).toBe(1);
    expect(Number.isNaN(K.exp(NaN))).toBe(true);
    expect(K.exp(-Infinity)).toBeLessThan(1e-300);
  });

  it('the engine gradient kernel matches the objectives (binary: to the last bits of its exp)', () => {
    const r = rand(5);
    const n = 1000;
    const score = Float64Array.from({ length: n }, () => 6 * r() - 3);
    const y = Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    const w = Float64Array.from({ length: n }, () => 0.5 + r());
    const K = treeKernels();
    const delta = huberDelta(score, y, 0.9);
    for (const [obj, ref] of [
      [0, (gh: Float64Array) => binaryGradients(score, y, w, gh)],
      [1, (gh: Float64Array) => squaredGradients(score, y, w, gh)],
      [2, (gh: Float64Array) => huberGradients(score, y, w, gh, 0.9)],
    ] as const) {
      const want = new Float64Array(2 * n);
      ref(want);
      const got = new Float64Array(2 * n);
      const maxima = new Float64Array(2);
      K.gradRange(obj, score, y, w, true, got, delta, 0, n, maxima, 0);
      if (obj === 0) for (let i = 0; i < 2 * n; i++) expect(got[i]).toBeCloseTo(want[i], 14);
      else expect(Array.from(got)).toEqual(Array.from(want));
      const viaRows = new Float64Array(2);
      K.maxRange(got, Int32Array.from({ length: n }, (_, i) => i), 0, n, viaRows, 0);
      expect(Array.from(maxima)).toEqual(Array.from(viaRows));
    }
  });
});

describe('engine row tasks', () => {
  /** Leaf sums and score updates over leaf ranges (some rows in no leaf), by an engine with `threads`. */
  async function run(threads: number): Promise<{ sums: number[]; score: number[]; ref: number[] }> {
    const n = 40_000;
    const r = rand(4);
    const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
    const gh = new Float64Array(sab(n * 16)).map(() => r() - 0.3);
    const rows = new Int32Array(sab(n * 4));
    // a tree over 35k of the rows, in a scrambled order: leaves [0, 9000) [9000, 20000) [20000, 35000)
    const perm = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919) % 40_009) - ((b * 7919) % 40_009));
    rows.set(perm);
    const begin = [0, 9000, 20_000], end = [9000, 20_000, 35_000], val = [0.5, -1, 2];
    const score = new Float64Array(sab(n * 8));
    const eng = await BoostEngine.create({ bins: new Uint8Array(sab(n)), binCols: new Uint8Array(sab(n)), nRows: n, nFeatures: 1,
      nBins: new Int32Array(sab(4)), rows, gh, q: new Float64Array(sab(n * 8)), score }, 4, threads);
    try {
      const sums = new Float64Array(6);
      eng.leafSums(begin, end, sums);
      eng.addScores(begin, end, val, 1, 0);
      const ref: number[] = [];
      for (let j = 0; j < 3; j++) {
        let H = 0, G = 0;
        for (let i = begin[j]; i < end[j]; i++) { H += gh[2 * rows[i]]; G += gh[2 * rows[i] + 1]; }
        ref.push(H, G);
        for (let i = begin[j]; i < end[j]; i++) expect(score[rows[i]]).toBe(val[j]);
      }
      for (let i = 35_000; i < n; i++) expect(score[rows[i]]).toBe(0);
      return { sums: Array.from(sums), score: Array.from(score), ref };
    } finally {
      eng.close();
    }
  }

  it('tree walks score the rows outside the sample and the validation rows like leafOfBinnedRow', async () => {
    const n = 30_000, nValid = 20_000, F = 3;
    const r = rand(12);
    const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
    const bins = new Uint8Array(sab(n * F)).map(() => Math.floor(r() * 8)); // bin 0: missing
    const vBins = new Uint8Array(sab(nValid * F)).map(() => Math.floor(r() * 8));
    // root: f1 <= 3 (missing left) -> [leaf 1 | node 2: f0 <= 5 (missing right) -> leaf 3 | leaf 4]
    const tree = {
      nNodes: 5, feature: Int32Array.of(1, -1, 0, -1, -1), splitBin: Int32Array.of(3, 0, 5, 0, 0),
      defaultLeft: Uint8Array.of(1, 0, 0, 0, 0), left: Int32Array.of(1, -1, 3, -1, -1), right: Int32Array.of(2, -1, 4, -1, -1),
      value: Float64Array.of(0, 0.25, 0, -1, 3), catBits: [null, null, null, null, null],
    };
    for (const threads of [1, 2]) {
      const rows = new Int32Array(sab(n * 4));
      // the tree's sample: even rows, grouped by leaf as growTree leaves them
      const leafOfRow = (i: number): number => leafOfBinnedRow(tree as never, bins, F, i);
      const sample = Array.from({ length: n / 2 }, (_, i) => 2 * i);
      const byLeaf = [1, 3, 4].map((L) => sample.filter((i) => leafOfRow(i) === L));
      rows.set(byLeaf.flat());
      const begin = [0, byLeaf[0].length, byLeaf[0].length + byLeaf[1].length];
      const end = [begin[1], begin[2], n / 2];
      const score = new Float64Array(sab(n * 8)), vScore = new Float64Array(sab(nValid * 8));
      const eng = await BoostEngine.create({ bins, binCols: new Uint8Array(sab(n * F)), nRows: n, nFeatures: F,
        nBins: new Int32Array(sab(F * 4)), rows, gh: new Float64Array(sab(n * 16)), q: new Float64Array(sab(n * 8)), score, vBins, vScore, nValid }, 8, threads);
      try {
        eng.addScores(begin, end, [0.25, -1, 3], 1, 0);
        eng.walkScores(tree, 1, 0, false);
        eng.walkScores(tree, 1, 0, true);
      } finally {
        eng.close();
      }
      let wrong = 0;
      for (let i = 0; i < n; i++) if (score[i] !== tree.value[leafOfRow(i)]) wrong++;
      for (let i = 0; i < nValid; i++) if (vScore[i] !== tree.value[leafOfBinnedRow(tree as never, vBins, F, i)]) wrong++;
      expect(wrong).toBe(0);
    }
  });

  it('leaf sums and score updates cover exactly each leaf\'s rows, the same with a helper thread', async () => {
    const one = await run(1);
    for (let k = 0; k < 6; k++) expect(one.sums[k]).toBeCloseTo(one.ref[k], 6); // other summation order
    const two = await run(2);
    expect(two.sums).toEqual(one.sums);
    expect(two.score).toEqual(one.score);
  });
});

describe('binning', () => {
  it('the radix sort orders like the built-in sort (signed zeros, infinities, tiny, huge and near-equal values)', () => {
    const r = rand(9);
    const gens = [
      () => r() * 2 - 1,
      () => Math.round(r() * 20) - 10,
      () => [-0, 0, Infinity, -Infinity, 5e-324, -5e-324, 1e308][Math.floor(r() * 7)],
      () => Math.exp(r() * 1400 - 700) * (r() < 0.5 ? -1 : 1),
      () => (1 + Math.floor(r() * 2 ** 20) * 2 ** -52) * (r() < 0.5 ? -1 : 1), // equal high words: the long-run path
      () => Math.floor(r() * 1000) + Math.floor(r() * 40) * 2 ** -40, // short runs of equal high words
    ];
    for (const g of gens) {
      const a = Float64Array.from({ length: 20_000 }, g);
      const want = Float64Array.from(a).sort();
      const got = sortNumbers(Float64Array.from(a));
      let wrong = 0;
      for (let i = 0; i < a.length; i++) if (!Object.is(got[i], want[i])) wrong++;
      expect(wrong).toBe(0);
    }
  });

  it('every value lands in bin 1 + #(upper bounds below it), missing in bin 0', () => {
    const r = rand(10);
    const n = 60_000;
    const cols = [
      Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : r())), // bucket index
      Float64Array.from({ length: n }, () => Math.exp(r() * 40)), // skewed: binary search
      Float64Array.from({ length: n }, () => [Infinity, -Infinity, 0, -0, 1, 2][Math.floor(r() * 6)]),
      Float64Array.from({ length: n }, () => (r() - 0.5) * 1e308 * 3), // a range wider than the largest double
    ];
    const d: Dataset = { features: cols.map((_, f) => num(`x${f}`)), nRows: n, columns: cols };
    const mapper = fitBinMapper(d, 255, makeRng(0));
    const { bins, byColumn } = applyBinMapper(mapper, d);
    for (let f = 0; f < cols.length; f++) {
      const ub = mapper.upper[f];
      let wrong = 0;
      for (let i = 0; i < n; i += 7) {
        const v = cols[f][i];
        let want = 0;
        if (v === v) { want = 1; for (const u of ub) if (u < v) want++; }
        if (bins[i * cols.length + f] !== want || byColumn[f][i] !== want) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });
});
