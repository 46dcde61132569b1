// Greedy weighted ensemble selection (Caruana et al. 2004, as in AutoGluon): start from the best
// model's validation predictions, repeatedly add (with replacement) the model whose inclusion
// most improves the averaged prediction's score. Weights = how often each model was picked.
// The resulting ensemble is a models/composite/ensemble.ts EnsembleFitted; k-fold bags use the same class.
import type { ModelFamily } from '../models/types.ts';
import { UserError } from '../util/errors.ts';

export interface Selection {
  /** One weight per candidate (sums to 1). */
  weights: number[];
  /** Score of the weighted average on the validation rows. */
  score: number;
  /** Score of the best single candidate. */
  bestSingle: number;
  bestIndex: number;
  /** True when the blend is ahead of the best single candidate (else the weights pick that one alone). */
  improved: boolean;
}

/** What selection optimises. */
export interface SelectionObjective {
  /** The run's metric of a prediction vector. */
  score: (pred: Float64Array) => number;
  lowerIsBetter: boolean;
  /**
   * Decides equal scores, lower is better. Metrics with plateaus (ROC AUC, accuracy) tie often when
   * several models separate the classes perfectly; log loss then says which is confidently right,
   * instead of the list order.
   */
  tieBreak?: (pred: Float64Array) => number;
}

/**
 * preds: each candidate's validation predictions (same rows, same layout), best first when the caller
 * knows the order (equal candidates keep it).
 * until: a performance.now() time after which no further round starts (the best prefix so far is kept).
 */
export function caruanaSelect(preds: Float64Array[], objective: SelectionObjective, iterations = 40, until?: number): Selection {
  if (preds.length === 0) throw new UserError('no_candidates', 'There are no finished models to build an ensemble from.');
  const { score, lowerIsBetter, tieBreak } = objective;
  const better = (a: number, b: number) => (lowerIsBetter ? a < b : a > b);
  // a ahead of b: a better score, or the same score and a smaller tie-break (computed only on a tie) by
  // more than rounding (re-adding the same model changes the average in the last bits).
  const ahead = (a: number, aTie: () => number, b: number, bTie: number) =>
    better(a, b) || (a === b && tieBreak !== undefined && bTie - aTie() > 1e-9 * Math.max(1, Math.abs(bTie)));
  const singles = preds.map((p) => score(p));
  const singleTies = preds.map((p) => (tieBreak ? tieBreak(p) : 0));
  let bestIndex = 0;
  for (let i = 1; i < preds.length; i++) {
    if (ahead(singles[i], () => singleTies[i], singles[bestIndex], singleTies[bestIndex]) || Number.isNaN(singles[bestIndex])) bestIndex = i;
  }
  const counts = new Array<number>(preds.length).fill(0);
  const len = preds[0].length;
  const sum = new Float64Array(len);
  const add = (p: Float64Array, into: Float64Array) => { for (let j = 0; j < len; j++) into[j] += p[j]; };
  add(preds[bestIndex], sum);
  counts[bestIndex] = 1;
  let m = 1;
  let bestScore = singles[bestIndex];
  let bestTie = singleTies[bestIndex];
  let bestCounts = counts.slice();
  const trial = new Float64Array(len);
  const trialTie = () => (tieBreak ? tieBreak(trial) : 0);
  for (let it = 1; it < iterations; it++) {
    if (until !== undefined && performance.now() > until) break;
    let pick = -1;
    let pickScore = NaN;
    let pickTie = NaN;
    for (let i = 0; i < preds.length; i++) {
      const p = preds[i];
      for (let j = 0; j < len; j++) trial[j] = (sum[j] + p[j]) / (m + 1);
      const s = score(trial);
      if (pick < 0 || ahead(s, trialTie, pickScore, pickTie)) {
        pick = i;
        pickScore = s;
        pickTie = trialTie();
      }
    }
    add(preds[pick], sum);
    counts[pick]++;
    m++;
    // Keep the best prefix of the greedy path (later additions can overshoot on a noisy metric).
    if (ahead(pickScore, () => pickTie, bestScore, bestTie)) {
      bestScore = pickScore;
      bestTie = pickTie;
      bestCounts = counts.slice();
    }
  }
  const total = bestCounts.reduce((a, b) => a + b, 0);
  const improved = bestCounts.filter((c) => c > 0).length > 1;
  return { weights: bestCounts.map((c) => c / total), score: bestScore, bestSingle: singles[bestIndex], bestIndex, improved };
}

/** Weighted average of `preds` (same layout), weights summing to 1. */
export function blend(preds: Float64Array[], weights: number[]): Float64Array {
  const out = new Float64Array(preds[0].length);
  preds.forEach((p, i) => {
    const w = weights[i];
    if (w) for (let j = 0; j < out.length; j++) out[j] += w * p[j];
  });
  return out;
}

export type FamilyLookup = (name: string) => ModelFamily;

// The ensemble model itself lives with the models (models/composite/ensemble.ts); re-exported for the run.
export { EnsembleFitted, type EnsembleKind } from '../models/composite/ensemble.ts';
