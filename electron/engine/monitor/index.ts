// The monitoring engine's public surface (what the project store, the CLI's `drift`, the API and the
// Monitor screen call). Everything in and out is plain data; every saved piece has a strict reader.
import type { DriftReport } from './drift.ts';
import type { PerformanceEstimate } from './performance.ts';
import type { MetricName } from '../evaluate/metrics.ts';

export { buildReference, referenceToJSON, SAMPLE_ROWS, type ReferenceStats, type ReferenceOptions, type ColumnStats } from './reference.ts';
export { referenceFromJSON } from './reference-json.ts';
export { driftReport, ALPHA, DRIFT_SHARE, type DriftReport, type DriftOptions, type ColumnDrift, type Importance } from './drift.ts';
export { domainClassifier, aucBand, type MultivariateResult } from './multivariate.ts';
export {
  buildPerformanceReference,
  estimatePerformance,
  performanceReferenceFromJSON,
  type PerformanceReference,
  type PerformanceEstimate,
  type PerformanceInput,
  type EstimateInput,
  type EstimateOptions,
  type MetricEstimate,
  type MetricCheck,
} from './performance.ts';
export { monitorRecord, historySeries, monitorRecordsFromJSON, type MonitorRecord, type HistorySeries, type HistoryPoint } from './history.ts';
export { verdict, columnSentence, multivariateSentence, performanceSentences, type Verdict, type Light } from './words.ts';

/** The `drift --json` contract of the CLI (issue 17), exactly its fields. */
export interface DriftCliJson {
  dataset_drift: boolean;
  share_drifted: number;
  columns: { name: string; test: string; statistic: number | null; p_value?: number; psi: number | null; drifted: boolean; importance?: number }[];
  multivariate: { auc: number | null; drifted: boolean };
  estimated?: Partial<Record<MetricName, { value: number; ci: [number, number] }>>;
  actual?: Partial<Record<MetricName, { value: number; reference: number }>>;
}

/** P-values are given for the tests that are p-value tests (KS, chi-square, z-test), not for distances. */
export function toCliJson(report: DriftReport, perf?: PerformanceEstimate): DriftCliJson {
  const out: DriftCliJson = {
    dataset_drift: report.dataset_drift,
    share_drifted: report.share_drifted,
    columns: report.columns.map((c) => {
      const col: DriftCliJson['columns'][number] = {
        name: c.name,
        test: c.test,
        statistic: Number.isFinite(c.statistic) ? c.statistic : null,
        psi: c.psi,
        drifted: c.drifted,
      };
      if (c.threshold === undefined && c.p_value !== null) col.p_value = c.p_value;
      if (c.importance !== undefined) col.importance = c.importance;
      return col;
    }),
    multivariate: { auc: report.multivariate?.auc ?? null, drifted: !!report.multivariate?.drifted },
  };
  if (perf?.estimated) {
    out.estimated = {};
    for (const [m, e] of Object.entries(perf.estimated) as [MetricName, { value: number; ci: [number, number] }][]) out.estimated[m] = { value: e.value, ci: e.ci };
  }
  if (perf?.actual) {
    out.actual = {};
    for (const [m, a] of Object.entries(perf.actual) as [MetricName, { value: number; reference: number }][]) out.actual[m] = { value: a.value, reference: a.reference };
  }
  return out;
}
