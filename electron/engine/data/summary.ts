// Per-column facts for the import screen: missing count, distinct values, examples, range.
import type { ColumnSummary } from '../../../shared/api.ts';
import { isCoded, type Column } from './table.ts';
import { isMissing } from './values.ts';

const DISTINCT_SAMPLE = 50_000;

/** Distinct non-missing numbers: exact up to DISTINCT_SAMPLE rows, else counted on an even spread of them. */
function distinctCount(v: Float64Array): number {
  const step = Math.max(1, v.length / DISTINCT_SAMPLE);
  const s = new Float64Array(Math.min(v.length, DISTINCT_SAMPLE));
  let k = 0;
  for (let p = 0; p < v.length && k < s.length; p += step) {
    const x = v[Math.floor(p)];
    if (x === x) s[k++] = x;
  }
  const sorted = s.subarray(0, k).sort();
  let d = k > 0 ? 1 : 0;
  for (let i = 1; i < k; i++) if (sorted[i] !== sorted[i - 1]) d++;
  return d;
}

export function summarizeColumn(col: Column, sampleCells: string[], na: Set<string>): ColumnSummary {
  const examples: string[] = [];
  for (const c of sampleCells) {
    const t = c.trim();
    if (!isMissing(t, na) && !examples.includes(t)) examples.push(t);
    if (examples.length === 3) break;
  }
  if (isCoded(col)) {
    let missing = 0;
    const seen = new Uint8Array(col.dictionary.length);
    let unique = 0;
    for (let i = 0; i < col.codes.length; i++) {
      const c = col.codes[i];
      if (c < 0) missing++;
      else if (!seen[c]) {
        seen[c] = 1;
        unique++;
      }
    }
    return { name: col.name, type: col.type, missing, unique, examples };
  }
  let missing = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  const v = col.values;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) {
      missing++;
      continue;
    }
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const present = v.length - missing;
  const out: ColumnSummary = { name: col.name, type: col.type, missing, unique: distinctCount(v), examples };
  if (present > 0) {
    out.min = min;
    out.max = max;
    out.mean = sum / present;
  }
  return out;
}
