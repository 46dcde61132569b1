// Every sentence of the evaluation, made from its numbers in one place: the statistics modules return
// numbers only. Plain words for people who never heard of AUC; one sentence each, with what to do next.
import { formatNumber, formatPercent, formatScore, metricSpec, type MetricName } from '../../../shared/metrics.ts';
import type { ReliabilityBin } from './calibration.ts';
import type { ConformalAssessment } from './conformal.ts';
import type { ThresholdChoice } from './threshold.ts';
import type { Reason } from './verdict.ts';
import type { SpotCondition, WeakSpot } from './weak-spots.ts';

/** A number the way a person writes it in a sentence: 6, 1,250, 0.35, 12.5 (no padding zeros). */
export function plainNumber(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : Math.min(6, 1 - Math.floor(Math.log10(a)) + 1);
  return v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const quote = (s: string) => `“${s}”`;

/** "Contract is “Month-to-month”", "tenure is under 6", "signup date is before 2021-03-01". */
export function conditionPhrase(c: SpotCondition): string {
  const col = c.column;
  if (c.equals !== undefined && (c.op === 'under' || c.op === 'at_least')) return `${col} is ${c.isDate ? day(c.equals) : plainNumber(c.equals)}`;
  switch (c.op) {
    case 'is': return `${col} is ${quote(c.category ?? '')}`;
    case 'missing': return `${col} is empty`;
    case 'under': return c.isDate ? `${col} is before ${day(c.threshold!)}` : `${col} is under ${plainNumber(c.threshold!)}`;
    case 'at_least': return c.isDate ? `${col} is ${day(c.threshold!)} or later` : `${col} is ${plainNumber(c.threshold!)} or more`;
  }
}

/** How the metric reads in a sentence: "right 64% of the time", "off by 120 on average". */
function howGood(metric: MetricName, v: number): string {
  switch (metric) {
    case 'accuracy': return `right ${formatPercent(v)} of the time`;
    case 'mae': return `off by ${formatNumber(v)} on average`;
    default: return `at ${metricSpec(metric).label.toLowerCase()} ${formatScore(metric, v)}`;
  }
}

/** "For rows where Contract is “Month-to-month” and tenure is under 6, the model is right 64% of the time, against 81% overall (412 rows)." */
export function weakSpotSentence(s: WeakSpot): string {
  const where = s.conditions.map(conditionPhrase).join(' and ');
  const rows = `${s.rows.toLocaleString('en-US')} ${s.rows === 1 ? 'row' : 'rows'}`;
  const model = howGood(s.metric, s.value);
  const overall = s.metric === 'accuracy' ? formatPercent(s.overall) : s.metric === 'mae' ? formatNumber(s.overall) : formatScore(s.metric, s.overall);
  return `For rows where ${where}, the model is ${model}, against ${overall} overall (${rows}).`;
}

/** The headline: how good, beside what guessing gets. */
export function headline(task: 'binary' | 'multiclass' | 'regression', metrics: { accuracy?: number; mae?: number }, baseline: { accuracy?: number; mae?: number }, target?: string): string {
  if (task === 'regression') {
    const what = target ? `predictions of ${quote(target)}` : 'predictions';
    return `The model's ${what} are off by ${formatNumber(metrics.mae!)} on average; always guessing the average would be off by ${formatNumber(baseline.mae!)}.`;
  }
  return `The model is right ${formatPercent(metrics.accuracy!)} of the time; guessing the most common answer would be right ${formatPercent(baseline.accuracy!)}.`;
}

export function tooFewSentence(): string {
  return 'Too few rows to judge.';
}

/** "9 times in 10", "19 times in 20", else "95% of the time". */
export function coverageWords(c: number): string {
  for (const d of [10, 20, 100]) {
    const k = Math.round(c * d);
    if (Math.abs(k / d - c) < 1e-9) return d === 100 && k % 5 !== 0 ? `${k} times in 100` : `${k} times in ${d}`;
  }
  return `${formatPercent(c)} of the time`;
}

/** The range in words, for one prediction: "9 times in 10 the real price is between 410 and 530." */
export function rangeSentence(coverage: number, lo: number, hi: number, target?: string): string {
  return `${capitalise(coverageWords(coverage))} the real ${target ? quote(target) : 'value'} is between ${plainNumber(round3(lo))} and ${plainNumber(round3(hi))}.`;
}

export function conformalSentence(a: ConformalAssessment, typical: { predicted: number; lo: number; hi: number } | null, target?: string): string {
  const when = capitalise(coverageWords(a.coverage));
  if (a.recipe.kind === 'set') {
    const single = a.single_answer_share ?? 0;
    return `${when} the real answer is among the answers Augur lists for a row; for ${formatPercent(single)} of rows that is a single answer.`;
  }
  const what = target ? quote(target) : 'value';
  if (!typical) return `${when} the real ${what} is within the range Augur gives.`;
  const range = `between ${plainNumber(round3(typical.lo))} and ${plainNumber(round3(typical.hi))}`;
  const tail = a.recipe.method === 'scaled' ? '; the range is wider where the model misses more' : '';
  return `${when} the real ${what} is ${range} when the model predicts ${plainNumber(round3(typical.predicted))}${tail}.`;
}

/** A representative bin for the sentence: well filled and nearest to "70 %". */
function pickBin(bins: ReliabilityBin[]): ReliabilityBin | undefined {
  const total = bins.reduce((a, b) => a + b.rows, 0);
  const full = bins.filter((b) => b.rows >= Math.max(30, 0.05 * total));
  const pool = full.length ? full : bins;
  return [...pool].sort((a, b) => Math.abs(a.predicted - 0.7) - Math.abs(b.predicted - 0.7))[0];
}

export function calibrationSentence(ece: number, bins: ReliabilityBin[], corrected: boolean, eceBefore?: number): string {
  const b = pickBin(bins);
  const says = b ? `when it says ${formatPercent(b.predicted)}, it happens about ${formatPercent(b.observed)} of the time` : '';
  if (corrected) {
    return `Augur corrects the model's percentages (they were off by ${pts(eceBefore ?? ece)} on average); now ${says}.`;
  }
  if (ece <= 0.05) return `Its percentages can be trusted: ${says}.`;
  return `Its percentages are off by ${pts(ece)} on average: ${says}; read them as a ranking, not as exact chances.`;
}

const pts = (x: number) => {
  const p = Math.round(x * 100);
  return p === 1 ? '1 point' : p < 1 ? 'less than 1 point' : `${p} points`;
};

export function thresholdSentence(t: ThresholdChoice, positive?: string): string {
  const per = (c: number) => plainNumber(Math.round(c * 1000 * 100) / 100);
  const what = positive ? quote(positive) : 'a case';
  if (t.flagged === 0) return `With these costs it is cheapest to flag nothing: every flag costs more than the cases it finds (${per(t.cost_per_row)} per 1,000 rows).`;
  return `Flag a row as ${what} when the model gives it at least ${formatPercent(t.threshold)}: on the checked rows that costs ${per(t.cost_per_row)} per 1,000 rows, against ${per(t.at_half)} with the usual 50% cut-off.`;
}

/** One sentence per verdict reason, each with what to do next. */
export function reasonSentence(r: Reason, metric: MetricName): string {
  const n = r.numbers ?? {};
  const col = r.column ? quote(r.column) : 'A column';
  const score = (v: number) => formatScore(metric, v);
  const label = metricSpec(metric).plain.toLowerCase();
  switch (r.code) {
    case 'leak': return `${col} gives the outcome away, so the model looks better than it will be: leave it out and train again, unless you will really know it when you make predictions.`;
    case 'too_few_rows': return 'There are too few rows to judge the model: add rows with a known outcome and train again.';
    case 'few_rows': return `With only ${plainNumber(n.rows)} rows the scores are rough: add rows if you can, and treat the predictions as a first guess until then.`;
    case 'personal_data': return `${col} holds personal data: leave it out unless the model really needs it, and keep the model's files private.`;
    case 'no_gain': return `The model is no better than guessing (${label} ${score(n.value)} against ${score(n.baseline)}): check that the columns describe the outcome, or add columns that do.`;
    case 'small_gain': return `The model is only a little better than guessing (${label} ${score(n.value)} against ${score(n.baseline)}): use it as a rough guide, and look for columns that say more about the outcome.`;
    case 'unsteady': return `Its ${label} changes from ${score(n.lowest)} to ${score(n.highest)} between parts of the data, which is a lot next to how much better than guessing it is: add rows if you can, and check its predictions on new rows before relying on them.`;
    case 'percentages_off': return `Its percentages are off by ${pts(n.ece)} on average: read them as a ranking, not as exact chances.`;
    case 'weak_spots': return `It is clearly weaker for ${n.count === 1 ? 'one group' : `${n.count} groups`} of rows (listed below): check those before you rely on it there.`;
    case 'more_rows_help': {
      // percent metrics gain in points ("+0.4 points"), others in their own units
      const amount = metricSpec(metric).percent ? `${(Math.abs(n.gain) * 100).toFixed(1)} points` : formatScore(metric, Math.abs(n.gain)).replace(/^± /, '');
      return `${n.little ? 'More rows might help a little' : 'More rows would likely help'}: about ${amount} better ${label} with twice as many.`;
    }
    case 'more_rows_wont_help': return 'More rows of the same kind will hardly help; new columns that say more about the outcome might.';
    case 'good': return `It is clearly better than guessing (${label} ${score(n.value)} against ${score(n.baseline)}) and held up in every check: use it, and check it again when your data changes.`;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Three significant digits for a range's ends ("between 412 and 528", not "between 412.3871 and ..."). */
function round3(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v);
  return Number(v.toPrecision(3));
}

// ---- a saved model checked on a labelled file ----

/**
 * What the kept ranges (or lists of answers) achieved on a file: "Augur's ranges are meant to hold the
 * real “price” 9 times in 10; on this file they held it for 91% of rows (on average 1,230 wide)."
 */
export function achievedCoverageSentence(coverage: number, observed: number, size: { width?: number; setSize?: number }, target?: string): string {
  const promise = coverageWords(coverage);
  const got = formatPercent(observed);
  if (size.width !== undefined) {
    return `Augur's ranges are meant to hold the real ${target ? quote(target) : 'value'} ${promise}; on this file they held it for ${got} of rows (on average ${plainNumber(round3(size.width))} wide).`;
  }
  const per = size.setSize !== undefined ? `, with ${plainNumber(Math.round(size.setSize * 100) / 100)} answers per row on average` : '';
  return `Augur's lists of likely answers are meant to hold the real one ${promise}; on this file they held it for ${got} of rows${per}.`;
}

export function noWeakSpotSentence(): string {
  return 'No group of rows was found where the model is clearly weaker than overall.';
}

/** "What matters most to the model: “Sex”, “Pclass” and “Fare”." (columns that help, most first) */
export function importanceSentence(columns: { column: string; value: number }[], max = 3): string {
  const top = columns.filter((c) => c.value > 0).slice(0, max).map((c) => quote(c.column));
  if (!top.length) return 'No single column makes a clear difference to the model on these rows.';
  const list = top.length === 1 ? top[0] : `${top.slice(0, -1).join(', ')} and ${top[top.length - 1]}`;
  return `What matters most to the model: ${list}.`;
}

/** Said only when the correction kept with the model made the percentages worse on a later file. */
export function correctionWorseSentence(eceWith: number, eceWithout: number): string {
  return `On this file the correction kept with the model puts its percentages further off (by ${pts(eceWith)} on average, against ${pts(eceWithout)} without it): train the model again with more rows, or on rows more like these.`;
}
