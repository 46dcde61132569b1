// Selection: which trials the final model is made of. Caruana's greedy ensemble over the trials that
// kept their models (keep.ts), or the best single one when blending does not help, or the baseline
// when nothing beats it.
import { caruanaSelect, type SelectionObjective } from './ensemble.ts';
import { bestFirst } from './keep.ts';
import type { Done } from './trial-book.ts';

export interface Chosen {
  members: Done[];
  weights: number[];
  score: number;
}

/**
 * `until`: a performance.now() time after which no further ensemble round starts (on the clock,
 * selection stops in time to rebuild the models); undefined in work-unit mode, which stays reproducible.
 */
export function selectFinal(holding: Done[], baseline: Done, objective: SelectionObjective, until?: number): Chosen | undefined {
  const better = (a: number, b: number) => (objective.lowerIsBetter ? a < b : a > b);
  const candidates = bestFirst(holding, better);
  let chosen: Chosen | undefined;
  if (candidates.length) chosen = { members: [candidates[0]], weights: [1], score: candidates[0].score };
  if (candidates.length > 1) {
    const sel = caruanaSelect(candidates.map((c) => c.oof), objective, 40, until);
    if (sel.improved) {
      const members = candidates.filter((_, i) => sel.weights[i] > 0);
      chosen = { members, weights: sel.weights.filter((w) => w > 0), score: sel.score };
    }
  }
  if (chosen && !better(chosen.score, baseline.score) && Number.isFinite(baseline.score)) return undefined;
  return chosen;
}
