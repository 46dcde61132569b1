// The whole evaluation of a chosen model, as plain JSON-safe data (NaN = undefined; JSON.stringify
// writes it as null). Two parts so the Results screen can show the first at once: the fast part
// (metrics and intervals, charts, calibration, conformal ranges, threshold, a first verdict) and the
// slow part (metric slices and the weak-spot search, and the verdict with them). Both stop on an
// AbortSignal and report progress. Field names follow the CLI contract of `evaluate --json`.
import { defaultMetricFor, metricSpec, type MetricName } from '../../../shared/metrics.ts';
import type { CalibratorJSON, CalibratorKind } from '../models/composite/calibrators.ts';
import { chooseCalibration, reliability, type ReliabilityBin } from './calibration.ts';
import { DEFAULT_COVERAGE, fitConformal, typicalRange } from './conformal.ts';
import type { ConformalRecipe } from './conformal-recipe.ts';
import { amountCharts, confusionMatrix, curvesFor, type AmountCharts, type ClassCurves, type ConfusionMatrix } from './curves.ts';
import { prepareScores } from './kernels.ts';
import { Pacer, type EvalProgress } from './pace.ts';
import { scoredRows, scoredTable, type EvalRows, type EvaluationInput } from './rows.ts';
import { foldValues, scoreRows, type MetricsReport } from './scores.ts';
import { computeSlices, sliceMetricFor, type Slice } from './slices.ts';
import { chooseThreshold, type Costs, type ThresholdChoice } from './threshold.ts';
import { judge, type Reason, type VerdictLevel } from './verdict.ts';
import { findWeakSpots, type SpotCondition } from './weak-spots.ts';
import * as words from './words.ts';
import type { VerdictOut, CalibrationOut, ConformalOut, FastEvaluation, WeakSpotOut, SlowEvaluation, Evaluation } from '../../../shared/evaluation.ts';
export type { VerdictOut, CalibrationOut, ConformalOut, FastEvaluation, WeakSpotOut, SlowEvaluation, Evaluation } from '../../../shared/evaluation.ts';

export type { EvaluationInput } from './rows.ts';

export interface EvaluationOptions {
  seed?: number;
  /** Bootstrap resamples per interval (default 200). */
  resamples?: number;
  /** Conformal coverage (default 0.9). */
  coverage?: number;
  /** Two outcomes: what a missed case and a false alarm cost; with them the threshold is chosen. */
  costs?: Costs;
  /** The metric slices and weak spots are measured in (default accuracy / MAE). */
  sliceMetric?: MetricName;
  topWeakSpots?: number;
  signal?: AbortSignal;
  onProgress?: (p: EvalProgress) => void;
}

/** The part shown at the run's end. */
export async function evaluateFast(input: EvaluationInput, opts: EvaluationOptions = {}): Promise<FastEvaluation> {
  const t0 = performance.now();
  const pace = new Pacer(opts);
  const rows = scoredRows(input);
  const task = rows.task.task;
  let metric = input.metric ?? defaultMetricFor(task);
  if (metricSpec(metric).kind !== (task === 'regression' ? 'regression' : 'classification')) throw new Error(`Metric ${metric} does not apply to a ${task} task`);
  const seed = opts.seed ?? 0;
  const report = await scoreRows(rows, { classes: input.classes, metric, resamples: opts.resamples, seed, pace: pace.part(0, 0.7) });
  // MAPE is not reported when an actual is 0: judge the default metric instead
  if (!report.metrics[metric]) {
    metric = defaultMetricFor(task);
    if (report.folds) report.folds = foldValues(rows, metric);
  }
  const scores = prepareScores(rows.task, rows.y, rows.pred);
  const charts: FastEvaluation['charts'] = scores.kind === 'classification'
    ? { curves: curvesFor(scores, rows.pred), confusion: confusionMatrix(scores) }
    : { amounts: amountCharts(scores, rows.pred, seed) };
  await pace.tick(0.75, 'Checking how far its percentages can be trusted');
  let calibration: CalibrationOut | undefined;
  let usedPred = rows.pred;
  if (task !== 'regression') {
    const rel = reliability(rows.task, rows.y, rows.pred);
    const choice = chooseCalibration(rows, seed);
    const after = choice.after;
    calibration = {
      ece: rel.ece, bins: rel.bins, tried: choice.tried,
      correction: choice.json && after ? {
        kind: choice.json.kind, calibrator: choice.json, log_loss_before: choice.log_loss_before, log_loss_after: choice.log_loss_after,
        ece_after: after.ece, bins_after: after.bins,
      } : null,
      text: choice.json && after ? words.calibrationSentence(after.ece, after.bins, true, rel.ece) : words.calibrationSentence(rel.ece, rel.bins, false),
    };
    // Ranges and thresholds apply to what the saved model will say: its corrected chances when kept
    // (each row corrected by a fit without its fold, so the recipe is not fitted on its own rows).
    if (choice.crossFitted) usedPred = choice.crossFitted;
  }
  await pace.tick(0.85, 'Measuring prediction ranges');
  const coverage = opts.coverage ?? DEFAULT_COVERAGE;
  const conf = fitConformal({ ...rows, pred: usedPred }, coverage, seed);
  const conformal: ConformalOut | undefined = conf ? {
    coverage: conf.coverage, observed_coverage: conf.observed_coverage,
    ...(conf.mean_width !== undefined ? { mean_width: conf.mean_width } : {}),
    ...(conf.mean_set_size !== undefined ? { mean_set_size: conf.mean_set_size, single_answer_share: conf.single_answer_share } : {}),
    method: conf.recipe.method, recipe: conf.recipe, applies_to: usedPred === rows.pred ? 'model' : 'calibrated',
    ...(conf.tried ? { tried: conf.tried } : {}),
    text: words.conformalSentence(conf, typicalRange(conf.recipe, usedPred), input.target),
  } : undefined;
  let threshold: FastEvaluation['threshold'];
  if (opts.costs && task === 'binary') {
    const t = chooseThreshold(rows.y, usedPred, opts.costs);
    threshold = { ...t, text: words.thresholdSentence(t, input.classes?.[1]) };
  }
  const ece = calibration ? (calibration.correction ? calibration.correction.ece_after : calibration.ece) : undefined;
  const verdict = verdictOf(input, rows, report, metric, ece, 0);
  const basic = task === 'regression' ? { mae: report.metrics.mae!.value } : { accuracy: report.metrics.accuracy!.value };
  const baseBasic = task === 'regression' ? { mae: report.baseline.mae } : { accuracy: report.baseline.accuracy };
  opts.onProgress?.({ fraction: 1, message: 'The model is checked' });
  return {
    rows: rows.n, rows_without_outcome: rows.dropped, task, ...(input.classes ? { classes: input.classes } : {}), validation: rows.kind, metric,
    metrics: report.metrics, baseline: report.baseline, gain: report.gain,
    ...(report.per_class ? { per_class: report.per_class } : {}), ...(report.folds ? { folds: report.folds } : {}),
    headline: words.headline(task, basic, baseBasic, input.target),
    charts, ...(calibration ? { calibration } : {}), ...(conformal ? { conformal } : {}), ...(threshold ? { threshold } : {}),
    verdict, timing_ms: Math.round(performance.now() - t0),
  };
}

function verdictOf(input: EvaluationInput, rows: EvalRows, report: MetricsReport, metric: MetricName, ece: number | undefined, weakSpots: number): VerdictOut {
  const v = judge({
    rows: rows.n, findings: input.findings, usedColumns: input.usedColumns, metric,
    value: report.metrics[metric]!.value, baseline: report.baseline[metric]!, gain: report.gain[metric]!,
    ...(report.folds ? { folds: report.folds } : {}), ...(ece !== undefined ? { ece } : {}), weakSpots, learningCurve: input.learningCurve,
  });
  return { level: v.level, reasons: v.reasons.map((r) => ({ ...r, text: words.reasonSentence(r, metric) })) };
}

/**
 * The slow part: slices and weak spots need the original columns (`input.table`); without them both
 * are empty. `fast` (from evaluateFast on the same input) lets the verdict be redone with weak spots.
 */
export async function evaluateSlow(input: EvaluationInput, fast: FastEvaluation, opts: EvaluationOptions = {}): Promise<SlowEvaluation> {
  const t0 = performance.now();
  const pace = new Pacer(opts);
  const rows = scoredRows(input);
  const sliceMetric = opts.sliceMetric ?? sliceMetricFor(rows.task);
  const weakMetric: MetricName = ['accuracy', 'mae', 'log_loss', 'brier'].includes(sliceMetric) ? sliceMetric : sliceMetricFor(rows.task);
  let slices: SlowEvaluation['slices'] = [];
  let weak: WeakSpotOut[] = [];
  let tried = 0;
  if (input.table) {
    const table = scoredTable(input.table, rows);
    slices = (await computeSlices(rows, table, { metric: sliceMetric, target: input.target, resamples: opts.resamples, seed: opts.seed, pace: pace.part(0, 0.6) }))
      .map((s) => (s.too_few ? { ...s, text: words.tooFewSentence() } : s));
    const search = await findWeakSpots(rows, table, { metric: weakMetric, target: input.target, top: opts.topWeakSpots, pace: pace.part(0.6, 1) });
    tried = search.tried;
    weak = search.spots.map((s) => ({ text: words.weakSpotSentence(s), ...s }));
  }
  const report: MetricsReport = { metrics: fast.metrics, baseline: fast.baseline, gain: fast.gain, ...(fast.folds ? { folds: fast.folds } : {}) };
  const ece = fast.calibration ? (fast.calibration.correction ? fast.calibration.correction.ece_after : fast.calibration.ece) : undefined;
  const verdict = verdictOf(input, rows, report, fast.metric, ece, weak.length);
  opts.onProgress?.({ fraction: 1, message: 'Groups of rows are checked' });
  return { slice_metric: sliceMetric, slices, weak_spots: weak, conditions_tried: tried, verdict, timing_ms: Math.round(performance.now() - t0) };
}

/** Both parts, for the CLI and saved models; `onFast` receives the first part as soon as it is ready. */
export async function buildEvaluation(input: EvaluationInput, opts: EvaluationOptions & { onFast?: (f: FastEvaluation) => void } = {}): Promise<Evaluation> {
  const { onProgress } = opts;
  const fast = await evaluateFast(input, { ...opts, onProgress: onProgress && ((p) => onProgress({ ...p, fraction: p.fraction * 0.5 })) });
  opts.onFast?.(fast);
  const slow = await evaluateSlow(input, fast, { ...opts, onProgress: onProgress && ((p) => onProgress({ ...p, fraction: 0.5 + p.fraction * 0.5 })) });
  const { verdict: _first, timing_ms: fastMs, ...rest } = fast;
  const { timing_ms: slowMs, ...later } = slow;
  return { ...rest, ...later, timing_ms: { fast: fastMs, slow: slowMs } };
}
