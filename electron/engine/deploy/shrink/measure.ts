// What each version costs and saves, measured on this computer: the package's bytes (the folder, and
// the same as one .augur file), how long `scoreTable` (the one scoring path) takes for one row, and the
// run's metric on held-out rows, with the loss in points a user can read.
import { metricSpec, type MetricName } from '../../../../shared/metrics.ts';
import { takeRows } from '../../data/table-ops.ts';
import type { Table } from '../../data/table.ts';
import { computeMetric } from '../../evaluate/metrics.ts';
import type { Dataset, Fitted, TaskInfo } from '../../models/types.ts';
import type { ModelBundle } from '../bundle.ts';
import { packageFiles } from '../package.ts';
import { scoreTable, type ScoringModel } from '../scoring.ts';
import { zipPackage } from '../zip.ts';

export interface PackageSize {
  /** Every file of the package folder (manifest and model card included). */
  bytes: number;
  /** The same package as one .augur file. */
  augurBytes: number;
  /** The model's own files (weights, trees, recipe, kept arrays): what the card compares. */
  modelBytes: number;
}

const FIXED_DATE = new Date('2000-01-01T00:00:00Z');

/** The size of `bundle` as a package, built in memory exactly as savePackage would write it. */
export async function packageSize(bundle: ModelBundle): Promise<PackageSize> {
  const files = await packageFiles(bundle, { created: FIXED_DATE });
  let bytes = 0, modelBytes = 0;
  for (const [p, b] of files) {
    bytes += b.byteLength;
    if (p !== 'manifest.json' && p !== 'README.md') modelBytes += b.byteLength;
  }
  return { bytes, augurBytes: zipPackage(files, FIXED_DATE).byteLength, modelBytes };
}

export interface LatencyOptions {
  /** Calls at least (after the warm-up), and at most. */
  minCalls?: number;
  maxCalls?: number;
  /** Keep calling for at least this long, and never longer than maxMs. */
  minMs?: number;
  maxMs?: number;
}

/** One-row tables cut from `table` (the rows a latency measurement cycles through). */
export function singleRows(table: Table, rows: ArrayLike<number>, count = 32): Table[] {
  const out: Table[] = [];
  for (let i = 0; i < Math.min(count, rows.length); i++) out.push(takeRows(table, [rows[Math.floor((i * rows.length) / Math.min(count, rows.length))]]));
  return out;
}

/** Median microseconds of one `scoreTable` call on one row (the model's whole scoring path). */
export function latencyUs(model: ScoringModel, rows: Table[], opts: LatencyOptions = {}): number {
  const minCalls = opts.minCalls ?? 200, maxCalls = opts.maxCalls ?? 5000;
  const minMs = opts.minMs ?? 300, maxMs = opts.maxMs ?? 3000;
  if (rows.length === 0) return NaN;
  for (let i = 0; i < 20; i++) scoreTable(model, rows[i % rows.length]);
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < maxCalls; i++) {
    const t0 = performance.now();
    scoreTable(model, rows[i % rows.length]);
    const t1 = performance.now();
    times.push(t1 - t0);
    const spent = t1 - start;
    if ((times.length >= minCalls && spent >= minMs) || spent >= maxMs) break;
  }
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  const median = times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
  return median * 1000;
}

/** The metric of `fitted` on encoded rows with outcomes `y`. */
export function scoreOn(metric: MetricName, task: TaskInfo, fitted: Fitted, data: Dataset, y: Float64Array): number {
  return computeMetric(metric, task, y, fitted.predict(data));
}

/**
 * How much worse `after` is than `before`, in points: for scores shown as percentages (ROC AUC,
 * accuracy, F1, R²) percentage points (0.5 = from 91.0% to 90.5%); for errors and log loss, percent
 * more error (0.5 = an RMSE 0.5% larger). Negative when `after` is better.
 */
export function lossPoints(metric: MetricName, before: number, after: number): number {
  const spec = metricSpec(metric);
  const worse = spec.lowerIsBetter ? after - before : before - after;
  if (spec.percent) return 100 * worse;
  return (100 * worse) / Math.max(Math.abs(before), 1e-12);
}

/** "0.5 points" / "0.5% more error": how the bound reads for this metric. */
export function pointsWords(metric: MetricName, points: number): string {
  const p = Math.abs(points) < 0.005 ? 0 : points; // no "-0.00"
  const v = Math.abs(p) < 0.05 ? p.toFixed(2) : p.toFixed(1);
  return metricSpec(metric).percent ? `${v} point${v === '1.0' ? '' : 's'}` : `${v}% more error`;
}
