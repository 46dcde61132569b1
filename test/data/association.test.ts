import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, fisherExact, PresenceTest } from '../../electron/engine/data/association.ts';

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

  it('matches scipy on a Mann–Whitney test of amounts, and a chi-square or, with small expected counts, Fisher exact test of classes', () => {
    const y = Float64Array.from({ length: 40 }, (_, i) => ((i * 7919) % 101) / 10);
    const rows = Array.from({ length: 40 }, (_, i) => i);
    const every3rd = (k: number) => (k % 3 === 0 ? [0] : []);
    // scipy.stats.mannwhitneyu(a, b, use_continuity=False, method='asymptotic').pvalue
    expect(new PresenceTest({ y, task: 'regression', nClasses: 1 }, rows).pValues(1, every3rd)[0]).toBeCloseTo(0.9547742990545206, 12);

    // 2 x 3 table [[20, 10, 10], [20, 50, 10]] (with / without the property by class): scipy chi2_contingency p
    const table = (withIt: number[], without: number[]) => {
      const y: number[] = [];
      const has: number[] = [];
      withIt.forEach((k, c) => { for (let i = 0; i < k; i++) (y.push(c), has.push(1)); });
      without.forEach((k, c) => { for (let i = 0; i < k; i++) (y.push(c), has.push(0)); });
      y.push(NaN, NaN); // rows without an outcome are skipped
      has.push(1, 1);
      const test = new PresenceTest({ y: Float64Array.from(y), task: 'multiclass', nClasses: 3 }, y.map((_, i) => i));
      return test.pValues(3, (k) => [...(has[k] ? [0] : []), 2]);
    };
    const [p, never, always] = table([20, 10, 10], [20, 50, 10]);
    expect(p).toBeCloseTo(0.0005530843701478338, 12);
    expect(never).toBe(1); // no row has it
    expect(always).toBe(1); // every row has it
    // Expected counts below 5: Fisher's exact test of each class against the rest, times the 3 classes
    // (scipy fisher_exact, smallest for the second class against the rest: 0.012698946291792627)
    expect(table([10, 5, 5], [10, 25, 5])[0]).toBeCloseTo(3 * 0.012698946291792627, 12);
    expect(fisherExact(8, 20, 20, 400)).toBeCloseTo(7.495843670135608e-7, 15);
  });
});
