// Rows as objects (a web page's form, the what-if form, a developer's `predict(rows)`) → a Table read
// the way the model's schema says: numbers with its decimal mark and unit, dates in its order, yes/no
// words as the training file wrote them. Pure (the web scorer bundles it).
import type { TableSchema } from './schema.ts';
import type { Column, Table } from './table.ts';
import { makeNaSet, isMissing, parseBoolean, parseDate, parseNumber, splitUnit } from './values.ts';

export type RowValue = string | number | boolean | null | undefined;
export type RowObject = Record<string, RowValue>;

const NA = makeNaSet();

/** One column per schema column (absent keys are empty cells); keys the schema does not name are ignored. */
export function rowsToTable(rows: readonly RowObject[], schema: TableSchema): Table {
  const n = rows.length;
  const cell = (r: RowObject, name: string): string | null => {
    const v = Object.hasOwn(r, name) ? r[name] : undefined;
    if (v === null || v === undefined) return null;
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
    return isMissing(s, NA) ? null : s;
  };
  const columns: Column[] = schema.columns.map((c): Column => {
    if (c.storage.kind === 'num' && (c.read === 'numeric' || c.read === 'boolean' || c.read === 'id')) {
      const values = new Float64Array(n);
      rows.forEach((r, i) => {
        const raw = Object.hasOwn(r, c.name) ? r[c.name] : undefined;
        if (typeof raw === 'number') values[i] = Number.isFinite(raw) ? raw : NaN;
        else {
          const s = cell(r, c.name);
          values[i] = s === null ? NaN : readNumber(s, c.storage.decimal ?? '.', c.storage.unit);
        }
      });
      if (c.read === 'boolean') return { name: c.name, type: 'boolean', codes: Int32Array.from(values, (v) => (v === 0 || v === 1 ? v : -1)), dictionary: ['false', 'true'], labels: ['0', '1'] };
      if (c.read === 'id') return coded(c.name, 'id', rows.map((r) => cell(r, c.name)));
      return { name: c.name, type: 'numeric', values };
    }
    if (c.storage.kind === 'date' || c.read === 'date') {
      const order = c.storage.dateFormat ?? { order: 'ymd' as const };
      return { name: c.name, type: 'date', values: Float64Array.from(rows, (r) => {
        const s = cell(r, c.name);
        return s === null ? NaN : parseDate(s, order);
      }) };
    }
    const texts = rows.map((r) => cell(r, c.name));
    if (c.read === 'boolean') {
      // the file's own words first ("Ja" / "Nein"), then any yes/no spelling
      const labels = c.labels ?? ['false', 'true'];
      const codes = Int32Array.from(texts, (t) => {
        if (t === null) return -1;
        const k = labels.findIndex((l) => l.trim().toLowerCase() === t.trim().toLowerCase());
        if (k >= 0) return k;
        const b = parseBoolean(t);
        return b === 0 || b === 1 ? b : -1;
      });
      return { name: c.name, type: 'boolean', codes, dictionary: ['false', 'true'], labels: [...labels] };
    }
    const type = c.read === 'numeric' ? 'categorical' : c.read;
    return coded(c.name, type as 'categorical' | 'text' | 'id', texts);
  });
  return { nRows: n, columns };
}

function readNumber(s: string, decimal: '.' | ',', unit?: string): number {
  let v = parseNumber(s, decimal);
  if (v !== v && unit) {
    const u = splitUnit(s);
    if (u?.unit === unit) v = parseNumber(u.number, decimal);
  }
  return v;
}

function coded(name: string, type: 'categorical' | 'text' | 'id', texts: (string | null)[]): Column {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(texts, (t) => {
    if (t === null) return -1;
    const v = t.trim();
    let k = index.get(v);
    if (k === undefined) {
      k = dictionary.length;
      dictionary.push(v);
      index.set(v, k);
    }
    return k;
  });
  return { name, type, codes, dictionary };
}
