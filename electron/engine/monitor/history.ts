// Over time: each checked file is one compact record in the project's history; `historySeries` turns the
// records into the chart's series (drift share, the multivariate score, the estimated and real metric)
// with each point's alert thresholds, and says in words when a trend needs attention.
import type { MetricName } from '../evaluate/metrics.ts';
import type { DriftReport } from './drift.ts';
import type { PerformanceEstimate } from './performance.ts';
import type { Light } from './words.ts';
import { UserError } from '../util/errors.ts';
import { list, number, percent } from './plain-numbers.ts';
import { metricInfo } from '../evaluate/metrics.ts';

/** What a project keeps of one monitored file (no charts, no per-column detail beyond the names). */
export interface MonitorRecord {
  id: string;
  /** ISO date-time the file was checked. */
  checked: string;
  /** The file's name, for the chart's axis. */
  label: string;
  rows: number;
  light: Light;
  dataset_drift: boolean;
  share_drifted: number;
  drifted_columns: string[];
  multivariate?: { auc: number; upper: number; drifted: boolean };
  /** Per metric: the estimate (with interval) and/or the real value, and the thresholds for this file's size. */
  metrics: { name: MetricName; estimated?: number; ci?: [number, number]; actual?: number; reference: number; lower: number; upper: number; alert: boolean }[];
}

export function monitorRecord(id: string, label: string, checked: Date, light: Light, drift: DriftReport, perf?: PerformanceEstimate): MonitorRecord {
  const metrics: MonitorRecord['metrics'] = [];
  const names = new Set<MetricName>([...(Object.keys(perf?.estimated ?? {}) as MetricName[]), ...(Object.keys(perf?.actual ?? {}) as MetricName[])]);
  for (const name of names) {
    const e = perf?.estimated?.[name];
    const a = perf?.actual?.[name];
    const ref = (e ?? a)!;
    metrics.push({
      name,
      ...(e ? { estimated: e.value, ci: e.ci } : {}),
      ...(a ? { actual: a.value } : {}),
      reference: ref.reference,
      lower: ref.lower,
      upper: ref.upper,
      alert: !!(e?.alert || a?.alert),
    });
  }
  return {
    id,
    checked: checked.toISOString(),
    label,
    rows: drift.rows.new,
    light,
    dataset_drift: drift.dataset_drift,
    share_drifted: drift.share_drifted,
    drifted_columns: drift.columns.filter((c) => c.drifted).map((c) => c.name),
    ...(drift.multivariate ? { multivariate: { auc: drift.multivariate.auc, upper: drift.multivariate.band[1], drifted: drift.multivariate.drifted } } : {}),
    metrics,
  };
}

const METRICS: MetricName[] = ['roc_auc', 'log_loss', 'accuracy', 'f1_macro', 'rmse', 'mae', 'r2'];

export interface HistoryPoint {
  id: string;
  label: string;
  checked: string;
  rows: number;
  light: Light;
  share_drifted: number;
  /** The drift-share threshold (the dataset-level verdict's). */
  share_threshold: number;
  auc: number | null;
  auc_upper: number | null;
  estimated: number | null;
  ci: [number, number] | null;
  actual: number | null;
  reference: number | null;
  lower: number | null;
  upper: number | null;
  alert: boolean;
}

export interface HistorySeries {
  metric: MetricName;
  points: HistoryPoint[];
  /** Plain sentences about the trend (empty when there is nothing to say). */
  notes: string[];
}

/** The chart's series for `metric`, oldest file first. */
export function historySeries(records: MonitorRecord[], metric: MetricName, shareThreshold = 0.5): HistorySeries {
  const sorted = records.slice().sort((a, b) => (a.checked < b.checked ? -1 : a.checked > b.checked ? 1 : 0));
  const points = sorted.map((r): HistoryPoint => {
    const m = r.metrics.find((x) => x.name === metric);
    return {
      id: r.id,
      label: r.label,
      checked: r.checked,
      rows: r.rows,
      light: r.light,
      share_drifted: r.share_drifted,
      share_threshold: shareThreshold,
      auc: r.multivariate?.auc ?? null,
      auc_upper: r.multivariate?.upper ?? null,
      estimated: m?.estimated ?? null,
      ci: m?.ci ?? null,
      actual: m?.actual ?? null,
      reference: m?.reference ?? null,
      lower: m?.lower ?? null,
      upper: m?.upper ?? null,
      alert: !!m?.alert,
    };
  });
  return { metric, points, notes: trendNotes(metric, points, sorted) };
}

/** Alerts in a row, a metric that got worse three files running, a column that keeps drifting. */
function trendNotes(metric: MetricName, points: HistoryPoint[], records: MonitorRecord[]): string[] {
  const notes: string[] = [];
  const n = points.length;
  if (n >= 2 && points[n - 1].alert && points[n - 2].alert) notes.push('The model has been outside its usual range on the last two files.');
  if (n >= 3) {
    const [a, b, c] = points.slice(-3).map((p) => p.actual ?? p.estimated);
    const lower = metricInfo(metric).lowerIsBetter;
    const worse = (x: number, y: number) => (lower ? y > x : y < x);
    if (a !== null && b !== null && c !== null && worse(a, b) && worse(b, c)) {
      const f = (v: number) => (metric === 'roc_auc' || metric === 'accuracy' || metric === 'f1_macro' || metric === 'r2' ? percent(v) : number(v));
      notes.push(`${metricInfo(metric).label} has got worse on each of the last three files, from ${f(a)} to ${f(c)}.`);
    }
    const last = records.slice(-3);
    const always = last[0].drifted_columns.filter((col) => last.every((r) => r.drifted_columns.includes(col)));
    if (always.length) notes.push(`${list(always.slice(0, 3))} ${always.length === 1 ? 'has' : 'have'} changed in each of the last three files.`);
  }
  return notes;
}

/** Reads stored history records (a project file the user could have edited) as untrusted input. */
export function monitorRecordsFromJSON(json: unknown): MonitorRecord[] {
  const bad = () => new UserError('bad_project', 'The monitoring history of this project is damaged, so Augur cannot show it.');
  if (!Array.isArray(json) || json.length > 100_000) throw bad();
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const str = (v: unknown) => typeof v === 'string' && v.length <= 1000;
  return json.map((r: unknown): MonitorRecord => {
    const o = r as Record<string, unknown>;
    if (!o || typeof o !== 'object' || !str(o.id) || !str(o.checked) || !str(o.label) || !num(o.rows) || !num(o.share_drifted)) throw bad();
    if (!['green', 'amber', 'red'].includes(o.light as string) || typeof o.dataset_drift !== 'boolean') throw bad();
    if (!Array.isArray(o.drifted_columns) || !o.drifted_columns.every(str) || !Array.isArray(o.metrics)) throw bad();
    const mv = o.multivariate as Record<string, unknown> | undefined;
    if (mv !== undefined && (!mv || !num(mv.auc) || !num(mv.upper) || typeof mv.drifted !== 'boolean')) throw bad();
    const metrics = o.metrics.map((m: unknown) => {
      const x = m as Record<string, unknown>;
      if (!x || typeof x !== 'object' || !METRICS.includes(x.name as MetricName) || !num(x.reference) || !num(x.lower) || !num(x.upper) || typeof x.alert !== 'boolean') throw bad();
      if ((x.estimated !== undefined && !num(x.estimated)) || (x.actual !== undefined && !num(x.actual))) throw bad();
      if (x.ci !== undefined && (!Array.isArray(x.ci) || x.ci.length !== 2 || !x.ci.every(num))) throw bad();
      const out: MonitorRecord['metrics'][number] = { name: x.name as MetricName, reference: x.reference as number, lower: x.lower as number, upper: x.upper as number, alert: x.alert as boolean };
      if (x.estimated !== undefined) out.estimated = x.estimated as number;
      if (x.ci !== undefined) out.ci = [(x.ci as number[])[0], (x.ci as number[])[1]];
      if (x.actual !== undefined) out.actual = x.actual as number;
      return out;
    });
    const rec: MonitorRecord = {
      id: o.id as string,
      checked: o.checked as string,
      label: o.label as string,
      rows: o.rows as number,
      light: o.light as Light,
      dataset_drift: o.dataset_drift as boolean,
      share_drifted: o.share_drifted as number,
      drifted_columns: (o.drifted_columns as string[]).slice(),
      metrics,
    };
    if (mv) rec.multivariate = { auc: mv.auc as number, upper: mv.upper as number, drifted: mv.drifted as boolean };
    return rec;
  });
}
