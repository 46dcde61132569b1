// Finalising a run: the chosen trials' kept fold models rebuilt into one predictor (a k-fold bag per
// configuration, a weighted ensemble across configurations), its row on the leaderboard, the note
// that explains an early end, and the leaderboard in order.
import type { LeaderboardRow } from '../../../shared/api.ts';
import type { MetricName } from '../evaluate/metrics.ts';
import { familyByName } from '../models/registry.ts';
import type { Fitted, TaskInfo } from '../models/types.ts';
import { blend, EnsembleFitted } from './ensemble.ts';
import type { Chosen } from './select.ts';
import { round2, type Done } from './trial-book.ts';
import type { ValidationPlan } from './validation.ts';

/** Leaderboard rows kept in the summary (the baseline is always listed). */
export const MAX_ROWS = 100;

/** A trial's model for prediction: its single model (holdout) or the bag of its fold models (k-fold). */
export async function buildModel(d: Done, taskInfo: TaskInfo, planKind: ValidationPlan['kind']): Promise<Fitted> {
  const fam = familyByName(d.family);
  const models = await Promise.all(d.models!.map((j) => fam.fromJSON(j)));
  if (models.length === 1) return models[0];
  return new EnsembleFitted(taskInfo, models, models.map(() => 1 / models.length), planKind === 'kfold' ? 'bag' : 'weighted');
}

export interface FinalModel {
  fitted: Fitted;
  row: LeaderboardRow;
  /** Its validation predictions (the blend of its members' for an ensemble). */
  oof: Float64Array;
  /** A new leaderboard row (the ensemble), when the final model is not one trial. */
  ensembleRow?: LeaderboardRow;
}

export async function finalModel(chosen: Chosen | undefined, baseline: Done, taskInfo: TaskInfo, plan: ValidationPlan, metric: MetricName, lowerIsBetter: boolean): Promise<FinalModel> {
  if (!chosen) return { fitted: await buildModel(baseline, taskInfo, plan.kind), row: baseline.row, oof: baseline.oof };
  if (chosen.members.length === 1) {
    const m = chosen.members[0];
    return { fitted: await buildModel(m, taskInfo, plan.kind), row: m.row, oof: m.oof };
  }
  const members = await Promise.all(chosen.members.map((m) => buildModel(m, taskInfo, plan.kind)));
  const row: LeaderboardRow = {
    id: 'ensemble',
    model: `Ensemble of ${chosen.members.length} models`,
    family: 'ensemble',
    score: chosen.score,
    metric,
    lowerIsBetter,
    fitS: round2(chosen.members.reduce((s, m) => s + m.row.fitS, 0)),
    status: 'done',
    note: chosen.members.map((m, i) => `${m.row.model} ${Math.round(chosen.weights[i] * 100)}%`).join(', '),
  };
  return {
    fitted: new EnsembleFitted(taskInfo, members, chosen.weights, 'weighted'),
    row,
    oof: blend(chosen.members.map((m) => m.oof), chosen.weights),
    ensembleRow: row,
  };
}

/** Why the run ended as it did, in words, when that needs saying. */
export function runNote(o: { chosen: boolean; cancelled: boolean; families: number; scored: number; onClock: boolean; launched: number }): string | undefined {
  if (!o.chosen) {
    if (o.cancelled) return 'The run was stopped before any model finished, so Augur kept the simple baseline.';
    if (o.families === 0) return 'No model types are available, so Augur kept the simple baseline.';
    if (o.scored > 1) return 'No model beat the simple baseline on the checking rows, so Augur kept the baseline; the columns may not say much about the target.';
    return 'No model finished within the time budget, so Augur kept the simple baseline. Give the run more time.';
  }
  if (o.cancelled) return 'The run was stopped early; this is the best model found until then.';
  if (o.onClock && o.launched === 0 && o.families > 0) return 'The time budget was too short to try any model.';
  return undefined;
}

/**
 * Best first; a long run on a tiny file can try hundreds of models, so the summary keeps the top ones.
 * The chosen model heads the list even when others share its score (ties are decided by log loss, which
 * the list does not show): otherwise the list's first row and the "best model" would differ.
 */
export function orderedLeaderboard(rows: LeaderboardRow[], best: LeaderboardRow, baseline: LeaderboardRow, lowerIsBetter: boolean): LeaderboardRow[] {
  const ordered = [best, ...rows.filter((r) => r !== best).sort(rowOrder(lowerIsBetter))].slice(0, MAX_ROWS);
  if (!ordered.includes(baseline)) ordered.push(baseline);
  return ordered;
}

function rowOrder(lowerIsBetter: boolean) {
  return (a: LeaderboardRow, b: LeaderboardRow) => {
    const fa = Number.isFinite(a.score), fb = Number.isFinite(b.score);
    if (fa !== fb) return fa ? -1 : 1;
    if (!fa) return 0;
    return lowerIsBetter ? a.score - b.score : b.score - a.score;
  };
}
