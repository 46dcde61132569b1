import { describe, expect, it } from 'vitest';
import { mulberry32 as rand } from '../../electron/engine/util/random.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { extraTreesFamily, type ForestParams, randomForestFamily } from '../../electron/engine/models/forest/index.ts';
import type { Dataset, FeatureSpec, ModelFamily, TaskInfo } from '../../electron/engine/models/types.ts';
import { isCancelled } from '../../electron/engine/util/errors.ts';

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const MULTI: TaskInfo = { task: 'multiclass', nClasses: 3 };
const REG: TaskInfo = { task: 'regression', nClasses: 1 };

const num = (name: string): FeatureSpec => ({ name, kind: 'numeric' });
const colour: FeatureSpec = { name: 'colour', kind: 'categorical', categories: ['red', 'green', 'blue', 'grey'] };

/** Circle inside a square (no axis-aligned shortcut), a colour that matters, a noise column, some gaps. */
function circle(n: number, seed: number, task: TaskInfo): Dataset {
  const r = rand(seed);
  const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n), z = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = r() * 2 - 1; b[i] = r() * 2 - 1; c[i] = i % 13 === 0 ? NaN : Math.floor(r() * 4); z[i] = r();
    const rad = a[i] * a[i] + b[i] * b[i];
    if (task.task === 'binary') y[i] = rad < 0.5 !== (c[i] === 2) ? 1 : 0;
    else if (task.task === 'multiclass') y[i] = rad < 0.3 ? 0 : rad < 0.8 ? 1 : 2;
    else y[i] = 10 * rad + (c[i] === 1 ? 5 : 0) + (r() - 0.5) * 0.2;
  }
  return { features: [num('a'), num('b'), colour, num('noise')], nRows: n, columns: [a, b, c, z], y };
}

const families: [string, ModelFamily<ForestParams>][] = [['random_forest', randomForestFamily], ['extra_trees', extraTreesFamily]];

for (const [name, fam] of families) {
  const p = (task: TaskInfo, over: Partial<ForestParams> = {}): ForestParams => ({ ...fam.defaults(task, { nRows: 1, nFeatures: 4 }), nTrees: 20, ...over });

  describe(name, () => {
    it('binary: learns a non-linear boundary and a categorical effect', async () => {
      const train = circle(1000, 1, BIN), test = circle(600, 2, BIN);
      const m = await fam.fit(train, BIN, p(BIN), { seed: 0 });
      const pred = m.predict(test);
      for (const v of pred) expect(v >= 0 && v <= 1).toBe(true);
      expect(computeMetric('roc_auc', BIN, test.y!, pred)).toBeGreaterThan(0.9);
      const imp = m.featureImportance!();
      expect(imp[3]).toBeLessThan(Math.min(imp[0], imp[1], imp[2]));
    });

    it('multiclass: probabilities sum to 1', async () => {
      const train = circle(600, 3, MULTI);
      const m = await fam.fit(train, MULTI, p(MULTI), { seed: 0 });
      const pred = m.predict(train);
      expect(pred.length).toBe(600 * 3);
      for (let i = 0; i < 600; i++) expect(pred[3 * i] + pred[3 * i + 1] + pred[3 * i + 2]).toBeCloseTo(1, 10);
      expect(computeMetric('accuracy', MULTI, train.y!, pred)).toBeGreaterThan(0.9);
    });

    it('regression: averages leaf means to a good fit', async () => {
      const train = circle(1000, 5, REG), test = circle(500, 6, REG);
      const m = await fam.fit(train, REG, p(REG), { seed: 0 });
      expect(computeMetric('r2', REG, test.y!, m.predict(test))).toBeGreaterThan(0.9);
    });

    it('is deterministic for a seed and differs across seeds', async () => {
      // compared on new rows: fully grown trees reproduce their own training rows whatever the seed
      const train = circle(400, 7, BIN), test = circle(200, 8, BIN);
      const a = (await fam.fit(train, BIN, p(BIN, { nTrees: 10 }), { seed: 1 })).predict(test);
      const b = (await fam.fit(train, BIN, p(BIN, { nTrees: 10 }), { seed: 1 })).predict(test);
      const c = (await fam.fit(train, BIN, p(BIN, { nTrees: 10 }), { seed: 2 })).predict(test);
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(c)).not.toEqual(Array.from(a));
    });

    it('JSON round trip predicts identically', async () => {
      for (const task of [BIN, MULTI, REG]) {
        const train = circle(300, 9, task);
        const m = await fam.fit(train, task, p(task, { nTrees: 8 }), { seed: 0 });
        const back = await fam.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
        expect(back.family).toBe(name);
        expect(Array.from(back.predict(train))).toEqual(Array.from(m.predict(train)));
      }
    });

    it('stops with CancelledError when the signal fires during training', async () => {
      const train = circle(2000, 11, BIN);
      const ctrl = new AbortController();
      let err: unknown;
      try {
        await fam.fit(train, BIN, p(BIN, { nTrees: 5000 }), { seed: 0, signal: ctrl.signal, onProgress: () => setTimeout(() => ctrl.abort(), 0) });
      } catch (e) {
        err = e;
      }
      expect(isCancelled(err)).toBe(true);
    });
  });
}
