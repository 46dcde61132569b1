// Reference statistics: what the drift tests need to know about the training data, small enough to
// live in a saved model package (plain JSON; `referenceFromJSON` in reference-json.ts reads it as
// untrusted input).
//
// Per column: type, role, row and missing counts, and by kind
// - numeric / date: min, max, mean, standard deviation, 21 quantiles (0 %, 5 %, … 100 %), decile bins
//   with counts (PSI, the chi-square guard and the before/after chart), the distinct values with counts
//   when there are at most 20 (chi-square / z-test / Jensen–Shannon on few-valued numbers), and a
//   quantile sketch of SKETCH_POINTS values at the midpoints (j + ½) / 200 for the Wasserstein
//   distance: on adult_income, bank_marketing and diamonds it is within 0.02 sd (mostly 0.01) of the
//   distance to the full column, where a random 1,000-row sample was off by 0.02 to 0.08 sd, close to
//   the 0.1 threshold (test/monitor/reference.test.ts);
// - categorical / boolean: the 100 most common values with counts, the rest as one "other" count,
//   and the rest's names (up to 1,000) so a value never seen before can be told from a rare one;
// - text / id: only whether each row is filled in (what the model learns from them).
// Plus one seeded random sample of SAMPLE_ROWS rows, the same rows for every column:
// - it keeps every row of a reference of up to 1,000 rows, exactly where Evidently's rule picks KS,
//   chi-square and the z-test, so those tests see the whole training data;
// - it keeps rows whole, so the multivariate check trains on real combinations of values (1,000 rows
//   a side put the null AUC's sd at 0.013, so a score of 0.55 is four sd from chance);
// - 1,000 numbers are 3-7 kB of JSON per column for typical values, 19 kB for full-precision doubles.
import type { ColumnType } from '../../../shared/api.ts';
import { UserError } from '../util/errors.ts';
import { mulberry32 } from '../util/random.ts';
import { isCoded, type CodedColumn, type Column, type Table } from '../data/table.ts';
import { labelsOf } from '../data/table-ops.ts';

export const REFERENCE_KIND = 'augur-reference-stats';
export const REFERENCE_VERSION = 1;
export const SAMPLE_ROWS = 1000;
export const TOP_LEVELS = 100;
export const REST_NAMES = 1000;
export const FEW_DISTINCT = 20;
export const SKETCH_POINTS = 200;
/** Quantiles stored: QUANTILE_STEPS + 1 evenly spaced levels from 0 to 1. */
export const QUANTILE_STEPS = 20;
const MAX_NAME = 1000;
const MAX_COLUMNS = 10_000;

export type ColumnRole = 'feature' | 'target' | 'ignored';

interface StatsBase {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  /** Rows with no value. */
  missing: number;
}

export interface NumericStats extends StatsBase {
  kind: 'numeric';
  /** null when every row is missing. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Population standard deviation (numpy's default), Evidently's norm for the Wasserstein distance. */
  sd: number | null;
  /** QUANTILE_STEPS + 1 quantiles (linear interpolation, numpy's default); empty when every row is missing. */
  quantiles: number[];
  /** SKETCH_POINTS quantiles at (j + ½) / SKETCH_POINTS: the column's shape, for the Wasserstein distance. */
  sketch: number[];
  /** Bins (−∞, e0], (e0, e1], …, (e_last, ∞) over the deciles; counts of non-missing rows. */
  bins: { edges: number[]; counts: number[] };
  /** When the column has at most FEW_DISTINCT values: each value (ascending) and its count. */
  distinct?: { values: number[]; counts: number[] };
  /** The row sample's values (null = missing). */
  sample: (number | null)[];
}

export interface CategoricalStats extends StatsBase {
  kind: 'categorical';
  /** The most common values (at most TOP_LEVELS), most common first, and their counts. */
  levels: string[];
  counts: number[];
  /** Rows with any other value, and how many different values that is. */
  otherCount: number;
  otherLevels: number;
  /** Names of the other values when there are at most REST_NAMES of them (else absent: "new" means "not common before"). */
  rest?: string[];
  /** The row sample: index into `levels`, levels.length for another value, -1 for missing. */
  sample: number[];
}

export interface FilledStats extends StatsBase {
  kind: 'filled';
  /** The row sample: 1 filled in, 0 empty. */
  sample: number[];
}

export type ColumnStats = NumericStats | CategoricalStats | FilledStats;

export interface ReferenceStats {
  kind: typeof REFERENCE_KIND;
  formatVersion: typeof REFERENCE_VERSION;
  nRows: number;
  seed: number;
  /** Rows in the sample (min(SAMPLE_ROWS, nRows)); every column's `sample` has this length. */
  sampleRows: number;
  target: string | null;
  columns: ColumnStats[];
}

export interface ReferenceOptions {
  /** The outcome column (its statistics are kept too, for target drift). */
  target?: string;
  /** Columns the user left out of training: described, but not counted in the verdict. */
  ignore?: string[];
  seed?: number;
  /** Rows kept in the sample (default SAMPLE_ROWS; tests may ask for fewer). */
  sampleRows?: number;
}

/** The reference statistics of a training table. */
export function buildReference(table: Table, opts: ReferenceOptions = {}): ReferenceStats {
  const seed = (opts.seed ?? 0) >>> 0;
  const n = table.nRows;
  const rows = sampleRowIndices(n, Math.min(opts.sampleRows ?? SAMPLE_ROWS, n), seed);
  const ignore = new Set(opts.ignore ?? []);
  const columns = table.columns.map((col): ColumnStats => {
    const role: ColumnRole = col.name === opts.target ? 'target' : ignore.has(col.name) ? 'ignored' : 'feature';
    if (!isCoded(col)) return numericStats(col.name, col.type, role, col.values, n, rows);
    if (col.type === 'text' || col.type === 'id') return filledStats(col, role, n, rows);
    return categoricalStats(col, role, n, rows);
  });
  return { kind: REFERENCE_KIND, formatVersion: REFERENCE_VERSION, nRows: n, seed, sampleRows: rows.length, target: opts.target ?? null, columns };
}

/** `k` distinct row indices of 0..n-1, ascending, drawn with a seeded partial Fisher–Yates shuffle. */
export function sampleRowIndices(n: number, k: number, seed: number): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rnd = mulberry32(seed);
  const pool = new Map<number, number>(); // sparse Fisher–Yates: only touched slots are stored
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    const vj = pool.get(j) ?? j;
    pool.set(j, pool.get(i) ?? i);
    out[i] = vj;
  }
  return out.sort();
}

/** Quantile at level q of ascending values, linear interpolation between order statistics (numpy's default). */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** The non-missing values, ascending. */
export function presentSorted(values: ArrayLike<number>): Float64Array {
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) k++;
  const out = new Float64Array(k);
  k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) out[k++] = values[i];
  return out.sort();
}

/** Counts of ascending `s` in the bins (−∞, e0], (e0, e1], …, (e_last, ∞). */
export function binCounts(s: Float64Array, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    while (b < edges.length && s[i] > edges[b]) b++;
    counts[b]++;
  }
  return counts;
}

function numericStats(name: string, type: ColumnType, role: ColumnRole, values: Float64Array, n: number, rows: Int32Array): NumericStats {
  const s = presentSorted(values);
  const k = s.length;
  let mean = 0;
  for (let i = 0; i < k; i++) mean += s[i];
  mean /= k || 1;
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (s[i] - mean) ** 2;
  const quantiles = k ? Array.from({ length: QUANTILE_STEPS + 1 }, (_, q) => quantileSorted(s, q / QUANTILE_STEPS)) : [];
  const edges = k ? [...new Set(Array.from({ length: 9 }, (_, d) => quantileSorted(s, (d + 1) / 10)))] : [];
  const out: NumericStats = {
    kind: 'numeric',
    name,
    type,
    role,
    missing: n - k,
    min: k ? s[0] : null,
    max: k ? s[k - 1] : null,
    mean: k ? mean : null,
    sd: k ? Math.sqrt(ss / k) : null,
    quantiles,
    sketch: k ? Array.from({ length: SKETCH_POINTS }, (_, j) => quantileSorted(s, (j + 0.5) / SKETCH_POINTS)) : [],
    bins: { edges, counts: binCounts(s, edges) },
    sample: Array.from(rows, (r) => (values[r] === values[r] ? values[r] : null)),
  };
  const distinct = fewDistinct(s);
  if (distinct) out.distinct = distinct;
  return out;
}

/** Distinct values of ascending `s` with counts, or undefined when there are more than FEW_DISTINCT. */
export function fewDistinct(s: Float64Array, limit = FEW_DISTINCT): { values: number[]; counts: number[] } | undefined {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && s[i] === s[i - 1]) counts[counts.length - 1]++;
    else {
      if (values.length === limit) return undefined;
      values.push(s[i]);
      counts.push(1);
    }
  }
  return { values, counts };
}

function categoricalStats(col: CodedColumn, role: ColumnRole, n: number, rows: Int32Array): CategoricalStats {
  const labels = labelsOf(col);
  const perCode = new Float64Array(labels.length);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const c = col.codes[i];
    if (c < 0) missing++;
    else perCode[c]++;
  }
  const used = labels.map((l, c) => ({ l, c, k: perCode[c] })).filter((x) => x.k > 0);
  used.sort((a, b) => b.k - a.k || (a.l < b.l ? -1 : a.l > b.l ? 1 : 0));
  const top = used.slice(0, TOP_LEVELS);
  const rest = used.slice(TOP_LEVELS);
  const index = new Int32Array(labels.length).fill(top.length);
  top.forEach((x, i) => (index[x.c] = i));
  const out: CategoricalStats = {
    kind: 'categorical',
    name: col.name,
    type: col.type,
    role,
    missing,
    levels: top.map((x) => x.l),
    counts: top.map((x) => x.k),
    otherCount: rest.reduce((s, x) => s + x.k, 0),
    otherLevels: rest.length,
    sample: Array.from(rows, (r) => (col.codes[r] < 0 ? -1 : index[col.codes[r]])),
  };
  if (rest.length && rest.length <= REST_NAMES && rest.every((x) => x.l.length <= MAX_NAME)) out.rest = rest.map((x) => x.l);
  return out;
}

function filledStats(col: CodedColumn, role: ColumnRole, n: number, rows: Int32Array): FilledStats {
  let missing = 0;
  for (let i = 0; i < n; i++) if (col.codes[i] < 0) missing++;
  return { kind: 'filled', name: col.name, type: col.type, role, missing, sample: Array.from(rows, (r) => (col.codes[r] < 0 ? 0 : 1)) };
}

/** Reference statistics as JSON text (what a model package stores). */
export function referenceToJSON(ref: ReferenceStats): string {
  return JSON.stringify(ref);
}

/** A column of the reference, by name. */
export function referenceColumn(ref: ReferenceStats, name: string): ColumnStats | undefined {
  return ref.columns.find((c) => c.name === name);
}

/** How the reference describes a column, for callers that only hold a Column. */
export function kindOf(col: Column): ColumnStats['kind'] {
  if (!isCoded(col)) return 'numeric';
  return col.type === 'text' || col.type === 'id' ? 'filled' : 'categorical';
}

export const REFERENCE_LIMITS = { MAX_NAME, MAX_COLUMNS };

/** The error for a damaged saved summary. */
export function badReference(): UserError {
  return new UserError('bad_model', 'The saved summary of the training data in this model is damaged, so Augur cannot compare new files with it.', 'Train the model again, or use an undamaged copy of the model file.');
}
