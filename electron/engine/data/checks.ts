// Data checks: every problem (or useful fact) about the table and the chosen target, in plain words
// with a suggestion, and whether training can start at all.
import type { ColumnSettings, DataReport, Finding, FindingAction, TargetInfo, Task } from '../../../shared/api.ts';
import { isCoded, type Column, type Table } from './table.ts';
import type { Outcome } from './association.ts';
import type { TargetAnalysis } from './target.ts';
import { IMBALANCE_RATIO_FOR_WEIGHTS, prepareTable, RARE_SHARE_FOR_WEIGHT_SEARCH } from './prepare.ts';
import { filledIsLearnable, isFeatureType, keptWords, quoteSome, sharedValues, textUseSentence } from './features.ts';
import { checkLeak, leakContext } from './leakage.ts';
import { detectPii, PII_WORDS } from './pii.ts';
import type { Respelling } from './spelling.ts';
import { manyValuesFinding } from './rare-values.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${x >= 0.1 ? Math.round(x * 100) : Math.round(x * 1000) / 10}%`;
const ignore = (column: string, label = 'Leave this column out'): FindingAction => ({ kind: 'ignore_column', column, label });

/** Rows needed before a model is worth training at all, and before it is worth trusting. */
export const MIN_ROWS_TO_TRAIN = 10;
export const FEW_ROWS_WARNING = 100;

const TYPE_WORDS: Record<Column['type'], string> = {
  numeric: 'numbers', date: 'dates', categorical: 'categories', boolean: 'yes / no', text: 'text', id: 'an identifier',
};

export function checkData(table: Table, settings: ColumnSettings, importFindings: Finding[] = []): DataReport {
  const findings: Finding[] = [...importFindings];
  const prepared = prepareTable(table, settings);
  // A type that does not fit its values is reported on that column, with a button that puts back the type Augur read.
  for (const { column: name, error: err } of prepared.typeErrors) {
    const read = table.columns.find((c) => c.name === name)?.type;
    findings.push({
      code: err.code, severity: 'error', column: name, message: err.message, suggestion: err.suggestion,
      ...(read ? { actions: [{ kind: 'set_type', column: name, type: read, label: `Read it as ${TYPE_WORDS[read]} again` }] } : {}),
    });
  }
  const ignored = new Set(settings.ignore ?? []);
  const t = prepared.table;
  for (const r of prepared.respelled) if (!ignored.has(r.column)) findings.push(respellingFinding(r));
  const targetName = settings.target?.trim() ? settings.target : undefined;
  const ta: TargetAnalysis | null = prepared.target?.analysis ?? null;
  const targetCol: Column | null = prepared.target?.column ?? null;
  const target: TargetInfo | undefined = ta?.info;
  if (prepared.targetError && targetName !== undefined) {
    const err = prepared.targetError;
    findings.push({ code: err.code, severity: 'error', column: targetName, message: err.message, suggestion: err.suggestion });
  }

  // Text columns' words are chosen by the outcome, as training will choose them.
  const outcome: Outcome | undefined = ta && target ? { y: ta.y, task: target.task, nClasses: target.classes?.length ?? 1 } : undefined;
  for (const col of t.columns) {
    if (col === targetCol || ignored.has(col.name)) continue;
    findings.push(...columnFindings(col, t.nRows, outcome));
  }
  const dup = duplicateRows(t);
  if (dup > 0) {
    findings.push({
      code: 'duplicate_rows',
      severity: dup > 0.05 * t.nRows ? 'warning' : 'info',
      message: `${fmt(dup)} ${dup === 1 ? 'row is an exact copy' : 'rows are exact copies'} of another row (${pct(dup / t.nRows)} of the file).`,
      suggestion: 'If the copies are mistakes (for example the same export pasted twice), remove them; otherwise they give those cases extra weight.',
    });
  }

  if (ta && targetCol) {
    findings.push(...targetFindings(t, targetCol, ta, settings, ignored));
    const totals = totalsRow(t, ta.y);
    if (totals) findings.push(totals);
  }
  if (targetName === undefined) {
    findings.push({ code: 'no_target', severity: 'info', message: 'Choose the column you want Augur to predict.', suggestion: 'Pick the column with the outcome, for example "churned" or "price".' });
  }

  const order = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  const blocking = findings.find((f) => f.severity === 'error') ?? (targetName === undefined ? findings.find((f) => f.code === 'no_target') : undefined);
  return {
    rows: t.nRows,
    target,
    findings,
    canTrain: !blocking,
    ...(blocking ? { blockingReason: blocking.message } : {}),
  };
}

/** What a spreadsheet's summary row says in its label cell, in the languages of our users' exports. */
const TOTAL_WORDS = new Set(['total', 'totals', 'grand total', 'sum', 'subtotal', 'sub-total', 'gesamt', 'summe', 'gesamtsumme', 'totaal', 'totale', 'somme', 'suma']);

/**
 * A summary row at the end of a report ("Total" in its label cell) that has an outcome, so training
 * would count it as one more customer or order. Rows without an outcome are left out anyway.
 */
function totalsRow(t: Table, y: Float64Array): Finding | null {
  for (let r = t.nRows - 1; r >= Math.max(0, t.nRows - 3); r--) {
    if (y[r] !== y[r]) continue;
    for (const c of t.columns) {
      if (!isCoded(c) || c.codes[r] < 0) continue;
      const label = c.dictionary[c.codes[r]].trim();
      if (!TOTAL_WORDS.has(label.toLowerCase())) continue;
      return {
        code: 'totals_row',
        severity: 'warning',
        column: c.name,
        message: `Row ${fmt(r + 1)} of ${fmt(t.nRows)} looks like a totals row ("${label}" in "${c.name}"), and Augur would learn from it as one more case.`,
        suggestion: 'If it adds up the rows above it, delete it from the file and import the file again.',
      };
    }
  }
  return null;
}

function respellingFinding(r: Respelling): Finding {
  const shown = r.groups.slice(0, 3).map((g) => [g.kept, ...g.others].map((v) => `"${v}"`).join(' and ')).join('; ');
  const more = r.groups.length > 3 ? ` and ${fmt(r.groups.length - 3)} more` : '';
  return {
    code: 'respelled_values',
    severity: 'info',
    column: r.column,
    message: `"${r.column}" has values that differ only in capital letters or spaces: ${shown}${more}.`,
    suggestion: 'Augur counts each group as one value, spelled as it is most often in the file (the first one named).',
  };
}

function columnFindings(col: Column, n: number, outcome?: Outcome): Finding[] {
  const out: Finding[] = [];
  const name = col.name;
  let missing = 0;
  const distinct = new Set<number>();
  if (isCoded(col)) {
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      if (c < 0) missing++;
      else if (distinct.size < 3) distinct.add(c);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (v !== v) missing++;
      else if (distinct.size < 3) distinct.add(v);
    }
  }
  if (missing === n) {
    out.push({ code: 'all_missing', severity: 'warning', column: name, message: `"${name}" is empty on every row.`, suggestion: 'Augur leaves it out; you can remove it from the file.', actions: [ignore(name)] });
    return out;
  }
  if (distinct.size === 1 && isFeatureType(col) && filledIsLearnable(missing, n)) {
    // "yes" or blank (a ticked box): the encoder learns from whether it is filled in (features.ts learnFilled)
    const [only] = distinct;
    const shown = isCoded(col) ? col.dictionary[only] : String(only);
    out.push({
      code: 'filled_or_empty',
      severity: 'info',
      column: name,
      message: `"${name}" is either "${shown}" or empty, so Augur learns from whether it is filled in.`,
      suggestion: 'An empty cell here often means "no", like a box left unticked. If it only means "not recorded", leave the column out.',
      actions: [ignore(name)],
    });
  } else if (distinct.size === 1) {
    out.push({
      code: 'constant_column',
      severity: 'info',
      column: name,
      message: `"${name}" has the same value on every row${missing ? ' that has one' : ''}, so it cannot help a prediction.`,
      suggestion: 'Augur leaves it out.',
      actions: [ignore(name)],
    });
  } else if (missing > 0.5 * n && isFeatureType(col)) {
    out.push({
      code: 'mostly_missing',
      severity: 'warning',
      column: name,
      message: `"${name}" is empty on ${pct(missing / n)} of rows.`,
      suggestion: 'Augur can still use it (an empty cell can itself mean something), but fill it in if you can, or leave it out.',
      actions: [ignore(name)],
    });
  }
  const pii = detectPii(col);
  if (col.type === 'id') {
    out.push({
      code: 'id_column',
      severity: 'info',
      column: name,
      message: `"${name}" looks like an identifier (a different value on every row), so it says nothing about the outcome.`,
      suggestion: 'Augur leaves it out of training; it stays in the file so you can match predictions to rows.',
      // Numbered rows can be a real quantity (a day counter, a year); let the user say so.
      ...(col.dictionary.length > 0 && col.dictionary.slice(0, 50).every((d) => /^-?\d+(\.\d+)?$/.test(d))
        ? { actions: [{ kind: 'set_type' as const, column: name, type: 'numeric' as const, label: 'Use it as a number' }] }
        : {}),
    });
  } else if (col.type === 'text' && !pii) {
    out.push({
      code: 'high_cardinality_text',
      severity: 'info',
      column: name,
      message: `"${name}" is free text or has too many different values (${fmt(col.dictionary.length)}) to learn from as categories.`,
      suggestion: `${textUseSentence(col, n, outcome)} If it holds a few repeated labels, mark it as a category.`,
      actions: [{ kind: 'set_type', column: name, type: 'categorical', label: 'Treat as categories' }],
    });
  } else if (col.type === 'categorical') {
    // many values: what the encoder keeps of them, or that the column is nearly an identifier (rare-values.ts)
    const many = manyValuesFinding(col, n);
    if (many) out.push(many);
  }
  if (pii) {
    // Words in them can go with the outcome ("Mr." and "Mrs." in names); then say what is used, and why one might not want it.
    const words = col.type === 'text' && outcome ? keptWords(col, n, outcome) : [];
    const privacy = '(Augur works only on this computer and never sends your data anywhere.)';
    out.push({
      code: 'pii',
      severity: 'warning',
      column: name,
      ...(words.length
        ? {
            message: `"${name}" seems to hold ${PII_WORDS[pii]}. Augur learns from the words in it that go with the outcome (${quoteSome(words)})${sharedValues(col, n).length ? ' and from the values several rows share' : ''}.`,
            suggestion: `Leave it out if the model should not use these words: they can stand for things like sex, age or family. ${privacy}`,
          }
        : {
            message: `"${name}" seems to hold ${PII_WORDS[pii]}, which identify people and rarely help a prediction.`,
            suggestion: `Leave it out of the model. ${privacy}`,
          }),
      actions: [ignore(name)],
    });
  }
  if (col.type === 'date') out.push(...futureDates(col.values, name));
  if (col.type === 'numeric') out.push(...outliers(col.values, name));
  return out;
}

function futureDates(v: Float64Array, name: string): Finding[] {
  const now = Date.now() + 86_400_000;
  let future = 0;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i] > now) future++;
    if (v[i] > max) max = v[i];
  }
  if (!future) return [];
  return [
    {
      code: 'future_dates',
      severity: 'warning',
      column: name,
      message: `${fmt(future)} ${future === 1 ? 'date' : 'dates'} in "${name}" ${future === 1 ? 'is' : 'are'} in the future (the latest is ${new Date(max).toISOString().slice(0, 10)}).`,
      suggestion: 'Check for typing mistakes (such as 2205 for 2025) or placeholder dates.',
    },
  ];
}

/**
 * Values far outside the bulk: more than 10 robust standard deviations (scaled median absolute
 * deviation) from the median, and rare. Often typos or codes such as 9999 for "unknown".
 */
function outliers(v: Float64Array, name: string): Finding[] {
  const step = Math.max(1, Math.floor(v.length / 20000));
  const buf = new Float64Array(Math.ceil(v.length / step));
  let k = 0;
  for (let i = 0; i < v.length; i += step) if (v[i] === v[i]) buf[k++] = v[i];
  if (k < 20) return [];
  const s = buf.subarray(0, k).sort();
  const median = s[Math.floor(s.length / 2)];
  const dev = Float64Array.from(s, (x) => Math.abs(x - median)).sort();
  const mad = dev[Math.floor(dev.length / 2)] * 1.4826;
  if (!(mad > 0)) return [];
  const lo = median - 10 * mad;
  const hi = median + 10 * mad;
  let count = 0;
  let example = NaN;
  let present = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    present++;
    if (x < lo || x > hi) {
      count++;
      if (example !== example || Math.abs(x - median) > Math.abs(example - median)) example = x;
    }
  }
  // Long-tailed amounts (incomes, prices) have many; only a handful of far values is worth a note.
  if (count === 0 || count > Math.max(2, 0.005 * present)) return [];
  const q1 = s[Math.floor(s.length * 0.25)];
  const q3 = s[Math.floor(s.length * 0.75)];
  return [
    {
      code: 'outliers',
      severity: 'info',
      column: name,
      message: `${fmt(count)} ${count === 1 ? 'value' : 'values'} in "${name}" ${count === 1 ? 'is' : 'are'} far from the rest (for example ${fmt(example)}, while half of all values lie between ${fmt(q1)} and ${fmt(q3)}).`,
      suggestion: 'Check that they are real and not typing mistakes or codes such as 9999 for "unknown".',
    },
  ];
}

/** Exact duplicate rows (all columns equal), counted as extra copies. */
export function duplicateRows(t: Table): number {
  const n = t.nRows;
  if (n < 2 || t.columns.length === 0) return 0;
  const h1 = new Uint32Array(n).fill(0x811c9dc5);
  const h2 = new Uint32Array(n).fill(0x12345678);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  for (const col of t.columns) {
    if (isCoded(col)) {
      for (let i = 0; i < n; i++) {
        const c = col.codes[i];
        h1[i] = Math.imul(h1[i] ^ c, 0x01000193);
        h2[i] = Math.imul(h2[i] + c, 0x5bd1e995) ^ (h2[i] >>> 15);
      }
    } else {
      for (let i = 0; i < n; i++) {
        f[0] = col.values[i];
        if (f[0] !== f[0]) f[0] = NaN; // one bit pattern for every NaN
        h1[i] = Math.imul(Math.imul(h1[i] ^ u[0], 0x01000193) ^ u[1], 0x01000193);
        h2[i] = Math.imul(h2[i] + u[0] + Math.imul(u[1], 31), 0x5bd1e995) ^ (h2[i] >>> 15);
      }
    }
  }
  // Open-addressing set of 64-bit row hashes in typed arrays (a JS Set of millions of numbers is slow).
  let size = 1;
  while (size < n * 2) size <<= 1;
  const mask = size - 1;
  const used = new Uint8Array(size);
  const k1 = new Uint32Array(size);
  const k2 = new Uint32Array(size);
  let dup = 0;
  for (let i = 0; i < n; i++) {
    const a = h1[i];
    const b = h2[i];
    let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      if (!used[slot]) {
        used[slot] = 1;
        k1[slot] = a;
        k2[slot] = b;
        break;
      }
      if (k1[slot] === a && k2[slot] === b) {
        dup++;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return dup;
}

function targetFindings(t: Table, col: Column, ta: TargetAnalysis, settings: ColumnSettings, ignored: Set<string>): Finding[] {
  const out: Finding[] = [];
  const name = col.name;
  const info = ta.info;
  const present = t.nRows - ta.missing;
  if (ta.missing > 0) {
    out.push({
      code: 'target_missing',
      severity: present === 0 ? 'error' : 'warning',
      column: name,
      message: `${fmt(ta.missing)} ${ta.missing === 1 ? 'row has' : 'rows have'} no value in "${name}"; ${ta.missing === 1 ? 'it is' : 'they are'} left out of training.`,
      suggestion: 'Fill in the outcome for those rows if you know it; you can predict them later with the finished model.',
    });
  }
  if (ta.numericCode && settings.task === undefined) {
    const asCat: Task = info.task === 'regression' ? (ta.counts?.length === 2 ? 'binary' : 'multiclass') : info.task;
    const distinct = info.classes?.length;
    out.push({
      code: 'target_is_code',
      severity: 'warning',
      column: name,
      message:
        info.task === 'regression'
          ? `"${name}" holds a few whole numbers; Augur will predict it as an amount.`
          : `"${name}" holds only ${distinct} different numbers (${info.classes!.join(', ')}); Augur will treat them as categories, not as amounts.`,
      suggestion: 'Is it a category (a code) or an amount? Choose which, so Augur predicts it the right way.',
      actions: [
        { kind: 'set_task', task: info.task === 'regression' ? 'multiclass' : asCat, label: 'It is a category' },
        { kind: 'set_task', task: 'regression', label: 'It is an amount' },
      ],
    });
  }
  if (info.task !== 'regression') {
    const classes = info.classes ?? [];
    const counts = ta.counts ?? [];
    if (classes.length < 2) {
      out.push({
        code: 'single_class',
        severity: 'error',
        column: name,
        message: classes.length === 0 ? `"${name}" is empty on every row, so there is nothing to predict.` : `Every row has the same value in "${name}" ("${classes[0]}"), so there is nothing to learn to tell apart.`,
        suggestion: 'Choose a target with at least two different outcomes, or add rows with the other outcome.',
      });
    } else {
      const min = Math.min(...counts);
      const max = Math.max(...counts);
      const rare = classes[counts.indexOf(min)];
      if (max / min >= IMBALANCE_RATIO_FOR_WEIGHTS) {
        out.push({
          code: 'class_imbalance',
          severity: min / present < 0.05 ? 'warning' : 'info',
          column: name,
          message: `Only ${pct(min / present)} of rows (${fmt(min)}) have "${rare}" in "${name}".`,
          suggestion:
            'By default Augur judges models by how well they rank cases, which a lopsided outcome cannot fool the way plain accuracy can' +
            (min / present < RARE_SHARE_FOR_WEIGHT_SEARCH ? '; it also tries giving the rarer outcome more weight while training.' : '.'),
        });
      }
      if (min < 10) {
        out.push({
          code: 'rare_class',
          severity: 'warning',
          column: name,
          message: `"${rare}" appears in only ${fmt(min)} ${min === 1 ? 'row' : 'rows'}, too few to learn what makes it different.`,
          suggestion: 'Add more examples of it, or merge it with a similar outcome.',
        });
      }
    }
  }
  if (present < MIN_ROWS_TO_TRAIN) {
    out.push({
      code: 'too_few_rows',
      severity: 'error',
      column: name,
      message: `Only ${fmt(present)} ${present === 1 ? 'row has' : 'rows have'} a value in "${name}"; Augur needs at least ${MIN_ROWS_TO_TRAIN} to train anything.`,
      suggestion: 'Add more rows to the file.',
    });
  } else if (present < FEW_ROWS_WARNING) {
    out.push({
      code: 'few_rows',
      severity: 'warning',
      column: name,
      message: `Only ${fmt(present)} rows have a value in "${name}"; with so few examples the model will be rough and its scores uncertain.`,
      suggestion: 'Several hundred rows or more give much more reliable models.',
    });
  }
  // Leakage and usable features.
  const nClasses = info.task === 'regression' ? 1 : (info.classes?.length ?? 0);
  let usable = 0;
  const ctx = info.task === 'regression' || nClasses >= 2 ? leakContext(ta.y, info.task, nClasses) : null;
  for (const c of t.columns) {
    if (c === col || !isFeatureType(c)) continue;
    const leak = ctx ? checkLeak(c, ctx) : null;
    if (ignored.has(c.name)) {
      // A column that gives the outcome away is left out by default (the app does it); say so, with a way back.
      if (leak?.kind === 'copy') {
        out.push({
          code: 'leak_left_out',
          severity: 'info',
          column: c.name,
          message: `"${c.name}" is left out: it gives away "${name}" completely (${leak.evidence}), so a model using it would look perfect and be useless.`,
          suggestion: `Use it only if you will really know "${c.name}" before "${name}" happens.`,
          actions: [{ kind: 'use_column', column: c.name, label: `Use "${c.name}" anyway` }],
        });
      }
      continue;
    }
    usable++;
    if (leak) {
      out.push({
        code: leak.kind === 'copy' ? 'target_copy' : 'target_leakage',
        severity: 'warning',
        column: c.name,
        message:
          leak.kind === 'copy'
            ? `"${c.name}" gives away "${name}" completely (${leak.evidence}): it is a copy or a recoding of the outcome.`
            : `"${c.name}" predicts "${name}" almost perfectly on its own (${leak.evidence}); it is probably only known after the outcome, or derived from it.`,
        suggestion: `Leave "${c.name}" out, unless you will really know it when you make predictions; otherwise the model will look better than it is.`,
        actions: [ignore(c.name, `Leave "${c.name}" out`)],
      });
    }
  }
  if (usable === 0) {
    out.push({
      code: 'no_features',
      severity: 'error',
      message: `No column is left to predict "${name}" from: the others are ignored, identifiers or free text.`,
      suggestion: 'Stop ignoring some columns, or add columns that describe each row.',
    });
  }
  return out;
}

