// Table -> model Dataset. The encoder is learned once on the training table and re-applied, by column
// name, to any later CSV (validation rows, batch predictions, monitoring) so the models always see
// the same features in the same order.
import type { Task } from '../../../shared/api.ts';
import type { Dataset, FeatureSpec } from '../models/types.ts';
import { UserError } from '../util/errors.ts';
import { isCoded, type CodedColumn, type Column, type Table } from './table.ts';
import { spellingKey } from './spelling.ts';
import { PresenceTest, type Outcome } from './association.ts';
import { numericView, stringAt } from './table-ops.ts';
import { parseBoolean, parseDateAny } from './values.ts';

export type DatePart = 'year' | 'month' | 'weekday' | 'day of year' | 'hour' | 'days since 1970';

export type FeatureSource =
  | { kind: 'numeric'; column: string }
  | { kind: 'boolean'; column: string; labels: string[] }
  | { kind: 'categorical'; column: string; levels: string[]; merged: string[] }
  | { kind: 'date'; column: string; parts: DatePart[] }
  // Free text and identifiers are not features, but whether a row has one often is
  // (a cabin number recorded, a referral code given): 1 = filled in, 0 = empty.
  | { kind: 'filled'; column: string }
  // Free text's common words that go with the outcome, each a 0/1 feature ("Mr." in a name, "refund"
  // in a note); see chooseWords.
  | { kind: 'words'; column: string; words: string[] }
  // Values of a text column that several training rows share (a ticket bought together, a household or
  // shop code): one category level each, every other value one "(other)" level, as a one-hot encoder
  // would give a model. Chosen by counts alone, never by the target.
  | { kind: 'groups'; column: string; levels: string[] };

export interface TargetSpec {
  name: string;
  task: Task;
  classes?: string[];
}

export const OTHER_LEVEL = '(other)';
const MAX_LEVELS = 200;
const MAX_MERGED_KEPT = 5000;
const FORMAT_VERSION = 1;
const DAY_MS = 86_400_000;
/** Words kept per text column, and the share of rows a word must appear in (at least MIN_WORD_ROWS rows). */
const MAX_WORDS = 20;
/** Common words tested against the outcome, and the chance of keeping any one noise word among them. */
const CANDIDATE_WORDS = 100;
const WORD_ALPHA = 0.05;
const MIN_WORD_SHARE = 0.01;
const MIN_WORD_ROWS = 10;
const WORD_SAMPLE = 50_000;
/** Shared values of a text column are used when they cover this share of its filled-in rows (and at least MIN_GROUP_ROWS rows). */
const MIN_GROUP_SHARE = 0.05;
const MIN_GROUP_ROWS = 10;

/** Columns the encoder never uses as features. */
export function isFeatureType(col: Column): boolean {
  return col.type !== 'text' && col.type !== 'id';
}

export class FeatureEncoder {
  readonly features: FeatureSpec[];

  constructor(
    readonly sources: FeatureSource[],
    readonly target: TargetSpec | null,
  ) {
    this.features = sources.flatMap((s): FeatureSpec[] => {
      if (s.kind === 'categorical') return [{ name: s.column, kind: 'categorical', categories: s.levels.slice() }];
      if (s.kind === 'date') return s.parts.map((p) => ({ name: `${s.column} (${p})`, kind: 'numeric' as const }));
      if (s.kind === 'filled') return [{ name: `${s.column} (filled in)`, kind: 'numeric' }];
      if (s.kind === 'words') return s.words.map((w) => ({ name: `${s.column} contains "${w}"`, kind: 'numeric' as const, indicator: true }));
      if (s.kind === 'groups') return [{ name: `${s.column} (shared values)`, kind: 'categorical', categories: [...s.levels, OTHER_LEVEL] }];
      return [{ name: s.column, kind: 'numeric' }];
    });
  }

  /** Learns the feature sources from a training table. */
  static fit(table: Table, opts: { target?: TargetSpec; ignore?: string[]; y?: Float64Array }): FeatureEncoder {
    const ignore = new Set(opts.ignore ?? []);
    const t = opts.target;
    // The outcome per row (class index or value), when given: text words are chosen by it.
    const outcome: Outcome | undefined = t && opts.y ? { y: opts.y, task: t.task, nClasses: t.classes?.length ?? 1 } : undefined;
    const sources: FeatureSource[] = [];
    for (const col of table.columns) {
      if (opts.target && col.name === opts.target.name) continue;
      if (ignore.has(col.name)) continue;
      if (isFeatureType(col)) {
        const src = learnSource(col, table.nRows);
        if (src) sources.push(src);
        continue;
      }
      const filled = learnFilled(col, table.nRows);
      if (filled) sources.push(filled);
      const words = col.type === 'text' ? learnWords(col, table.nRows, outcome) : null;
      if (words) sources.push(words);
      const groups = col.type === 'text' ? learnGroups(col, table.nRows) : null;
      if (groups) sources.push(groups);
    }
    return new FeatureEncoder(sources, opts.target ?? null);
  }

  /** Model features for every row of `table` (no y). Columns are found by name; extra columns are ignored. */
  encode(table: Table): Dataset {
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const absent = [...new Set(this.sources.map((s) => s.column))].filter((n) => !byName.has(n));
    if (absent.length) {
      throw new UserError(
        'missing_columns',
        `This file is missing ${absent.length === 1 ? 'the column' : 'columns'} ${absent.slice(0, 5).map((n) => `"${n}"`).join(', ')}${absent.length > 5 ? ', …' : ''} that the model needs.`,
        'Use a file with the same columns as the one the model was trained on.',
      );
    }
    const n = table.nRows;
    const columns: Float64Array[] = [];
    for (const s of this.sources) columns.push(...encodeSource(s, byName.get(s.column)!, n));
    return { features: this.features, nRows: n, columns };
  }

  /** The target of a labelled table as class index / value (NaN when missing or an unknown class). */
  encodeTarget(table: Table): Float64Array {
    if (!this.target) throw new UserError('no_target', 'This model was saved without its target, so it cannot score new rows.');
    const col = table.columns.find((c) => c.name === this.target!.name);
    if (!col) throw new UserError('missing_columns', `This file has no "${this.target.name}" column, so Augur cannot check the model against it.`);
    const n = table.nRows;
    if (this.target.task === 'regression') return numericView(col).slice();
    const classes = this.target.classes ?? [];
    const index = new Map(classes.map((c, i) => [c, i]));
    // Boolean targets: also accept any yes/no spelling of the two classes.
    const boolIndex = classes.length === 2 ? classes.map((c) => parseBoolean(c)) : [];
    let byKey: Map<string, number> | undefined;
    const at = stringAt(col);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = at(i);
      if (s === null) {
        out[i] = NaN;
        continue;
      }
      let k = index.get(s) ?? index.get(s.trim()) ?? (byKey ??= keyIndex(index)).get(spellingKey(s));
      if (k === undefined && !isCoded(col)) k = classes.findIndex((c) => Number(c) === Number(s));
      if ((k === undefined || k < 0) && boolIndex.length === 2) {
        const b = parseBoolean(s);
        k = b === b ? boolIndex.indexOf(b) : -1;
      }
      out[i] = k === undefined || k < 0 ? NaN : k;
    }
    return out;
  }

  toJSON(): object {
    return { kind: 'augur-feature-encoder', formatVersion: FORMAT_VERSION, sources: this.sources, target: this.target };
  }

  /** Rebuilds an encoder from `toJSON()` output; treats the input as untrusted. */
  static fromJSON(json: unknown): FeatureEncoder {
    const bad = () => new UserError('bad_model', 'The saved data preparation of this model is damaged, so it cannot be used.');
    if (!json || typeof json !== 'object') throw bad();
    const j = json as Record<string, unknown>;
    if (j.kind !== 'augur-feature-encoder' || j.formatVersion !== FORMAT_VERSION || !Array.isArray(j.sources)) throw bad();
    const isStrArr = (a: unknown): a is string[] => Array.isArray(a) && a.every((x) => typeof x === 'string');
    const parts: DatePart[] = ['year', 'month', 'weekday', 'day of year', 'hour', 'days since 1970'];
    const sources: FeatureSource[] = j.sources.map((s: unknown): FeatureSource => {
      if (!s || typeof s !== 'object') throw bad();
      const o = s as Record<string, unknown>;
      if (typeof o.column !== 'string') throw bad();
      switch (o.kind) {
        case 'numeric':
          return { kind: 'numeric', column: o.column };
        case 'boolean':
          if (!isStrArr(o.labels) || o.labels.length !== 2) throw bad();
          return { kind: 'boolean', column: o.column, labels: o.labels };
        case 'categorical':
          if (!isStrArr(o.levels) || !isStrArr(o.merged)) throw bad();
          return { kind: 'categorical', column: o.column, levels: o.levels, merged: o.merged };
        case 'filled':
          return { kind: 'filled', column: o.column };
        case 'words':
          if (!isStrArr(o.words) || o.words.length > MAX_WORDS) throw bad();
          return { kind: 'words', column: o.column, words: o.words };
        case 'groups':
          if (!isStrArr(o.levels) || o.levels.length === 0 || o.levels.length > MAX_LEVELS) throw bad();
          return { kind: 'groups', column: o.column, levels: o.levels };
        case 'date':
          if (!isStrArr(o.parts) || !o.parts.every((p) => (parts as string[]).includes(p))) throw bad();
          return { kind: 'date', column: o.column, parts: o.parts as DatePart[] };
        default:
          throw bad();
      }
    });
    let target: TargetSpec | null = null;
    if (j.target != null) {
      const t = j.target as Record<string, unknown>;
      if (typeof t.name !== 'string' || !['binary', 'multiclass', 'regression'].includes(t.task as string)) throw bad();
      if (t.classes !== undefined && !isStrArr(t.classes)) throw bad();
      target = { name: t.name, task: t.task as Task, classes: t.classes as string[] | undefined };
    }
    return new FeatureEncoder(sources, target);
  }
}

/** How one training column becomes features, or null when it carries no information. */
function learnSource(col: Column, n: number): FeatureSource | null {
  if (col.type === 'numeric') {
    const v = col.values;
    let first = NaN;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (x !== x) continue;
      if (first !== first) first = x;
      else if (x !== first) return { kind: 'numeric', column: col.name };
    }
    return learnFilled(col, n); // one value or none: only whether it is filled in can tell
  }
  if (col.type === 'date') {
    const parts = datePartsWorthKeeping(col.values, n);
    return parts.length ? { kind: 'date', column: col.name, parts } : null;
  }
  if (!isCoded(col)) return null;
  if (col.type === 'boolean') {
    let seen = 0;
    for (let i = 0; i < n; i++) if (col.codes[i] >= 0) seen |= 1 << col.codes[i];
    return seen === 3 ? { kind: 'boolean', column: col.name, labels: (col.labels ?? col.dictionary).slice() } : learnFilled(col, n);
  }
  // Categorical: levels by frequency; rare ones share one "(other)" level.
  const { counts, present } = codeCounts(col, n);
  const used = col.dictionary.map((d, i) => ({ d, c: counts[i] })).filter((x) => x.c > 0);
  if (used.length < 2) return learnFilled(col, n);
  used.sort((a, b) => b.c - a.c || (a.d < b.d ? -1 : 1));
  // Only columns with many levels get merged; a handful of levels are all kept however rare.
  const rareBelow = used.length > 10 ? Math.max(3, 0.002 * present) : 0;
  let keep = used.filter((x, i) => i < MAX_LEVELS && x.c >= rareBelow);
  let rare = used.slice(keep.length);
  if (rare.length === 1 && keep.length < MAX_LEVELS) {
    keep = used;
    rare = [];
  }
  if (keep.length === 0) return learnFilled(col, n); // every value is rare: only "is there one" is learnable
  const levels = keep.map((x) => x.d).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (rare.length) levels.push(OTHER_LEVEL);
  return { kind: 'categorical', column: col.name, levels, merged: rare.slice(0, MAX_MERGED_KEPT).map((x) => x.d) };
}

/** Whether both filled and empty rows are common enough to learn from whether a column is filled in. */
export function filledIsLearnable(empty: number, n: number): boolean {
  const least = Math.max(5, 0.01 * n);
  return empty >= least && n - empty >= least;
}

/**
 * A "filled in" indicator: for text and id columns, and for columns with a single value where filled in
 * ("yes" or blank: a ticked box exported as a mark or nothing), where the blanks are the information.
 */
function learnFilled(col: Column, n: number): FeatureSource | null {
  let empty = 0;
  if (isCoded(col)) for (let i = 0; i < n; i++) empty += col.codes[i] < 0 ? 1 : 0;
  else for (let i = 0; i < n; i++) empty += col.values[i] !== col.values[i] ? 1 : 0;
  return filledIsLearnable(empty, n) ? { kind: 'filled', column: col.name } : null;
}

/**
 * Calls fn with each lower-cased word of a text value: a run of letters and digits with at least one letter
 * and two characters. ASCII is classified by char code; only other characters go through a Unicode
 * regex (a regex over every value took seconds on a million notes).
 */
function forEachWord(text: string, fn: (word: string) => void): void {
  const s = text.toLowerCase();
  let start = -1;
  let letters = false;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 32;
    let isLetter: boolean;
    let isWord: boolean;
    if (c < 128) {
      isLetter = c >= 97 && c <= 122;
      isWord = isLetter || (c >= 48 && c <= 57);
    } else {
      isLetter = LETTER.test(s[i]);
      isWord = isLetter || DIGIT.test(s[i]);
    }
    if (isWord) {
      if (start < 0) start = i;
      letters ||= isLetter;
    } else if (start >= 0) {
      if (letters && i - start >= 2) fn(s.slice(start, i));
      start = -1;
      letters = false;
    }
  }
}
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;

/** The distinct words of a text value (see forEachWord), in order of first use. */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  forEachWord(text, (w) => {
    if (!out.includes(w)) out.push(w);
  });
  return out;
}

/** The shared-value feature of a text column (see FeatureSource 'groups'), when shared values are common enough. */
function learnGroups(col: Column, n: number): FeatureSource | null {
  const levels = sharedValues(col, n);
  return levels.length ? { kind: 'groups', column: col.name, levels } : null;
}

/** Rows per dictionary entry of a coded column over every `step`-th row: counts, non-empty rows, rows read. */
function codeCounts(col: CodedColumn, n: number, step = 1): { counts: Float64Array; present: number; seen: number } {
  const counts = new Float64Array(col.dictionary.length);
  let present = 0;
  let seen = 0;
  for (let i = 0; i < n; i += step) {
    seen++;
    const c = col.codes[i];
    if (c >= 0) {
      counts[c]++;
      present++;
    }
  }
  return { counts, present, seen };
}

/** Values that at least two rows share (at most MAX_LEVELS, most shared first), when together they cover enough rows. */
export function sharedValues(col: Column, n: number): string[] {
  if (!isCoded(col)) return [];
  const { counts, present } = codeCounts(col, n);
  const shared = col.dictionary.map((d, c) => ({ d, k: counts[c] })).filter((x) => x.k >= 2);
  shared.sort((a, b) => b.k - a.k || (a.d < b.d ? -1 : 1));
  const top = shared.slice(0, MAX_LEVELS);
  const covered = top.reduce((s, x) => s + x.k, 0);
  if (top.length < 2 || covered < Math.max(MIN_GROUP_ROWS, MIN_GROUP_SHARE * present)) return [];
  return top.map((x) => x.d);
}

/** The word features of a text column, when some word is worth learning from (see chooseWords). */
function learnWords(col: Column, n: number, outcome?: Outcome): FeatureSource | null {
  const words = keptWords(col, n, outcome);
  return words.length ? { kind: 'words', column: col.name, words } : null;
}

/**
 * The words of a text column a model learns from, `kept` (at most MAX_WORDS, most used first), among
 * its `common` words (in enough rows but not nearly all): when the outcome is known, those that go with
 * it beyond chance. Common words alone were mostly noise on small files: titanic's 20 most common name
 * words are "mr", "miss", "mrs", "master" and 16 first names; keeping only those that pass the test
 * raised test ROC AUC by 0.006 to 0.016 (three seeds). The test is strict (p below 5 % split over the
 * words tried), so a word that passes is far past chance, and choosing it on all training rows hardly
 * flatters validation scores.
 */
function chooseWords(col: Column, n: number, outcome?: Outcome): { common: string[]; kept: string[] } {
  if (!isCoded(col)) return { common: [], kept: [] };
  // counted on at most WORD_SAMPLE evenly spaced rows: long notes on a million rows would take seconds
  const step = Math.max(1, Math.floor(n / WORD_SAMPLE));
  const { counts: perCode, present, seen } = codeCounts(col, n, step);
  const least = Math.max(MIN_WORD_ROWS, Math.ceil(MIN_WORD_SHARE * seen));
  const rowsWith = new Map<string, number>();
  // each sampled value's words, kept for the test below when there is one (splitting is the costly part)
  const wordsByCode = new Map<number, string[]>();
  for (let c = 0; c < col.dictionary.length; c++) {
    if (perCode[c] === 0) continue;
    const ws = wordsOf(col.dictionary[c]);
    if (outcome) wordsByCode.set(c, ws);
    for (const w of ws) rowsWith.set(w, (rowsWith.get(w) ?? 0) + perCode[c]);
  }
  const common = [...rowsWith]
    .filter(([, k]) => k >= least && present - k >= least)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, outcome ? CANDIDATE_WORDS : MAX_WORDS)
    .map(([w]) => w);
  if (!outcome || common.length === 0) return { common, kept: common };
  const rows = Int32Array.from({ length: Math.ceil(n / step) }, (_, k) => k * step);
  const index = new Map(common.map((w, i) => [w, i]));
  const commonOfCode = new Map([...wordsByCode].map(([c, ws]) => [c, ws.flatMap((w) => index.get(w) ?? [])]));
  const none: number[] = [];
  const p = new PresenceTest(outcome, rows).pValues(common.length, (k) => commonOfCode.get(col.codes[rows[k]]) ?? none);
  return { common, kept: common.filter((_, i) => p[i] < WORD_ALPHA / common.length).slice(0, MAX_WORDS) };
}

/** The words of a text column a model learns from (see chooseWords). */
export function keptWords(col: Column, n: number, outcome?: Outcome): string[] {
  return chooseWords(col, n, outcome).kept;
}

/** Up to three values in quotes, with "…" when there are more. */
export function quoteSome(xs: string[]): string {
  return xs.slice(0, 3).map((w) => `"${w}"`).join(', ') + (xs.length > 3 ? ', …' : '');
}

/** "Augur learns from …" for a free-text column: its common words and shared values (a few named) and/or whether it is filled in. */
export function textUseSentence(col: Column, n: number, outcome?: Outcome): string {
  const { common, kept: words } = col.type === 'text' ? chooseWords(col, n, outcome) : { common: [], kept: [] };
  const shared = col.type === 'text' ? sharedValues(col, n) : [];
  const filled = learnFilled(col, n) !== null;
  const uses: string[] = [];
  if (words.length) uses.push(outcome ? `the words in it that go with the outcome (${quoteSome(words)})` : `its most common words (${quoteSome(words)})`);
  if (shared.length) uses.push(`the values several rows share (${quoteSome(shared)})`);
  if (uses.length) {
    if (filled) uses.push('whether it is filled in');
    return `Augur learns from ${uses.length > 1 ? `${uses.slice(0, -1).join(', ')} and ${uses[uses.length - 1]}` : uses[0]}.`;
  }
  const why = outcome && common.length
    ? `none of its common words (${quoteSome(common)}) goes with the outcome clearly enough to help, and no value is shared by enough rows`
    : 'no word or value in it is common enough to learn from';
  return filled ? `Augur learns only from whether it is filled in: ${why}.` : `Augur leaves it out: ${why}.`;
}

function datePartsWorthKeeping(v: Float64Array, n: number): DatePart[] {
  const seen: Record<string, Set<number>> = { year: new Set(), month: new Set(), weekday: new Set(), hour: new Set() };
  let any = false;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x) continue;
    any = true;
    const d = new Date(x);
    if (seen.year.size < 2) seen.year.add(d.getUTCFullYear());
    if (seen.month.size < 2) seen.month.add(d.getUTCMonth());
    if (seen.weekday.size < 2) seen.weekday.add(d.getUTCDay());
    if (seen.hour.size < 2) seen.hour.add(d.getUTCHours());
    if (seen.year.size > 1 && seen.month.size > 1 && seen.weekday.size > 1 && seen.hour.size > 1) break;
  }
  if (!any) return [];
  const parts: DatePart[] = [];
  if (seen.year.size > 1) parts.push('year');
  if (seen.month.size > 1) parts.push('month', 'day of year');
  if (seen.weekday.size > 1) parts.push('weekday');
  if (seen.hour.size > 1) parts.push('hour');
  parts.push('days since 1970');
  return parts;
}

function encodeSource(s: FeatureSource, col: Column, n: number): Float64Array[] {
  if (s.kind === 'groups') {
    // a shared value -> its level; any other value (seen once, or new) -> "(other)"; empty -> missing
    return [encodeLevels(col, n, new Map(s.levels.map((l, k) => [l, k])), s.levels.length)];
  }
  if (s.kind === 'filled') {
    const out = new Float64Array(n);
    if (isCoded(col)) for (let i = 0; i < n; i++) out[i] = col.codes[i] < 0 ? 0 : 1;
    else for (let i = 0; i < n; i++) out[i] = col.values[i] !== col.values[i] ? 0 : 1;
    return [out];
  }
  if (s.kind === 'words') {
    const outs = s.words.map(() => new Float64Array(n));
    if (!isCoded(col)) return outs;
    // which features each dictionary entry sets, worked out once per entry: entry c's are hits[at[c]..at[c+1])
    const index = new Map(s.words.map((w, k) => [w, k]));
    const at = new Int32Array(col.dictionary.length + 1);
    const hits: number[] = [];
    col.dictionary.forEach((d, c) => {
      forEachWord(d, (w) => {
        const k = index.get(w);
        if (k !== undefined) hits.push(k);
      });
      at[c + 1] = hits.length;
    });
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      if (c >= 0) for (let j = at[c]; j < at[c + 1]; j++) outs[hits[j]][i] = 1;
    }
    return outs;
  }
  if (s.kind === 'numeric') {
    // A numeric column is passed through without a copy: datasets are read-only for models.
    if (col.type === 'date' && !isCoded(col)) return [Float64Array.from(col.values, (x) => x / DAY_MS)];
    return [numericView(col)];
  }
  if (s.kind === 'boolean') {
    const out = new Float64Array(n);
    if (col.type === 'boolean' && isCoded(col)) {
      for (let i = 0; i < n; i++) out[i] = col.codes[i] < 0 ? NaN : col.codes[i];
      return [out];
    }
    const at = stringAt(col);
    for (let i = 0; i < n; i++) {
      const t = at(i);
      if (t === null) out[i] = NaN;
      else {
        const k = s.labels.indexOf(t.trim());
        out[i] = k >= 0 ? k : parseBoolean(t);
      }
    }
    return [out];
  }
  if (s.kind === 'categorical') {
    const index = new Map<string, number>(s.levels.map((l, i) => [l, i]));
    const other = s.levels.indexOf(OTHER_LEVEL);
    if (other >= 0) for (const m of s.merged) if (!index.has(m)) index.set(m, other);
    return [encodeLevels(col, n, index, NaN)];
  }
  // date parts
  let ms: Float64Array;
  if (col.type === 'date' && !isCoded(col)) ms = col.values;
  else if (isCoded(col)) {
    const map = Float64Array.from(col.dictionary, (d) => parseDateAny(d));
    ms = new Float64Array(n);
    for (let i = 0; i < n; i++) ms[i] = col.codes[i] < 0 ? NaN : map[col.codes[i]];
  } else ms = new Float64Array(n).fill(NaN);
  const outs = s.parts.map(() => new Float64Array(n));
  const ymd = new Int32Array(3);
  for (let i = 0; i < n; i++) {
    const x = ms[i];
    if (x !== x) {
      for (const o of outs) o[i] = NaN;
      continue;
    }
    const days = Math.floor(x / DAY_MS);
    civilFromDays(days, ymd);
    for (let k = 0; k < s.parts.length; k++) outs[k][i] = datePart(s.parts[k], x, days, ymd);
  }
  return outs;
}

/** Year, month (1-12), day of a day count since 1970-01-01 (H. Hinnant's civil_from_days), without Date objects. */
function civilFromDays(z: number, out: Int32Array): void {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = d;
}

const CUM_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function datePart(p: DatePart, ms: number, days: number, ymd: Int32Array): number {
  switch (p) {
    case 'year':
      return ymd[0];
    case 'month':
      return ymd[1];
    case 'weekday':
      return (((days + 3) % 7) + 7) % 7; // Monday = 0 (1970-01-01 was a Thursday)
    case 'day of year': {
      const y = ymd[0];
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      return CUM_DAYS[ymd[1] - 1] + (ymd[1] > 2 && leap ? 1 : 0) + ymd[2];
    }
    case 'hour':
      return Math.floor((ms - days * DAY_MS) / 3_600_000);
    case 'days since 1970':
      return days;
  }
}

/** The same index by spelling key; the first level of a key wins (levels are merged by key when learned). */
function keyIndex(index: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [l, k] of index) if (!out.has(spellingKey(l))) out.set(spellingKey(l), k);
  return out;
}

/** Level index of each row by its value (`unseen` for values not in `index`; empty -> NaN). */
function encodeLevels(col: Column, n: number, index: Map<string, number>, unseen: number): Float64Array {
  const out = new Float64Array(n);
  if (isCoded(col)) {
    // Map each dictionary entry once, then rows by code.
    const labels = col.type === 'boolean' && col.labels ? col.labels : col.dictionary;
    let byKey: Map<string, number> | undefined; // another spelling of a level (see spelling.ts), built when first needed
    const map = Float64Array.from(labels, (d) => index.get(d) ?? index.get(d.trim())
      ?? (byKey ??= keyIndex(index)).get(spellingKey(d)) ?? unseen);
    for (let i = 0; i < n; i++) out[i] = col.codes[i] < 0 ? NaN : map[col.codes[i]];
    return out;
  }
  const at = stringAt(col);
  for (let i = 0; i < n; i++) {
    const t = at(i);
    out[i] = t === null ? NaN : index.get(t) ?? unseen;
  }
  return out;
}
