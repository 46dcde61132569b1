// Numbers and words for people, not programmers: "1,234 rows", "86%", "about 2 min".
// Pure functions, no React, so they are unit-tested in node (test/renderer/format.test.ts).
import type { ColumnType, Task } from '../../shared/api.ts';
import { formatPercent, formatScore, metricPlain, metricSpec, searchMetricsFor } from '../../shared/metrics.ts';

// The metric vocabulary and number formatting live in shared/metrics.ts (the engine uses the same).
export { formatNumber, formatPercent, formatScore, metricPlain, type MetricPlain } from '../../shared/metrics.ts';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatInt(n: number): string {
  return Number.isFinite(n) ? intFmt.format(Math.round(n)) : '–';
}

/** "1 row", "2,000 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatInt(n)} ${Math.round(n) === 1 ? one : many}`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return plural(bytes, 'byte');
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : formatInt(v)} ${units[i]}`;
}

/** A share of rows: never shows "0%" for something that is there ("< 1%"). */
export function formatShare(fraction: number): string {
  if (fraction > 0 && fraction < 0.005) return '< 1%';
  return formatPercent(fraction);
}

/** Durations: "8 s", "1 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s% 60 === 0 ? `${m} min` : `${m} min ${s% 60} s`;
  const h = Math.floor(m / 60);
  return m% 60 === 0 ? `${h} h` : `${h} h ${m% 60} min`;
}

/** Time left, rounded the way people talk: "about 40 s left", "almost done". */
export function formatEta(secondsLeft: number): string {
  if (!Number.isFinite(secondsLeft)) return '';
  if (secondsLeft <= 2) return 'almost done';
  if (secondsLeft < 10) return `about ${Math.ceil(secondsLeft)} s left`;
  if (secondsLeft < 60) return `about ${Math.ceil(secondsLeft / 5) * 5} s left`;
  return `about ${formatDuration(Math.ceil(secondsLeft / 60) * 60)} left`;
}

/** Fit times in a leaderboard: "0.4 s", "12 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 0.1) return '< 0.1 s';
  return s < 10 ? `${s.toFixed(1)} s` : formatDuration(s);
}

/** One way to decide which model is best, in words: the engine's metric name and what it favours. */
export interface Goal {
  metric: string;
  title: string;
}

/** What the user may ask the search to optimise, by task; the first is the default and the recommended one. */
export function goalsFor(task: Task): Goal[] {
  return searchMetricsFor(task).map((metric) => ({ metric, title: metricSpec(metric).goal ?? metricSpec(metric).plain }));
}

/**
 * A column of scores (a leaderboard), one string per value: percentages get one or two decimals on every
 * row when whole percents would show different scores as equal (a dozen models at "91%" ranked apart).
 */
export function formatScoreColumn(metric: string, values: number[]): string[] {
  if (!metricPlain(metric).percent) return values.map((v) => formatScore(metric, v));
  let txt: string[] = [];
  for (const digits of [0, 1, 2]) {
    txt = values.map((v) => (!Number.isFinite(v) ? '–' : digits === 0 ? formatPercent(v) : `${(v * 100).toFixed(digits)}%`));
    // the first score shown as each text; another score with the same text is a clash
    const first = new Map<string, number>();
    let clash = false;
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const w = first.get(txt[i]);
      if (w === undefined) first.set(txt[i], v);
      else if (w !== v) clash = true;
    });
    if (!clash) return txt;
  }
  return txt;
}

/** Chart values on the same scale as formatScore (percent metrics as 0–100). */
export function scoreForChart(metric: string, value: number): number {
  return metricPlain(metric).percent ? value * 100 : value;
}

export const TYPE_LABELS: Record<ColumnType, string> = {
  numeric: 'Number',
  categorical: 'Category',
  boolean: 'Yes / no',
  date: 'Date',
  text: 'Free text',
  id: 'ID (not used)',
};

export const ALL_TYPES: ColumnType[] = ['numeric', 'categorical', 'boolean', 'date', 'text', 'id'];

export function taskWords(task: Task): string {
  if (task === 'regression') return 'an amount';
  if (task === 'binary') return 'a category (two outcomes)';
  return 'a category (several outcomes)';
}

/** Turn whatever a rejected invoke carries into one plain sentence; never a stack trace. */
export function errorMessage(err: unknown): string {
  const fallback = 'Something went wrong. Please try again; if it keeps happening, restart Augur.';
  let msg: unknown;
  if (typeof err === 'string') msg = err;
  else if (err && typeof err === 'object' && 'message' in err) msg = (err as { message: unknown }).message;
  if (typeof msg !== 'string') return fallback;
  // Programmer errors (a bug, not the user's doing) have no sentence worth showing.
  const name = err && typeof err === 'object' && 'name' in err ? (err as { name: unknown }).name : undefined;
  if (typeof name === 'string' && /^(TypeError|ReferenceError|RangeError|SyntaxError)$/.test(name)) return fallback;
  const trimmed = msg.trim();
  // Stack traces or internal noise are not for users.
  if (!trimmed || /\n\s+at\s|^(TypeError|ReferenceError|RangeError|SyntaxError)\b/.test(trimmed)) return fallback;
  return trimmed.length > 400 ? `${trimmed.slice(0, 397)}…` : trimmed;
}

/** Error code if the rejection carries one (ApiErrorShape.code). */
export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const c = (err as { code: unknown }).code;
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}

export function isCancelledError(err: unknown): boolean {
  const code = errorCode(err);
  if (code === 'cancelled' || code === 'CANCELLED' || code === 'CancelledError') return true;
  return !!err && typeof err === 'object' && 'name' in err && (err as { name: unknown }).name === 'CancelledError';
}

/**
 * The line under a shortened leaderboard: how many more models there are and, when a finished run kept
 * only its best, that it did. With `canExpand` the "show all" link follows it.
 */
export function moreModelsLine(hidden: number, notKept: number, kept: number, canExpand: boolean): string {
  const more = `and ${formatInt(hidden + notKept)} more`;
  if (notKept === 0) return canExpand ? `${more} ` : more;
  const keeps = `Augur keeps the best ${formatInt(kept)} of the ${formatInt(kept + notKept)} models`;
  if (hidden === 0) return `${more}, not kept: ${keeps}.`;
  return canExpand ? `${more}. ${keeps}: ` : `${more}. ${keeps}.`;
}
