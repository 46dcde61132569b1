import { describe, expect, it } from 'vitest';
import { groupsOf } from '../../../electron/engine/evaluate/explain/columns.ts';
import { explainRows, sampledOutput } from '../../../electron/engine/evaluate/explain/explainer.ts';
import { samplingShap } from '../../../electron/engine/evaluate/explain/sampling.ts';
import { gbdtFamily } from '../../../electron/engine/models/gbdt/index.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../../../electron/engine/models/types.ts';
import { mulberry32 } from '../../../electron/engine/util/random.ts';

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const num = (name: string): FeatureSpec => ({ name, kind: 'numeric' });

/** Eight features in six columns (two two-part columns), interactions and a gap now and then. */
function data(n: number, seed: number): Dataset {
  const r = mulberry32(seed);
  const cols = Array.from({ length: 8 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = r() < 0.03 ? NaN : r() * 2 - 1;
    const v = (f: number) => cols[f][i] || 0;
    const s = 2 * v(0) * v(1) + Math.sin(3 * v(2)) + v(3) + 0.5 * v(4) - v(6) * v(7);
    y[i] = r() < 1 / (1 + Math.exp(-2 * s)) ? 1 : 0;
  }
  return { features: cols.map((_, f) => num(`x${f}`)), nRows: n, columns: cols, y };
}
const groups = groupsOf(['p', 'p', 'q', 'r', 's', 't', 'u', 'u']);
const x = (d: Dataset): Dataset => ({ features: d.features, nRows: d.nRows, columns: d.columns });

describe('sampled Shapley values', () => {
  it('permutation estimates approach the exact (enumerated) values on the same background, and sum exactly', async () => {
    const train = data(1500, 1), test = x(data(6, 2));
    const m = await gbdtFamily.fit(train, BIN, { ...gbdtFamily.defaults(BIN, { nRows: 1500, nFeatures: 8 }), nRounds: 60 }, { seed: 1 });
    const bg = x(train);
    const exact = await explainRows(m, test, { groups, background: bg, forceSampling: true, maxBackground: 80, budget: 1e6, seed: 5 });
    expect(exact.method).toBe('enumeration');
    const sampled = await explainRows(m, test, { groups, background: bg, forceSampling: true, maxBackground: 80, pairs: 24, seed: 5 });
    expect(sampled.method).toBe('sampling');
    expect(Array.from(sampled.base)).toEqual(Array.from(exact.base)); // same background rows
    let worst = 0, scale = 0, within = 0;
    for (let q = 0; q < exact.values.length; q++) {
      const err = Math.abs(sampled.values[q] - exact.values[q]);
      worst = Math.max(worst, err);
      scale = Math.max(scale, Math.abs(exact.values[q]));
      if (err <= 3 * sampled.stderr![q] + 1e-12) within++;
    }
    expect(worst).toBeLessThan(0.1 * scale);
    expect(within / exact.values.length).toBeGreaterThan(0.9); // the standard errors are honest
    for (let i = 0; i < 6; i++) {
      let s = sampled.base[0], t = exact.base[0];
      for (let j = 0; j < 6; j++) { s += sampled.values[i * 6 + j]; t += exact.values[i * 6 + j]; }
      expect(s).toBeCloseTo(t, 9); // both sum to the row's log-odds
    }
  });

  it('is seeded: the same seed gives the same values, another seed close ones', async () => {
    const train = data(600, 3), test = x(data(3, 4));
    const m = await gbdtFamily.fit(train, BIN, { ...gbdtFamily.defaults(BIN, { nRows: 600, nFeatures: 8 }), nRounds: 20 }, { seed: 1 });
    const { fn } = sampledOutput(m);
    const opts = { background: x(train), groups, pairs: 8, seed: 9 };
    const a = await samplingShap(fn, 1, test, opts);
    const b = await samplingShap(fn, 1, test, opts);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    const c = await samplingShap(fn, 1, test, { ...opts, seed: 10 });
    expect(Array.from(c.values)).not.toEqual(Array.from(a.values));
  });

  it('refuses groups that leave a feature out (the sum would no longer reach the row)', async () => {
    const test = x(data(2, 5));
    await expect(samplingShap(() => new Float64Array(0), 1, test, { background: test, groups: groupsOf(['a', 'b']) })).rejects.toThrow(/exactly once/);
  });
});
