// The what-if form: typed values -> a one-row Table the encoder reads like a file's row, and the form's
// fields (each input column with its real range or categories) from the training table.
import { type FeatureEncoder, type FeatureSource, OTHER_LEVEL } from '../../data/features.ts';
import { isCoded, type Column, type Table } from '../../data/table.ts';
import { numericView } from '../../data/table-ops.ts';
import { parseDateAny, parseNumber } from '../../data/values.ts';
import { UserError } from '../../util/errors.ts';
import { sourceWidth } from './columns.ts';
import type { WhatIfField } from '../../../../shared/evaluation.ts';
export type { WhatIfField } from '../../../../shared/evaluation.ts';

export type TypedValue = string | number | null;

type InputKind = 'number' | 'date' | 'choice' | 'text';

/** How the encoder reads each input column (the first source of a column decides). */
function inputColumns(encoder: Pick<FeatureEncoder, 'sources'>): { column: string; kind: InputKind; sources: FeatureSource[] }[] {
  const out = new Map<string, { column: string; kind: InputKind; sources: FeatureSource[] }>();
  for (const s of encoder.sources) {
    let c = out.get(s.column);
    if (!c) {
      const kind: InputKind = s.kind === 'numeric' ? 'number' : s.kind === 'date' ? 'date'
        : s.kind === 'boolean' || s.kind === 'categorical' ? 'choice' : 'text';
      out.set(s.column, (c = { column: s.column, kind, sources: [] }));
    }
    c.sources.push(s);
  }
  return [...out.values()];
}

/**
 * A Table of the encoder's input columns from typed rows (the what-if form, one row per object). Numbers
 * may come as numbers or text ("1,234.50"); dates as text or epoch milliseconds; missing or '' = empty.
 * A value that cannot be read as its column's type is refused in one sentence.
 */
export function rowsToTable(encoder: Pick<FeatureEncoder, 'sources'>, rows: Record<string, TypedValue>[]): Table {
  const n = rows.length;
  const columns: Column[] = inputColumns(encoder).map(({ column, kind }): Column => {
    const raw = rows.map((r) => (Object.prototype.hasOwnProperty.call(r, column) ? r[column] : null));
    if (kind === 'number' || kind === 'date') {
      const values = Float64Array.from(raw, (v) => readNumber(column, kind, v));
      return { name: column, type: kind === 'number' ? 'numeric' : 'date', values };
    }
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const codes = Int32Array.from(raw, (v) => {
      if (v === null || v === undefined || String(v).trim() === '') return -1;
      const s = String(v);
      let c = index.get(s);
      if (c === undefined) { c = dictionary.length; dictionary.push(s); index.set(s, c); }
      return c;
    });
    return { name: column, type: kind === 'choice' ? 'categorical' : 'text', codes, dictionary };
  });
  return { nRows: n, columns };
}

function readNumber(column: string, kind: 'number' | 'date', v: TypedValue | undefined): number {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return NaN;
  const x = typeof v === 'number' ? v : kind === 'number' ? parseNumber(v) : parseDateAny(v);
  if (!Number.isFinite(x)) {
    throw new UserError('bad_value', kind === 'number'
      ? `"${column}" needs a number, and "${String(v)}" is not one.`
      : `"${column}" needs a date, and "${String(v)}" is not one Augur can read.`,
    kind === 'date' ? 'Write the date as 2024-03-31.' : undefined);
  }
  return x;
}

/**
 * The form's fields, in the model's column order: numbers and dates with their range and median in the
 * training rows (a column that is always empty gets NaN / ''), categories with their levels (the most
 * common first is `typical`), free text with up to three values several rows share.
 */
export function whatIfFields(encoder: FeatureEncoder, training: Table): WhatIfField[] {
  const encoded = encoder.encode(training);
  const firstFeature = new Map<FeatureSource, number>();
  let f = 0;
  for (const s of encoder.sources) { firstFeature.set(s, f); f += sourceWidth(s); }
  const byName = new Map(training.columns.map((c) => [c.name, c]));
  return inputColumns(encoder).map(({ column, kind, sources }): WhatIfField => {
    const src = sources[0];
    const col = byName.get(column)!;
    if (kind === 'number') {
      const v = finiteSorted(encoded.columns[firstFeature.get(src)!]);
      return { column, kind, min: v[0] ?? NaN, max: v[v.length - 1] ?? NaN, typical: median(v), integer: v.every(Number.isInteger) };
    }
    if (kind === 'date') {
      const v = finiteSorted(dateValues(col));
      const iso = (x: number): string => (Number.isFinite(x) ? new Date(x).toISOString().slice(0, 10) : '');
      return { column, kind, min: iso(v[0]), max: iso(v[v.length - 1]), typical: iso(v.length ? v[Math.floor((v.length - 1) / 2)] : NaN) };
    }
    if (kind === 'choice') {
      const options = src.kind === 'boolean' ? src.labels.slice() : src.kind === 'categorical' ? src.levels.filter((l) => l !== OTHER_LEVEL) : [];
      const codes = encoded.columns[firstFeature.get(src)!];
      const counts = new Float64Array(src.kind === 'boolean' ? 2 : src.kind === 'categorical' ? src.levels.length : 0);
      for (let i = 0; i < codes.length; i++) if (codes[i] >= 0 && codes[i] < counts.length) counts[codes[i]]++;
      const names = src.kind === 'boolean' ? src.labels : src.kind === 'categorical' ? src.levels : [];
      let best = -1;
      counts.forEach((c, k) => { if (c > 0 && names[k] !== OTHER_LEVEL && (best < 0 || c > counts[best])) best = k; });
      return { column, kind, options, typical: best >= 0 ? names[best] : null };
    }
    const examples = sharedValues(col, 3);
    return { column, kind: 'text', typical: examples[0] ?? null, examples };
  });
}

function finiteSorted(a: Float64Array): Float64Array {
  return a.filter((x) => Number.isFinite(x)).sort();
}

function median(v: Float64Array): number {
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function dateValues(col: Column | undefined): Float64Array {
  if (!col) return new Float64Array(0);
  if (!isCoded(col)) return col.values;
  const map = Float64Array.from(col.dictionary, (d) => parseDateAny(d));
  return Float64Array.from(col.codes, (c) => (c < 0 ? NaN : map[c]));
}

/** Up to `max` values that at least two rows share, most common first. */
function sharedValues(col: Column | undefined, max: number): string[] {
  if (!col || !isCoded(col)) {
    if (!col) return [];
    const counts = new Map<number, number>();
    for (const v of numericView(col)) if (v === v) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].filter(([, c]) => c >= 2).sort((a, b) => b[1] - a[1]).slice(0, max).map(([v]) => String(v));
  }
  const counts = new Float64Array(col.dictionary.length);
  for (let i = 0; i < col.codes.length; i++) if (col.codes[i] >= 0) counts[col.codes[i]]++;
  return Array.from(counts, (c, k) => ({ c, k })).filter((x) => x.c >= 2).sort((a, b) => b.c - a.c || a.k - b.k)
    .slice(0, max).map((x) => col.dictionary[x.k]);
}
