import { describe, expect, it } from 'vitest';
import { TreeShap, conditionalExpectation } from '../../../electron/engine/evaluate/explain/tree-shap.ts';
import { addTreeOutputs } from '../../../electron/engine/models/trees/flat.ts';
import { mulberry32 } from '../../../electron/engine/util/random.ts';
import { bruteForceShapley, randomRow, randomTrees } from './helpers.ts';

const rawOutput = (ft: ReturnType<typeof randomTrees>, x: Float64Array, K: number): Float64Array => {
  const out = new Float64Array(K);
  addTreeOutputs(ft, Array.from(x, (v) => Float64Array.of(v)), 1, out, K);
  return out;
};

describe('path-dependent TreeSHAP', () => {
  it('equals brute-force Shapley values of E[f(x) | x_S] on small random trees (repeated features, categories, missing values)', () => {
    const cats = [2];
    let checked = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const ft = randomTrees({ nTrees: 3, depth: 5, nFeatures: 5, catFeatures: cats, seed });
      const shap = new TreeShap(ft);
      const r = mulberry32(seed * 7);
      for (let row = 0; row < 6; row++) {
        const x = randomRow(5, cats, r);
        const phi = new Float64Array(5);
        shap.explainRow(x, phi);
        const want = bruteForceShapley(ft, x, 0);
        for (let f = 0; f < 5; f++) expect(phi[f]).toBeCloseTo(want[f], 10);
        checked++;
      }
    }
    expect(checked).toBe(72);
  });

  it('contributions sum to the trees\' output minus the expected value, for every row and output', () => {
    const cats = [0, 3];
    const ft = randomTrees({ nTrees: 40, depth: 7, nFeatures: 6, catFeatures: cats, nOut: 1, outputs: 3, seed: 99, leafProb: 0.05 });
    const shap = new TreeShap(ft);
    expect(shap.nOutputs).toBe(3);
    const r = mulberry32(5);
    let worst = 0;
    for (let row = 0; row < 200; row++) {
      const x = randomRow(6, cats, r);
      const phi = new Float64Array(6 * 3);
      shap.explainRow(x, phi);
      const raw = rawOutput(ft, x, 3);
      for (let k = 0; k < 3; k++) {
        let s = shap.expected[k];
        for (let f = 0; f < 6; f++) s += phi[f * 3 + k];
        worst = Math.max(worst, Math.abs(s - raw[k]));
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('explains multi-output leaves (a forest\'s class frequencies) per output', () => {
    const ft = randomTrees({ nTrees: 4, depth: 4, nFeatures: 4, nOut: 3, seed: 3 });
    const shap = new TreeShap(ft);
    const r = mulberry32(11);
    for (let row = 0; row < 5; row++) {
      const x = randomRow(4, [], r);
      const phi = new Float64Array(4 * 3);
      shap.explainRow(x, phi);
      for (let k = 0; k < 3; k++) {
        const want = bruteForceShapley(ft, x, k);
        for (let f = 0; f < 4; f++) expect(phi[f * 3 + k]).toBeCloseTo(want[f], 10);
      }
    }
  });

  it('the expected value is the cover-weighted mean leaf value, and a feature no tree uses gets nothing', () => {
    const ft = randomTrees({ nTrees: 2, depth: 3, nFeatures: 3, seed: 4 });
    const shap = new TreeShap(ft);
    const none = conditionalExpectation(ft, new Float64Array(3), () => false, 0);
    expect(shap.expected[0]).toBeCloseTo(none, 12);
    // a fourth feature the trees never split on
    const phi = new Float64Array(4);
    const wide = { ...ft, featureBins: Int32Array.of(256, 256, 256, 256), featureIsCat: new Uint8Array(4) };
    new TreeShap(wide).explainRow(Float64Array.of(0.1, -0.4, 0.7, 5), phi);
    expect(phi[3]).toBe(0);
  });

  it('refuses trees without node cover (models saved before it was kept)', () => {
    const ft = randomTrees({ nTrees: 1, depth: 2, nFeatures: 2, seed: 1 });
    delete ft.cover;
    expect(() => new TreeShap(ft)).toThrow(/cover/);
  });
});
