import { describe, expect, it } from 'vitest';
import { explainRows, logit } from '../../../electron/engine/evaluate/explain/explainer.ts';
import { groupsOf } from '../../../electron/engine/evaluate/explain/columns.ts';
import { conditionalExpectation } from '../../../electron/engine/evaluate/explain/tree-shap.ts';
import { gbdtFamily } from '../../../electron/engine/models/gbdt/index.ts';
import { extraTreesFamily, randomForestFamily } from '../../../electron/engine/models/forest/index.ts';
import { linearFamily } from '../../../electron/engine/models/linear/index.ts';
import { mlpFamily } from '../../../electron/engine/models/mlp/index.ts';
import { flatFromJSON } from '../../../electron/engine/models/trees/flat.ts';
import { EnsembleFitted } from '../../../electron/engine/models/composite/ensemble.ts';
import type { Dataset, FeatureSpec, Fitted, TaskInfo } from '../../../electron/engine/models/types.ts';
import { mulberry32 } from '../../../electron/engine/util/random.ts';
import { bruteForceShapley } from './helpers.ts';

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const MULTI: TaskInfo = { task: 'multiclass', nClasses: 3 };
const REG: TaskInfo = { task: 'regression', nClasses: 1 };
const num = (name: string): FeatureSpec => ({ name, kind: 'numeric' });
const colour: FeatureSpec = { name: 'colour', kind: 'categorical', categories: ['red', 'green', 'blue', 'grey'] };

/** Circle in a square, a colour that matters, a noise column; gaps in the colour and in b. */
function circle(n: number, seed: number, task: TaskInfo): Dataset {
  const r = mulberry32(seed);
  const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n), z = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = r() * 2 - 1; b[i] = i % 17 === 0 ? NaN : r() * 2 - 1; c[i] = i % 13 === 0 ? NaN : Math.floor(r() * 4); z[i] = r();
    const rad = a[i] * a[i] + (b[i] || 0) ** 2;
    if (task.task === 'binary') y[i] = rad < 0.5 !== (c[i] === 2) ? 1 : 0;
    else if (task.task === 'multiclass') y[i] = rad < 0.3 ? 0 : rad < 0.8 ? 1 : c[i] === 1 ? 0 : 2;
    else y[i] = 1000 * rad + (c[i] === 1 ? 500 : 0) + (r() - 0.5) * 20;
  }
  return { features: [num('a'), num('b'), colour, num('noise')], nRows: n, columns: [a, b, c, z], y };
}
const features = (d: Dataset): Dataset => ({ features: d.features, nRows: d.nRows, columns: d.columns });
const perFeature = groupsOf(['a', 'b', 'colour', 'noise']);

/** The model's prediction mapped to the explained space (for checking base + contributions). */
function explainedTruth(model: Fitted, d: Dataset, space: string): Float64Array {
  const p = model.predict(d);
  if (space === 'log_odds') return p.map(logit);
  return p;
}

function maxSumError(e: Awaited<ReturnType<typeof explainRows>>, truth: Float64Array): number {
  const G = e.columns.length, K = e.nOutputs;
  let worst = 0;
  for (let i = 0; i < truth.length / K; i++) for (let k = 0; k < K; k++) {
    let s = e.base[k];
    for (let j = 0; j < G; j++) s += e.values[(i * G + j) * K + k];
    worst = Math.max(worst, Math.abs(s - truth[i * K + k]), Math.abs(e.output[i * K + k] - truth[i * K + k]));
  }
  return worst;
}

describe('exact explanations of trained trees', () => {
  it('gradient boosting, two outcomes: contributions in log-odds sum to the margin; they match brute force', async () => {
    const train = circle(800, 1, BIN), test = features(circle(200, 2, BIN));
    const m = await gbdtFamily.fit(train, BIN, { ...gbdtFamily.defaults(BIN, { nRows: 800, nFeatures: 4 }), nRounds: 30, maxLeaves: 8 }, { seed: 1 });
    const e = await explainRows(m, test, { groups: perFeature });
    expect(e.method).toBe('tree_shap');
    expect(e.space).toBe('log_odds');
    expect(maxSumError(e, explainedTruth(m, test, 'log_odds'))).toBeLessThan(1e-9);
    // cover = training rows, so the base is the average margin over the training rows
    const margins = explainedTruth(m, features(train), 'log_odds');
    expect(e.base[0]).toBeCloseTo(margins.reduce((s, v) => s + v, 0) / margins.length, 9);
    // against the path-dependent game on the saved trees, for a few rows
    const ft = flatFromJSON((m.toJSON() as unknown as { trees: unknown }).trees);
    for (const i of [0, 5, 16, 17]) {
      const x = Float64Array.from(test.columns, (c) => c[i]);
      const want = bruteForceShapley(ft, x, 0);
      for (let f = 0; f < 4; f++) expect(e.values[i * 4 + f]).toBeCloseTo(want[f], 9);
    }
    // the colour and the circle drive it, the noise column hardly
    const meanAbs = (f: number) => { let s = 0; for (let i = 0; i < 200; i++) s += Math.abs(e.values[i * 4 + f]); return s / 200; };
    expect(meanAbs(3)).toBeLessThan(0.3 * Math.min(meanAbs(0), meanAbs(2)));
  });

  it('gradient boosting, several classes: softmax scores per class, the softmax of base + contributions is the prediction', async () => {
    const train = circle(600, 3, MULTI), test = features(circle(100, 4, MULTI));
    const m = await gbdtFamily.fit(train, MULTI, { ...gbdtFamily.defaults(MULTI, { nRows: 600, nFeatures: 4 }), nRounds: 15 }, { seed: 2 });
    const e = await explainRows(m, test, { groups: perFeature });
    expect(e.space).toBe('softmax_score');
    expect(e.nOutputs).toBe(3);
    const p = m.predict(test);
    for (let i = 0; i < 100; i++) {
      const o = e.output.subarray(i * 3, i * 3 + 3);
      const mx = Math.max(...o);
      const z = o.reduce((s, v) => s + Math.exp(v - mx), 0);
      for (let k = 0; k < 3; k++) expect(Math.exp(o[k] - mx) / z).toBeCloseTo(p[i * 3 + k], 10);
    }
  });

  it('gradient boosting for amounts: contributions in the target\'s units sum to the prediction', async () => {
    const train = circle(600, 5, REG), test = features(circle(100, 6, REG));
    const m = await gbdtFamily.fit(train, REG, { ...gbdtFamily.defaults(REG, { nRows: 600, nFeatures: 4 }), nRounds: 40, subsample: 0.7 }, { seed: 3 });
    const e = await explainRows(m, test, { groups: perFeature });
    expect(e.space).toBe('value');
    expect(maxSumError(e, m.predict(test))).toBeLessThan(1e-6);
    // each tree's expectation is over its own 70 % sample: near the average prediction on the training rows
    const p = m.predict(features(train));
    expect(Math.abs(e.base[0] - p.reduce((s, v) => s + v, 0) / p.length)).toBeLessThan(10);
  });

  for (const fam of [randomForestFamily, extraTreesFamily]) {
    it(`${fam.name}: class probabilities (several classes) and amounts sum exactly`, async () => {
      const train = circle(500, 7, MULTI), test = features(circle(80, 8, MULTI));
      const m = await fam.fit(train, MULTI, { ...fam.defaults(MULTI, { nRows: 500, nFeatures: 4 }), nTrees: 15 }, { seed: 4 });
      const e = await explainRows(m, test, { groups: perFeature });
      expect(e.space).toBe('probability');
      expect(maxSumError(e, m.predict(test))).toBeLessThan(1e-9);
      const trainR = circle(500, 9, REG);
      const mr = await fam.fit(trainR, REG, { ...fam.defaults(REG, { nRows: 500, nFeatures: 4 }), nTrees: 15 }, { seed: 4 });
      const er = await explainRows(mr, test, { groups: perFeature });
      expect(maxSumError(er, mr.predict(test))).toBeLessThan(1e-6);
    });
  }
});

describe('saved trees and their cover', () => {
  it('a saved and reloaded model keeps its cover and gives the same explanation', async () => {
    const train = circle(400, 10, BIN), test = features(circle(50, 11, BIN));
    const m = await gbdtFamily.fit(train, BIN, { ...gbdtFamily.defaults(BIN, { nRows: 400, nFeatures: 4 }), nRounds: 10 }, { seed: 1 });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const trees = json.trees as { cover: number[]; roots: number[] };
    expect(trees.cover.length).toBe((json.trees.feature as number[]).length);
    expect(trees.cover[trees.roots[0]]).toBe(400); // every training row reaches the root (no subsampling)
    const back = await gbdtFamily.fromJSON(json);
    const a = await explainRows(m, test, { groups: perFeature });
    const b = await explainRows(back, test, { groups: perFeature });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
  });

  it('a model saved without cover still loads and is explained by sampling against background rows', async () => {
    const train = circle(400, 12, BIN), test = features(circle(5, 13, BIN));
    const m = await randomForestFamily.fit(train, BIN, { ...randomForestFamily.defaults(BIN, { nRows: 400, nFeatures: 4 }), nTrees: 10 }, { seed: 1 });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    delete json.trees.cover;
    const old = await randomForestFamily.fromJSON(json);
    expect(Array.from(old.predict(test))).toEqual(Array.from(m.predict(test)));
    await expect(explainRows(old, test, { groups: perFeature })).rejects.toThrow(/example rows/);
    const e = await explainRows(old, test, { groups: perFeature, background: features(train), seed: 1 });
    expect(e.method).toBe('enumeration'); // four columns: every coalition fits the budget
    expect(maxSumError(e, explainedTruth(old, test, e.space))).toBeLessThan(1e-9);
  });

  it('a damaged cover is refused in one sentence', async () => {
    const train = circle(200, 14, BIN);
    const m = await gbdtFamily.fit(train, BIN, { ...gbdtFamily.defaults(BIN, { nRows: 200, nFeatures: 4 }), nRounds: 3 }, { seed: 1 });
    for (const bad of [(c: unknown[]) => c.slice(1), (c: unknown[]) => c.map((v, i) => (i === 0 ? -1 : v)), (c: unknown[]) => c.map((v, i) => (i === 1 ? null : v)), () => 'x']) {
      const json = JSON.parse(JSON.stringify(m.toJSON()));
      json.trees.cover = bad(json.trees.cover);
      await expect(gbdtFamily.fromJSON(json)).rejects.toThrow(/damaged/);
    }
  });
});

describe('linear models', () => {
  it('coefficient x (value - background mean), one-hot levels summed back: equals the exact background Shapley values', async () => {
    for (const task of [BIN, MULTI, REG]) {
      const train = circle(400, 20, task), test = features(circle(30, 21, task));
      const m = await linearFamily.fit(train, task, { ...linearFamily.defaults(task, { nRows: 400, nFeatures: 4 }), bins: task === REG ? 4 : undefined }, { seed: 0 });
      const bg = features(circle(60, 22, task));
      const e = await explainRows(m, test, { groups: perFeature, background: bg });
      expect(e.method).toBe('linear');
      const truth = task === MULTI ? null : explainedTruth(m, test, e.space);
      if (truth) expect(maxSumError(e, truth)).toBeLessThan(1e-8);
      // the same game solved by enumerating every coalition over the same background rows
      const ref = await explainRows(m, test, { groups: perFeature, background: bg, forceSampling: true, maxBackground: 60, budget: 1e6 });
      expect(ref.method).toBe('enumeration');
      if (task !== MULTI) for (let q = 0; q < e.values.length; q++) expect(e.values[q]).toBeCloseTo(ref.values[q], 8);
      else {
        const p = m.predict(test);
        for (let i = 0; i < 30; i++) {
          const o = e.output.subarray(i * 3, i * 3 + 3);
          const z = o.reduce((s, v) => s + Math.exp(v), 0);
          for (let k = 0; k < 3; k++) expect(Math.exp(o[k]) / z).toBeCloseTo(p[i * 3 + k], 9);
        }
      }
    }
  });

  it('needs background rows (the one-hot levels\' shares)', async () => {
    const train = circle(100, 23, BIN);
    const m = await linearFamily.fit(train, BIN, linearFamily.defaults(BIN, { nRows: 100, nFeatures: 4 }), { seed: 0 });
    await expect(explainRows(m, features(train), { groups: perFeature })).rejects.toThrow(/example rows/);
  });
});

describe('ensembles', () => {
  it('amounts: members\' exact values combined by the weights sum to the ensemble\'s prediction', async () => {
    const train = circle(400, 30, REG), test = features(circle(40, 31, REG));
    const g = await gbdtFamily.fit(train, REG, { ...gbdtFamily.defaults(REG, { nRows: 400, nFeatures: 4 }), nRounds: 20 }, { seed: 1 });
    const f = await randomForestFamily.fit(train, REG, { ...randomForestFamily.defaults(REG, { nRows: 400, nFeatures: 4 }), nTrees: 10 }, { seed: 1 });
    const ens = new EnsembleFitted(REG, [g, f], [0.7, 0.3], 'weighted');
    const e = await explainRows(ens, test, { groups: perFeature });
    expect(e.method).toBe('members_combined');
    expect(maxSumError(e, ens.predict(test))).toBeLessThan(1e-6);
  });

  it('two outcomes with a boosted member: in probability (what the ensemble averages), summing exactly', async () => {
    const train = circle(400, 32, BIN), test = features(circle(40, 33, BIN));
    const g = await gbdtFamily.fit(train, BIN, { ...gbdtFamily.defaults(BIN, { nRows: 400, nFeatures: 4 }), nRounds: 20 }, { seed: 1 });
    const f = await randomForestFamily.fit(train, BIN, { ...randomForestFamily.defaults(BIN, { nRows: 400, nFeatures: 4 }), nTrees: 10 }, { seed: 1 });
    const ens = new EnsembleFitted(BIN, [g, f], [0.5, 0.5], 'weighted');
    const e = await explainRows(ens, test, { groups: perFeature });
    expect(e.method).toBe('members_combined');
    expect(e.space).toBe('probability');
    expect(maxSumError(e, ens.predict(test))).toBeLessThan(1e-9);
    // one boosted member alone: its exact log-odds values, each row scaled by one positive factor
    const solo = await explainRows(new EnsembleFitted(BIN, [g], [1], 'weighted'), test, { groups: perFeature });
    const margin = await explainRows(g, test, { groups: perFeature });
    for (let i = 0; i < 40; i++) {
      const ratio = solo.values[i * 4] / margin.values[i * 4];
      expect(ratio).toBeGreaterThan(0);
      expect(ratio).toBeLessThanOrEqual(0.25);
      for (let j = 1; j < 4; j++) expect(solo.values[i * 4 + j]).toBeCloseTo(margin.values[i * 4 + j] * ratio, 12);
    }
    expect(maxSumError(solo, g.predict(test))).toBeLessThan(1e-9);
  });

  it('several classes with a boosted member: sampled in each class\'s log-odds, summing exactly', async () => {
    const train = circle(300, 34, MULTI), test = features(circle(4, 35, MULTI));
    const g = await gbdtFamily.fit(train, MULTI, { ...gbdtFamily.defaults(MULTI, { nRows: 300, nFeatures: 4 }), nRounds: 10 }, { seed: 1 });
    const f = await randomForestFamily.fit(train, MULTI, { ...randomForestFamily.defaults(MULTI, { nRows: 300, nFeatures: 4 }), nTrees: 10 }, { seed: 1 });
    const ens = new EnsembleFitted(MULTI, [g, f], [0.5, 0.5], 'weighted');
    const e = await explainRows(ens, test, { groups: perFeature, background: features(train), pairs: 6, seed: 3 });
    expect(e.method).toBe('sampling');
    expect(e.space).toBe('log_odds');
    expect(e.nOutputs).toBe(3);
    expect(maxSumError(e, explainedTruth(ens, test, 'log_odds'))).toBeLessThan(1e-9);
  });
});

describe('networks', () => {
  it('a network is explained against background rows (every coalition for four columns, or sampled), summing exactly', async () => {
    const train = circle(400, 40, BIN), test = features(circle(5, 41, BIN));
    const m = await mlpFamily.fit(train, BIN, { ...mlpFamily.defaults(BIN, { nRows: 400, nFeatures: 4 }), layers: [16], epochs: 8, patience: 8 }, { seed: 1 });
    try {
      const bg = features(circle(60, 42, BIN));
      const e = await explainRows(m, test, { groups: perFeature, background: bg });
      expect(e.method).toBe('enumeration');
      expect(e.space).toBe('log_odds');
      expect(maxSumError(e, explainedTruth(m, test, 'log_odds'))).toBeLessThan(1e-6);
      const s = await explainRows(m, test, { groups: perFeature, background: bg, pairs: 4, seed: 1 });
      expect(s.method).toBe('sampling');
      expect(maxSumError(s, explainedTruth(m, test, 'log_odds'))).toBeLessThan(1e-6);
    } finally {
      m.dispose?.();
    }
  });
});
