// Reads saved reference statistics as untrusted input (a model file the user opened): every field is
// checked for type, range and consistency, and anything off is one "damaged" sentence, never a crash later.
import type { ColumnType } from '../../../shared/api.ts';
import {
  FEW_DISTINCT,
  QUANTILE_STEPS,
  REFERENCE_KIND,
  REFERENCE_LIMITS,
  REFERENCE_VERSION,
  REST_NAMES,
  SAMPLE_ROWS,
  SKETCH_POINTS,
  TOP_LEVELS,
  badReference,
  type CategoricalStats,
  type ColumnRole,
  type ColumnStats,
  type FilledStats,
  type NumericStats,
  type ReferenceStats,
} from './reference.ts';

const TYPES: ColumnType[] = ['numeric', 'categorical', 'boolean', 'date', 'text', 'id'];
const ROLES: ColumnRole[] = ['feature', 'target', 'ignored'];
const MAX_SAMPLE = 10 * SAMPLE_ROWS;

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);
const isCount = (x: unknown, max = Number.MAX_SAFE_INTEGER): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= max;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const ascending = (a: number[], strict: boolean) => a.every((v, i) => i === 0 || (strict ? v > a[i - 1] : v >= a[i - 1]));

function numArray(x: unknown, maxLen: number): number[] {
  if (!Array.isArray(x) || x.length > maxLen || !x.every(isNum)) throw badReference();
  return x as number[];
}

function countArray(x: unknown, maxLen: number, max?: number): number[] {
  if (!Array.isArray(x) || x.length > maxLen || !x.every((v) => isCount(v, max))) throw badReference();
  return x as number[];
}

function strArray(x: unknown, maxLen: number): string[] {
  if (!Array.isArray(x) || x.length > maxLen || !x.every((s) => typeof s === 'string' && s.length <= REFERENCE_LIMITS.MAX_NAME)) throw badReference();
  return x as string[];
}

/** Rebuilds reference statistics from parsed JSON (or JSON text); throws UserError('bad_model') on anything malformed. */
export function referenceFromJSON(json: unknown): ReferenceStats {
  let j = json;
  if (typeof j === 'string') {
    try {
      j = JSON.parse(j);
    } catch {
      throw badReference();
    }
  }
  if (!isObj(j) || j.kind !== REFERENCE_KIND || j.formatVersion !== REFERENCE_VERSION) throw badReference();
  if (!isCount(j.nRows) || !isCount(j.seed, 2 ** 32 - 1) || !isCount(j.sampleRows, MAX_SAMPLE) || j.sampleRows > j.nRows) throw badReference();
  if (j.target !== null && typeof j.target !== 'string') throw badReference();
  if (!Array.isArray(j.columns) || j.columns.length > REFERENCE_LIMITS.MAX_COLUMNS) throw badReference();
  const nRows = j.nRows;
  const sampleRows = j.sampleRows;
  const seen = new Set<string>();
  const columns = j.columns.map((c: unknown): ColumnStats => {
    if (!isObj(c) || typeof c.name !== 'string' || c.name.length > REFERENCE_LIMITS.MAX_NAME || seen.has(c.name)) throw badReference();
    seen.add(c.name);
    if (!TYPES.includes(c.type as ColumnType) || !ROLES.includes(c.role as ColumnRole) || !isCount(c.missing, nRows)) throw badReference();
    const base = { name: c.name, type: c.type as ColumnType, role: c.role as ColumnRole, missing: c.missing };
    if (c.kind === 'numeric') return numericFrom(c, base, nRows, sampleRows);
    if (c.kind === 'categorical') return categoricalFrom(c, base, nRows, sampleRows);
    if (c.kind === 'filled') return filledFrom(c, base, sampleRows);
    throw badReference();
  });
  const target = j.target as string | null;
  if (target !== null && !columns.some((c) => c.name === target && c.role === 'target')) throw badReference();
  return { kind: REFERENCE_KIND, formatVersion: REFERENCE_VERSION, nRows, seed: j.seed, sampleRows, target, columns };
}

type Base = Pick<ColumnStats, 'name' | 'type' | 'role' | 'missing'>;

function numericFrom(c: Obj, base: Base, nRows: number, sampleRows: number): NumericStats {
  if (base.type !== 'numeric' && base.type !== 'date') throw badReference();
  const present = nRows - base.missing;
  const opt = (x: unknown) => (present === 0 ? x === null : isNum(x));
  if (!opt(c.min) || !opt(c.max) || !opt(c.mean) || !opt(c.sd)) throw badReference();
  const quantiles = numArray(c.quantiles, QUANTILE_STEPS + 1);
  if (quantiles.length !== (present ? QUANTILE_STEPS + 1 : 0) || !ascending(quantiles, false)) throw badReference();
  const sketch = numArray(c.sketch, SKETCH_POINTS);
  if (sketch.length !== (present ? SKETCH_POINTS : 0) || !ascending(sketch, false)) throw badReference();
  if (!isObj(c.bins)) throw badReference();
  const edges = numArray(c.bins.edges, 9);
  const counts = countArray(c.bins.counts, 10, present);
  if (!ascending(edges, true) || counts.length !== edges.length + 1 || sum(counts) !== present) throw badReference();
  if (present && ((c.sd as number) < 0 || (c.min as number) > (c.max as number))) throw badReference();
  const sample = c.sample;
  if (!Array.isArray(sample) || sample.length !== sampleRows || !sample.every((v) => v === null || isNum(v))) throw badReference();
  const out: NumericStats = {
    kind: 'numeric',
    ...base,
    min: c.min as number | null,
    max: c.max as number | null,
    mean: c.mean as number | null,
    sd: c.sd as number | null,
    quantiles,
    sketch,
    bins: { edges, counts },
    sample: sample as (number | null)[],
  };
  if (c.distinct !== undefined) {
    if (!isObj(c.distinct)) throw badReference();
    const values = numArray(c.distinct.values, FEW_DISTINCT);
    const dc = countArray(c.distinct.counts, FEW_DISTINCT, present);
    if (values.length !== dc.length || !ascending(values, true) || sum(dc) !== present) throw badReference();
    out.distinct = { values, counts: dc };
  }
  return out;
}

function categoricalFrom(c: Obj, base: Base, nRows: number, sampleRows: number): CategoricalStats {
  if (base.type !== 'categorical' && base.type !== 'boolean') throw badReference();
  const levels = strArray(c.levels, TOP_LEVELS);
  const counts = countArray(c.counts, TOP_LEVELS, nRows);
  if (counts.length !== levels.length || new Set(levels).size !== levels.length) throw badReference();
  if (!isCount(c.otherCount, nRows) || !isCount(c.otherLevels, nRows)) throw badReference();
  if (sum(counts) + c.otherCount + base.missing !== nRows) throw badReference();
  if ((c.otherCount === 0) !== (c.otherLevels === 0)) throw badReference();
  const sample = c.sample;
  if (!Array.isArray(sample) || sample.length !== sampleRows || !sample.every((v) => Number.isInteger(v) && v >= -1 && v <= levels.length)) throw badReference();
  const out: CategoricalStats = {
    kind: 'categorical',
    ...base,
    levels,
    counts,
    otherCount: c.otherCount,
    otherLevels: c.otherLevels,
    sample: sample as number[],
  };
  if (c.rest !== undefined) {
    const rest = strArray(c.rest, REST_NAMES);
    if (rest.length !== c.otherLevels) throw badReference();
    out.rest = rest;
  }
  return out;
}

function filledFrom(c: Obj, base: Base, sampleRows: number): FilledStats {
  if (base.type !== 'text' && base.type !== 'id') throw badReference();
  const sample = c.sample;
  if (!Array.isArray(sample) || sample.length !== sampleRows || !sample.every((v) => v === 0 || v === 1)) throw badReference();
  return { kind: 'filled', ...base, sample: sample as number[] };
}

function sum(a: number[]): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}
