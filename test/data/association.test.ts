import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, PresenceTest } from '../../electron/engine/data/association.ts';

describe('PresenceTest', () => {
  it('gives the chi-square tail probabilities of reference tables (scipy.stats.chi2.sf)', () => {
    const cases: [number, number, number][] = [
      [3.84, 1, 0.05004352124870519],
      [50, 1, 1.537459794428033e-12],
      [5, 3, 0.1717971442967335],
      [30, 4, 4.894437128029217e-6],
      [700, 2, 9.929590396265143e-153],
    ];
    for (const [x, df, p] of cases) expect(chiSquareSurvival(x, df) / p).toBeCloseTo(1, 9);
    expect(chiSquareSurvival(0, 2)).toBe(1);
  });

  it('matches scipy on a Mann–Whitney test of amounts and a chi-square test of classes, skipping rows without an outcome', () => {
    const y = Float64Array.from({ length: 40 }, (_, i) => ((i * 7919) % 101) / 10);
    const rows = Array.from({ length: 40 }, (_, i) => i);
    const every3rd = (k: number) => (k % 3 === 0 ? [0] : []);
    // scipy.stats.mannwhitneyu(a, b, use_continuity=False, method='asymptotic').pvalue
    expect(new PresenceTest({ y, task: 'regression', nClasses: 1 }, rows).pValues(1, every3rd)[0]).toBeCloseTo(0.9547742990545206, 12);

    // 2 x 3 table [[10, 5, 5], [10, 25, 5]] (with / without the property by class): scipy chi2_contingency p
    const cls = Float64Array.from([...Array(20).fill(0), ...Array(30).fill(1), ...Array(10).fill(2), NaN, NaN]);
    const has = Uint8Array.from([...Array(10).fill(1), ...Array(10).fill(0), ...Array(5).fill(1), ...Array(25).fill(0), ...Array(5).fill(1), ...Array(5).fill(0), 1, 1]);
    const test = new PresenceTest({ y: cls, task: 'multiclass', nClasses: 3 }, Array.from(cls, (_, i) => i));
    const [p, never, always] = test.pValues(3, (k) => [...(has[k] ? [0] : []), 2]);
    expect(p).toBeCloseTo(0.023517745856009117, 12);
    expect(never).toBe(1); // no row has it
    expect(always).toBe(1); // every row has it
  });
});
