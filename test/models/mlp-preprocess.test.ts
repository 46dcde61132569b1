import { describe, expect, it } from 'vitest';
import { Preprocessor, normInv } from '../../electron/engine/models/mlp/preprocess.ts';
import type { Dataset } from '../../electron/engine/models/types.ts';

// What the network sees: numbers must arrive bounded and well spread whatever the user's column holds.

function ds(values: number[], cat?: number[]): Dataset {
  const features = [{ name: 'v', kind: 'numeric' as const }];
  const columns = [Float64Array.from(values)];
  if (cat) {
    features.push({ name: 'c', kind: 'categorical' as never, categories: ['a', 'b', 'c'] } as never);
    columns.push(Float64Array.from(cat));
  }
  return { features, nRows: values.length, columns };
}

describe('mlp preprocessing', () => {
  it('normInv is the inverse normal CDF', () => {
    expect(normInv(0.5)).toBeCloseTo(0, 9);
    expect(normInv(0.975)).toBeCloseTo(1.959964, 5);
    expect(normInv(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('quantile scaling spreads a heavy-tailed column evenly and bounds outliers', () => {
    // Incomes: mostly 20k-80k, a few millionaires.
    const v = Array.from({ length: 1000 }, (_, i) => (i % 100 === 0 ? 5e6 + i : 20_000 + ((i * 7919) % 60_000)));
    const p = Preprocessor.fit(ds(v), 'onehot', 'quantile');
    const x = p.transform(ds(v)).x;
    const sorted = Array.from(x).sort((a, b) => a - b);
    expect(Math.abs(sorted[500])).toBeLessThan(0.1); // median near 0
    expect(sorted[250]).toBeCloseTo(-0.674, 1); // quartiles where a normal has them
    expect(sorted[750]).toBeCloseTo(0.674, 1);
    // Standard scaling squeezes the bulk into a sliver next to the outliers.
    const s = Preprocessor.fit(ds(v), 'onehot', 'standard').transform(ds(v)).x;
    const sSorted = Array.from(s).sort((a, b) => a - b);
    expect(sSorted[750] - sSorted[250]).toBeLessThan(0.1);
    // Unseen extremes stay bounded; order is kept.
    const t = p.transform(ds([-1e300, 1e300, 50_000, 60_000, NaN, Infinity])).x;
    expect(t[0]).toBeGreaterThanOrEqual(-3.1);
    expect(t[1]).toBeLessThanOrEqual(3.1);
    expect(t[3]).toBeGreaterThan(t[2]);
    expect(t[5]).toBeLessThanOrEqual(3.1);
  });

  it('missing numbers become 0 plus an indicator column; categories get their own slot, unseen ones the missing slot', () => {
    const train = ds([1, 2, NaN, 4], [0, 1, 2, NaN]);
    for (const scaling of ['standard', 'quantile'] as const) {
      const p = Preprocessor.fit(train, 'onehot', scaling);
      // numeric + indicator, then a one-hot block of 3 levels + missing slot
      expect(p.spec.numericWidth).toBe(2 + 4);
      const { x } = p.transform(ds([NaN, 3], [7, 1]));
      expect(Array.from(x.subarray(0, 6))).toEqual([0, 1, 1, 0, 0, 0]); // NaN → 0, flag; code 7 unseen → missing slot
      expect(x[7]).toBe(0); // second row: not missing
      expect(Array.from(x.subarray(8, 12))).toEqual([0, 0, 1, 0]); // code 1 → slot 2
    }
    const e = Preprocessor.fit(train, 'embedding');
    const { cats } = e.transform(ds([0, 0], [2, -1]));
    expect(Array.from(cats!)).toEqual([3, 0]);
  });
});
