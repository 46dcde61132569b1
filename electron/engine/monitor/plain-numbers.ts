// Numbers as the monitoring sentences and chart labels show them, in the app's style ("86%", "1,234",
// "2024-03-01"). The engine cannot import the renderer's format.ts, so the few rules it needs live here.
import type { ColumnType } from '../../../shared/api.ts';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 0.8612 → "86%"; a share that is there but tiny → "< 1%". */
export function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  if (fraction > 0 && fraction < 0.005) return '< 1%';
  const p = fraction * 100;
  const txt = Math.abs(p) >= 99 && Math.abs(p) < 100 ? p.toFixed(1).replace(/\.0$/, '') : Math.round(p).toString();
  return `${txt}%`;
}

/** 1,234 / 12.3 / 0.0123. */
export function number(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return intFmt.format(Math.round(v));
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return trimZeros(v.toFixed(1));
  if (a >= 1) return trimZeros(v.toFixed(2));
  if (a === 0) return '0';
  return v.toPrecision(2);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A value of a column: dates as days, numbers as numbers. */
export function value(v: number, type: ColumnType): string {
  if (!Number.isFinite(v)) return '–';
  if (type === 'date') return new Date(v).toISOString().slice(0, 10);
  return number(v);
}

/** "1 row", "2,000 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${intFmt.format(Math.round(n))} ${Math.round(n) === 1 ? one : many}`;
}

/** "a", "a and b", "a, b and c". */
export function list(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A column or category name in a sentence. */
export function quoted(s: string): string {
  return `"${s.length > 60 ? `${s.slice(0, 57)}…` : s}"`;
}
