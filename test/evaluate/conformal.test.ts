import { describe, expect, it } from 'vitest';
import { conformalQuantile, fitConformal, fitIntervalRecipe, fitSetRecipe, measureRecipe } from '../../electron/engine/evaluate/conformal.ts';
import { applyInterval, applySet, conformalFromJSON } from '../../electron/engine/evaluate/conformal-recipe.ts';
import { scoredRows } from '../../electron/engine/evaluate/rows.ts';
import type { TaskInfo } from '../../electron/engine/models/types.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { gaussian, mulberry32 } from '../../electron/engine/util/random.ts';

const reg: TaskInfo = { task: 'regression', nClasses: 1 };

/** Amounts whose misses grow with the prediction when `hetero` (prices), or stay the same size. */
function amounts(n: number, seed: number, hetero: boolean) {
  const rnd = mulberry32(seed);
  const y = new Float64Array(n), pred = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = 50 + 450 * rnd();
    pred[i] = p;
    y[i] = p + gaussian(rnd) * (hetero ? 0.15 * p : 30);
  }
  return { y, pred };
}

function kfold(n: number, k = 5) {
  return {
    kind: 'kfold' as const,
    folds: Array.from({ length: k }, (_, f) => ({
      valid: Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % k === f),
      train: Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % k !== f),
    })),
  };
}

describe('the conformal quantile', () => {
  it('is the ⌈(n+1)·coverage⌉-th smallest score, endless with too few rows', () => {
    const s = Float64Array.from([5, 1, 4, 2, 3, 9, 8, 7, 6, 10]);
    expect(conformalQuantile(s, 0.9)).toBe(10); // ⌈11·0.9⌉ = 10
    expect(conformalQuantile(s, 0.8)).toBe(9); // ⌈8.8⌉ = 9
    expect(conformalQuantile(s.slice(0, 5), 0.9)).toBe(Infinity);
  });
});

describe('ranges for amounts', () => {
  it('cover 90 % of new rows, for either method', () => {
    for (const hetero of [false, true]) {
      const fit = amounts(3000, 1, hetero), fresh = amounts(20000, 2, hetero);
      for (const method of ['absolute', 'scaled'] as const) {
        const r = fitIntervalRecipe(fit.pred, fit.y, 0.9, method)!;
        const m = measureRecipe(r, fresh.pred, fresh.y);
        expect(m.coverage, `${method} hetero=${hetero}`).toBeGreaterThan(0.88);
        expect(m.coverage, `${method} hetero=${hetero}`).toBeLessThan(0.92);
      }
    }
  });

  it('are scaled only where that is measured to be tighter at the same coverage', () => {
    const hetero = amounts(3000, 3, true);
    const a = fitConformal(scoredRows({ taskInfo: reg, y: hetero.y, pred: hetero.pred, plan: kfold(3000) }), 0.9)!;
    expect(a.recipe.method).toBe('scaled');
    expect(a.tried![0].mean_width).toBeLessThan(a.tried![1].mean_width * 0.97);
    expect(a.observed_coverage).toBeGreaterThan(0.88);
    const flat = amounts(3000, 4, false);
    const b = fitConformal(scoredRows({ taskInfo: reg, y: flat.y, pred: flat.pred, plan: kfold(3000) }), 0.9)!;
    expect(b.recipe.method).toBe('absolute');
    // and the scaled recipe really is wider where the model is less sure
    const { lo, hi } = applyInterval(a.recipe, Float64Array.from([100, 400]));
    expect(hi[1] - lo[1]).toBeGreaterThan(2 * (hi[0] - lo[0]));
  });

  it('uses five seeded parts when the plan is a single holdout', () => {
    const d = amounts(1000, 5, false);
    const holdout = { kind: 'holdout' as const, folds: [{ train: new Int32Array(0), valid: Int32Array.from({ length: 1000 }, (_, i) => i) }] };
    const a = fitConformal(scoredRows({ taskInfo: reg, y: d.y, pred: d.pred, plan: holdout }), 0.9, 7)!;
    expect(a.observed_coverage).toBeGreaterThan(0.86);
    expect(a.observed_coverage).toBeLessThan(0.94);
  });
});

describe('sets of answers for categories', () => {
  it('cover 90 % of new rows and are never empty', () => {
    const k = 4;
    const make = (n: number, seed: number) => {
      const rnd = mulberry32(seed);
      const y = new Float64Array(n), pred = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        const z = Array.from({ length: k }, () => 1.2 * gaussian(rnd));
        const e = z.map(Math.exp), s = e.reduce((a, b) => a + b, 0);
        let u = rnd() * s, c = 0;
        while (c < k - 1 && u >= e[c]) { u -= e[c]; c++; }
        y[i] = c;
        e.forEach((v, cc) => (pred[i * k + cc] = v / s));
      }
      return { y, pred };
    };
    const fit = make(3000, 1), fresh = make(20000, 2);
    const r = fitSetRecipe(fit.pred, fit.y, k, 0.9)!;
    const m = measureRecipe(r, fresh.pred, fresh.y);
    expect(m.coverage).toBeGreaterThan(0.88);
    expect(m.coverage).toBeLessThan(0.93);
    const sets = applySet(r, fresh.pred);
    for (let i = 0; i < 20000; i++) expect(sets[i * k] + sets[i * k + 1] + sets[i * k + 2] + sets[i * k + 3]).toBeGreaterThan(0);
  });

  it('for two outcomes read P(second) and include the likelier one', () => {
    const r = { kind: 'set' as const, formatVersion: 1 as const, coverage: 0.9, method: 'lac' as const, threshold: 0.3, classes: 2 };
    // p=0.9: only "yes"; p=0.5: both; p=0.1: only "no"
    expect(Array.from(applySet(r, Float64Array.from([0.9, 0.5, 0.1])))).toEqual([0, 1, 1, 1, 1, 0]);
  });
});

describe('recipes as saved with a model', () => {
  it('round-trip as plain JSON', () => {
    const d = amounts(500, 9, true);
    for (const method of ['absolute', 'scaled'] as const) {
      const r = fitIntervalRecipe(d.pred, d.y, 0.9, method)!;
      const back = conformalFromJSON(JSON.parse(JSON.stringify(r)));
      expect(back).toEqual(r);
    }
  });

  it('refuse anything else in one sentence', () => {
    const bad: unknown[] = [
      null, { kind: 'interval', formatVersion: 1, coverage: 0.9, method: 'absolute', q: -1 },
      { kind: 'interval', formatVersion: 1, coverage: 1.5, method: 'absolute', q: 1 },
      { kind: 'interval', formatVersion: 1, coverage: 0.9, method: 'absolute', q: 1, code: 'x' },
      { kind: 'interval', formatVersion: 1, coverage: 0.9, method: 'scaled', q: 1, x: [2, 1], s: [1, 1] },
      { kind: 'interval', formatVersion: 1, coverage: 0.9, method: 'scaled', q: 1, x: [1, 2], s: [1, 0] },
      { kind: 'set', formatVersion: 1, coverage: 0.9, method: 'lac', threshold: 2, classes: 3 },
      { kind: 'set', formatVersion: 1, coverage: 0.9, method: 'aps', threshold: 0.2, classes: 3 },
    ];
    for (const b of bad) expect(() => conformalFromJSON(b), JSON.stringify(b)).toThrow(UserError);
  });
});
