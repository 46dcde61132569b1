import { describe, expect, it } from 'vitest';
import { mulberry32 as rand } from '../../electron/engine/util/random.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { type GbdtParams, GbdtModel, gbdtFamily } from '../../electron/engine/models/gbdt/index.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../../electron/engine/models/types.ts';
import { UserError, isCancelled } from '../../electron/engine/util/errors.ts';
import { applyBinMapper, fitBinMapper } from '../../electron/engine/models/trees/binning.ts';
import { type GrowParams, growTree } from '../../electron/engine/models/trees/grow.ts';
import { makeRng } from '../../electron/engine/models/trees/rng.ts';

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const MULTI: TaskInfo = { task: 'multiclass', nClasses: 3 };
const REG: TaskInfo = { task: 'regression', nClasses: 1 };

function dataset(features: FeatureSpec[], columns: Float64Array[], y?: Float64Array): Dataset {
  return { features, nRows: columns[0].length, columns, y };
}

const num = (name: string): FeatureSpec => ({ name, kind: 'numeric' });

/** y = 1 when a and b have different signs: no single feature says anything, only the interaction does. */
function xorData(n: number, seed: number): Dataset {
  const r = rand(seed);
  const a = new Float64Array(n), b = new Float64Array(n), noise = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = r() * 2 - 1; b[i] = r() * 2 - 1; noise[i] = r();
    y[i] = (a[i] > 0) !== (b[i] > 0) ? 1 : 0;
  }
  return dataset([num('a'), num('b'), num('noise')], [a, b, noise], y);
}

function params(task: TaskInfo, d: Dataset, over: Partial<GbdtParams> = {}): GbdtParams {
  return { ...gbdtFamily.defaults(task, { nRows: d.nRows, nFeatures: d.columns.length }), nRounds: 60, ...over };
}

const auc = (d: Dataset, p: Float64Array): number => computeMetric('roc_auc', BIN, d.y!, p);

describe('gbdt', () => {
  it('learns an XOR interaction that depth-1 stumps cannot', async () => {
    const train = xorData(1500, 1), test = xorData(1000, 2);
    const deep = await gbdtFamily.fit(train, BIN, params(BIN, train, { growPolicy: 'depthwise', maxDepth: 3 }), { seed: 1 });
    const stumps = await gbdtFamily.fit(train, BIN, params(BIN, train, { growPolicy: 'depthwise', maxDepth: 1 }), { seed: 1 });
    expect(auc(test, deep.predict(test))).toBeGreaterThan(0.97);
    expect(auc(test, stumps.predict(test))).toBeLessThan(0.7);
    const imp = deep.featureImportance!();
    expect(Math.min(imp[0], imp[1])).toBeGreaterThan(10 * imp[2]);
  });

  it('quantized gradients (big numeric tables) learn as well as exact ones', async () => {
    const train = xorData(24_000, 31), test = xorData(2000, 32);
    for (let i = 0; i < train.nRows; i += 9) train.columns[2][i] = NaN; // exercise the missing bin too
    const p = params(BIN, train, { nRounds: 25, growPolicy: 'depthwise', maxDepth: 4 });
    const quant = await gbdtFamily.fit(train, BIN, { ...p, quantizedGradients: true }, { seed: 0 });
    const exact = await gbdtFamily.fit(train, BIN, { ...p, quantizedGradients: false }, { seed: 0 });
    const aq = auc(test, quant.predict(test));
    const ae = auc(test, exact.predict(test));
    expect(aq).toBeGreaterThan(0.97);
    expect(Math.abs(aq - ae)).toBeLessThan(0.005);
    expect(Array.from(quant.predict(test))).not.toEqual(Array.from(exact.predict(test))); // the packed path ran
  });

  it('grows the same tree when very wide data forbids keeping histograms (no subtraction trick)', () => {
    const d = xorData(2000, 37);
    const mapper = fitBinMapper(d, 255, makeRng(0));
    const { bins } = applyBinMapper(mapper, d);
    const gh = new Float64Array(2 * d.nRows);
    for (let i = 0; i < d.nRows; i++) { gh[2 * i] = 0.25; gh[2 * i + 1] = 0.5 - d.y![i]; }
    const grow = (histMemoryBudget: number) => {
      const gp: GrowParams = {
        maxDepth: 0, maxLeaves: 16, minChildWeight: 1, minDataInLeaf: 5, minSplitGain: 0, lambda: 1, alpha: 0, catL2: 10,
        catSmooth: 10, maxCatOneHot: 4, features: Int32Array.from([0, 1, 2]), featuresPerNode: 0, randomSplits: false,
        rng: makeRng(1), histMemoryBudget,
      };
      const rows = Int32Array.from({ length: d.nRows }, (_, i) => i);
      return growTree({ bins, nFeatures: 3, mapper, gh, nChannels: 1, rows, nRows: d.nRows }, gp);
    };
    const kept = grow(Infinity), rebuilt = grow(0);
    expect(kept.nNodes).toBeGreaterThan(8);
    expect(Array.from(rebuilt.feature)).toEqual(Array.from(kept.feature));
    expect(Array.from(rebuilt.splitBin)).toEqual(Array.from(kept.splitBin));
    for (let i = 0; i < kept.nNodes; i++) expect(rebuilt.value[i]).toBeCloseTo(kept.value[i], 12);
  });

  it('helper threads build the same model (quantized sums are exact) and a close one without quantization', async () => {
    const train = xorData(40_000, 41), test = xorData(1000, 42);
    const p = params(BIN, train, { nRounds: 8, growPolicy: 'depthwise', maxDepth: 4 });
    const one = await gbdtFamily.fit(train, BIN, { ...p, threads: 1 }, { seed: 0 });
    const two = await gbdtFamily.fit(train, BIN, { ...p, threads: 2 }, { seed: 0 });
    expect(Array.from(two.predict(test))).toEqual(Array.from(one.predict(test)));
    const exact1 = (await gbdtFamily.fit(train, BIN, { ...p, threads: 1, quantizedGradients: false }, { seed: 0 })).predict(test);
    const exact2 = (await gbdtFamily.fit(train, BIN, { ...p, threads: 2, quantizedGradients: false }, { seed: 0 })).predict(test);
    for (let i = 0; i < test.nRows; i++) expect(exact2[i]).toBeCloseTo(exact1[i], 6);
  });

  it('learns where missing values should go', async () => {
    // missing x means "yes"; otherwise only large x means yes
    const r = rand(3);
    const n = 1200;
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const miss = r() < 0.3;
      x[i] = miss ? NaN : r();
      y[i] = miss || x[i] > 0.8 ? 1 : 0;
    }
    const train = dataset([num('x')], [x], y);
    const m = await gbdtFamily.fit(train, BIN, params(BIN, train), { seed: 0 });
    const p = m.predict(dataset([num('x')], [Float64Array.from([NaN, 0.2, 0.5, 0.95])]));
    expect(p[0]).toBeGreaterThan(0.9);
    expect(p[1]).toBeLessThan(0.1);
    expect(p[2]).toBeLessThan(0.1);
    expect(p[3]).toBeGreaterThan(0.9);
  });

  it('splits a categorical feature by category set, not by code order', async () => {
    // categories 1, 4 and 7 of 10 are positive: one categorical split separates them, one numeric cut cannot
    const r = rand(5);
    const n = 1500;
    const c = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      c[i] = Math.floor(r() * 10);
      y[i] = [1, 4, 7].includes(c[i]) ? (r() < 0.95 ? 1 : 0) : (r() < 0.05 ? 1 : 0);
    }
    const cat: FeatureSpec = { name: 'c', kind: 'categorical', categories: 'abcdefghij'.split('') };
    const train = dataset([cat], [c], y);
    const m = await gbdtFamily.fit(train, BIN, params(BIN, train, { growPolicy: 'depthwise', maxDepth: 1, nRounds: 20 }), { seed: 0 });
    const codes = Float64Array.from({ length: 10 }, (_, i) => i);
    const p = m.predict(dataset([cat], [codes]));
    for (let i = 0; i < 10; i++) {
      if ([1, 4, 7].includes(i)) expect(p[i]).toBeGreaterThan(0.7);
      else expect(p[i]).toBeLessThan(0.3);
    }
  });

  it('is not fooled by a category column of many tiny groups (a shared ticket, a household code)', async () => {
    // 200 groups of 3 rows with no bearing on the target: ordering groups by their few rows' mean lets a
    // tree pick out exactly the groups whose rows happened to agree. Rare categories stay out of the ordering.
    const make = (n: number, seed: number) => {
      const r = rand(seed);
      const x = new Float64Array(n), g = new Float64Array(n), y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = r() * 2 - 1;
        g[i] = Math.floor(r() * 200);
        y[i] = r() < 1 / (1 + Math.exp(-2 * x[i])) ? 1 : 0;
      }
      return { x, g, y };
    };
    const cat: FeatureSpec = { name: 'group', kind: 'categorical', categories: Array.from({ length: 200 }, (_, i) => `g${i}`) };
    const a = make(600, 21), b = make(4000, 22);
    const train = dataset([num('x'), cat], [a.x, a.g], a.y);
    const test = dataset([num('x'), cat], [b.x, b.g], b.y);
    const m = await gbdtFamily.fit(train, BIN, params(BIN, train, { learningRate: 0.05, nRounds: 100 }), { seed: 0 });
    const onlyX = await gbdtFamily.fit(dataset([num('x')], [a.x], a.y), BIN, params(BIN, train, { learningRate: 0.05, nRounds: 100 }), { seed: 0 });
    const withGroups = auc(test, m.predict(test));
    const without = auc(test, onlyX.predict(dataset([num('x')], [b.x])));
    expect(withGroups).toBeGreaterThan(without - 0.01);
  });

  it('stops early when the validation loss stops improving', async () => {
    // pure noise: nothing to learn, so validation loss is best after very few rounds
    const r = rand(7);
    const mk = (n: number): Dataset => {
      const a = Float64Array.from({ length: n }, r), b = Float64Array.from({ length: n }, r);
      return dataset([num('a'), num('b')], [a, b], Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0)));
    };
    const train = mk(800), valid = mk(400);
    const losses: number[] = [];
    const m = (await gbdtFamily.fit(train, BIN, params(BIN, train, { nRounds: 500, earlyStoppingRounds: 10 }), {
      seed: 0, valid, onProgress: (pr) => { if (pr.validLoss !== undefined) losses.push(pr.validLoss); },
    })) as GbdtModel;
    expect(losses.length).toBeLessThan(100);
    expect(m.rounds).toBe(losses.length - 10);
    expect(m.rounds).toBe(losses.indexOf(Math.min(...losses)) + 1);
  });

  it('is deterministic for a seed, with row and column subsampling', async () => {
    const train = xorData(600, 11);
    const p = params(BIN, train, { subsample: 0.7, colsampleByTree: 0.7, nRounds: 30 });
    const a = (await gbdtFamily.fit(train, BIN, p, { seed: 3 })).predict(train);
    const b = (await gbdtFamily.fit(train, BIN, p, { seed: 3 })).predict(train);
    const c = (await gbdtFamily.fit(train, BIN, p, { seed: 4 })).predict(train);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('multiclass: probabilities sum to 1 and the right class wins', async () => {
    const r = rand(13);
    const n = 900;
    const x = new Float64Array(n), z = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) { x[i] = r() * 3; z[i] = i % 5 === 0 ? NaN : r(); y[i] = Math.floor(x[i]); }
    const train = dataset([num('x'), num('z')], [x, z], y);
    const m = await gbdtFamily.fit(train, MULTI, params(MULTI, train, { nRounds: 40 }), { seed: 0 });
    const p = m.predict(train);
    expect(p.length).toBe(n * 3);
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const row = [p[3 * i], p[3 * i + 1], p[3 * i + 2]];
      expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 10);
      if (row.indexOf(Math.max(...row)) === y[i]) correct++;
    }
    expect(correct / n).toBeGreaterThan(0.97);
  });

  it('regression: fits a smooth function; Huber shrugs off outliers that pull squared error', async () => {
    const r = rand(17);
    const mk = (n: number, outliers: boolean): Dataset => {
      const x = new Float64Array(n), y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = r() * 6;
        y[i] = 100 * Math.sin(x[i]) + 1000 + (r() - 0.5) * 4 + (outliers && i % 10 === 0 ? 5000 : 0);
      }
      return dataset([num('x')], [x], y);
    };
    const clean = mk(600, false), dirty = mk(1000, true), test = mk(500, false);
    const sq = await gbdtFamily.fit(clean, REG, params(REG, clean, { nRounds: 150 }), { seed: 0 });
    expect(computeMetric('r2', REG, test.y!, sq.predict(test))).toBeGreaterThan(0.98);
    const sqDirty = await gbdtFamily.fit(dirty, REG, params(REG, dirty, { nRounds: 150 }), { seed: 0 });
    const huber = await gbdtFamily.fit(dirty, REG, params(REG, dirty, { nRounds: 150, objective: 'huber' }), { seed: 0 });
    const maeSq = computeMetric('mae', REG, test.y!, sqDirty.predict(test));
    const maeHuber = computeMetric('mae', REG, test.y!, huber.predict(test));
    expect(maeHuber).toBeLessThan(maeSq / 3);
  });

  it('JSON round trip predicts identically (categorical, missing, multiclass)', async () => {
    const r = rand(19);
    const n = 500;
    const x = new Float64Array(n), c = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i % 7 === 0 ? NaN : r();
      c[i] = i % 11 === 0 ? NaN : Math.floor(r() * 8);
      y[i] = (c[i] % 3 === 0 ? 1 : 0) + (x[i] > 0.5 ? 1 : 0);
    }
    const feats: FeatureSpec[] = [num('x'), { name: 'c', kind: 'categorical', categories: 'abcdefgh'.split('') }];
    const train = dataset(feats, [x, c], y);
    const m = await gbdtFamily.fit(train, MULTI, params(MULTI, train, { nRounds: 25 }), { seed: 0 });
    const back = await gbdtFamily.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(Array.from(back.predict(train))).toEqual(Array.from(m.predict(train)));
    expect(Array.from(back.featureImportance!())).toEqual(Array.from(m.featureImportance!()));
  });

  it('refuses a tampered model file with a plain sentence', async () => {
    const train = xorData(300, 23);
    const json = (await gbdtFamily.fit(train, BIN, params(BIN, train, { nRounds: 5 }), { seed: 0 })).toJSON();
    const trees = json.trees as { left: number[] };
    trees.left[0] = 0; // a cycle: the walk would never end
    await expect(gbdtFamily.fromJSON(json)).rejects.toBeInstanceOf(UserError);
  });

  it('stops with CancelledError when the signal fires during training', async () => {
    const train = xorData(3000, 29);
    const ctrl = new AbortController();
    let err: unknown;
    let progressAfterAbort = 0;
    try {
      await gbdtFamily.fit(train, BIN, params(BIN, train, { nRounds: 100_000, earlyStoppingRounds: 0 }), {
        seed: 0, signal: ctrl.signal,
        onProgress: (p) => { if (ctrl.signal.aborted) progressAfterAbort++; if (p.fraction > 0) setTimeout(() => ctrl.abort(), 0); },
      });
    } catch (e) {
      err = e;
    }
    expect(isCancelled(err)).toBe(true);
    expect(progressAfterAbort).toBeLessThan(100);
  });
});
