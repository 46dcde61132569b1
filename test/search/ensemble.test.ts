import { describe, expect, it } from 'vitest';
import { caruanaSelect, EnsembleFitted, ensembleFromJSON } from '../../electron/engine/search/ensemble.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { Rng } from '../../electron/engine/search/rng.ts';
import type { Dataset, Fitted, FittedJSON, ModelFamily, TaskInfo } from '../../electron/engine/models/types.ts';

const task: TaskInfo = { task: 'binary', nClasses: 2 };

describe('Caruana ensemble selection', () => {
  it('beats or equals the best member on validation, and mixes complementary models', () => {
    const rng = new Rng(3);
    const n = 400;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = rng.next() < 0.4 ? 1 : 0;
    // Two models each see a different half of the signal plus noise; a third is pure noise.
    const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = y[i] - 0.5;
      a[i] = 1 / (1 + Math.exp(-(s * (i % 2 ? 3 : 0.2) + rng.normal())));
      b[i] = 1 / (1 + Math.exp(-(s * (i % 2 ? 0.2 : 3) + rng.normal())));
      c[i] = rng.next();
    }
    const auc = (p: Float64Array) => computeMetric('roc_auc', task, y, p);
    const sel = caruanaSelect([a, b, c], auc, false);
    expect(sel.score).toBeGreaterThanOrEqual(sel.bestSingle);
    expect(sel.score).toBeGreaterThan(Math.max(auc(a), auc(b)) + 0.02);
    expect(sel.weights[0]).toBeGreaterThan(0);
    expect(sel.weights[1]).toBeGreaterThan(0);
    expect(sel.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 10);
    // Out of time before the first round: the best single model, and still a valid selection.
    const late = caruanaSelect([a, b, c], auc, false, 40, performance.now() - 1);
    expect(late.weights).toEqual(late.weights.map((_, i) => (i === late.bestIndex ? 1 : 0)));
    expect(late.score).toBe(late.bestSingle);
  });

  it('with one useful model it keeps that model alone (lower-is-better metric)', () => {
    const y = Float64Array.from([1, 2, 3, 4]);
    const good = Float64Array.from([1, 2, 3, 4]);
    const bad = Float64Array.from([4, 3, 2, 1]);
    const rmse = (p: Float64Array) => computeMetric('rmse', { task: 'regression', nClasses: 1 }, y, p);
    const sel = caruanaSelect([bad, good], rmse, true);
    expect(sel.bestIndex).toBe(1);
    expect(sel.weights).toEqual([0, 1]);
    expect(sel.score).toBe(0);
  });

  it('the ensemble is a Fitted that predicts the weighted average and round-trips through JSON', async () => {
    const constant = (v: number): Fitted => ({
      family: 'const', taskInfo: task,
      predict: (d: Dataset) => new Float64Array(d.nRows).fill(v),
      toJSON: () => ({ family: 'const', formatVersion: 1, v }),
    });
    const fam: ModelFamily = {
      name: 'const', displayName: 'Constant', defaults: () => ({}),
      fit: async () => constant(0),
      fromJSON: async (j: FittedJSON) => constant(j.v as number),
    };
    const ens = new EnsembleFitted(task, [constant(0.2), new EnsembleFitted(task, [constant(1), constant(0)], [0.5, 0.5], 'bag')], [0.75, 0.25], 'weighted');
    const data: Dataset = { features: [], nRows: 2, columns: [] };
    expect(Array.from(ens.predict(data))).toEqual([0.275, 0.275]);
    const back = await ensembleFromJSON(JSON.parse(JSON.stringify(ens.toJSON())), () => fam);
    expect(Array.from(back.predict(data))).toEqual([0.275, 0.275]);
    await expect(ensembleFromJSON({ family: 'ensemble', formatVersion: 9 }, () => fam)).rejects.toThrow(/damaged/);
  });
});
