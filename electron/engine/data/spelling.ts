// Category values that differ only in capitals or spaces ("Aktiv", "aktiv", "AKTIV ", "Not  paid")
// are one value to the person who typed them. Left apart, an outcome column of two answers becomes
// four classes, two of them with a handful of rows; a feature's levels split the same way.
import { isCoded, type CodedColumn, type Table } from './table.ts';

/** The form two spellings share when they mean the same value. */
export function spellingKey(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** One value written several ways: the spelling kept (the most common) and the others. */
export interface SpellingGroup {
  kept: string;
  others: string[];
}

/** The values of one column that were merged. */
export interface Respelling {
  column: string;
  groups: SpellingGroup[];
}

/**
 * The table with each category column's spellings of one value merged into its most common spelling
 * (ties: the first in the file), and what was merged. Columns with nothing to merge are shared as is.
 */
export function foldSpellings(table: Table): { table: Table; respelled: Respelling[] } {
  const respelled: Respelling[] = [];
  const columns = table.columns.map((col) => {
    if (col.type !== 'categorical' || !isCoded(col)) return col;
    const folded = foldColumn(col, table.nRows);
    if (!folded) return col;
    respelled.push({ column: col.name, groups: folded.groups });
    return folded.col;
  });
  return respelled.length ? { table: { nRows: table.nRows, columns }, respelled } : { table, respelled };
}

function foldColumn(col: CodedColumn, n: number): { col: CodedColumn; groups: SpellingGroup[] } | null {
  const { dictionary } = col;
  const byKey = new Map<string, number[]>();
  dictionary.forEach((d, c) => {
    const k = spellingKey(d);
    const g = byKey.get(k);
    if (g) g.push(c);
    else byKey.set(k, [c]);
  });
  if (byKey.size === dictionary.length) return null;
  const count = new Float64Array(dictionary.length);
  for (let i = 0; i < n; i++) if (col.codes[i] >= 0) count[col.codes[i]]++;
  const remap = Int32Array.from(dictionary, (_, c) => c);
  const groups: SpellingGroup[] = [];
  for (const codes of byKey.values()) {
    const used = codes.filter((c) => count[c] > 0);
    if (used.length < 2) continue;
    const kept = used.reduce((a, b) => (count[b] > count[a] ? b : a));
    for (const c of used) remap[c] = kept;
    groups.push({ kept: dictionary[kept], others: used.filter((c) => c !== kept).map((c) => dictionary[c]) });
  }
  if (!groups.length) return null;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = col.codes[i] < 0 ? -1 : remap[col.codes[i]];
  return { col: { ...col, codes }, groups };
}
