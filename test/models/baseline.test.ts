import { describe, expect, it } from 'vitest';
import { baselineFamily } from '../../electron/engine/models/baseline/index.ts';
import { TASKS } from '../../electron/engine/models/conformance.ts';
import type { Dataset } from '../../electron/engine/models/types.ts';

const data = (y: number[], weights?: number[]): Dataset => ({
  features: [{ name: 'x', kind: 'numeric' }],
  nRows: y.length,
  columns: [Float64Array.from(y, (_, i) => i)],
  y: Float64Array.from(y),
  weights: weights ? Float64Array.from(weights) : undefined,
});

describe('baseline family', () => {
  it('binary: predicts the training share of class 1 for every row', async () => {
    const fitted = await baselineFamily.fit(data([0, 1, 1, 0, 1]), TASKS.binary, {}, { seed: 0 });
    expect(Array.from(fitted.predict(data([0, 0])))).toEqual([0.6, 0.6]);
  });

  it('multiclass: predicts the class frequencies, including classes never seen (probability 0)', async () => {
    const fitted = await baselineFamily.fit(data([0, 0, 2, 0]), TASKS.multiclass, {}, { seed: 0 });
    expect(Array.from(fitted.predict(data([1])))).toEqual([0.75, 0, 0.25]);
  });

  it('regression: predicts the training mean, honouring row weights', async () => {
    const plain = await baselineFamily.fit(data([1, 2, 6]), TASKS.regression, {}, { seed: 0 });
    expect(plain.predict(data([0]))[0]).toBeCloseTo(3, 12);
    const weighted = await baselineFamily.fit(data([1, 2, 6], [1, 1, 2]), TASKS.regression, {}, { seed: 0 });
    expect(weighted.predict(data([0]))[0]).toBeCloseTo(15 / 4, 12);
  });

  it('works with a single training row', async () => {
    const fitted = await baselineFamily.fit(data([7.5]), TASKS.regression, {}, { seed: 0 });
    expect(fitted.predict(data([0, 0, 0])).every((v) => v === 7.5)).toBe(true);
  });

  it('a huge target does not overflow the mean', async () => {
    const fitted = await baselineFamily.fit(data([1e308, 1e308]), TASKS.regression, {}, { seed: 0 });
    expect(fitted.predict(data([0]))[0]).toBeCloseTo(1e308, -300);
  });
});
