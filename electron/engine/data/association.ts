// Whether a yes/no property of rows (a word in a note) goes with the outcome beyond chance, as a
// p-value: a chi-square test of the property × class table for classes (Fisher's exact test when counts
// are small), a Mann–Whitney rank test for amounts (ranks, so one huge amount cannot decide it). Used to keep free-text words that carry
// signal and leave out the many that only add noise on small files (first names in a name column).
import type { Task } from '../../../shared/api.ts';
import { chiSquareSf, lnGamma } from '../util/distributions.ts';

export interface Outcome {
  /** Class index (classification) or value (regression) per row; NaN = no outcome, skipped. */
  y: Float64Array;
  task: Task;
  nClasses: number;
}

/** A test set up once for an outcome over chosen rows, then asked about many properties of those rows. */
export class PresenceTest {
  /** Positions (into the constructor's `rows`) of the rows that have an outcome. */
  readonly kept: Int32Array;
  private readonly y: Float64Array;
  private readonly ranks: Float64Array | null = null;
  /** Mann–Whitney: the variance factor with ties, (N+1) - Σ(t³-t)/(N(N-1)). */
  private readonly tieFactor: number = 0;
  private readonly classTotals: Float64Array | null = null;

  /** `rows`: which rows of `outcome.y` the properties describe, in order; rows without an outcome are dropped. */
  constructor(outcome: Outcome, rows: ArrayLike<number>) {
    const kept: number[] = [];
    for (let i = 0; i < rows.length; i++) if (outcome.y[rows[i]] === outcome.y[rows[i]]) kept.push(i);
    this.kept = Int32Array.from(kept);
    this.y = Float64Array.from(kept, (i) => outcome.y[rows[i]]);
    const n = this.y.length;
    if (outcome.task === 'regression') {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.y[a] - this.y[b]);
      this.ranks = new Float64Array(n);
      let ties = 0;
      for (let s = 0; s < n; ) {
        let e = s + 1;
        while (e < n && this.y[order[e]] === this.y[order[s]]) e++;
        const mid = (s + e + 1) / 2; // ranks are 1-based
        for (let k = s; k < e; k++) this.ranks[order[k]] = mid;
        const t = e - s;
        ties += t * t * t - t;
        s = e;
      }
      this.tieFactor = n > 1 ? n + 1 - ties / (n * (n - 1)) : 0;
    } else {
      this.classTotals = new Float64Array(outcome.nClasses);
      for (const c of this.y) this.classTotals[c]++;
    }
  }

  /**
   * p-values that each of `m` properties is unrelated to the outcome, in one pass over the rows:
   * `propsOf(k)` lists the properties (0..m-1, each once) that row k of the constructor's `rows` has.
   */
  pValues(m: number, propsOf: (k: number) => ArrayLike<number>): Float64Array {
    const n = this.y.length;
    const k = this.classTotals?.length ?? 1;
    const count = new Float64Array(m);
    // per property: rows with it by class (classification) or their rank sum (regression)
    const stat = new Float64Array(m * k);
    for (let j = 0; j < n; j++) {
      const props = propsOf(this.kept[j]);
      const at = this.ranks ? -1 : this.y[j];
      for (let q = 0; q < props.length; q++) {
        const w = props[q];
        count[w]++;
        if (at < 0) stat[w] += this.ranks![j];
        else stat[w * k + at]++;
      }
    }
    return Float64Array.from({ length: m }, (_, w) => this.pOne(count[w], stat.subarray(w * k, w * k + k)));
  }

  private pOne(n1: number, stat: Float64Array): number {
    const n = this.y.length;
    const n0 = n - n1;
    if (n1 === 0 || n0 === 0) return 1;
    if (this.ranks) {
      const u = stat[0] - (n1 * (n1 + 1)) / 2;
      const variance = ((n1 * n0) / 12) * this.tieFactor;
      if (!(variance > 0)) return 1;
      const z = (u - (n1 * n0) / 2) / Math.sqrt(variance);
      return chiSquareSurvival(z * z, 1); // two-sided normal tail
    }
    const totals = this.classTotals!;
    let chi2 = 0;
    let df = -1;
    let smallest = Infinity;
    for (let c = 0; c < totals.length; c++) {
      if (totals[c] === 0) continue;
      df++;
      const e1 = (totals[c] * n1) / n;
      const e0 = totals[c] - e1;
      smallest = Math.min(smallest, e1, e0);
      chi2 += (stat[c] - e1) ** 2 / e1 + (totals[c] - stat[c] - e0) ** 2 / e0;
    }
    if (df <= 0) return 1;
    if (smallest >= MIN_EXPECTED) return chiSquareSurvival(chi2, df);
    // Expected counts below 5 make chi-square too quick to call noise a signal (many classes, few rows):
    // then Fisher's exact test of each class against the rest, the smallest p times the classes tested.
    // Two classes give one and the same table, so one test.
    let best = 1;
    let tested = 0;
    for (let c = 0; c < totals.length && !(df === 1 && tested === 1); c++) {
      if (totals[c] === 0) continue;
      best = Math.min(best, fisherExact(stat[c], n1, totals[c], n));
      tested++;
    }
    return Math.min(1, best * tested);
  }
}

/** Cochran's rule: chi-square is trusted when every expected count is at least this. */
const MIN_EXPECTED = 5;

/**
 * Two-sided Fisher exact p-value of a 2 × 2 table with `a` rows that have the property and the class,
 * `n1` rows with the property, `k` rows of the class and `n` rows in all: the chance, under the
 * hypergeometric law, of a table at most as likely as this one.
 */
export function fisherExact(a: number, n1: number, k: number, n: number): number {
  const lnC = (m: number, r: number) => lnFactorial(m) - lnFactorial(r) - lnFactorial(m - r);
  const lnTotal = lnC(n, n1);
  const lnP = (x: number) => lnC(k, x) + lnC(n - k, n1 - x) - lnTotal;
  const observed = lnP(a);
  let p = 0;
  for (let x = Math.max(0, n1 + k - n); x <= Math.min(n1, k); x++) {
    const l = lnP(x);
    if (l <= observed + 1e-7) p += Math.exp(l);
  }
  return Math.min(1, p);
}

function lnFactorial(m: number): number {
  return m < 2 ? 0 : lnGamma(m + 1);
}

/** P(X ≥ x) for a chi-square variable with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  return x > 0 ? chiSquareSf(x, df) : 1;
}
