// Reference statistics: what they keep, that they stay small, that the sample is seeded and keeps rows
// whole, and that a saved copy is read back exactly or refused in one sentence.
import { describe, expect, it } from 'vitest';
import { buildReference, presentSorted, referenceToJSON, sampleRowIndices, SKETCH_POINTS } from '../../electron/engine/monitor/reference.ts';
import { referenceFromJSON } from '../../electron/engine/monitor/reference-json.ts';
import { normedWasserstein } from '../../electron/engine/monitor/stattests.ts';
import type { NumericStats } from '../../electron/engine/monitor/reference.ts';
import { coded, datasetSplit, num, table } from './helpers.ts';

const n = 3000;
const t = table(
  num('age', Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : 18 + (i % 60)))),
  num('kids', Array.from({ length: n }, (_, i) => i % 3)),
  coded('plan', Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : ['basic', 'plus', 'pro'][i % 3]))),
  coded('member', Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 'No' : 'Yes')), 'boolean', ['No', 'Yes']),
  coded('note', Array.from({ length: n }, (_, i) => (i % 5 === 0 ? `called on day ${i}` : null)), 'text'),
  num('joined', Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000), 'date'),
  coded('__proto__', Array.from({ length: n }, (_, i) => `v${i % 150}`)),
  coded('churned', Array.from({ length: n }, (_, i) => (i % 4 === 1 ? 'yes' : 'no'))),
);

describe('buildReference', () => {
  const ref = buildReference(t, { target: 'churned', ignore: ['note'], seed: 3 });

  it('describes each column by kind, with roles, counts and a shared row sample', () => {
    const age = ref.columns[0] as NumericStats;
    expect(age).toMatchObject({ kind: 'numeric', role: 'feature', missing: Math.ceil(n / 7), min: 18, max: 77 });
    expect(age.quantiles).toHaveLength(21);
    expect(age.quantiles[0]).toBe(18);
    expect(age.quantiles[20]).toBe(77);
    expect(age.sketch).toHaveLength(SKETCH_POINTS);
    expect(age.bins.counts.reduce((a, b) => a + b, 0)).toBe(n - age.missing);
    expect((ref.columns[1] as NumericStats).distinct).toEqual({ values: [0, 1, 2], counts: [1000, 1000, 1000] });
    expect(ref.columns[2]).toMatchObject({ kind: 'categorical', levels: ['basic', 'plus', 'pro'], missing: 300 });
    expect(ref.columns[3]).toMatchObject({ kind: 'categorical', levels: ['Yes', 'No'], counts: [2250, 750] });
    expect(ref.columns[4]).toMatchObject({ kind: 'filled', role: 'ignored', missing: 2400 });
    expect(ref.columns[5]).toMatchObject({ kind: 'numeric', type: 'date' });
    const many = ref.columns[6];
    expect(many.kind === 'categorical' && [many.levels.length, many.otherLevels, many.rest?.length]).toEqual([100, 50, 50]);
    expect(ref.columns[7].role).toBe('target');
    expect(ref.sampleRows).toBe(1000);
    // the same rows in every column: row i has age 18 + i % 60 and kids i % 3, so kids = (age - 18) % 3
    const kids = ref.columns[1] as NumericStats;
    let checked = 0;
    age.sample.forEach((a, j) => {
      if (a === null) return;
      expect(kids.sample[j]).toBe((a - 18) % 3);
      checked++;
    });
    expect(checked).toBeGreaterThan(800);
  });

  it('the sample is seeded, distinct and sorted', () => {
    const a = sampleRowIndices(10_000, 1000, 7);
    expect(Array.from(a)).toEqual(Array.from(sampleRowIndices(10_000, 1000, 7)));
    expect(Array.from(a)).not.toEqual(Array.from(sampleRowIndices(10_000, 1000, 8)));
    expect(new Set(a).size).toBe(1000);
    expect(a.every((v, i) => i === 0 || v > a[i - 1])).toBe(true);
    expect(Array.from(sampleRowIndices(5, 10, 1))).toEqual([0, 1, 2, 3, 4]);
  });

  it('round-trips through JSON exactly, a "__proto__" column included', () => {
    const back = referenceFromJSON(referenceToJSON(ref));
    expect(back).toEqual(ref);
    expect(back.columns.map((c) => c.name)).toContain('__proto__');
  });

  it('refuses damaged or hand-edited copies with one sentence', () => {
    const j = () => JSON.parse(referenceToJSON(ref));
    const edits: ((x: any) => void)[] = [
      (x) => (x.kind = 'something'),
      (x) => (x.formatVersion = 2),
      (x) => (x.sampleRows = x.nRows + 1),
      (x) => (x.columns[0].sample = x.columns[0].sample.slice(1)),
      (x) => (x.columns[0].quantiles[3] = -1),
      (x) => (x.columns[0].sketch.pop()),
      (x) => (x.columns[0].bins.counts[0] += 1),
      (x) => (x.columns[0].min = 'x'),
      (x) => (x.columns[1].distinct.values = [2, 1, 0]),
      (x) => (x.columns[2].counts[0] = -4),
      (x) => (x.columns[2].sample[0] = 99),
      (x) => (x.columns[2].levels = ['a', 'a', 'b']),
      (x) => (x.columns[4].sample[0] = 2),
      (x) => (x.columns[6].rest = x.columns[6].rest.slice(1)),
      (x) => (x.columns[1].name = x.columns[0].name),
      (x) => (x.columns[0].type = 'text'),
      (x) => (x.target = 'nobody'),
      (x) => x.columns.push(null),
    ];
    for (const edit of edits) {
      const x = j();
      edit(x);
      expect(() => referenceFromJSON(x)).toThrow(/damaged/);
    }
    expect(() => referenceFromJSON('{not json')).toThrow(/damaged/);
  });
});

describe('on a real training set', () => {
  it('adult_income: small, quick, and the quantile sketch keeps Wasserstein within 0.02 sd of the full column', async () => {
    const { train } = await datasetSplit('adult_income', ['NA']);
    const t0 = performance.now();
    const ref = buildReference(train, { target: 'class' });
    const ms = performance.now() - t0;
    const bytes = referenceToJSON(ref).length;
    expect(bytes).toBeLessThan(60_000); // 48 kB measured
    expect(ms).toBeLessThan(1000);
    for (const c of ref.columns) {
      if (c.kind !== 'numeric' || c.distinct) continue;
      const full = presentSorted((train.columns.find((x) => x.name === c.name) as { values: Float64Array }).values);
      expect(normedWasserstein(Float64Array.from(c.sketch), full, c.sd!)).toBeLessThan(0.02);
    }
  });

  it('a 100-column file of 10,000 rows stays under 20 kB a column', () => {
    const rows = 10_000;
    const cols = Array.from({ length: 100 }, (_, c) =>
      c < 60
        ? num(`amount ${c}`, Array.from({ length: rows }, (_, i) => Math.round(((i * 7919 + c * 104729) % 100_003) * 1.37) / 100))
        : coded(`category ${c}`, Array.from({ length: rows }, (_, i) => `level ${(i * (c + 3)) % (5 + 4 * c)}`)),
    );
    const ref = buildReference(table(...cols));
    const bytes = referenceToJSON(ref).length;
    expect(bytes / 100).toBeLessThan(20_000);
  });
});
