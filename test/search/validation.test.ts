import { describe, expect, it } from 'vitest';
import { balancedWeights, kfoldRowLimit, planValidation } from '../../electron/engine/search/validation.ts';

const binary = { task: 'binary' as const, nClasses: 2 };

describe('validation plan', () => {
  it('k-fold up to ~1,000 rows per budget second, fewer with many classes (a boosted tree per class each round)', () => {
    expect(kfoldRowLimit(60, binary)).toBe(60_000);
    expect(kfoldRowLimit(60, { task: 'regression', nClasses: 1 })).toBe(60_000);
    expect(kfoldRowLimit(60, { task: 'multiclass', nClasses: 3 })).toBe(40_000);
    // 16,000 rows of 26 letters: a holdout, so boosted trials finish within a minute
    expect(kfoldRowLimit(60, { task: 'multiclass', nClasses: 26 })).toBeLessThan(16_000 * 0.8);
    expect(kfoldRowLimit(300, binary)).toBe(100_000); // large budgets still cap k-fold at 100,000 rows
  });

  it('small data: stratified k-fold whose folds are disjoint and cover every row once', () => {
    const y = Float64Array.from({ length: 103 }, (_, i) => (i % 10 === 0 ? 1 : 0)); // 11 positives
    const plan = planValidation(y, binary, 1);
    expect(plan.kind).toBe('kfold');
    expect(plan.folds).toHaveLength(5);
    const seen = new Uint8Array(y.length);
    for (const f of plan.folds) {
      for (const r of f.valid) seen[r]++;
      expect(new Set([...f.train, ...f.valid]).size).toBe(y.length);
      const pos = [...f.valid].filter((r) => y[r] === 1).length;
      expect(pos === 2 || pos === 3).toBe(true); // 11 positives spread evenly
    }
    expect([...seen].every((c) => c === 1)).toBe(true);
    expect(plan.validRows).toHaveLength(y.length);
  });

  it('large data: one stratified holdout, never overlapping the training rows', () => {
    const n = 5000;
    const y = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const plan = planValidation(y, binary, 2, { kfoldMaxRows: 1000 });
    expect(plan.kind).toBe('holdout');
    const [f] = plan.folds;
    expect(f.valid.length).toBe(1000);
    const train = new Set(f.train);
    expect([...f.valid].some((r) => train.has(r))).toBe(false);
    expect([...f.valid].filter((r) => y[r] === 1).length).toBe(250);
    expect(plan.description).toMatch(/20% holdout/);
  });

  it('regression folds are balanced over the target range, and the plan depends only on the seed', () => {
    const y = Float64Array.from({ length: 200 }, (_, i) => i * i);
    const a = planValidation(y, { task: 'regression', nClasses: 1 }, 7);
    for (const f of a.folds) {
      const big = [...f.valid].filter((r) => r >= 100).length;
      expect(big).toBe(20);
    }
    expect(planValidation(y, { task: 'regression', nClasses: 1 }, 7).folds[0].valid).toEqual(a.folds[0].valid);
  });

  it('balanced weights give each class the same total weight', () => {
    const y = Float64Array.from([0, 0, 0, 1]);
    const w = balancedWeights(y, 2);
    expect(w[0] * 3).toBeCloseTo(w[3], 10);
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(4, 10);
  });
});
