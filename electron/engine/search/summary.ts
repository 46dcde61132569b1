// The run's result in plain words for the Train / Results screens.
import type { TargetInfo } from '../../../shared/api.ts';
import { formatNumber, formatPercent, formatScore, metricSpec } from '../../../shared/metrics.ts';
import { computeMetric, type MetricName } from '../evaluate/metrics.ts';
import type { TaskInfo } from '../models/types.ts';

export interface QualityRow {
  label: string;
  value: string;
  explanation: string;
}

// Formatting and metric names come from the one vocabulary (shared/metrics.ts); re-exported for the CLI.
export { formatNumber, formatScore, scoreText } from '../../../shared/metrics.ts';

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
      { label: metricSpec('mae').longLabel, value: formatScore('mae', mae), explanation: `On average a prediction misses the true ${target.name} by this much.` },
      { label: metricSpec('rmse').longLabel, value: formatScore('rmse', m('rmse')), explanation: 'Like the typical error, but large misses weigh more; lower is better.' },
      { label: metricSpec('r2').longLabel, value: formatScore('r2', m('r2')), explanation: '100% means perfect predictions, 0% means no better than always guessing the average.' },
    );
  } else {
    const acc = m('accuracy');
    sentence = `The best model is right ${formatPercent(acc)} of the time; guessing the most common answer would be right ${formatPercent(ref.accuracy!)}.`;
    quality.push(
      { label: metricSpec('accuracy').longLabel, value: formatScore('accuracy', acc), explanation: "Share of checked rows where the model's most likely answer was correct." },
      {
        label: metricSpec('roc_auc').longLabel,
        value: formatScore('roc_auc', m('roc_auc')),
        explanation:
          task.task === 'binary'
            ? `How often the model scores a random "${target.classes?.[1] ?? 'yes'}" row above a random "${target.classes?.[0] ?? 'no'}" row: 50% is a coin flip, 100% is perfect.`
            : 'How well the model tells each answer apart from the others: 50% is a coin flip, 100% is perfect.',
      },
      { label: metricSpec('log_loss').longLabel, value: formatScore('log_loss', m('log_loss')), explanation: 'Punishes confident wrong answers; lower is better.' },
      { label: metricSpec('f1_macro').longLabel, value: formatScore('f1_macro', m('f1_macro')), explanation: 'Counts every answer equally, however rare it is; 100% is perfect.' },
    );
  }
  quality.push({ label: 'How this was measured', value: validation, explanation: 'Every score comes from rows the model did not learn from.' });
  return { sentence, quality };
}
