// Small operations on whole tables: row subsets, column views and type changes. Pure (no Node): the
// feature encoder uses it at prediction time, also in the web scorer. Split files: row-list.ts.
import type { ColumnType } from '../../../shared/api.ts';
import { UserError } from '../util/errors.ts';
import { isCoded, type Column, type Table } from './table.ts';
import { parseBoolean, parseDateAny, parseNumber, isBooleanVocabulary } from './values.ts';

/** The table restricted to `rows` (in the given order; repeats allowed). Dictionaries are shared, not copied. */
export function takeRows(table: Table, rows: ArrayLike<number>): Table {
  const n = rows.length;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!(r >= 0 && r < table.nRows) || !Number.isInteger(r)) throw new RangeError(`row index ${r} is outside 0..${table.nRows - 1}`);
  }
  const columns = table.columns.map((c): Column => {
    if (isCoded(c)) {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = c.codes[rows[i]];
      return { ...c, codes };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = c.values[rows[i]];
    return { ...c, values };
  });
  return { nRows: n, columns };
}

/** Rows of `nRows` that are not in `rows` (ascending). */
export function complementRows(nRows: number, rows: ArrayLike<number>): Int32Array {
  const mark = new Uint8Array(nRows);
  for (let i = 0; i < rows.length; i++) mark[rows[i]] = 1;
  const out = new Int32Array(nRows - countMarked(mark));
  let k = 0;
  for (let i = 0; i < nRows; i++) if (!mark[i]) out[k++] = i;
  return out;
}

function countMarked(mark: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < mark.length; i++) c += mark[i];
  return c;
}

/** Each row's value as a number: booleans 0/1, text parsed as a number (NaN when it is not one). */
export function numericView(col: Column): Float64Array {
  if (!isCoded(col)) return col.values;
  const n = col.codes.length;
  const out = new Float64Array(n);
  const map =
    col.type === 'boolean' ? Float64Array.from([0, 1]) : Float64Array.from(col.dictionary, (d) => parseNumber(d));
  for (let i = 0; i < n; i++) {
    const c = col.codes[i];
    out[i] = c < 0 ? NaN : map[c];
  }
  return out;
}

/** Display text of every dictionary code (boolean columns use the file's own words). */
export function labelsOf(col: Column & { dictionary: string[] }): string[] {
  return col.type === 'boolean' && col.labels ? col.labels : col.dictionary;
}

/** Each row's value as text, or null when missing. Numbers are written the way JavaScript writes them. */
export function stringAt(col: Column): (row: number) => string | null {
  if (isCoded(col)) {
    const labels = labelsOf(col);
    return (r) => {
      const c = col.codes[r];
      return c < 0 ? null : labels[c];
    };
  }
  if (col.type === 'date') return (r) => (col.values[r] === col.values[r] ? new Date(col.values[r]).toISOString().slice(0, 10) : null);
  return (r) => (col.values[r] === col.values[r] ? String(col.values[r]) : null);
}

/**
 * A text column's values as numbers for a user who set its type to "Number"; refuses in one sentence when
 * most of them are not numbers, which would otherwise leave a column that looks empty.
 */
function readableNumbers(col: Column): Float64Array {
  const values = numericView(col);
  if (!isCoded(col) || col.type === 'boolean') return values;
  let present = 0;
  const unread: string[] = [];
  let nUnread = 0;
  for (let i = 0; i < values.length; i++) {
    if (col.codes[i] < 0) continue;
    present++;
    if (values[i] !== values[i]) {
      nUnread++;
      const t = col.dictionary[col.codes[i]];
      if (unread.length < 3 && !unread.includes(t)) unread.push(t);
    }
  }
  if (nUnread > 0.5 * present) {
    throw new UserError(
      'not_numbers',
      `Most values in "${col.name}" are not numbers (${unread.map((t) => `"${t}"`).join(', ')}), so Augur cannot use it as a number.`,
      'Set its type back to what Augur read, or fix the values in the file.',
    );
  }
  return values;
}

/** The column as another type, for a user's override ("this number is really a category"). */
export function convertColumn(col: Column, to: ColumnType): Column {
  if (col.type === to) return col;
  const n = isCoded(col) ? col.codes.length : col.values.length;
  if (to === 'numeric') return { name: col.name, type: 'numeric', values: readableNumbers(col) };
  if (to === 'date') {
    if (!isCoded(col)) return { name: col.name, type: 'date', values: col.values };
    const map = Float64Array.from(col.dictionary, (d) => parseDateAny(d));
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = col.codes[i] < 0 ? NaN : map[col.codes[i]];
    return { name: col.name, type: 'date', values };
  }
  // To a coded type: build a dictionary from the text of each value.
  let codes: Int32Array;
  let dictionary: string[];
  if (isCoded(col)) {
    codes = col.codes;
    dictionary = labelsOf(col).slice();
  } else {
    const at = stringAt(col);
    const idx = new Map<string, number>();
    dictionary = [];
    codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = at(i);
      if (s === null) {
        codes[i] = -1;
        continue;
      }
      let c = idx.get(s);
      if (c === undefined) {
        c = dictionary.length;
        dictionary.push(s);
        idx.set(s, c);
      }
      codes[i] = c;
    }
  }
  if (to === 'boolean') {
    if (!isBooleanVocabulary(dictionary) && dictionary.some((d) => Number.isNaN(parseBoolean(d)))) {
      throw new UserError('not_boolean', `"${col.name}" has values other than yes/no or true/false, so it cannot be treated as yes/no.`);
    }
    const map = dictionary.map((d) => parseBoolean(d));
    const labels = ['false', 'true'];
    dictionary.forEach((d, i) => (labels[map[i]] = d));
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? -1 : map[codes[i]];
    return { name: col.name, type: 'boolean', codes: out, dictionary: ['false', 'true'], labels };
  }
  return { name: col.name, type: to, codes, dictionary };
}

/** The table with the user's type overrides applied (unknown column names are ignored). */
export function applyTypeOverrides(table: Table, overrides: Record<string, ColumnType> | undefined): Table {
  if (!overrides) return table;
  const columns = table.columns.map((c) => (Object.hasOwn(overrides, c.name) ? convertColumn(c, overrides[c.name]) : c));
  return { nRows: table.nRows, columns };
}
