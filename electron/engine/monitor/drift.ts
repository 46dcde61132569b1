// The drift report: every feature column of a new file against the reference, a guard against the
// false alarms that testing many columns brings, a dataset-level verdict and the multivariate check.
//
// The guard: every p-value of the report's feature columns (each column's distribution test, and its
// missing-value rate) is one Holm family at α = 5 %, so on a file from the same source the chance that
// any column is flagged is at most 5 %, however many columns there are. Distance tests (Wasserstein,
// Jensen–Shannon, used above 1,000 reference rows) have Evidently's threshold of 0.1 as the size that
// matters, and must also pass the guard through the p-value of a chi-square test on every reference row's
// counts (decile bins or distinct values for numbers, values for categories): on a small new file a
// distance of 0.1 can be chance alone.
import type { Table } from '../data/table.ts';
import { UserError, throwIfAborted } from '../util/errors.ts';
import { buildReference, type ReferenceOptions, type ReferenceStats } from './reference.ts';
import { compareColumn, type ColumnComparison, type Share, type TestName } from './columns.ts';
import { holm } from './stattests.ts';
import { domainClassifier, type MultivariateResult } from './multivariate.ts';

export const ALPHA = 0.05;
/** Share of (importance-weighted) feature columns that drift from which the whole file counts as drifted (Evidently's default). */
export const DRIFT_SHARE = 0.5;
/** A missing-value rate counts as changed when it moved at least this much (and beyond chance). */
export const MISSING_CHANGE = 0.05;
/** Share of a column's rows outside the training range, or with values never seen, worth a warning. */
export const UNSEEN_SHARE = 0.01;

export type Importance = ReadonlyMap<string, number> | ReadonlyArray<{ name: string; importance: number }>;

export interface DriftOptions extends ReferenceOptions {
  /** Each original column's importance to the model (any scale, larger = more important). */
  importance?: Importance;
  alpha?: number;
  driftShare?: number;
  /** Run the multivariate check (default true). */
  multivariate?: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export interface ColumnDrift {
  name: string;
  type: ColumnComparison['type'];
  role: ColumnComparison['role'];
  test: TestName;
  statistic: number;
  /** The test's p-value (for a distance test, its guard's), before and after Holm's adjustment. */
  p_value: number | null;
  p_adjusted: number | null;
  guard?: 'chi_square';
  threshold?: number;
  psi: number | null;
  drifted: boolean;
  /** The distribution changed (apart from the missing-value rate). */
  distribution_drifted: boolean;
  importance?: number;
  rows: { before: number; after: number };
  missing: { before: number; after: number; changed: boolean };
  out_of_range?: { below: number; above: number; share: number; min: number; max: number };
  new_values?: { rows: number; share: number; examples: string[] };
  median?: { before: number; after: number };
  biggest_change?: Share;
  chart: Share[];
}

export interface DriftReport {
  dataset_drift: boolean;
  /** Share of feature columns that drifted, weighted by importance when it was given. */
  share_drifted: number;
  n_drifted: number;
  n_columns: number;
  weighted: boolean;
  alpha: number;
  drift_share: number;
  rows: { reference: number; new: number };
  /** Feature columns, drifted first, then by importance (when given), then by PSI. */
  columns: ColumnDrift[];
  target?: ColumnDrift;
  multivariate: MultivariateResult | null;
  /** Columns the model needs that the new file does not have. */
  missing_columns: string[];
  /** Columns of the new file the training data did not have (ignored). */
  new_columns: string[];
}

/** Compares a new file with the training data (its table, or the reference statistics a model saved). */
export async function driftReport(reference: ReferenceStats | Table, newTable: Table, opts: DriftOptions = {}): Promise<DriftReport> {
  if (newTable.nRows === 0) throw new UserError('no_rows', 'The new file has no rows to compare with the training data.', 'Check that it is the right file and that it has rows below its header.');
  const ref = 'kind' in reference ? reference : buildReference(reference, opts);
  const alpha = opts.alpha ?? ALPHA;
  const driftShare = opts.driftShare ?? DRIFT_SHARE;
  const progress = opts.onProgress ?? (() => {});
  const byName = new Map(newTable.columns.map((c) => [c.name, c]));
  const importance = importanceMap(opts.importance);
  const feats: ColumnComparison[] = [];
  let target: ColumnComparison | undefined;
  const missingColumns: string[] = [];
  progress(0, 'Comparing each column with the training data');
  for (const rc of ref.columns) {
    throwIfAborted(opts.signal);
    if (rc.role === 'ignored') continue;
    const nc = byName.get(rc.name);
    if (!nc) {
      if (rc.role === 'feature') missingColumns.push(rc.name);
      continue;
    }
    const cmp = compareColumn(rc, nc, ref.nRows, newTable.nRows);
    if (rc.role === 'target') target = cmp;
    else feats.push(cmp);
  }
  const known = new Set(ref.columns.map((c) => c.name));
  const newColumns = newTable.columns.filter((c) => !known.has(c.name)).map((c) => c.name);
  const columns = guard(feats, alpha, importance);
  const targetDrift = target ? guard([target], alpha, new Map())[0] : undefined;
  progress(0.2, 'Checking whether combinations of values changed');
  let multivariate: MultivariateResult | null = null;
  if (opts.multivariate !== false) {
    multivariate = await domainClassifier(ref, newTable, {
      seed: opts.seed,
      signal: opts.signal,
      onProgress: (f) => progress(0.2 + 0.8 * f, 'Checking whether combinations of values changed'),
    });
  }
  const weighted = importance.size > 0;
  const weightOf = (c: ColumnDrift) => (weighted ? Math.max(0, c.importance ?? 0) : 1);
  const total = columns.reduce((s, c) => s + weightOf(c), 0);
  const drifted = columns.filter((c) => c.drifted);
  const share = total > 0 ? drifted.reduce((s, c) => s + weightOf(c), 0) / total : 0;
  progress(1, 'Done');
  return {
    dataset_drift: share >= driftShare || !!multivariate?.drifted,
    share_drifted: share,
    n_drifted: drifted.length,
    n_columns: columns.length,
    weighted,
    alpha,
    drift_share: driftShare,
    rows: { reference: ref.nRows, new: newTable.nRows },
    columns: sortColumns(columns),
    ...(targetDrift ? { target: targetDrift } : {}),
    multivariate,
    missing_columns: missingColumns,
    new_columns: newColumns,
  };
}

/** Holm across all p-values of the family (distribution tests and missing rates), then each column's verdict. */
function guard(cmps: ColumnComparison[], alpha: number, importance: Map<string, number>): ColumnDrift[] {
  const p = [...cmps.map((c) => c.pValue), ...cmps.map((c) => c.missing.pValue)];
  const adj = holm(p);
  return cmps.map((c, i) => {
    const pAdj = adj[i];
    const distribution = pAdj < alpha && (c.threshold === undefined || c.statistic >= c.threshold);
    const missingChanged = adj[cmps.length + i] < alpha && Math.abs(c.missing.after - c.missing.before) >= MISSING_CHANGE;
    const out: ColumnDrift = {
      name: c.name,
      type: c.type,
      role: c.role,
      test: c.test,
      statistic: c.statistic,
      p_value: finite(c.pValue),
      p_adjusted: finite(pAdj),
      psi: finite(c.psi),
      drifted: distribution || missingChanged,
      distribution_drifted: distribution,
      rows: c.rows,
      missing: { before: c.missing.before, after: c.missing.after, changed: missingChanged },
      chart: c.chart,
    };
    if (c.guard) out.guard = c.guard;
    if (c.threshold !== undefined) out.threshold = c.threshold;
    const imp = importance.get(c.name);
    if (imp !== undefined) out.importance = imp;
    const nNew = c.rows.after;
    if (c.outOfRange) out.out_of_range = { ...c.outOfRange, share: nNew ? (c.outOfRange.below + c.outOfRange.above) / nNew : 0 };
    if (c.newValues) out.new_values = { ...c.newValues, share: nNew ? c.newValues.rows / nNew : 0 };
    if (c.median) out.median = c.median;
    if (c.biggestChange) out.biggest_change = c.biggestChange;
    return out;
  });
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function importanceMap(imp: Importance | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!imp) return out;
  const entries = imp instanceof Map ? [...imp] : (imp as ReadonlyArray<{ name: string; importance: number }>).map((e) => [e.name, e.importance] as const);
  for (const [k, v] of entries) if (typeof k === 'string' && Number.isFinite(v)) out.set(k, v);
  return out;
}

function sortColumns(cols: ColumnDrift[]): ColumnDrift[] {
  return cols
    .map((c, i) => ({ c, i }))
    .sort((a, b) =>
      Number(b.c.drifted) - Number(a.c.drifted) ||
      (b.c.importance ?? 0) - (a.c.importance ?? 0) ||
      (b.c.psi ?? 0) - (a.c.psi ?? 0) ||
      a.i - b.i)
    .map((x) => x.c);
}
