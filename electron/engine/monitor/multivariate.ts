// The multivariate check (NannyML's domain classifier): a small boosted-tree model learns to tell the
// reference's sampled rows from the new file's rows; its cross-validated ROC AUC is ~0.5 when the two
// cannot be told apart and rises as combinations of values change, even when no single column does.
//
// The alarm band comes from the sample sizes rather than a fixed 0.45–0.65: when nothing changed, the
// out-of-fold scores carry no information, so their AUC is near a Mann–Whitney statistic of exchangeable
// rows, centred on 0.5 with sd √((n0 + n1 + 1) / (12 n0 n1)) (0.013 at 1,000 vs 1,000 rows, 0.030 at
// 100 vs 1,000). Cross-validated models spread it wider: on 30 unchanged samples each of adult_income,
// telco_churn and bank_marketing the sd was 1.2-1.5x that at 100 new rows and 0.9-1.3x at 1,000, so the
// band uses 1.5x. The alarm is above 0.5 + 3 such sd (NannyML's 3-sd convention) and never below 0.55,
// so big files do not alarm on differences too small to matter. Only the upper side alarms: a classifier
// cannot do systematically worse than chance at telling two sets apart; AUC below 0.5 is noise.
import { familyByName } from '../models/registry.ts';
import type { Dataset } from '../models/types.ts';
import { computeMetric } from '../evaluate/metrics.ts';
import { FeatureEncoder } from '../data/features.ts';
import { isCoded, type Column, type Table } from '../data/table.ts';
import { labelsOf, numericView, stringAt } from '../data/table-ops.ts';
import { mulberry32, shuffleInPlace } from '../util/random.ts';
import { throwIfAborted } from '../util/errors.ts';
import { sampleRowIndices, type ColumnStats, type ReferenceStats } from './reference.ts';
import { levelBinner } from './columns.ts';

export interface MultivariateResult {
  auc: number;
  drifted: boolean;
  /** Where the AUC of two sets that do not differ falls (3 sd either side of 0.5); alarms above `band[1]`. */
  band: [number, number];
  rows: { reference: number; new: number };
  /** The columns the classifier leaned on most, most first (what tells the new rows apart). */
  topColumns: string[];
}

export interface MultivariateOptions {
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** New rows used at most (a seeded sample); default 1,000, the reference sample's size. */
  maxNewRows?: number;
  folds?: number;
}

/** Rows each side needs before the check runs. */
export const MIN_ROWS = 30;
export const MIN_AUC_ALARM = 0.55;
const Z = 3;
const SD_FACTOR = 1.5;
const OTHER = '\u0000other';
const NEW = '\u0000new';
/** Small on purpose: the question is "can anything tell them apart", not the best possible model. */
const PARAMS = { nRounds: 60, learningRate: 0.1, maxLeaves: 8, minDataInLeaf: 10, earlyStoppingRounds: 0, maxBins: 63, quantizedGradients: false };

/** The null AUC band for n0 reference rows and n1 new rows. */
export function aucBand(n0: number, n1: number): [number, number] {
  const sd = SD_FACTOR * Math.sqrt((n0 + n1 + 1) / (12 * n0 * n1));
  return [0.5 - Z * sd, Math.max(MIN_AUC_ALARM, 0.5 + Z * sd)];
}

export async function domainClassifier(ref: ReferenceStats, newTable: Table, opts: MultivariateOptions = {}): Promise<MultivariateResult | null> {
  const seed = opts.seed ?? 0;
  const byName = new Map(newTable.columns.map((c) => [c.name, c]));
  const cols = ref.columns.filter((c) => c.role === 'feature' && byName.has(c.name));
  const newRows = sampleRowIndices(newTable.nRows, Math.min(newTable.nRows, opts.maxNewRows ?? 1000), seed + 1);
  if (!cols.length || ref.sampleRows < MIN_ROWS || newRows.length < MIN_ROWS) return null;
  const refTable: Table = { nRows: ref.sampleRows, columns: cols.map(sampleColumn) };
  const curTable: Table = { nRows: newRows.length, columns: cols.map((c) => alignColumn(c, byName.get(c.name)!, newRows)) };
  const encoder = FeatureEncoder.fit(refTable, {});
  if (!encoder.features.length) return null;
  const a = encoder.encode(refTable);
  const b = encoder.encode(curTable);
  const n0 = a.nRows;
  const n1 = b.nRows;
  const data: Dataset = {
    features: a.features,
    nRows: n0 + n1,
    columns: a.columns.map((c, k) => {
      const out = new Float64Array(n0 + n1);
      out.set(c);
      out.set(b.columns[k], n0);
      return out;
    }),
    y: Float64Array.from({ length: n0 + n1 }, (_, i) => (i < n0 ? 0 : 1)),
  };
  const { auc, importance } = await crossValidate(data, opts.folds ?? 5, seed, opts);
  const band = aucBand(n0, n1);
  return { auc, drifted: auc > band[1], band, rows: { reference: n0, new: n1 }, topColumns: topColumns(encoder, importance) };
}

/**
 * The mean ROC AUC of k stratified folds, and the summed feature importance of the fold models. Each fold
 * is scored on its own: pooling the folds' scores mixes models whose scores sit on different scales,
 * which on unchanged data spread the AUC 1.2-1.5x wider than chance alone (100 new rows vs 1,000).
 */
async function crossValidate(data: Dataset, k: number, seed: number, opts: MultivariateOptions): Promise<{ auc: number; importance: Float64Array }> {
  const n = data.nRows;
  const y = data.y!;
  const fold = new Int32Array(n);
  const rnd = mulberry32(seed + 2);
  for (const cls of [0, 1]) {
    const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === cls);
    shuffleInPlace(rows, rnd);
    rows.forEach((r, i) => (fold[r] = i % k));
  }
  let aucSum = 0;
  const importance = new Float64Array(data.features.length);
  const gbdt = familyByName('gbdt');
  const task = { task: 'binary' as const, nClasses: 2 };
  for (let f = 0; f < k; f++) {
    throwIfAborted(opts.signal);
    const train = subset(data, (i) => fold[i] !== f);
    const valid = subset(data, (i) => fold[i] === f);
    const params = { ...gbdt.defaults(task, { nRows: train.nRows, nFeatures: data.features.length }), ...PARAMS };
    const model = await gbdt.fit(train, task, params, { seed: seed + f, signal: opts.signal });
    aucSum += computeMetric('roc_auc', task, valid.y!, model.predict(valid));
    const imp = model.featureImportance?.();
    if (imp) for (let c = 0; c < imp.length; c++) importance[c] += imp[c];
    model.dispose?.();
    opts.onProgress?.((f + 1) / k);
  }
  return { auc: aucSum / k, importance };
}

function subset(d: Dataset, keep: (i: number) => boolean): Dataset {
  const rows: number[] = [];
  for (let i = 0; i < d.nRows; i++) if (keep(i)) rows.push(i);
  const pick = (src: Float64Array) => Float64Array.from(rows, (r) => src[r]);
  return { features: d.features, nRows: rows.length, columns: d.columns.map(pick), y: pick(d.y!) };
}

/** Original columns by the classifier's importance, those that carry at least 10 % of it. */
function topColumns(encoder: FeatureEncoder, importance: Float64Array): string[] {
  const byColumn = new Map<string, number>();
  let f = 0;
  for (const s of encoder.sources) {
    const width = s.kind === 'date' ? s.parts.length : s.kind === 'words' ? s.words.length : 1;
    for (let w = 0; w < width; w++, f++) byColumn.set(s.column, (byColumn.get(s.column) ?? 0) + (importance[f] ?? 0));
  }
  const total = [...byColumn.values()].reduce((a, b) => a + b, 0);
  if (!(total > 0)) return [];
  return [...byColumn].filter(([, v]) => v >= 0.1 * total).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c]) => c);
}

/** The reference sample of one column as a table column the encoder can learn from. */
export function sampleColumn(c: ColumnStats): Column {
  if (c.kind === 'numeric') return { name: c.name, type: 'numeric', values: Float64Array.from(c.sample, (v) => (v === null ? NaN : v)) };
  if (c.kind === 'filled') return { name: c.name, type: 'numeric', values: Float64Array.from(c.sample) };
  return { name: c.name, type: 'categorical', codes: Int32Array.from(c.sample), dictionary: [...c.levels, OTHER] };
}

/** Rows of a new column in the reference sample's form: the same level codes, unseen values as their own level. */
export function alignColumn(c: ColumnStats, col: Column, rows: Int32Array): Column {
  const n = rows.length;
  if (c.kind === 'numeric') {
    const v = isCoded(col) ? numericView(col) : col.values;
    return { name: c.name, type: 'numeric', values: Float64Array.from(rows, (r) => v[r]) };
  }
  if (c.kind === 'filled') {
    const filled = (r: number) => (isCoded(col) ? col.codes[r] >= 0 : col.values[r] === col.values[r]);
    return { name: c.name, type: 'numeric', values: Float64Array.from(rows, (r) => (filled(r) ? 1 : 0)) };
  }
  const codeOf = levelBinner(c);
  const codes = new Int32Array(n);
  if (isCoded(col)) {
    const map = Int32Array.from(labelsOf(col), codeOf);
    for (let i = 0; i < n; i++) codes[i] = col.codes[rows[i]] < 0 ? -1 : map[col.codes[rows[i]]];
  } else {
    const at = stringAt(col);
    for (let i = 0; i < n; i++) {
      const s = at(rows[i]);
      codes[i] = s === null ? -1 : codeOf(s);
    }
  }
  return { name: c.name, type: 'categorical', codes, dictionary: [...c.levels, OTHER, NEW] };
}
