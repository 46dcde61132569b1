// The one metric vocabulary: names, direction, labels, plain-words hints and formatting, shared by the
// engine (search, evaluation, CLI), the API's input checks and the renderer. Pure: no Node, no DOM.

/** Metrics a run can optimise (the Train screen's "What makes a model the best?", `train --metric`). */
export type SearchMetricName = 'roc_auc' | 'log_loss' | 'accuracy' | 'f1_macro' | 'rmse' | 'mae' | 'r2';
/** Every metric the evaluation reports; the search ones and more. */
export type MetricName = SearchMetricName | 'balanced_accuracy' | 'precision_macro' | 'recall_macro' | 'pr_auc' | 'brier' | 'mape';

export type MetricKind = 'classification' | 'regression';

export interface MetricSpec {
  name: MetricName;
  kind: MetricKind;
  lowerIsBetter: boolean;
  /** A share between 0 and 1, shown as a percentage. */
  percent: boolean;
  /** The technical name, for progress lines and the CLI: "ROC AUC". */
  label: string;
  /** A column heading in plain words: "Ranking quality". */
  plain: string;
  /** A row label that names both: "Ranking quality (ROC AUC)". */
  longLabel: string;
  /** One sentence that explains the number to someone who never heard of it. */
  hint: string;
  /** Search metrics only: the choice on the Train screen, in words. */
  goal?: string;
}

type Spec = Omit<MetricSpec, 'name'>;

const SPECS: Record<MetricName, Spec> = {
  roc_auc: {
    kind: 'classification', lowerIsBetter: false, percent: true, label: 'ROC AUC', plain: 'Ranking quality', longLabel: 'Ranking quality (ROC AUC)',
    hint: 'How well the model puts likely cases above unlikely ones: 50% is a coin flip, 100% is perfect.',
    goal: 'Putting likely cases first (recommended)',
  },
  log_loss: {
    kind: 'classification', lowerIsBetter: true, percent: false, label: 'Log loss', plain: 'Confidence error', longLabel: 'Confidence penalty (log loss)',
    hint: 'How far the model’s stated confidence is from the truth: lower is better.',
    goal: 'Confidence you can trust',
  },
  accuracy: {
    kind: 'classification', lowerIsBetter: false, percent: true, label: 'Accuracy', plain: 'Right', longLabel: 'Right answers (accuracy)',
    hint: 'Share of held-back rows the model got right.',
    goal: 'The most right answers',
  },
  f1_macro: {
    kind: 'classification', lowerIsBetter: false, percent: true, label: 'F1 (macro)', plain: 'Balanced hit rate', longLabel: 'Balanced score (macro F1)',
    hint: 'Hits and misses weighed equally across all categories (100% is perfect).',
    goal: 'Every answer counts the same, however rare',
  },
  balanced_accuracy: {
    kind: 'classification', lowerIsBetter: false, percent: true, label: 'Balanced accuracy', plain: 'Right, every answer counted alike', longLabel: 'Right answers, every outcome counted alike (balanced accuracy)',
    hint: 'The share of right answers within each outcome, averaged, so a rare outcome counts as much as a common one.',
  },
  precision_macro: {
    kind: 'classification', lowerIsBetter: false, percent: true, label: 'Precision (macro)', plain: 'Right when it says so', longLabel: 'Right when it names an outcome (macro precision)',
    hint: 'When the model names an outcome, how often that outcome is real, averaged over the outcomes.',
  },
  recall_macro: {
    kind: 'classification', lowerIsBetter: false, percent: true, label: 'Recall (macro)', plain: 'Cases found', longLabel: 'Cases found (macro recall)',
    hint: 'Of the real cases of each outcome, the share the model finds, averaged over the outcomes.',
  },
  pr_auc: {
    kind: 'classification', lowerIsBetter: false, percent: true, label: 'PR AUC', plain: 'Finding the rare cases', longLabel: 'Finding the cases without false alarms (PR AUC)',
    hint: 'How well the model finds the cases while raising few false alarms; the share of cases is what guessing gets, 100% is perfect.',
  },
  brier: {
    kind: 'classification', lowerIsBetter: true, percent: false, label: 'Brier score', plain: 'Probability error', longLabel: 'Probability error (Brier score)',
    hint: 'The squared gap between the stated chances and what happened: 0 is perfect, lower is better.',
  },
  rmse: {
    kind: 'regression', lowerIsBetter: true, percent: false, label: 'RMSE', plain: 'Error size', longLabel: 'Error with big misses counted more (RMSE)',
    hint: 'How far off predictions are, in the column’s own units, with big misses counting extra: lower is better.',
    goal: 'Small errors, with big misses counting extra (recommended)',
  },
  mae: {
    kind: 'regression', lowerIsBetter: true, percent: false, label: 'MAE', plain: 'Average error', longLabel: 'Typical error (MAE)',
    hint: 'How far off predictions are on average, in the column’s own units: lower is better.',
    goal: 'The smallest average error',
  },
  r2: {
    kind: 'regression', lowerIsBetter: false, percent: true, label: 'R²', plain: 'Variation explained', longLabel: 'Share of variation explained (R²)',
    hint: 'How much of the ups and downs the model explains: 0% is guessing the average, 100% is perfect.',
    goal: 'Explaining most of the ups and downs',
  },
  mape: {
    kind: 'regression', lowerIsBetter: true, percent: true, label: 'MAPE', plain: 'Error in percent', longLabel: 'Typical error in percent (MAPE)',
    hint: 'How far off predictions are, as a share of the real value, on average: lower is better.',
  },
};

/** Search metrics by task, the default (recommended) first; this order is the Train screen's. */
const SEARCH_BY_KIND: Record<MetricKind, SearchMetricName[]> = {
  classification: ['roc_auc', 'log_loss', 'accuracy', 'f1_macro'],
  regression: ['rmse', 'mae', 'r2'],
};
/** Everything the evaluation reports, by task. */
const EVAL_BY_KIND: Record<MetricKind, MetricName[]> = {
  classification: ['accuracy', 'balanced_accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'roc_auc', 'pr_auc', 'log_loss', 'brier'],
  regression: ['rmse', 'mae', 'mape', 'r2'],
};

/** For input checks at trust boundaries (`Object.hasOwn(SEARCH_METRICS, x)`). */
export const SEARCH_METRICS: Readonly<Record<SearchMetricName, true>> = Object.freeze({
  roc_auc: true, log_loss: true, accuracy: true, f1_macro: true, rmse: true, mae: true, r2: true,
});

export function isMetricName(x: unknown): x is MetricName {
  return typeof x === 'string' && Object.hasOwn(SPECS, x);
}

export function isSearchMetric(x: unknown): x is SearchMetricName {
  return typeof x === 'string' && Object.hasOwn(SEARCH_METRICS, x);
}

/** The metric's spec; throws on an unknown name (a programming error: names cross boundaries checked). */
export function metricSpec(name: MetricName): MetricSpec {
  const s = isMetricName(name) ? SPECS[name] : undefined;
  if (!s) throw new Error(`Unknown metric: ${String(name)}`);
  return { name, ...s };
}

type TaskName = 'binary' | 'multiclass' | 'regression';
const kindOf = (task: TaskName): MetricKind => (task === 'regression' ? 'regression' : 'classification');

export function searchMetricsFor(task: TaskName): SearchMetricName[] {
  return [...SEARCH_BY_KIND[kindOf(task)]];
}

export function evaluationMetricsFor(task: TaskName): MetricName[] {
  return [...EVAL_BY_KIND[kindOf(task)]];
}

export function defaultMetricFor(task: TaskName): SearchMetricName {
  return SEARCH_BY_KIND[kindOf(task)][0];
}

// ---- formatting: the one way a number or a score is written for people ----

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 0.8612 -> "86%"; one decimal only when rounding would claim a perfect or round score (99.5%). */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const p = fraction * 100;
  const txt = Math.abs(p) >= 99 && Math.abs(p) < 100 ? p.toFixed(1).replace(/\.0$/, '') : Math.round(p).toString();
  return `${txt}%`;
}

/**
 * A general number with sensible precision: 1,234 / 123 / 12.3 / 1.23 / 0.012; no padding zeros (6, not
 * 6.00) and never "0" for something that is there.
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return intFmt.format(Math.round(v));
  if (a === 0) return '0';
  const txt = a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
  return txt.includes('.') && !txt.includes('e') ? txt.replace(/\.?0+$/, '') : txt;
}

/**
 * A score as shown to people: shares as percentages ("87%"), error sizes as "± 1,234", log loss and
 * Brier to three decimals (models a leaderboard ranks apart differ there), "–" when undefined.
 */
export function formatScore(metric: string, value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (!isMetricName(metric)) return formatNumber(value);
  if (SPECS[metric].percent) return formatPercent(value);
  if (metric === 'rmse' || metric === 'mae') return `± ${formatNumber(value)}`;
  if (metric === 'log_loss' || metric === 'brier') return value.toFixed(3);
  return formatNumber(value);
}

/** "ROC AUC 85%": a score with its technical name, for progress lines. */
export function scoreText(metric: MetricName, value: number): string {
  return `${metricSpec(metric).label} ${formatScore(metric, value)}`;
}

export interface MetricPlain {
  /** Column heading, e.g. "Ranking quality". */
  label: string;
  /** One sentence that explains the number to a non-statistician. */
  hint: string;
  /** Percent-style metrics are shown as 86%. */
  percent: boolean;
}

/** The plain heading and hint of a metric named by a string (unknown names get a neutral fallback). */
export function metricPlain(metric: string): MetricPlain {
  if (!isMetricName(metric)) return { label: 'Score', hint: `Model score (${metric}).`, percent: false };
  const s = SPECS[metric];
  return { label: s.plain, hint: s.hint, percent: s.percent };
}
