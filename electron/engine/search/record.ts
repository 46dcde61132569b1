// The run record: what a search did, as plain JSON a project stores with each model version. Every
// trial with its parameters and seed, how the rows were split, and which trials the final model is
// made of. A retrain warm-starts from its best configurations; a refit rebuilds the chosen model's
// configurations on new rows (refit.ts).
import type { MetricName } from '../evaluate/metrics.ts';
import { UserError } from '../util/errors.ts';
import type { ParamValue } from './study.ts';
import type { PlanOptions } from './validation.ts';

export const RUN_RECORD_VERSION = 1;

export interface TrialRecord {
  /** -1 for the baseline. */
  number: number;
  family: string;
  /** The trial's values in the joint search space ('family' included), as the sampler chose them. */
  space: Record<string, ParamValue>;
  /** The family parameters the trial was fitted with (defaults, search values and budget caps). */
  params: Record<string, unknown>;
  seed: number;
  balance: boolean;
  state: 'done' | 'pruned' | 'failed';
  /** Validation score in the run's metric (done trials). */
  score?: number;
  fitS: number;
}

export interface RunRecord {
  version: number;
  seed: number;
  metric: MetricName;
  budgetS: number;
  elapsedS: number;
  workUnits?: number;
  /** How the rows were split (planValidation's seed and options: the same y gives the same folds). */
  plan: { kind: 'kfold' | 'holdout'; seed: number; options: PlanOptions; folds: number };
  trials: TrialRecord[];
  /** The final model: the baseline, or trials (by number) with their ensemble weights. */
  chosen: { kind: 'baseline' } | { kind: 'trials'; members: { trial: number; weight: number }[] };
}

/** The best distinct configurations of a record, best first (for a warm start). */
export function bestConfigurations(record: RunRecord, limit: number, lowerIsBetter: boolean): TrialRecord[] {
  const done = record.trials.filter((t) => t.state === 'done' && t.number >= 0 && Number.isFinite(t.score));
  done.sort((a, b) => (lowerIsBetter ? a.score! - b.score! : b.score! - a.score!));
  const seen = new Set<string>();
  const out: TrialRecord[] = [];
  for (const t of done) {
    const key = JSON.stringify(Object.entries(t.space).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
    if (out.length >= limit) break;
  }
  return out;
}

const MAX_TRIALS = 100_000;

/** Reads a saved record; the input is untrusted (a project folder the user may have edited). */
export function runRecordFromJSON(json: unknown): RunRecord {
  const bad = () => new UserError('bad_run_record', 'The saved record of how this model was trained is damaged.');
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(json) || json.version !== RUN_RECORD_VERSION) throw bad();
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : (() => { throw bad(); })());
  const plan = json.plan;
  if (!isObj(plan) || (plan.kind !== 'kfold' && plan.kind !== 'holdout') || !isObj(plan.options)) throw bad();
  const options: PlanOptions = {};
  for (const k of ['kfoldMaxRows', 'k', 'holdoutFraction'] as const) if (plan.options[k] !== undefined) options[k] = num(plan.options[k]);
  if (!Array.isArray(json.trials) || json.trials.length > MAX_TRIALS) throw bad();
  const isValue = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  const trials = json.trials.map((t: unknown): TrialRecord => {
    if (!isObj(t) || typeof t.family !== 'string' || !isObj(t.space) || !isObj(t.params)) throw bad();
    if (!Object.values(t.space).every(isValue)) throw bad();
    if (t.state !== 'done' && t.state !== 'pruned' && t.state !== 'failed') throw bad();
    const out: TrialRecord = {
      number: num(t.number), family: t.family, space: t.space as Record<string, ParamValue>, params: plainParams(t.params, bad),
      seed: num(t.seed), balance: t.balance === true, state: t.state, fitS: num(t.fitS),
    };
    if (t.score !== undefined) out.score = num(t.score);
    return out;
  });
  const chosen = json.chosen;
  let parsedChosen: RunRecord['chosen'];
  if (isObj(chosen) && chosen.kind === 'baseline') parsedChosen = { kind: 'baseline' };
  else if (isObj(chosen) && chosen.kind === 'trials' && Array.isArray(chosen.members) && chosen.members.length > 0) {
    parsedChosen = {
      kind: 'trials',
      members: chosen.members.map((m: unknown) => {
        if (!isObj(m)) throw bad();
        const trial = num(m.trial);
        const weight = num(m.weight);
        if (weight < 0 || !trials.some((t) => t.number === trial)) throw bad();
        return { trial, weight };
      }),
    };
  } else throw bad();
  return {
    version: RUN_RECORD_VERSION, seed: num(json.seed), metric: String(json.metric) as MetricName, budgetS: num(json.budgetS), elapsedS: num(json.elapsedS),
    ...(json.workUnits !== undefined ? { workUnits: num(json.workUnits) } : {}),
    plan: { kind: plan.kind, seed: num(plan.seed), options, folds: num(plan.folds) },
    trials, chosen: parsedChosen,
  };
}

/** Family parameters: numbers, strings, booleans and arrays of numbers (layer widths, epochs of learning-rate drops). */
function plainParams(p: Record<string, unknown>, bad: () => Error): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw bad();
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
      || (Array.isArray(v) && v.length <= 64 && v.every((x) => typeof x === 'number' && Number.isFinite(x)));
    if (!ok) throw bad();
    out[k] = v;
  }
  return out;
}
