// One row's explanation for people: each column's value as shown, what it added to the prediction, sorted
// by size, and the top reasons in words ("“Contract” is Month-to-month: raises the chance of “Yes”"), which a
// batch prediction can write into a `reasons` column.
import type { FeatureEncoder } from '../../data/features.ts';
import type { Table } from '../../data/table.ts';
import { stringAt, takeRows } from '../../data/table-ops.ts';
import type { Dataset, Fitted } from '../../models/types.ts';
import { UserError } from '../../util/errors.ts';
import { columnGroups } from './columns.ts';
import { type ExplainMethod, type ExplainSpace, explainRows } from './explainer.ts';
import { rowsToTable, type TypedValue } from './what-if.ts';
import type { Contribution, RowExplanation } from '../../../../shared/evaluation.ts';
export type { Contribution, RowExplanation } from '../../../../shared/evaluation.ts';

export interface ExplainContext {
  /** Training rows (encoded): needed for linear models, networks, ensembles that are sampled. */
  background?: Dataset;
  seed?: number;
  /** Sampling: model evaluations per row (default 40,000). */
  budget?: number;
  /** Several classes: the class whose chance is explained (default: the predicted one). */
  classIndex?: number;
  signal?: AbortSignal;
}

/** Explains row `rowIndex` of `table` (a file with the training columns). */
export async function explainRow(model: Fitted, encoder: FeatureEncoder, table: Table, rowIndex: number, ctx: ExplainContext = {}): Promise<RowExplanation> {
  if (!(Number.isInteger(rowIndex) && rowIndex >= 0 && rowIndex < table.nRows)) {
    throw new UserError('bad_row', `Row ${rowIndex + 1} is not in this file, which has ${table.nRows.toLocaleString('en-US')} rows.`);
  }
  const one = takeRows(table, [rowIndex]);
  const data = encoder.encode(one);
  const groups = columnGroups(encoder);
  const e = await explainRows(model, data, { groups, background: ctx.background, seed: ctx.seed, budget: ctx.budget, signal: ctx.signal });
  const pred = model.predict(data);
  const { task } = model.taskInfo;
  const K = e.nOutputs;
  let k = 0;
  if (task === 'multiclass') {
    k = ctx.classIndex ?? argmax(pred);
    if (!(Number.isInteger(k) && k >= 0 && k < K)) throw new UserError('bad_class', 'That outcome is not one this model predicts.');
  }
  const values = groups.map((g) => {
    const col = one.columns.find((c) => c.name === g.column);
    return col ? stringAt(col)(0) : null;
  });
  const classes = encoder.target?.classes;
  const classIndex = task === 'regression' ? undefined : task === 'binary' ? 1 : k;
  const className = classIndex === undefined ? undefined : classes?.[classIndex] ?? String(classIndex);
  const shown = task === 'regression' ? pred[0] : task === 'binary' ? pred[0] : pred[k];
  const baseShown = baseAsShown(e.space, e.base, k);
  const base = e.base[k];
  const prediction = e.output[k];
  const scale = shownScale(e.space, prediction - base, shown - baseShown, baseShown);
  const contributions: Contribution[] = groups.map((g, j) => {
    const c = e.values[j * K + k];
    return scale === undefined ? { column: g.column, value: values[j], contribution: c } : { column: g.column, value: values[j], contribution: c, shown: c * scale };
  });
  contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.column < b.column ? -1 : 1));
  return {
    method: e.method, space: e.space, classIndex, className, base, prediction, shown, baseShown,
    contributions,
    reasons: reasonsFor(contributions, { task, className, target: encoder.target?.name ?? 'value', space: e.space }),
  };
}

/** Explains typed values (the what-if form): missing columns count as empty. */
export async function explainValues(model: Fitted, encoder: FeatureEncoder, values: Record<string, TypedValue>, ctx: ExplainContext = {}): Promise<RowExplanation> {
  return explainRow(model, encoder, rowsToTable(encoder, [values]), 0, ctx);
}

function argmax(a: Float64Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** Factor from `space` to shown units: 1 where they agree, the row's secant slope for log-odds and scores. */
function shownScale(space: ExplainSpace, inSpace: number, inShown: number, baseShown: number): number | undefined {
  if (space === 'probability' || space === 'value') return 1;
  // no change at all: the sigmoid's slope at the base
  if (Math.abs(inSpace) < 1e-12) return space === 'log_odds' ? baseShown * (1 - baseShown) : undefined;
  const r = inShown / inSpace;
  return r > 0 && Number.isFinite(r) ? r : undefined;
}

function baseAsShown(space: ExplainSpace, base: Float64Array, k: number): number {
  if (space === 'log_odds') return 1 / (1 + Math.exp(-base[k]));
  if (space === 'softmax_score') {
    // the chance at the average scores
    const mx = Math.max(...base);
    let z = 0;
    for (const b of base) z += Math.exp(b - mx);
    return Math.exp(base[k] - mx) / z;
  }
  return base[k];
}

/** Shortest distinct contribution worth a sentence, relative to the largest. */
const NEGLIGIBLE = 1e-3;
const MAX_VALUE_CHARS = 40;

/** Sentences for the largest contributions: "“Contract” is Month-to-month: raises the chance of “Yes”". */
export function reasonsFor(contributions: Contribution[], opts: { task: string; className?: string; target: string; space: ExplainSpace }, max = 3): string[] {
  const top = Math.abs(contributions[0]?.contribution ?? 0);
  if (!(top > 0)) return [];
  return contributions
    .filter((c) => Math.abs(c.contribution) > NEGLIGIBLE * top)
    .slice(0, max)
    .map((c) => {
      const up = c.contribution > 0;
      // the column's own name, quoted (people know their columns by it; changing its case would hide it)
      const name = `“${c.column}”`;
      const what = c.value === null ? `${name} is empty` : `${name} is ${shortValue(c.value)}`;
      if (opts.task === 'regression') return `${what}: raises the predicted “${opts.target}” by about ${formatAmount(Math.abs(c.contribution))}`.replace('raises', up ? 'raises' : 'lowers');
      return `${what}: ${up ? 'raises' : 'lowers'} the chance of “${opts.className}”`;
    });
}

function shortValue(v: string): string {
  const t = v.replace(/\s+/g, ' ').trim();
  return t.length > MAX_VALUE_CHARS ? `"${t.slice(0, MAX_VALUE_CHARS - 1)}…"` : t;
}

/** Three significant digits, thousands separated: 4,210 / 0.0312 / 12.5. */
export function formatAmount(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}
