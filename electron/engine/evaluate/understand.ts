// Understanding a trained model: the glue between a run (its evidence: the chosen model's held-out
// predictions, the folds, the record) and the evaluation, explanation, importance and learning-curve
// engines. The fast part runs at the end of every run (and keeps a calibration and conformal ranges
// with the model when they help); the deep part (slices, weak spots, importance, learning curve) runs
// afterwards with progress and can be stopped.
import type { Finding } from '../../../shared/api.ts';
import type { FastEvaluation, LearningCurve, PermutationImportance, RowExplanation, SlowEvaluation, WhatIfField } from '../../../shared/evaluation.ts';
import type { MetricName } from '../../../shared/metrics.ts';
import type { PreparedData } from '../data/prepare.ts';
import { takeRows } from '../data/table-ops.ts';
import type { Table } from '../data/table.ts';
import type { ModelBundle } from '../deploy/bundle.ts';
import { CalibratedFitted } from '../models/composite/calibrated.ts';
import { calibratorFromJSON } from '../models/composite/calibrators.ts';
import type { Dataset, Fitted } from '../models/types.ts';
import type { RunRecord } from '../search/record.ts';
import type { RunResult } from '../search/run.ts';
import { throwIfAborted } from '../util/errors.ts';
import { backgroundFromJSON, backgroundToJSON } from './explain/background.ts';
import { columnGroups } from './explain/columns.ts';
import { heldOutParts, permutationImportance } from './explain/importance.ts';
import { learningCurve } from './explain/learning-curve.ts';
import { explainRow, explainValues } from './explain/row.ts';
import { whatIfFields } from './explain/what-if.ts';
import { evaluateFast, evaluateSlow } from './report.ts';
import type { EvaluationInput, PlanLike } from './rows.ts';

/** What a run leaves for understanding its model (kept in memory by the app while the model is open). */
export interface ModelEvidence {
  /** The training rows the model learned from (after the preparation pipeline), aligned with `dataset`. */
  table: Table;
  /** Those rows encoded, with their outcomes. */
  dataset: Dataset;
  plan: PlanLike;
  /** The chosen model's held-out predictions, in `plan.validRows` order. */
  oof: Float64Array;
  record: RunRecord;
  /** The data check's findings for the settings trained with (leaks, personal data, few rows). */
  findings: Finding[];
  /** A sample of training rows the sampling explanations compare against. */
  background: Dataset;
}

export function evidenceOf(prepared: PreparedData, run: RunResult, findings: Finding[], seed = 0): ModelEvidence {
  const { dataset } = prepared;
  const table = prepared.rows.length === prepared.table.nRows ? prepared.table : takeRows(prepared.table, prepared.rows);
  const nFolds = run.evidence.plan.folds;
  const folds: PlanLike['folds'] = [];
  for (let k = 0; k < nFolds; k++) {
    const valid: number[] = [];
    const train: number[] = [];
    run.evidence.foldOf.forEach((f, r) => (f === k ? valid : train).push(r));
    folds.push({ train: Int32Array.from(train), valid: Int32Array.from(valid) });
  }
  const background = backgroundFromJSON(backgroundToJSON(dataset, seed), dataset.features);
  return {
    table, dataset, oof: run.evidence.oof, record: run.record, findings, background,
    plan: { kind: run.evidence.plan.kind, folds, validRows: run.evidence.validRows },
  };
}

export function evaluationInputOf(bundle: ModelBundle, ev: ModelEvidence, metric?: MetricName): EvaluationInput {
  return {
    taskInfo: bundle.taskInfo,
    classes: bundle.target.classes,
    target: bundle.target.name,
    y: ev.dataset.y!,
    pred: ev.oof,
    plan: ev.plan,
    table: ev.table,
    metric: metric ?? bundle.metrics.metric,
    findings: ev.findings,
    usedColumns: [...new Set(bundle.encoder.sources.map((s) => s.column))],
  };
}

/** The model before any kept calibration (what explanations and importance look at). */
export function innerModel(f: Fitted): Fitted {
  return f instanceof CalibratedFitted ? f.inner : f;
}

/**
 * The fast evaluation, and the bundle with what it keeps: the calibration when it lowered held-out log
 * loss (the model is wrapped) and the conformal recipe (fitted on the corrected chances in that case).
 */
export async function evaluateAndKeep(bundle: ModelBundle, ev: ModelEvidence, opts: { signal?: AbortSignal; costs?: { missed: number; false_alarm: number } } = {}): Promise<FastEvaluation> {
  const fast = await evaluateFast(evaluationInputOf(bundle, ev), { signal: opts.signal, costs: opts.costs, seed: ev.record.seed });
  const inner = innerModel(bundle.fitted);
  const correction = fast.calibration?.correction;
  bundle.fitted = correction ? new CalibratedFitted(inner, calibratorFromJSON(correction.calibrator)) : inner;
  bundle.postprocess = {
    ...(bundle.postprocess?.threshold !== undefined ? { threshold: bundle.postprocess.threshold } : {}),
    ...(correction ? { calibration: correction.calibrator as unknown as Record<string, unknown> } : {}),
    ...(fast.conformal ? { conformal: fast.conformal.recipe as unknown as Record<string, unknown> } : {}),
  };
  if (fast.threshold && bundle.taskInfo.task === 'binary') bundle.postprocess.threshold = fast.threshold.threshold;
  return fast;
}

export interface DeepEvaluation {
  slow: SlowEvaluation;
  importance: PermutationImportance | null;
  learning: LearningCurve | null;
}

/** Slices, weak spots, permutation importance and the learning curve; progress 0..1 over all of them. */
export async function evaluateDeep(
  bundle: ModelBundle,
  ev: ModelEvidence,
  fast: FastEvaluation,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void; learningCapS?: number } = {},
): Promise<DeepEvaluation> {
  const say = opts.onProgress ?? (() => {});
  const { signal } = opts;
  const task = bundle.taskInfo;
  const metric = bundle.metrics.metric;
  say(0, 'Finding where the model is weaker…');
  const input = evaluationInputOf(bundle, ev);
  const slow = await evaluateSlow(input, fast, { signal, seed: ev.record.seed, onProgress: (p) => say(0.3 * p.fraction, p.message ?? 'Finding where the model is weaker…') });
  throwIfAborted(signal);
  say(0.3, 'Measuring which columns matter most…');
  const parts = heldOutParts(innerModel(bundle.fitted), ev.plan.folds, ev.dataset);
  const importance = parts
    ? await permutationImportance(parts, {
        task, metric, groups: columnGroups(bundle.encoder), repeats: 3, seed: ev.record.seed, maxRows: 4000, signal,
        onProgress: (f) => say(0.3 + 0.4 * f, 'Measuring which columns matter most…'),
      })
    : null;
  throwIfAborted(signal);
  say(0.7, 'Checking whether more rows would help…');
  const learning = await curveOf(bundle, ev, metric, { signal, capS: opts.learningCapS ?? 30, onProgress: (f) => say(0.7 + 0.3 * f, 'Checking whether more rows would help…') });
  if (learning && learning.verdict !== 'unclear') {
    // the verdict again, now that it knows what more rows would bring
    const again = await evaluateSlow({ ...input, learningCurve: { gainIfDoubled: learning.doubling?.gain, verdict: learning.verdict } }, fast, { signal, seed: ev.record.seed });
    slow.verdict = again.verdict;
  }
  say(1, 'Done');
  return { slow, importance, learning };
}

/** The learning curve of the final model's main configuration (the member with the largest weight). */
async function curveOf(bundle: ModelBundle, ev: ModelEvidence, metric: MetricName, o: { signal?: AbortSignal; capS: number; onProgress: (f: number) => void }): Promise<LearningCurve | null> {
  const chosen = ev.record.chosen;
  if (chosen.kind !== 'trials') return null;
  const main = [...chosen.members].sort((a, b) => b.weight - a.weight)[0];
  const trial = ev.record.trials.find((t) => t.number === main.trial);
  if (!trial) return null;
  return learningCurve({
    family: trial.family, params: trial.params, data: ev.dataset, task: bundle.taskInfo, folds: ev.plan.folds, metric,
    balance: trial.balance, seed: trial.seed, timeCapS: o.capS, signal: o.signal, onProgress: (p) => o.onProgress(p.fraction),
  });
}

/** Why the model said what it said about one training row (index into `ev.table`). */
export async function explainTrainingRow(bundle: ModelBundle, ev: ModelEvidence, row: number, signal?: AbortSignal): Promise<RowExplanation> {
  const inner = innerModel(bundle.fitted);
  const e = await explainRow(inner, bundle.encoder, ev.table, row, { background: ev.background, seed: ev.record.seed, signal });
  const calibrated = bundle.fitted instanceof CalibratedFitted ? bundle.fitted : undefined;
  return calibrated ? recalibrate(e, calibrated, bundle.encoder.encode(takeRows(ev.table, [row])), ev.background) : e;
}

/** The same for values typed into the what-if form. */
export async function explainTypedValues(bundle: ModelBundle, ev: ModelEvidence, values: Record<string, string | number | null>, signal?: AbortSignal): Promise<RowExplanation> {
  const inner = innerModel(bundle.fitted);
  const e = await explainValues(inner, bundle.encoder, values, { background: ev.background, seed: ev.record.seed, signal });
  const calibrated = bundle.fitted instanceof CalibratedFitted ? bundle.fitted : undefined;
  if (!calibrated) return e;
  const { rowsToTable } = await import('./explain/what-if.ts');
  return recalibrate(e, calibrated, bundle.encoder.encode(rowsToTable(bundle.encoder, [values])), ev.background);
}

/**
 * A calibrated model's explanation: the inner model's contributions (a calibration only re-maps its
 * chances, never which columns pushed them), with the shown chances those of the calibrated model and
 * the shown contributions scaled to sum from its average to its answer (the correction is monotone, so
 * no contribution changes sign).
 */
function recalibrate(e: RowExplanation, model: CalibratedFitted, one: Dataset, background: Dataset): RowExplanation {
  const k = model.taskInfo.task === 'multiclass' ? model.taskInfo.nClasses : 1;
  const c = e.classIndex ?? 1;
  const at = (p: Float64Array, i: number) => (k === 1 ? (c === 1 ? p[i] : 1 - p[i]) : p[i * k + c]);
  const shown = at(model.predict(one), 0);
  let baseShown: number;
  if (k === 1) {
    // the average row's chance through the same correction (monotone: the direction of every push stays)
    const p1 = model.calibrator.apply(Float64Array.of(c === 1 ? e.baseShown : 1 - e.baseShown))[0];
    baseShown = c === 1 ? p1 : 1 - p1;
  } else {
    const bg = model.predict(background);
    baseShown = 0;
    for (let i = 0; i < background.nRows; i++) baseShown += at(bg, i);
    baseShown /= Math.max(1, background.nRows);
  }
  const from = e.shown - e.baseShown;
  const scale = Math.abs(from) > 1e-12 ? (shown - baseShown) / from : NaN;
  const ok = Number.isFinite(scale) && scale > 0;
  // Without a positive scale the shown values would not add up: leave them out (the contributions stay).
  return {
    ...e, shown, baseShown,
    contributions: e.contributions.map(({ shown: s, ...x }) => (ok && s !== undefined ? { ...x, shown: s * scale } : x)),
  };
}

/** The what-if form's fields: each input column's real range or categories in the training rows. */
export function formFields(bundle: ModelBundle, ev: ModelEvidence): WhatIfField[] {
  return whatIfFields(bundle.encoder, ev.table);
}

