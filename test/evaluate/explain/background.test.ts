import { describe, expect, it } from 'vitest';
import { backgroundFromJSON, backgroundToJSON } from '../../../electron/engine/evaluate/explain/background.ts';
import type { Dataset } from '../../../electron/engine/models/types.ts';

const features = [{ name: 'a', kind: 'numeric' as const }, { name: 'c', kind: 'categorical' as const, categories: ['x', 'y'] }];
const train: Dataset = {
  features, nRows: 500,
  columns: [Float64Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? NaN : i)), Float64Array.from({ length: 500 }, (_, i) => i % 2)],
};

describe('background rows kept with a model', () => {
  it('keeps a seeded sample of the training rows through JSON, gaps included', () => {
    const json = JSON.parse(JSON.stringify(backgroundToJSON(train, 3, 50)));
    const bg = backgroundFromJSON(json, features);
    expect(bg.nRows).toBe(50);
    expect(bg.columns[0].some((v) => Number.isNaN(v))).toBe(true);
    for (let i = 0; i < 50; i++) {
      const a = bg.columns[0][i];
      if (a === a) expect(bg.columns[1][i]).toBe(a % 2); // rows stay whole
    }
    expect(backgroundToJSON(train, 3, 50)).toEqual(backgroundToJSON(train, 3, 50));
  });

  it('refuses a damaged file', () => {
    const good = backgroundToJSON(train, 1, 10);
    for (const bad of [null, { ...good, kind: 'x' }, { ...good, columns: good.columns.slice(1) }, { ...good, columns: [good.columns[0], good.columns[1].slice(1)] },
      { ...good, columns: [good.columns[0].map(() => 'x'), good.columns[1]] }]) {
      expect(() => backgroundFromJSON(bad, features)).toThrow(/damaged/);
    }
  });
});
