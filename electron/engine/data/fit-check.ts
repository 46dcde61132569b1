// Does a new file fit a saved model? Before anything is scored (or checked for drift), the file's
// columns are matched to the model's by name: missing ones, ones that look renamed (with the likely
// match), extra ones, and whether the outcome column is there. After reading it with the model's
// schema: values the model never saw, and cells that could not be read the way training read them.
import type { Finding } from '../../../shared/api.ts';
import type { FeatureEncoder } from './features.ts';
import type { TableSchema } from './schema.ts';
import { isCoded, type Table } from './table.ts';
import { spellingKey } from './spelling.ts';

export interface ColumnMatch {
  /** The model's column. */
  column: string;
  role: 'feature' | 'target' | 'ignored';
  /** The file's column it is read from, or null when the file has none. */
  from: string | null;
  /** A file column that is probably this one under another name (when `from` is null). */
  suggestion?: string;
}

export interface ColumnMatching {
  matches: ColumnMatch[];
  /** File columns the model does not use. */
  extra: string[];
  /** Model columns the model needs that nothing in the file provides. */
  missing: string[];
  targetPresent: boolean;
}

/** A name reduced to what a person would call "the same name": case, spaces, _ and - ignored. */
const nameKey = (s: string) => s.toLowerCase().replace(/[\s_\-.]+/g, '');

/**
 * Matches the file's columns to the model's. `mapping` (model column → file column) is what the user
 * chose in the mapping step; otherwise names match exactly, then by nameKey.
 */
export function matchColumns(schema: TableSchema, fileColumns: string[], mapping: Record<string, string> = {}): ColumnMatching {
  const free = new Set(fileColumns);
  const matches: ColumnMatch[] = schema.columns.map((c) => ({ column: c.name, role: c.role, from: null }));
  const take = (m: ColumnMatch, f: string) => {
    m.from = f;
    free.delete(f);
  };
  for (const m of matches) {
    const f = Object.hasOwn(mapping, m.column) ? mapping[m.column] : undefined;
    if (f !== undefined && free.has(f)) take(m, f);
  }
  for (const m of matches) if (!m.from && !Object.hasOwn(mapping, m.column) && free.has(m.column)) take(m, m.column);
  for (const m of matches) {
    if (m.from || Object.hasOwn(mapping, m.column)) continue;
    const same = [...free].find((f) => nameKey(f) === nameKey(m.column));
    if (same) take(m, same);
  }
  // What is left unmatched: suggest the closest free name for each missing column the model uses.
  for (const m of matches) {
    if (m.from || m.role === 'ignored') continue;
    const best = closest(m.column, [...free]);
    if (best) m.suggestion = best;
  }
  const missing = matches.filter((m) => !m.from && m.role === 'feature').map((m) => m.column);
  const targetPresent = matches.some((m) => m.role === 'target' && m.from !== null);
  return { matches, extra: [...free], missing, targetPresent };
}

/** The free name within a third of its length in edits (or one containing the other), if any. */
function closest(name: string, candidates: string[]): string | undefined {
  const want = nameKey(name);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const k = nameKey(c);
    const d = k.includes(want) || want.includes(k) ? Math.abs(k.length - want.length) * 0.5 : editDistance(k, want);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(want.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

const fmt = (n: number) => n.toLocaleString('en-US');
const quote = (xs: string[]) => xs.slice(0, 3).map((x) => `"${x}"`).join(', ') + (xs.length > 3 ? ', …' : '');

/** The matching in sentences: what blocks scoring (an error) and what the user should know. */
export function matchingFindings(m: ColumnMatching, targetName?: string): Finding[] {
  const out: Finding[] = [];
  for (const c of m.matches) {
    if (c.from || c.role !== 'feature') continue;
    out.push({
      code: 'column_missing',
      severity: 'error',
      column: c.column,
      message: c.suggestion
        ? `The model needs the column "${c.column}"; this file has "${c.suggestion}" instead, which may be the same column renamed.`
        : `The model needs the column "${c.column}", and this file has no column like it.`,
      suggestion: c.suggestion ? `If "${c.suggestion}" holds the same information, choose it for "${c.column}".` : 'Add the column to the file, or choose the file column that holds the same information.',
    });
  }
  if (m.extra.length) {
    out.push({
      code: 'extra_columns',
      severity: 'info',
      message: `${m.extra.length === 1 ? 'The column' : `${fmt(m.extra.length)} columns`} ${quote(m.extra)} ${m.extra.length === 1 ? 'is' : 'are'} not used by the model; ${m.extra.length === 1 ? 'it is' : 'they are'} copied to the output as they are.`,
    });
  }
  if (targetName) {
    out.push(m.targetPresent
      ? { code: 'target_present', severity: 'info', column: targetName, message: `This file already has the outcome "${targetName}", so Augur can also tell how often the model is right on it.` }
      : { code: 'target_absent', severity: 'info', message: `This file has no "${targetName}" column; that is expected for rows whose outcome is not known yet.` });
  }
  return out;
}

/**
 * After reading the file with the model's schema: category values the model never saw (scored as
 * "unknown" for that column) per column, with a few examples.
 */
export function unseenValueFindings(encoder: FeatureEncoder, table: Table): Finding[] {
  const out: Finding[] = [];
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  for (const s of encoder.sources) {
    if (s.kind !== 'categorical') continue;
    const col = byName.get(s.column);
    if (!col || !isCoded(col)) continue;
    const known = new Set([...s.levels, ...s.merged].map(spellingKey));
    const counts = new Float64Array(col.dictionary.length);
    for (const c of col.codes) if (c >= 0) counts[c]++;
    const unseen: { v: string; n: number }[] = [];
    col.dictionary.forEach((v, i) => {
      if (counts[i] > 0 && !known.has(spellingKey(v))) unseen.push({ v, n: counts[i] });
    });
    if (!unseen.length) continue;
    const rows = unseen.reduce((a, b) => a + b.n, 0);
    unseen.sort((a, b) => b.n - a.n);
    out.push({
      code: 'unseen_values',
      severity: rows > 0.05 * table.nRows ? 'warning' : 'info',
      column: s.column,
      message: `${fmt(rows)} ${rows === 1 ? 'row has' : 'rows have'} a value in "${s.column}" the model never saw (${quote(unseen.map((u) => u.v))}); the model scores those rows as if that value were missing.`,
    });
  }
  return out;
}
