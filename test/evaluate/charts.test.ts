import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { amountCharts, classCurves, confusionMatrix, curvesFor } from '../../electron/engine/evaluate/curves.ts';
import { prepareScores, type ClassScores, type RegressionScores } from '../../electron/engine/evaluate/kernels.ts';
import { thinCurve } from '../../electron/engine/evaluate/thin.ts';
import { chooseThreshold } from '../../electron/engine/evaluate/threshold.ts';
import type { TaskInfo } from '../../electron/engine/models/types.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { gaussian, mulberry32 } from '../../electron/engine/util/random.ts';

const ref = JSON.parse(fs.readFileSync(new URL('./fixtures/sklearn-reference.json', import.meta.url), 'utf8')) as {
  cases: { name: string; y: number[]; pred: number[]; roc?: { fpr: number[]; tpr: number[] }; pr?: { precision: number[]; recall: number[] } }[];
};
const bin: TaskInfo = { task: 'binary', nClasses: 2 };
const f = (xs: number[]) => Float64Array.from(xs);

describe('ROC and precision-recall curves', () => {
  it('are scikit-learn’s curves (one point per distinct score) when short enough', () => {
    const c = ref.cases.find((x) => x.name === 'binary_ties')!;
    const s = prepareScores(bin, f(c.y), f(c.pred)) as ClassScores;
    const cur = classCurves(s, 0, 1, (i) => c.pred[i])!;
    expect(cur.roc.map((p) => p.fpr)).toEqual(c.roc!.fpr.map((v) => expect.closeTo(v, 6)));
    expect(cur.roc.map((p) => p.tpr)).toEqual(c.roc!.tpr.map((v) => expect.closeTo(v, 6)));
    // scikit-learn lists PR from the lowest threshold up; ours from the highest down
    expect(cur.pr.map((p) => p.recall)).toEqual([...c.pr!.recall].reverse().map((v) => expect.closeTo(v, 6)));
    expect(cur.pr.map((p) => p.precision)).toEqual([...c.pr!.precision].reverse().map((v) => expect.closeTo(v, 6)));
  });

  it('are thinned to at most 200 points that keep the shape', () => {
    const rnd = mulberry32(1);
    const n = 20000;
    const y = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0));
    const pred = Float64Array.from(y, (v) => 1 / (1 + Math.exp(-(2 * v - 1 + gaussian(rnd)))));
    const s = prepareScores(bin, y, pred) as ClassScores;
    const [cur] = curvesFor(s, pred);
    for (const curve of [cur.roc, cur.pr, cur.gain]) expect(curve.length).toBeLessThanOrEqual(200);
    expect(cur.roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(cur.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    // the trapezoid area of the thinned curve is the AUC within a hair
    let area = 0;
    for (let i = 1; i < cur.roc.length; i++) area += (cur.roc[i].fpr - cur.roc[i - 1].fpr) * (cur.roc[i].tpr + cur.roc[i - 1].tpr) / 2;
    let wins = 0, pos = 0;
    const ps: number[] = [], ns: number[] = [];
    y.forEach((v, i) => (v ? ps : ns).push(pred[i]));
    ns.sort((a, b) => a - b);
    for (const p of ps) { let lo = 0, hi = ns.length; while (lo < hi) { const m = (lo + hi) >> 1; if (ns[m] < p) lo = m + 1; else hi = m; } wins += lo; pos++; }
    expect(area).toBeCloseTo(wins / (pos * ns.length), 3);
    // cumulative gain ends with every case found; lift at the top is above 1
    expect(cur.gain.at(-1)).toMatchObject({ rows: 1, found: 1 });
    expect(cur.gain[1].lift).toBeGreaterThan(2);
  });

  it('thinning keeps the corners of a step curve', () => {
    // an ROC-like staircase: the smallest step (0.1 wide, 0.2 high) is the one to go
    const x = [0, 0, 0.1, 0.1, 1], y = [0, 0.8, 0.8, 1, 1];
    expect(Array.from(thinCurve(x, y, 4))).toEqual([0, 1, 3, 4]);
    expect(Array.from(thinCurve(x, y, 5))).toEqual([0, 1, 2, 3, 4]);
    const many = Array.from({ length: 1000 }, (_, i) => i / 999);
    const kept = thinCurve(many, many.map((v) => (v < 0.5 ? 0 : 1)), 10);
    expect(kept.length).toBe(10);
    // the jump at 0.5 survives
    expect(Array.from(kept).some((i) => many[i] < 0.5 && many[i] > 0.49)).toBe(true);
  });

  it('a class that never occurs gets no curve', () => {
    const s = prepareScores(bin, f([1, 1]), f([0.4, 0.6])) as ClassScores;
    expect(curvesFor(s, f([0.4, 0.6]))).toEqual([]);
  });
});

describe('confusion matrix', () => {
  it('counts actual × predicted and shares per actual outcome', () => {
    const s = prepareScores(bin, f([0, 0, 0, 1, 1]), f([0.1, 0.7, 0.2, 0.9, 0.3])) as ClassScores;
    expect(confusionMatrix(s)).toEqual({ counts: [[2, 1], [1, 1]], row_shares: [[0.666667, 0.333333], [0.5, 0.5]] });
  });
});

describe('charts for amounts', () => {
  it('predicted vs actual points, a trend by bins and a residual histogram', () => {
    const rnd = mulberry32(3);
    const n = 5000;
    const pred = Float64Array.from({ length: n }, () => 100 * rnd());
    const y = Float64Array.from(pred, (p) => p + 5 * gaussian(rnd));
    const s = prepareScores({ task: 'regression', nClasses: 1 }, y, pred) as RegressionScores;
    const c = amountCharts(s, pred, 0);
    expect(c.points).toHaveLength(400);
    expect(c.bins).toHaveLength(20);
    for (const b of c.bins) expect(Math.abs(b.actual - b.predicted)).toBeLessThan(2);
    expect(c.residuals.reduce((a, b) => a + b.rows, 0)).toBe(n);
    expect(c.residuals[0].from).toBeLessThan(-9);
    expect(c.residuals.at(-1)!.to).toBeGreaterThan(9);
  });
});

describe('decision threshold from costs', () => {
  it('picks the cheapest cut-off, by hand', () => {
    // scores .9(1) .8(0) .6(1) .3(0) .2(1); a miss costs 10, a false alarm 1
    const y = f([1, 0, 1, 0, 1]), p = f([0.9, 0.8, 0.6, 0.3, 0.2]);
    const t = chooseThreshold(y, p, { missed: 10, false_alarm: 1 });
    // flagging everyone: 2 false alarms = 2/5; anything less misses a 10
    expect(t.cost_per_row).toBeCloseTo(0.4, 9);
    expect(t.threshold).toBe(0);
    expect(t.flag_none).toBeCloseTo(30 / 5, 9);
    expect(t.at_half).toBeCloseTo((10 + 1) / 5, 9); // flags .9 .8 .6: misses .2, one false alarm
    const cheapAlarms = chooseThreshold(y, p, { missed: 1, false_alarm: 10 });
    expect(cheapAlarms.flagged).toBeCloseTo(0.2, 9); // only the .9 row
    expect(cheapAlarms.threshold).toBeCloseTo(0.85, 9);
    // the curve is ordered by threshold and includes the chosen cost
    const ts = cheapAlarms.curve.map((q) => q.threshold);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    expect(cheapAlarms.curve.some((q) => Math.abs(q.cost_per_row - cheapAlarms.cost_per_row) < 1e-9)).toBe(true);
  });

  it('lands near the textbook threshold for honest chances', () => {
    const rnd = mulberry32(4);
    const n = 50000;
    const p = Float64Array.from({ length: n }, () => rnd());
    const y = Float64Array.from(p, (v) => (rnd() < v ? 1 : 0));
    const t = chooseThreshold(y, p, { missed: 4, false_alarm: 1 });
    expect(t.threshold).toBeGreaterThan(0.15);
    expect(t.threshold).toBeLessThan(0.25); // 1 / (1 + 4)
    expect(t.curve.length).toBeLessThanOrEqual(200);
  });

  it('refuses costs that are not numbers of zero or more', () => {
    for (const c of [{ missed: -1, false_alarm: 1 }, { missed: 0, false_alarm: 0 }, { missed: NaN, false_alarm: 1 }]) {
      expect(() => chooseThreshold(f([1]), f([0.5]), c)).toThrow(UserError);
    }
  });
});
