// Ready / Use with care / Not ready, from numbers: the data check's findings, the gain over the naive
// baseline and its interval, fold-to-fold spread, calibration, weak spots and the learning curve.
// Reasons are codes with their numbers; evaluate/words.ts says each in a sentence.
import type { Finding } from '../../../shared/api.ts';
import { metricSpec, type MetricName } from '../../../shared/metrics.ts';
import type { Estimate } from './scores.ts';
import type { VerdictLevel, ReasonCode, Reason } from '../../../shared/evaluation.ts';
export type { VerdictLevel, ReasonCode, Reason } from '../../../shared/evaluation.ts';

export interface VerdictFacts {
  rows: number;
  findings?: Finding[];
  /** Columns the model uses; a finding about a column left out does not count. */
  usedColumns?: string[];
  metric: MetricName;
  value: number;
  baseline: number;
  /** Gain over the baseline, positive = better, with its paired interval. */
  gain: Estimate;
  folds?: { values: number[]; baseline: number[] };
  /** Expected calibration error of the percentages the model will give (after a kept correction). */
  ece?: number;
  weakSpots?: number;
  learningCurve?: { gainIfDoubled?: number; verdict?: 'helps' | 'a_little' | 'hardly' | 'unclear' };
}

/** A gain below this share of the way from guessing to perfect is "only a little better". */
export const SMALL_GAIN_SHARE = 0.05;
/** Percentages off by more than this on average (ECE) are not to be read as chances. */
export const ECE_CARE = 0.1;
/** A doubling of rows that would bring at least this share of the remaining way to perfect is worth saying. */
const MORE_ROWS_SHARE = 0.02;

const RANK: Record<VerdictLevel, number> = { ready: 0, care: 1, not_ready: 2 };

/** How far from the baseline to perfect the model got (0 = guessing, 1 = perfect). */
export function shareOfPossible(metric: MetricName, value: number, baseline: number): number {
  const spec = metricSpec(metric);
  const ideal = spec.lowerIsBetter ? 0 : 1;
  const room = Math.abs(ideal - baseline);
  if (!(room > 0)) return NaN;
  return (spec.lowerIsBetter ? baseline - value : value - baseline) / room;
}

export function judge(f: VerdictFacts): { level: VerdictLevel; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const used = f.usedColumns ? new Set(f.usedColumns) : null;
  const counts = (c?: string) => !c || !used || used.has(c);
  for (const x of f.findings ?? []) {
    if (!counts(x.column)) continue;
    if (x.code === 'target_leakage' || x.code === 'target_copy') reasons.push({ code: 'leak', level: 'not_ready', column: x.column });
    else if (x.code === 'too_few_rows') reasons.push({ code: 'too_few_rows', level: 'not_ready', numbers: { rows: f.rows } });
    else if (x.code === 'few_rows') reasons.push({ code: 'few_rows', level: 'care', numbers: { rows: f.rows } });
    else if (x.code === 'pii') reasons.push({ code: 'personal_data', level: 'care', column: x.column });
  }
  const nums = { value: f.value, baseline: f.baseline, gain: f.gain.value };
  const lower = f.gain.ci ? f.gain.ci[0] : f.gain.value;
  const share = shareOfPossible(f.metric, f.value, f.baseline);
  if (!(f.gain.value > 0) || !(lower > 0)) reasons.push({ code: 'no_gain', level: 'not_ready', numbers: nums });
  else if (share < SMALL_GAIN_SHARE) reasons.push({ code: 'small_gain', level: 'care', numbers: { ...nums, share } });
  if (f.folds && f.folds.values.length > 1 && f.gain.value > 0) {
    const lowerIsBetter = metricSpec(f.metric).lowerIsBetter;
    const gains = f.folds.values.map((v, i) => (lowerIsBetter ? f.folds!.baseline[i] - v : v - f.folds!.baseline[i]));
    const lo = Math.min(...f.folds.values), hi = Math.max(...f.folds.values);
    if (Math.min(...gains) <= 0 || hi - lo > 0.5 * f.gain.value) reasons.push({ code: 'unsteady', level: 'care', numbers: { lowest: lo, highest: hi } });
  }
  if (f.ece !== undefined && f.ece > ECE_CARE) reasons.push({ code: 'percentages_off', level: 'care', numbers: { ece: f.ece } });
  if (f.weakSpots) reasons.push({ code: 'weak_spots', level: 'care', numbers: { count: f.weakSpots } });
  const more = f.learningCurve?.gainIfDoubled;
  const said = f.learningCurve?.verdict;
  if (said === 'unclear') {
    // nothing to say
  } else if (said) {
    // the learning curve's own judgement, so the verdict and the "More data?" section agree
    reasons.push({ code: said === 'hardly' ? 'more_rows_wont_help' : 'more_rows_help', level: 'ready', numbers: { gain: more ?? NaN, ...(said === 'a_little' ? { little: 1 } : {}) } });
  } else if (more !== undefined && Number.isFinite(more)) {
    const room = Math.abs((metricSpec(f.metric).lowerIsBetter ? 0 : 1) - f.value);
    const big = room > 0 ? more / room >= MORE_ROWS_SHARE : false;
    reasons.push({ code: big ? 'more_rows_help' : 'more_rows_wont_help', level: 'ready', numbers: { gain: more } });
  }
  let level: VerdictLevel = 'ready';
  for (const r of reasons) if (RANK[r.level] > RANK[level]) level = r.level;
  if (level === 'ready') reasons.unshift({ code: 'good', level: 'ready', numbers: nums });
  // worst first, so the first sentence says what matters most
  reasons.sort((a, b) => RANK[b.level] - RANK[a.level]);
  return { level, reasons };
}
