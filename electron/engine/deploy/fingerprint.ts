// A fingerprint of the training table: rows, columns and a sha256 over its content in a stable order,
// so a later table can be recognised as the same data (or not) without keeping any of it. Hashed, per
// column in table order: its name and type as JSON, then
// - numbers and dates: the float64 values (little-endian; every missing value as the same NaN);
// - coded columns (categories, yes/no, text, ids): the distinct values in use, sorted, as JSON, then each
//   row's index into that list as int32 (-1 = empty). So the hash depends on the cells only, not on the
//   order values first appeared in or on values of rows that were set aside.
import { createHash } from 'node:crypto';
import { isCoded, type Table } from '../data/table.ts';
import type { DataFingerprint } from './bundle.ts';

const CHUNK = 1 << 16;

export function fingerprintTable(table: Table): DataFingerprint {
  const h = createHash('sha256');
  const n = table.nRows;
  const buf = new ArrayBuffer(CHUNK * 8);
  const f64 = new Float64Array(buf);
  const i32 = new Int32Array(buf);
  const bytes = new Uint8Array(buf);
  for (const col of table.columns) {
    h.update(JSON.stringify({ name: col.name, type: col.type }) + '\n');
    if (!isCoded(col)) {
      for (let s = 0; s < n; s += CHUNK) {
        const e = Math.min(n, s + CHUNK);
        for (let i = s; i < e; i++) { const v = col.values[i]; f64[i - s] = v === v ? v : NaN; }
        h.update(bytes.subarray(0, (e - s) * 8));
      }
      continue;
    }
    const used = new Uint8Array(col.dictionary.length);
    for (let i = 0; i < n; i++) if (col.codes[i] >= 0) used[col.codes[i]] = 1;
    const values = col.dictionary.filter((_, k) => used[k]).sort();
    const rank = new Map(values.map((v, k) => [v, k]));
    const remap = Int32Array.from(col.dictionary, (d, k) => (used[k] ? rank.get(d)! : -1));
    h.update(JSON.stringify(values) + '\n');
    for (let s = 0; s < n; s += CHUNK) {
      const e = Math.min(n, s + CHUNK);
      for (let i = s; i < e; i++) { const c = col.codes[i]; i32[i - s] = c >= 0 ? remap[c] : -1; }
      h.update(bytes.subarray(0, (e - s) * 4));
    }
  }
  return { rows: n, columns: table.columns.length, sha256: h.digest('hex') };
}
