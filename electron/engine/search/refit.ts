// Refit: the final model of an earlier run rebuilt on new rows without searching again. Each chosen
// configuration is fitted on every fold of a fresh validation plan (the same seed and options as the
// record's), with its recorded parameters and seed, and blended with the recorded weights. A retrain
// can then compare a refitted champion with a searched challenger on the same rows.
import type { PreparedData } from '../data/prepare.ts';
import { computeMetric, metricInfo } from '../evaluate/metrics.ts';
import { familyByName } from '../models/registry.ts';
import { UserError, throwIfAborted } from '../util/errors.ts';
import { finalModel } from './finalize.ts';
import type { RunRecord } from './record.ts';
import type { RunModel } from '../deploy/bundle.ts';
import { foldIndex, type RunEvidence } from './run.ts';
import { TrialBook } from './trial-book.ts';
import { runTrial, type RunData } from './trial.ts';
import { planValidation } from './validation.ts';

export interface RefitResult {
  model: RunModel;
  evidence: RunEvidence;
  /** The refitted model's validation score in the record's metric. */
  score: number;
}

export async function refitRecord(prepared: PreparedData, record: RunRecord, opts: { signal?: AbortSignal } = {}): Promise<RefitResult> {
  const { taskInfo, target, encoder } = prepared;
  const data = prepared.dataset;
  if (!data.y) throw new Error('refitRecord needs a dataset with its target.');
  const plan = planValidation(data.y, taskInfo, record.plan.seed, record.plan.options);
  const yValid = Float64Array.from(plan.validRows, (r) => data.y![r]);
  const { lowerIsBetter } = metricInfo(record.metric);
  const score = (pred: Float64Array) => computeMetric(record.metric, taskInfo, yValid, pred);
  const runData: RunData = { dataset: { features: data.features, nRows: data.nRows, columns: data.columns, y: data.y }, taskInfo, folds: plan.folds, validRows: plan.validRows };
  const book = new TrialBook({ metric: record.metric, lowerIsBetter, score });

  const members = record.chosen.kind === 'trials' ? record.chosen.members : [];
  const baseline = { number: -1, family: 'baseline', params: {}, seed: record.seed, balance: false };
  const configs = [baseline, ...members.map((m) => record.trials.find((t) => t.number === m.trial)!)];
  // In this thread: a refit fits only a handful of configurations.
  for (const t of configs) {
    throwIfAborted(opts.signal);
    const res = await runTrial(runData, { trialId: t.number, family: t.family, params: t.params, seed: t.seed, balance: t.balance, keepModels: true }, familyByName, { signal: opts.signal });
    const s = book.record(t.number, t.family, res, 'done', { space: { family: t.family }, params: t.params, seed: t.seed, balance: t.balance });
    if (!Number.isFinite(s) && t.number >= 0) {
      throw new UserError('refit_failed', 'The earlier model could not be rebuilt on the new rows.', 'Train a new model instead.');
    }
  }
  const [baselineDone, ...done] = book.done;
  const chosen = done.length ? { members: done, weights: members.map((m) => m.weight), score: NaN } : undefined;
  if (chosen && chosen.members.length > 1) {
    const total = chosen.weights.reduce((a, b) => a + b, 0) || 1;
    chosen.weights = chosen.weights.map((w) => w / total);
  }
  const final = await finalModel(chosen, baselineDone, taskInfo, plan, record.metric, lowerIsBetter);
  const fitted = final.fitted;
  return {
    model: {
      encoder, fitted, taskInfo, target,
      metrics: { metric: record.metric, valid: { [record.metric]: score(final.oof) } },
      arrays: { 'oof.pred': final.oof, 'oof.y': yValid, 'oof.rows': Int32Array.from(plan.validRows) },
    },
    evidence: { y: data.y, validRows: plan.validRows, oof: final.oof, foldOf: foldIndex(plan, data.nRows), plan: { kind: plan.kind, folds: plan.folds.length, description: plan.description } },
    score: score(final.oof),
  };
}
