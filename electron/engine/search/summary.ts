// The run's result in plain words for the Train / Results screens.
import type { TargetInfo } from '../../../shared/api.ts';
import { computeMetric, metricInfo, type MetricName } from '../evaluate/metrics.ts';
import type { TaskInfo } from '../models/types.ts';

export interface QualityRow {
  label: string;
  value: string;
  explanation: string;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatScore(metric: MetricName, v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  // The same style the UI's leaderboard uses: share-like scores as percentages.
  if (metric === 'accuracy' || metric === 'roc_auc' || metric === 'f1_macro' || metric === 'r2') return pct(v);
  if (metric === 'log_loss') return v.toFixed(3);
  return formatNumber(v);
}

/** Scores of always guessing the most common class / the average (the yardstick in the sentence). */
function reference(task: TaskInfo, y: Float64Array): { accuracy?: number; mae?: number } {
  if (task.task === 'regression') {
    let mean = 0;
    for (const v of y) mean += v;
    mean /= y.length || 1;
    let mae = 0;
    for (const v of y) mae += Math.abs(v - mean);
    return { mae: mae / (y.length || 1) };
  }
  const counts = new Float64Array(task.nClasses);
  for (const v of y) counts[v | 0]++;
  return { accuracy: Math.max(...counts) / (y.length || 1) };
}

export function describeQuality(
  task: TaskInfo,
  target: TargetInfo,
  y: Float64Array,
  pred: Float64Array,
  validation: string,
): { sentence: string; quality: QualityRow[] } {
  const ref = reference(task, y);
  const m = (name: MetricName) => computeMetric(name, task, y, pred);
  const quality: QualityRow[] = [];
  let sentence: string;
  if (task.task === 'regression') {
    const mae = m('mae');
    sentence = `The best model's predictions of “${target.name}” are typically off by ${formatNumber(mae)}; always guessing the average would be off by ${formatNumber(ref.mae!)}.`;
    quality.push(
      { label: 'Typical error (MAE)', value: formatNumber(mae), explanation: `On average a prediction misses the true ${target.name} by this much.` },
      { label: 'Error with big misses counted more (RMSE)', value: formatNumber(m('rmse')), explanation: 'Like the typical error, but large misses weigh more; lower is better.' },
      { label: 'Share of variation explained (R²)', value: formatScore('r2', m('r2')), explanation: '100% means perfect predictions, 0% means no better than always guessing the average.' },
    );
  } else {
    const acc = m('accuracy');
    sentence = `The best model is right ${pct(acc)} of the time; guessing the most common answer would be right ${pct(ref.accuracy!)}.`;
    quality.push(
      { label: 'Right answers (accuracy)', value: pct(acc), explanation: "Share of checked rows where the model's most likely answer was correct." },
      {
        label: 'Ranking quality (ROC AUC)',
        value: formatScore('roc_auc', m('roc_auc')),
        explanation:
          task.task === 'binary'
            ? `How often the model scores a random "${target.classes?.[1] ?? 'yes'}" row above a random "${target.classes?.[0] ?? 'no'}" row: 50% is a coin flip, 100% is perfect.`
            : 'How well the model tells each answer apart from the others: 50% is a coin flip, 100% is perfect.',
      },
      { label: 'Confidence penalty (log loss)', value: formatScore('log_loss', m('log_loss')), explanation: 'Punishes confident wrong answers; lower is better.' },
      { label: 'Balanced score (macro F1)', value: formatScore('f1_macro', m('f1_macro')), explanation: 'Counts every answer equally, however rare it is; 100% is perfect.' },
    );
  }
  quality.push({ label: 'How this was measured', value: validation, explanation: 'Every score comes from rows the model did not learn from.' });
  return { sentence, quality };
}

/** "AUC 0.853" style text for progress lines. */
export function scoreText(metric: MetricName, v: number): string {
  return `${metricInfo(metric).label} ${formatScore(metric, v)}`;
}
