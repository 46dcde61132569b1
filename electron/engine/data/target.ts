// The target column: which task it implies, its classes in the model's order, and y per row.
// Shared by the data checks (to explain) and prepareTraining (to build y).
import type { Task, TargetInfo } from '../../../shared/api.ts';
import { UserError } from '../util/errors.ts';
import { isCoded, type Column, type Table } from './table.ts';
import { numericView } from './table-ops.ts';

export const MAX_CLASSES = 100;
const DISTINCT_CAP = 1000;

export interface TargetAnalysis {
  info: TargetInfo;
  /** Class index (classification) or value (regression); NaN where the target is missing. */
  y: Float64Array;
  /** Rows with no target value. */
  missing: number;
  /** The task inferred from the values alone (before any user override). */
  inferredTask: Task;
  /** A numeric column with few distinct whole numbers: might be a code or an amount. */
  numericCode: boolean;
  /** Rows per class (classification), same order as info.classes. */
  counts?: number[];
}

const POSITIVE = /^(yes|y|true|t|1|pos|positive|churn|churned|bad|default|defaulted|fraud|fraudulent|spam|won|win|success|successful|survived|approved|accepted|sick|ill|malignant|left|lost|cancel|cancelled|canceled|late|failed|fail|high|>.*)$/i;
const NEGATIVE = /^(no|n|false|f|0|neg|negative|stay|stayed|good|ok|legit|legitimate|ham|normal|benign|healthy|paid|low|<.*|none)$/i;

/** Column names close to `name`, for "did you mean" messages. */
export function closeNames(table: Table, name: string): string[] {
  const want = name.trim().toLowerCase();
  const scored = table.columns.map((c) => {
    const n = c.name.toLowerCase();
    const d = n.includes(want) || want.includes(n) ? 0 : editDistance(n, want);
    return { name: c.name, d };
  });
  return scored.filter((s) => s.d <= Math.max(2, Math.floor(want.length / 3))).sort((a, b) => a.d - b.d).slice(0, 3).map((s) => s.name);
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

export function findTargetColumn(table: Table, name: string): Column {
  const col = table.columns.find((c) => c.name === name) ?? table.columns.find((c) => c.name.trim().toLowerCase() === name.trim().toLowerCase());
  if (col) return col;
  const close = closeNames(table, name);
  throw new UserError(
    'unknown_target',
    `There is no column called "${name}" in this file.`,
    close.length ? `Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : `The columns are: ${table.columns.slice(0, 12).map((c) => `"${c.name}"`).join(', ')}${table.columns.length > 12 ? ', …' : ''}.`,
  );
}

/** Task the values suggest; numeric columns with 2 values are binary, with 3-5 whole numbers multiclass. */
function inferTask(col: Column, distinct: number, integers: boolean): { task: Task; numericCode: boolean } {
  if (col.type === 'boolean') return { task: 'binary', numericCode: false };
  if (isCoded(col)) return { task: distinct <= 2 ? 'binary' : 'multiclass', numericCode: false };
  if (col.type === 'date') return { task: 'regression', numericCode: false };
  if (distinct <= 2) return { task: 'binary', numericCode: true };
  if (integers && distinct <= 5) return { task: 'multiclass', numericCode: true };
  return { task: 'regression', numericCode: integers && distinct <= 20 };
}

/** Reads the target column; `task` overrides the inferred one. Throws UserError when it cannot be a target. */
export function analyzeTarget(col: Column, task?: Task): TargetAnalysis {
  const n = isCoded(col) ? col.codes.length : col.values.length;
  if (col.type === 'date') throw new UserError('date_target', `"${col.name}" holds dates; Augur cannot predict a date.`, 'Choose a column with categories (such as yes/no) or amounts.');
  if (col.type === 'id') {
    throw new UserError('id_target', `"${col.name}" is different on every row (like a customer number), so there is nothing to learn to predict it.`, 'Choose the column with the outcome you want to predict.');
  }
  // Distinct values as text, with counts: by code for coded columns, by value for numbers
  // (counting stops adding new numbers past DISTINCT_CAP: such a column is an amount anyway).
  const counts = new Map<string, number>();
  let missing = 0;
  const nums = !isCoded(col) ? col.values : null;
  let integers = true;
  let manyValues = false;
  if (isCoded(col)) {
    const perCode = new Float64Array(col.dictionary.length);
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      if (c < 0) missing++;
      else perCode[c]++;
    }
    const labels = col.type === 'boolean' && col.labels ? col.labels : col.dictionary;
    perCode.forEach((k, c) => {
      if (k > 0) counts.set(labels[c], (counts.get(labels[c]) ?? 0) + k);
    });
  } else {
    const byValue = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = nums![i];
      if (v !== v) {
        missing++;
        continue;
      }
      if (integers && v !== Math.floor(v)) integers = false;
      const k = byValue.get(v);
      if (k !== undefined) byValue.set(v, k + 1);
      else if (byValue.size < DISTINCT_CAP) byValue.set(v, 1);
      else manyValues = true;
    }
    for (const [v, k] of byValue) counts.set(String(v), k);
  }
  const inferred = inferTask(col, manyValues ? DISTINCT_CAP + 1 : counts.size, integers);
  const chosen = task ?? inferred.task;

  if (chosen === 'regression') {
    const y = numericView(col);
    let bad = 0;
    for (let i = 0; i < n; i++) if (y[i] !== y[i]) bad++;
    if (bad - missing > 0.05 * (n - missing) || bad === n) {
      throw new UserError('target_not_numeric', `"${col.name}" does not hold amounts, so Augur cannot predict it as a number.`, 'Treat it as categories instead.');
    }
    return { info: { name: col.name, task: 'regression' }, y, missing: bad, inferredTask: inferred.task, numericCode: inferred.numericCode };
  }

  const labels = orderClasses(col, counts, chosen);
  if (chosen === 'binary' && labels.length > 2) {
    throw new UserError('not_binary', `"${col.name}" has ${labels.length} different values, so it cannot be a yes/no outcome.`, 'Let Augur treat it as several categories (multiclass) instead.');
  }
  if (labels.length > MAX_CLASSES) {
    throw new UserError(
      'too_many_classes',
      `"${col.name}" has ${labels.length.toLocaleString('en-US')} different values; Augur can tell apart at most ${MAX_CLASSES} categories.`,
      nums ? 'If it is an amount, let Augur predict it as a number.' : 'Choose a column with fewer categories.',
    );
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const y = new Float64Array(n);
  if (isCoded(col)) {
    const names = col.type === 'boolean' && col.labels ? col.labels : col.dictionary;
    const classOf = Float64Array.from(names, (l) => index.get(l) ?? NaN);
    for (let i = 0; i < n; i++) y[i] = col.codes[i] < 0 ? NaN : classOf[col.codes[i]];
  } else {
    const classOf = new Map<number, number>(labels.map((l, i) => [Number(l), i]));
    for (let i = 0; i < n; i++) {
      const v = nums![i];
      y[i] = v !== v ? NaN : (classOf.get(v) ?? NaN);
    }
  }
  const present = n - missing;
  const classCounts = labels.map((l) => counts.get(l)!);
  const taskOut: Task = labels.length <= 2 ? 'binary' : 'multiclass';
  return {
    info: { name: col.name, task: taskOut, classes: labels, classShares: classCounts.map((c) => (present ? c / present : 0)) },
    y,
    missing,
    inferredTask: inferred.task,
    numericCode: inferred.numericCode,
    counts: classCounts,
  };
}

/**
 * Class order. Binary: the interesting outcome (Yes / true / 1 / >50K / bad / the larger code, else the
 * rarer class) is class 1, so P(class 1) reads as "chance of the thing you care about".
 * Multiclass: natural order (numbers by value, words alphabetically).
 */
function orderClasses(col: Column, counts: Map<string, number>, task: Task): string[] {
  const labels = [...counts.keys()];
  const allNumeric = labels.every((l) => l.trim() !== '' && !Number.isNaN(Number(l)));
  const natural = labels.slice().sort((a, b) => (allNumeric ? Number(a) - Number(b) : a.localeCompare(b, 'en', { numeric: true })));
  if (task !== 'binary' || labels.length !== 2) return natural;
  const [a, b] = natural;
  if (col.type === 'boolean' && isCoded(col)) {
    // dictionary order is ['false', 'true']; labels may be the file's words
    const trueLabel = (col.labels ?? col.dictionary)[1];
    return a === trueLabel ? [b, a] : [a, b];
  }
  if (allNumeric) return [a, b];
  const pa = POSITIVE.test(a.trim()) && !NEGATIVE.test(b.trim());
  const pb = POSITIVE.test(b.trim()) && !NEGATIVE.test(a.trim());
  if (pb && !pa) return [a, b];
  if (pa && !pb) return [b, a];
  if (NEGATIVE.test(a.trim()) && !NEGATIVE.test(b.trim())) return [a, b];
  if (NEGATIVE.test(b.trim()) && !NEGATIVE.test(a.trim())) return [b, a];
  // No word says which is the outcome of interest: the rarer class is class 1.
  return counts.get(a)! < counts.get(b)! ? [b, a] : [a, b];
}
