// The evaluation of a model as the API carries it: plain JSON-safe data (NaN = undefined, sent as null),
// produced by electron/engine/evaluate/ (report.ts) and drawn by the Results screen. Types only.
import type { MetricName } from './metrics.ts';
import type { Task } from './api.ts';

// from evaluate/bootstrap.ts
export type Interval = [number, number];

// from evaluate/scores.ts
export interface Estimate {
  value: number;
  /** Bootstrap 95 % interval; null when the metric is undefined on too many resamples. */
  ci: Interval | null;
}

export interface ClassRates {
  class: string;
  rows: number;
  precision: Estimate;
  recall: Estimate;
  f1: Estimate;
}

export interface MetricsReport {
  metrics: Partial<Record<MetricName, Estimate>>;
  baseline: Partial<Record<MetricName, number>>;
  /** How much better than the baseline (positive = better, in the metric's units), paired interval. */
  gain: Partial<Record<MetricName, Estimate>>;
  per_class?: ClassRates[];
  /** The chosen metric on each fold's rows (k-fold only), beside the baseline there. */
  folds?: { metric: MetricName; values: number[]; baseline: number[] };
}

// from evaluate/calibration.ts
export interface ReliabilityBin {
  /** Average stated chance in the bin (binary: of the second outcome; several: of the top answer). */
  predicted: number;
  /** How often it happened. */
  observed: number;
  rows: number;
}

// from evaluate/curves.ts
export interface RocPoint { fpr: number; tpr: number; threshold: number | null }

export interface PrPoint { recall: number; precision: number; threshold: number | null }

/** Rows flagged from the highest score down: share of rows, share of the cases found, and the lift. */
export interface GainPoint { rows: number; found: number; lift: number; threshold: number | null }

export interface ClassCurves {
  /** The outcome the curve is for (binary: the second class; multiclass: each, one-vs-rest). */
  class: number;
  roc: RocPoint[];
  pr: PrPoint[];
  gain: GainPoint[];
}

export interface ConfusionMatrix {
  /** counts[actual][predicted] */
  counts: number[][];
  /** Each actual outcome's row as shares (what share of real "yes" rows the model called "no"). */
  row_shares: number[][];
}

export interface AmountCharts {
  /** A seeded sample of rows (at most `points`) for the scatter plots. */
  points: { predicted: number; actual: number }[];
  /** Quantile bins of the prediction: average prediction and average real value (the trend line). */
  bins: { predicted: number; actual: number; rows: number }[];
  /** Residual = real − predicted, as a histogram over the 1st–99th percentile (ends include the rest). */
  residuals: { from: number; to: number; rows: number }[];
}

// from evaluate/slices.ts
export interface Slice {
  column: string;
  category?: string;
  range?: [number, number];
  other?: true;
  missing?: true;
  rows: number;
  metric: MetricName;
  value: number;
  ci: Interval | null;
  too_few: boolean;
  /** Two outcomes: share of the second; several: share of each; amounts: the average. */
  outcome_share?: number;
  outcome_shares?: number[];
  outcome_mean?: number;
}

// from evaluate/threshold.ts
export interface Costs {
  /** Cost of a real case the model did not flag (money, or a ratio such as 5). */
  missed: number;
  /** Cost of a row flagged that was not a case. */
  false_alarm: number;
}

export interface ThresholdPoint { threshold: number; cost_per_row: number; flagged: number }

export interface ThresholdChoice {
  costs: Costs;
  /** Flag a row when P(second outcome) ≥ threshold. */
  threshold: number;
  cost_per_row: number;
  /** Share of rows flagged, and the counts of both mistakes, at the chosen threshold. */
  flagged: number;
  missed: number;
  false_alarms: number;
  /** The same with the usual 50 % cut-off, with flagging nobody and with flagging everybody. */
  at_half: number;
  flag_none: number;
  flag_all: number;
  rows: number;
  curve: ThresholdPoint[];
}

// from evaluate/verdict.ts
export type VerdictLevel = 'ready' | 'care' | 'not_ready';

export type ReasonCode =
  | 'leak' | 'too_few_rows' | 'few_rows' | 'personal_data'
  | 'no_gain' | 'small_gain' | 'unsteady' | 'percentages_off' | 'weak_spots'
  | 'more_rows_help' | 'more_rows_wont_help' | 'good';

export interface Reason {
  code: ReasonCode;
  level: VerdictLevel;
  column?: string;
  /** The numbers the sentence needs (metric values, counts, shares). */
  numbers?: Record<string, number>;
}

// from evaluate/weak-spots.ts
export interface SpotCondition {
  column: string;
  op: 'is' | 'under' | 'at_least' | 'missing';
  category?: string;
  threshold?: number;
  equals?: number;
  isDate?: boolean;
}

// from models/composite/calibrators.ts
export type CalibratorJSON =
  /** Platt scaling on the log-odds: p' = 1 / (1 + exp(-(a · logit(p) + b))). Binary. */
  | { kind: 'platt'; formatVersion: 1; a: number; b: number }
  /** Isotonic: p' linear between the knots (x ascending, y non-decreasing), flat beyond them. Binary. */
  | { kind: 'isotonic'; formatVersion: 1; x: number[]; y: number[] }
  /** Temperature scaling: p'_c ∝ p_c^(1/t). Several outcomes. */
  | { kind: 'temperature'; formatVersion: 1; t: number; classes: number };

export type CalibratorKind = CalibratorJSON['kind'];

// from evaluate/conformal-recipe.ts
export type ConformalRecipe =
  /** ŷ ± q: the same width everywhere. */
  | { kind: 'interval'; formatVersion: 1; coverage: number; method: 'absolute'; q: number }
  /** ŷ ± q·σ(ŷ): σ linear between knots of the prediction (flat beyond), wider where misses were bigger. */
  | { kind: 'interval'; formatVersion: 1; coverage: number; method: 'scaled'; q: number; x: number[]; s: number[] }
  /** Every answer whose stated chance is at least `threshold`, and always the most likely one. */
  | { kind: 'set'; formatVersion: 1; coverage: number; method: 'lac'; threshold: number; classes: number };

// from evaluate/report.ts
export interface VerdictOut {
  level: VerdictLevel;
  reasons: (Reason & { text: string })[];
}

export interface CalibrationOut {
  ece: number;
  bins: ReliabilityBin[];
  /** The correction kept with the model (apply with calibratorFromJSON / CalibratedFitted), or null. */
  correction: null | { kind: CalibratorKind; calibrator: CalibratorJSON; log_loss_before: number; log_loss_after: number; ece_after: number; bins_after: ReliabilityBin[] };
  tried: { kind: CalibratorKind; log_loss: number }[];
  text: string;
}

export interface ConformalOut {
  coverage: number;
  observed_coverage: number;
  mean_width?: number;
  mean_set_size?: number;
  single_answer_share?: number;
  method: string;
  /** What a predictor needs to give new rows their range or set (conformalFromJSON reads it back). */
  recipe: ConformalRecipe;
  /** The predictions the recipe applies to: the model's own, or after the kept calibration. */
  applies_to: 'model' | 'calibrated';
  tried?: { method: string; observed_coverage: number; mean_width: number }[];
  text: string;
}

export interface FastEvaluation {
  rows: number;
  rows_without_outcome: number;
  task: Task;
  classes?: string[];
  validation: 'kfold' | 'holdout' | 'external';
  /** The run's metric, which the verdict judges. */
  metric: MetricName;
  metrics: MetricsReport['metrics'];
  baseline: MetricsReport['baseline'];
  gain: MetricsReport['gain'];
  per_class?: MetricsReport['per_class'];
  folds?: MetricsReport['folds'];
  headline: string;
  charts: { curves?: ClassCurves[]; confusion?: ConfusionMatrix; amounts?: AmountCharts };
  calibration?: CalibrationOut;
  conformal?: ConformalOut;
  threshold?: ThresholdChoice & { text: string };
  verdict: VerdictOut;
  timing_ms: number;
}

export interface WeakSpotOut {
  text: string;
  conditions: SpotCondition[];
  rows: number;
  metric: MetricName;
  value: number;
  overall: number;
  ci: [number, number];
}

export interface SlowEvaluation {
  slice_metric: MetricName;
  slices: (Slice & { text?: string })[];
  weak_spots: WeakSpotOut[];
  /** How many one- and two-column conditions the noise guard accounted for. */
  conditions_tried: number;
  /** The verdict with the weak spots taken into account. */
  verdict: VerdictOut;
  timing_ms: number;
}

export type Evaluation = Omit<FastEvaluation, 'verdict' | 'timing_ms'> & Omit<SlowEvaluation, 'timing_ms'> & { timing_ms: { fast: number; slow: number } };

// from evaluate/explain/explainer.ts
/**
 * What the contributions add up to:
 * - 'log_odds': log(p / (1 - p)) of the class's probability (two outcomes; sampled models per class);
 * - 'softmax_score': the class's score before the softmax (exact multiclass boosting / linear);
 * - 'probability': the class's probability (forests);
 * - 'value': the predicted amount, in the target's units.
 */
export type ExplainSpace = 'log_odds' | 'softmax_score' | 'probability' | 'value';

export type ExplainMethod = 'tree_shap' | 'linear' | 'members_combined' | 'enumeration' | 'sampling';

// from evaluate/explain/row.ts
export interface Contribution {
  column: string;
  /** The row's value as shown (null = empty). */
  value: string | null;
  /** What this column adds to the prediction, in `space`. */
  contribution: number;
  /**
   * The same in the units people read (the chance 0..1, or the amount): log-odds values scaled by the
   * row's (shown - baseShown) / (prediction - base), so these too sum from baseShown to shown (a waterfall
   * in percentage points). Absent when that scale is not positive (several classes, rarely).
   */
  shown?: number;
}

export interface RowExplanation {
  method: ExplainMethod;
  space: ExplainSpace;
  /** Classification: the class whose chance is explained. */
  classIndex?: number;
  className?: string;
  /** Where the contributions start (the average output) and end (this row's output), in `space`. */
  base: number;
  prediction: number;
  /** The model's prediction as people read it: the class's chance (0..1) or the amount. */
  shown: number;
  /** The starting point the same way: the chance or amount of an average row. */
  baseShown: number;
  /** Largest effect first. */
  contributions: Contribution[];
  /** Up to three sentences, largest effect first. */
  reasons: string[];
}

// from evaluate/explain/importance.ts
export interface ColumnImportance {
  column: string;
  /** Mean loss of quality when the column is shuffled, in the metric's units (> 0: the column helps). */
  importance: number;
  /** Standard deviation over the repeats. */
  std: number;
  /** One value per repeat. */
  repeats: number[];
}

export interface PermutationImportance {
  metric: MetricName;
  /** The metric on the untouched held-out rows. */
  baseline: number;
  rows: number;
  /** Most important first. */
  columns: ColumnImportance[];
}

// from evaluate/explain/learning-curve.ts
export interface LearningPoint {
  share: number;
  /** Mean training rows over the folds. */
  rows: number;
  /** Mean metric over the folds fitted. */
  score: number;
  scores: number[];
  fitS: number;
}

export type CurveVerdict = 'helps' | 'a_little' | 'hardly' | 'unclear';

export interface LearningCurve {
  metric: MetricName;
  points: LearningPoint[];
  /** Folds every point was fitted on. */
  folds: number;
  fit: { kind: 'power' | 'log_linear' | 'none'; a: number; b: number; c: number };
  /** What twice the rows would give, by the fitted curve (null when it could not be fitted). */
  doubling: { rows: number; predicted: number; gain: number } | null;
  verdict: CurveVerdict;
  advice: string;
  /** True when the time cap stopped it before every share and fold was fitted. */
  capped: boolean;
}

// from evaluate/explain/what-if.ts
export type WhatIfField =
  | { column: string; kind: 'number'; min: number; max: number; typical: number; integer: boolean }
  | { column: string; kind: 'date'; min: string; max: string; typical: string }
  | { column: string; kind: 'choice'; options: string[]; typical: string | null }
  | { column: string; kind: 'text'; typical: string | null; examples: string[] };
