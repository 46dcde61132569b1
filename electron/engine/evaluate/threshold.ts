// The decision threshold for two outcomes from what mistakes cost: flag a row when the model's chance
// of the second outcome is at least the threshold; the one with the lowest total cost on the held-out
// rows, and the cost curve over all thresholds (thinned).
import { UserError } from '../util/errors.ts';
import { thinCurve } from './thin.ts';
import type { Costs, ThresholdPoint, ThresholdChoice } from '../../../shared/evaluation.ts';
export type { Costs, ThresholdPoint, ThresholdChoice } from '../../../shared/evaluation.ts';

export function checkCosts(c: Costs): Costs {
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!ok(c.missed) || !ok(c.false_alarm) || c.missed + c.false_alarm <= 0) {
    throw new UserError(
      'bad_costs',
      'Say what a missed case and a false alarm cost as numbers of zero or more, with at least one above zero.',
      'For example 500 for a missed case and 20 for a false alarm, or a ratio such as 5 and 1.',
    );
  }
  return { missed: c.missed, false_alarm: c.false_alarm };
}

/** y: 0/1 per row; p: P(class 1) per row. */
export function chooseThreshold(y: Float64Array, p: Float64Array, costsIn: Costs, maxPoints = 200): ThresholdChoice {
  const costs = checkCosts(costsIn);
  const n = y.length;
  if (n === 0) throw new UserError('no_rows', 'There are no rows to choose a threshold on.');
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  let pos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) pos++;
  const cost = (tp: number, fp: number) => (costs.missed * (pos - tp) + costs.false_alarm * fp) / n;
  // Candidates: flag nobody, then everyone down to each distinct score; the threshold sits midway to the
  // next lower score so it separates exactly those rows (and new rows near it fall on a sensible side).
  const top = p[order[0]];
  const pts: { t: number; c: number; tp: number; fp: number; k: number }[] = [{ t: top < 1 ? (top + 1) / 2 : 1 + 1e-9, c: cost(0, 0), tp: 0, fp: 0, k: 0 }];
  let tp = 0, fp = 0;
  for (let j = 0; j < n; j++) {
    if (y[order[j]] === 1) tp++; else fp++;
    if (j < n - 1 && p[order[j + 1]] === p[order[j]]) continue;
    const next = j < n - 1 ? p[order[j + 1]] : 0;
    pts.push({ t: j < n - 1 ? (p[order[j]] + next) / 2 : 0, c: cost(tp, fp), tp, fp, k: j + 1 });
  }
  // Lowest cost; among equal costs the threshold nearest the textbook one, false_alarm / (false_alarm + missed).
  const ideal = costs.false_alarm / (costs.false_alarm + costs.missed);
  let best = pts[0];
  for (const q of pts) if (q.c < best.c - 1e-12 || (Math.abs(q.c - best.c) <= 1e-12 && Math.abs(q.t - ideal) < Math.abs(best.t - ideal))) best = q;
  let tpHalf = 0, fpHalf = 0;
  for (let i = 0; i < n; i++) if (p[i] >= 0.5) { if (y[i] === 1) tpHalf++; else fpHalf++; }
  const keep = thinCurve(pts.map((q) => q.t), pts.map((q) => q.c), maxPoints);
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    costs,
    threshold: best.t, // not rounded: it sits between two scores that may differ in the 7th decimal
    cost_per_row: r6(best.c),
    flagged: r6(best.k / n),
    missed: pos - best.tp,
    false_alarms: best.fp,
    at_half: r6(cost(tpHalf, fpHalf)),
    flag_none: r6(cost(0, 0)),
    flag_all: r6(cost(pos, n - pos)),
    rows: n,
    curve: Array.from(keep, (i) => ({ threshold: r6(pts[i].t), cost_per_row: r6(pts[i].c), flagged: r6(pts[i].k / n) })).reverse(),
  };
}
