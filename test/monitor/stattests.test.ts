// Each drift test against values scipy / numpy / statsmodels computed once (fixtures/make_fixtures.py).
import { describe, expect, it } from 'vitest';
import { chiSquareSf, kolmogorovSf, normalIsf, normalSf } from '../../electron/engine/util/distributions.ts';
import {
  chiSquareHomogeneity,
  holm,
  jensenShannon,
  ksTwoSample,
  normedWasserstein,
  proportionZTest,
  psi,
  wasserstein,
} from '../../electron/engine/monitor/stattests.ts';
import { FIXTURES, close, gen, sorted } from './helpers.ts';

type Sample = { a?: number[]; b?: number[]; gen_a?: Parameters<typeof gen>[0]; gen_b?: Parameters<typeof gen>[0] };
const sides = (c: Sample) => [sorted(c.a ?? gen(c.gen_a!)), sorted(c.b ?? gen(c.gen_b!))];

describe('tail probabilities', () => {
  it('chi-square, normal and Kolmogorov tails match scipy', () => {
    for (const c of FIXTURES.distributions.chi2) expect(close(chiSquareSf(c.x, c.dof), c.sf, 1e-10)).toBe(true);
    for (const c of FIXTURES.distributions.normal) expect(close(normalSf(c.z), c.sf, 1e-10, 1e-15)).toBe(true);
    for (const c of FIXTURES.distributions.kolmogorov) expect(close(kolmogorovSf(c.x), c.sf, 1e-9)).toBe(true);
    expect(normalIsf(0.025)).toBeCloseTo(1.959964, 5);
  });
});

describe('Kolmogorov–Smirnov', () => {
  it('statistic and exact p-value match scipy ks_2samp(method="exact"), ties and unequal sizes included', () => {
    for (const c of FIXTURES.ks.filter((k: { asymptotic?: boolean }) => !k.asymptotic)) {
      const [a, b] = sides(c);
      const r = ksTwoSample(a, b);
      expect(close(r.statistic, c.statistic, 1e-12)).toBe(true);
      expect(close(r.pValue, c.pvalue, 1e-7, 1e-12)).toBe(true);
    }
  });

  it('beyond the exact budget, Kolmogorov\'s limit stays within 3% of scipy\'s asymptotic p-value', () => {
    const c = FIXTURES.ks.find((k: { asymptotic?: boolean }) => k.asymptotic);
    const [a, b] = sides(c);
    const r = ksTwoSample(a, b);
    expect(close(r.statistic, c.statistic, 1e-12)).toBe(true);
    // both are ~1e-45 here; on the log scale they agree to 3 %
    expect(Math.abs(Math.log(r.pValue) / Math.log(c.pvalue) - 1)).toBeLessThan(0.03);
  });

  it('a sample against itself has p = 1, an empty side tests nothing', () => {
    const a = sorted([1, 2, 2, 3]);
    expect(ksTwoSample(a, a)).toEqual({ statistic: 0, pValue: 1 });
    expect(ksTwoSample(a, new Float64Array(0)).pValue).toBe(1);
  });
});

describe('chi-square, z-test, distances, PSI, Holm', () => {
  it('chi-square of homogeneity matches scipy chi2_contingency (no continuity correction)', () => {
    for (const c of FIXTURES.chi2) {
      const r = chiSquareHomogeneity(c.ref, c.cur);
      expect(r.dof).toBe(c.dof);
      expect(close(r.statistic, c.statistic, 1e-10)).toBe(true);
      expect(close(r.pValue, c.pvalue, 1e-9, 1e-300)).toBe(true);
    }
  });

  it('two-proportion z-test matches Evidently\'s formula', () => {
    for (const c of FIXTURES.z) {
      const r = proportionZTest(c.x1, c.n1, c.x2, c.n2);
      expect(close(r.statistic, c.statistic, 1e-12)).toBe(true);
      // scipy's 2 * (1 - cdf) loses digits below 1e-16; ours does not
      expect(close(r.pValue, c.pvalue, 1e-8, 1e-15)).toBe(true);
    }
    expect(proportionZTest(10, 10, 5, 5).pValue).toBe(1); // one value on both sides
  });

  it('Wasserstein distance and Evidently\'s normed version match scipy', () => {
    for (const c of FIXTURES.wasserstein) {
      const [a, b] = sides(c);
      expect(close(wasserstein(a, b), c.distance, 1e-9)).toBe(true);
      expect(close(normedWasserstein(a, b, c.ref_sd), c.normed, 1e-9)).toBe(true);
    }
  });

  it('Jensen–Shannon distance matches scipy.spatial.distance.jensenshannon', () => {
    for (const c of FIXTURES.jensen_shannon) expect(close(jensenShannon(c.p, c.q), c.distance, 1e-9, 1e-9)).toBe(true);
  });

  it('PSI matches Evidently\'s formula with its empty-bin rule', () => {
    for (const c of FIXTURES.psi) expect(close(psi(c.ref, c.cur), c.psi, 1e-10)).toBe(true);
  });

  it('Holm adjustment matches statsmodels multipletests(method="holm")', () => {
    for (const c of FIXTURES.holm) {
      const adj = holm(c.p);
      c.adjusted.forEach((v: number, i: number) => expect(close(adj[i], v, 1e-12)).toBe(true));
    }
    expect(Number.isNaN(holm([NaN, 0.01])[0])).toBe(true);
  });
});
