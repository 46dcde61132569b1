// Every monitoring result in plain words, and the traffic light: one module, so the CLI, the API and
// the Monitor screen say the same thing. Users do not know what a p-value or an AUC is; sentences say
// what changed, by how much, and what to do.
import type { MetricName } from '../evaluate/metrics.ts';
import type { ColumnDrift, DriftReport } from './drift.ts';
import { UNSEEN_SHARE } from './drift.ts';
import type { MultivariateResult } from './multivariate.ts';
import type { MetricCheck, MetricEstimate, PerformanceEstimate } from './performance.ts';
import { list, number, percent, plural, quoted, value } from './plain-numbers.ts';

export type Light = 'green' | 'amber' | 'red';

export interface Verdict {
  light: Light;
  /** One sentence: the answer to "does the model still hold?". */
  headline: string;
  /** One sentence per finding, most important first. */
  details: string[];
  /** What to do. */
  advice: string;
}

export interface WordsOptions {
  /** The metric the run optimised (its sentence comes first); default accuracy or the typical error. */
  metric?: MetricName;
}

/** The verdict on a new file: drift, and performance when it was estimated or measured. */
export function verdict(report: DriftReport, perf?: PerformanceEstimate, opts: WordsOptions = {}): Verdict {
  const details: string[] = [];
  const drifted = report.columns.filter((c) => c.drifted);
  if (report.missing_columns.length) details.push(missingColumnsSentence(report.missing_columns));
  details.push(...drifted.map(columnSentence));
  if (report.multivariate?.drifted) details.push(multivariateSentence(report.multivariate));
  const unseen = report.columns.flatMap((c) => unseenSentences(c));
  details.push(...unseen.map((u) => u.text));
  if (report.target?.drifted) details.push(targetSentence(report.target));
  const perfLines = perf ? performanceSentences(perf, opts.metric) : [];
  details.push(...perfLines.map((p) => p.text));
  const perfWorse = perfLines.some((p) => p.alert && p.worse);
  const light: Light = report.missing_columns.length || report.dataset_drift || perfWorse
    ? 'red'
    : drifted.length || unseen.some((u) => u.notable) || perfLines.some((p) => p.alert) || report.target?.drifted
      ? 'amber'
      : 'green';
  const notableUnseen = unseen.some((u) => u.notable);
  return { light, headline: headline(report, drifted, notableUnseen, perfWorse), details, advice: advice(light, report, perfWorse) };
}

function headline(report: DriftReport, drifted: ColumnDrift[], notableUnseen: boolean, perfWorse: boolean): string {
  if (report.missing_columns.length) return missingColumnsSentence(report.missing_columns);
  if (drifted.length) {
    const which = report.weighted ? 'the most important of them is' : 'the biggest change is in';
    return `${drifted.length} of ${report.n_columns} columns changed; ${which} ${columnSentence(drifted[0])}`;
  }
  if (report.multivariate?.drifted) return 'No single column changed much, but the new rows combine their values differently from the training data.';
  if (perfWorse) return 'The columns look as they did in training, but the model seems to do worse on this file.';
  if (notableUnseen) return 'The new file looks like the training data, except for values the model has never seen.';
  return 'The new file looks like the training data.';
}

function advice(light: Light, report: DriftReport, perfWorse: boolean): string {
  if (report.missing_columns.length) return 'Add the missing columns to the file, or train a new model without them.';
  if (light === 'red') {
    return perfWorse
      ? 'Retrain the model on recent data before relying on its predictions.'
      : 'The data has changed enough that the model may no longer hold: retrain it on recent data, or check its predictions against real outcomes first.';
  }
  if (light === 'amber') return 'The model can still be used; keep an eye on what changed, and retrain if the next file shows the same.';
  return 'No action needed.';
}

function missingColumnsSentence(names: string[]): string {
  const shown = names.slice(0, 3).map(quoted);
  return `The new file has no ${list(shown)}${names.length > 3 ? ` and ${plural(names.length - 3, 'more column')}` : ''} ${names.length === 1 ? 'column, which' : 'columns, which'} the model needs.`;
}

/** "Contract: 60% month-to-month now, 45% before." */
export function columnSentence(c: ColumnDrift): string {
  if (!c.distribution_drifted && c.missing.changed) return missingSentence(c);
  const name = c.name;
  let text: string;
  if (c.type === 'text' || c.type === 'id') {
    text = `${name} is filled in on ${percent(1 - c.missing.after)} of rows now, ${percent(1 - c.missing.before)} before.`;
  } else if (c.biggest_change) {
    text = `${name}: ${percent(c.biggest_change.after)} ${levelPhrase(c.biggest_change.label)} now, ${percent(c.biggest_change.before)} before.`;
  } else if (c.median && value(c.median.after, c.type) !== value(c.median.before, c.type)) {
    text = `${name}: typically ${value(c.median.after, c.type)} now, ${value(c.median.before, c.type)} before.`;
  } else {
    const bin = c.chart.reduce((a, s) => (Math.abs(s.after - s.before) > Math.abs(a.after - a.before) ? s : a), c.chart[0]);
    text = bin ? `${name}: ${percent(bin.after)} of rows ${bin.label} now, ${percent(bin.before)} before.` : `${name} changed.`;
  }
  return c.missing.changed ? `${text} ${missingSentence(c)}` : text;
}

function levelPhrase(label: string): string {
  if (label === 'other values') return 'values that were rare before';
  if (label === 'new values') return 'values the training data never had';
  return label;
}

function missingSentence(c: ColumnDrift): string {
  return `${c.name} is empty in ${percent(c.missing.after)} of rows now, ${percent(c.missing.before)} before.`;
}

/** Values outside the training range and values never seen: `notable` when at least 1 % of rows. */
function unseenSentences(c: ColumnDrift): { text: string; notable: boolean }[] {
  const out: { text: string; notable: boolean }[] = [];
  const r = c.out_of_range;
  if (r && r.above + r.below > 0) {
    const side = r.above && r.below ? `outside the training range (${value(r.min, c.type)} to ${value(r.max, c.type)})`
      : r.above ? `above anything in the training data (${value(r.max, c.type)})` : `below anything in the training data (${value(r.min, c.type)})`;
    out.push({ text: `${plural(r.above + r.below, 'row')} (${percent(r.share)}) of ${c.name} ${r.above + r.below === 1 ? 'is' : 'are'} ${side}.`, notable: r.share >= UNSEEN_SHARE });
  }
  const nv = c.new_values;
  if (nv && nv.rows > 0) {
    const eg = nv.examples.length ? ` (for example ${list(nv.examples.slice(0, 2).map(quoted))})` : '';
    out.push({ text: `${c.name} has values the training data never had${eg}, in ${percent(nv.share)} of rows.`, notable: nv.share >= UNSEEN_SHARE });
  }
  return out;
}

function targetSentence(t: ColumnDrift): string {
  const b = t.biggest_change;
  if (b) return `The outcome changed too: ${t.name} is ${b.label} in ${percent(b.after)} of rows now, ${percent(b.before)} before.`;
  if (t.median) return `The outcome changed too: ${t.name} is typically ${value(t.median.after, t.type)} now, ${value(t.median.before, t.type)} before.`;
  return `The outcome ${t.name} changed too.`;
}

/** "A model can tell the new rows from the training rows (score 0.71, where 0.5 means they look alike), mostly from Age." */
export function multivariateSentence(m: MultivariateResult): string {
  const by = m.topColumns.length ? `, mostly from ${list(m.topColumns.slice(0, 2))}` : '';
  if (!m.drifted) return `A model cannot tell the new rows from the training rows (score ${m.auc.toFixed(2)}, where 0.5 means they look alike).`;
  return `A model can tell the new rows from the training rows (score ${m.auc.toFixed(2)}, where 0.5 means they look alike)${by}.`;
}

const PHRASES: Record<MetricName, { what: string; percent: boolean }> = {
  accuracy: { what: 'the model is right', percent: true },
  roc_auc: { what: 'its ranking quality is', percent: true },
  f1_macro: { what: 'its balanced hit rate is', percent: true },
  log_loss: { what: 'its confidence error is', percent: false },
  rmse: { what: 'its error size is', percent: false },
  mae: { what: 'its predictions are off on average by', percent: false },
  r2: { what: 'it explains', percent: true },
  balanced_accuracy: { what: 'its hit rate across the outcomes is', percent: true },
  precision_macro: { what: 'its alarms are right', percent: true },
  recall_macro: { what: 'it finds', percent: true },
  pr_auc: { what: 'its precision-recall score is', percent: true },
  brier: { what: 'its probability error is', percent: false },
  mape: { what: 'its predictions are off on average by', percent: false },
};

function fmt(m: MetricName, v: number): string {
  return PHRASES[m].percent ? percent(v) : number(v);
}

/** Estimated metrics first (the chosen one leads), then real ones; each with its alert state. */
export function performanceSentences(perf: PerformanceEstimate, metric?: MetricName): { text: string; alert: boolean; worse: boolean }[] {
  const out: { text: string; alert: boolean; worse: boolean }[] = [];
  const lead = metric ?? (perf.task === 'regression' ? 'mae' : 'accuracy');
  const order = (o: Partial<Record<MetricName, unknown>>) => (Object.keys(o) as MetricName[]).sort((a, b) => Number(b === lead) - Number(a === lead));
  const est = perf.estimated ?? {};
  for (const m of order(est).slice(0, 2)) out.push(estimateSentence(m, est[m]!));
  const act = perf.actual ?? {};
  for (const m of order(act).slice(0, 1)) out.push(actualSentence(m, act[m]!, perf.actualRows ?? perf.rows));
  return out;
}

function estimateSentence(m: MetricName, e: MetricEstimate): { text: string; alert: boolean; worse: boolean } {
  const p = PHRASES[m];
  const core = m === 'accuracy' ? `Augur estimates ${p.what} ${fmt(m, e.value)} of the time on this file` : `Augur estimates ${p.what} ${fmt(m, e.value)} on this file`;
  const text = `${core} (likely between ${fmt(m, e.ci[0])} and ${fmt(m, e.ci[1])}), against ${fmt(m, e.reference)} in training.${alertWords(e)}`;
  return { text, alert: e.alert, worse: e.worse };
}

function actualSentence(m: MetricName, a: MetricCheck, rows: number): { text: string; alert: boolean; worse: boolean } {
  const p = PHRASES[m];
  const core = m === 'accuracy' ? `${p.what} ${fmt(m, a.value)} of the time` : `${p.what} ${fmt(m, a.value)}`;
  return { text: `On the ${plural(rows, 'row')} with a known outcome, ${core}, against ${fmt(m, a.reference)} in training.${alertWords(a)}`, alert: a.alert, worse: a.worse };
}

function alertWords(c: MetricCheck): string {
  if (!c.alert) return '';
  return c.worse ? ' That is a clear drop.' : ' That is clearly better than usual, so the rows may be of a different kind.';
}
