// The task's metrics on the scored rows, each beside the naive baseline, with bootstrap intervals of
// the value and of the gain over the baseline; per-class precision / recall / F1; per-fold values.
import { metricSpec, type MetricName } from '../../../shared/metrics.ts';
import { bootstrapScores, type Interval } from './bootstrap.ts';
import { layoutFor, metricValue, prepareScores } from './kernels.ts';
import type { Pacer } from './pace.ts';
import type { EvalRows } from './rows.ts';
import type { Estimate, ClassRates, MetricsReport } from '../../../shared/evaluation.ts';
export type { Estimate, ClassRates, MetricsReport } from '../../../shared/evaluation.ts';

export interface ScoreOptions {
  classes?: string[];
  metric: MetricName;
  resamples?: number;
  seed?: number;
  pace?: Pacer;
}

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(10)) : x);
const est = (value: number, ci: Interval | null): Estimate => ({ value: round(value), ci: ci ? [round(ci[0]), round(ci[1])] : null });

export async function scoreRows(rows: EvalRows, opts: ScoreOptions): Promise<MetricsReport> {
  const model = prepareScores(rows.task, rows.y, rows.pred);
  const base = prepareScores(rows.task, rows.y, rows.base);
  const layout = layoutFor(model);
  const boot = await bootstrapScores(model, layout, base, {
    resamples: opts.resamples,
    seed: opts.seed,
    lowerIsBetter: layout.metrics.map((m) => metricSpec(m).lowerIsBetter),
    pace: opts.pace,
  });
  const report: MetricsReport = { metrics: {}, baseline: {}, gain: {} };
  layout.metrics.forEach((m, j) => {
    report.metrics[m] = est(boot.value[j], boot.ci[j]);
    report.baseline[m] = round(boot.baseValue![j]);
    const g = metricSpec(m).lowerIsBetter ? boot.baseValue![j] - boot.value[j] : boot.value[j] - boot.baseValue![j];
    report.gain[m] = est(g, boot.gainCi![j]);
  });
  if (layout.k > 0 && model.kind === 'classification') {
    const counts = new Float64Array(layout.k);
    for (let i = 0; i < rows.n; i++) counts[model.y[i]]++;
    const at = layout.metrics.length;
    report.per_class = Array.from({ length: layout.k }, (_, c) => ({
      class: opts.classes?.[c] ?? String(c),
      rows: counts[c],
      precision: est(boot.value[at + 3 * c], boot.ci[at + 3 * c]),
      recall: est(boot.value[at + 3 * c + 1], boot.ci[at + 3 * c + 1]),
      f1: est(boot.value[at + 3 * c + 2], boot.ci[at + 3 * c + 2]),
    }));
  }
  if (rows.kind === 'kfold' && rows.nFolds > 1) report.folds = foldValues(rows, opts.metric);
  return report;
}

/** The metric on each fold's own rows, model and baseline. */
export function foldValues(rows: EvalRows, metric: MetricName): { metric: MetricName; values: number[]; baseline: number[] } {
  const model = prepareScores(rows.task, rows.y, rows.pred);
  const base = prepareScores(rows.task, rows.y, rows.base);
  const values: number[] = [], baseline: number[] = [];
  const w = new Float64Array(rows.n);
  for (let f = 0; f < rows.nFolds; f++) {
    for (let i = 0; i < rows.n; i++) w[i] = rows.fold[i] === f ? 1 : 0;
    values.push(round(metricValue(model, metric, w)));
    baseline.push(round(metricValue(base, metric, w)));
  }
  return { metric, values, baseline };
}
