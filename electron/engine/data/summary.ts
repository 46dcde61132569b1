// Per-column facts for the import screen: missing count, distinct values, examples, range.
import type { ColumnSummary } from '../../../shared/api.ts';
import { spellingKey } from './spelling.ts';
import { isCoded, type Column } from './table.ts';
import { isMissing } from './values.ts';

const DISTINCT_SAMPLE = 50_000;

/**
 * Distinct non-missing numbers: exact up to DISTINCT_SAMPLE rows, else counted on an even spread of
 * them. A typed-array hash set on the 64-bit patterns (no sorting, no JS Set of numbers).
 */
function distinctCount(v: Float64Array): number {
  const step = Math.max(1, v.length / DISTINCT_SAMPLE);
  const size = 1 << Math.ceil(Math.log2(Math.min(v.length, DISTINCT_SAMPLE) * 2 + 2));
  const mask = size - 1;
  const lo = new Uint32Array(size);
  const hi = new Uint32Array(size);
  const used = new Uint8Array(size);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  let d = 0;
  for (let p = 0; p < v.length; p += step) {
    const x = v[Math.floor(p)];
    if (x !== x) continue;
    f[0] = x === 0 ? 0 : x; // -0 and 0 are one value
    const a = u[0];
    const b = u[1];
    let slot = (Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
    for (;;) {
      if (!used[slot]) {
        used[slot] = 1;
        lo[slot] = a;
        hi[slot] = b;
        d++;
        break;
      }
      if (lo[slot] === a && hi[slot] === b) break;
      slot = (slot + 1) & mask;
    }
  }
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
    for (let i = 0; i < col.codes.length; i++) {
      const c = col.codes[i];
      if (c < 0) missing++;
      else seen[c] = 1;
    }
    // Categories are counted as Augur will use them: spellings of one value (see spelling.ts) are one.
    const used = col.dictionary.filter((_, c) => seen[c]);
    const unique = col.type === 'categorical' ? new Set(used.map(spellingKey)).size : used.length;
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
