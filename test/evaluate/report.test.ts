import { describe, expect, it } from 'vitest';
import type { Table } from '../../electron/engine/data/table.ts';
import { calibratorFromJSON } from '../../electron/engine/models/composite/calibrators.ts';
import { conformalFromJSON } from '../../electron/engine/evaluate/conformal-recipe.ts';
import { buildEvaluation, evaluateFast, type EvaluationInput } from '../../electron/engine/evaluate/report.ts';
import type { TaskInfo } from '../../electron/engine/models/types.ts';
import { CancelledError } from '../../electron/engine/util/errors.ts';
import { gaussian, mulberry32 } from '../../electron/engine/util/random.ts';

function plan(n: number, k = 5) {
  return {
    kind: 'kfold' as const,
    folds: Array.from({ length: k }, (_, f) => ({
      valid: Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % k === f),
      train: Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % k !== f),
    })),
  };
}

/** Customers: the model is overconfident, and weak for month-to-month contracts under 6 months. */
function churn(n: number, seed: number): EvaluationInput {
  const rnd = mulberry32(seed);
  const contract = Int32Array.from({ length: n }, () => (rnd() < 0.5 ? 0 : rnd() < 0.5 ? 1 : 2));
  const tenure = Float64Array.from({ length: n }, () => Math.floor(72 * rnd()));
  const y = new Float64Array(n), pred = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const weak = contract[i] === 0 && tenure[i] < 6;
    const z = (contract[i] === 0 ? 0.8 : -1.2) - tenure[i] / 40 + gaussian(rnd) * (weak ? 3 : 0.7);
    const p = 1 / (1 + Math.exp(-z));
    y[i] = rnd() < p ? 1 : 0;
    pred[i] = 1 / (1 + Math.exp(-2.2 * Math.log((weak ? 0.5 : p) / (1 - (weak ? 0.5 : p))) - (weak ? 2 * gaussian(rnd) : 0)));
  }
  const table: Table = {
    nRows: n,
    columns: [
      { name: 'Contract', type: 'categorical', dictionary: ['Month-to-month', 'One year', 'Two year'], codes: contract },
      { name: 'tenure', type: 'numeric', values: tenure },
      { name: 'customerID', type: 'id', dictionary: Array.from({ length: n }, (_, i) => `c${i}`), codes: Int32Array.from({ length: n }, (_, i) => i) },
      { name: 'Churn', type: 'categorical', dictionary: ['No', 'Yes'], codes: Int32Array.from(y) },
    ],
  };
  return { taskInfo: { task: 'binary', nClasses: 2 }, classes: ['No', 'Yes'], target: 'Churn', y, pred, plan: plan(n), table, metric: 'roc_auc' };
}

/** Deep check that a value is plain data: objects, arrays, strings, numbers, booleans, null. */
function plain(v: unknown, path = '$'): string[] {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => plain(x, `${path}[${i}]`));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.entries(v as object).flatMap(([k, x]) => plain(x, `${path}.${k}`));
  return [`${path}: ${Object.prototype.toString.call(v)}`];
}

describe('buildEvaluation', () => {
  it('returns the CLI contract’s fields as plain data, with sentences made from the numbers', async () => {
    const input = churn(6000, 1);
    let fastSeen = false;
    const ev = await buildEvaluation(input, { seed: 3, costs: { missed: 300, false_alarm: 20 }, onFast: (f) => { fastSeen = !('slices' in f) && f.verdict.level !== undefined; } });
    expect(fastSeen).toBe(true);
    expect(plain(ev)).toEqual([]);
    expect(ev).toMatchObject({ rows: 6000, task: 'binary', validation: 'kfold', metric: 'roc_auc' });
    for (const m of ['accuracy', 'balanced_accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'roc_auc', 'pr_auc', 'log_loss', 'brier']) {
      const e = (ev.metrics as Record<string, { value: number; ci: [number, number] }>)[m];
      expect(e.ci[0], m).toBeLessThanOrEqual(e.value);
      expect(e.ci[1], m).toBeGreaterThanOrEqual(e.value);
      expect(typeof (ev.baseline as Record<string, number>)[m]).toBe('number');
    }
    expect(ev.headline).toMatch(/^The model is right \d+% of the time; guessing the most common answer would be right \d+%\.$/);
    // calibration: overconfident, so a correction is kept and applies to new predictions
    expect(ev.calibration!.correction).not.toBeNull();
    expect(ev.calibration!.correction!.ece_after).toBeLessThan(ev.calibration!.ece);
    expect(calibratorFromJSON(ev.calibration!.correction!.calibrator).kind).toBe(ev.calibration!.correction!.kind);
    // conformal: the recipe applies to the corrected chances and reads back
    expect(ev.conformal).toMatchObject({ coverage: 0.9, applies_to: 'calibrated', method: 'lac' });
    expect(Math.abs(ev.conformal!.observed_coverage - 0.9)).toBeLessThan(0.03);
    expect(conformalFromJSON(JSON.parse(JSON.stringify(ev.conformal!.recipe)))).toEqual(ev.conformal!.recipe);
    expect(ev.threshold!.text).toMatch(/^Flag a row as “Yes” when the model gives it at least \d+%/);
    expect(ev.charts.curves![0].roc.length).toBeLessThanOrEqual(200);
    // slices: per original column (not the id, not the outcome), each with rows, value, interval and too_few
    expect(new Set(ev.slices.map((s) => s.column))).toEqual(new Set(['Contract', 'tenure']));
    for (const s of ev.slices) expect(s).toMatchObject({ metric: 'accuracy', too_few: expect.any(Boolean), rows: expect.any(Number) });
    // the planted weak group is found, and the verdict takes it into account
    expect(ev.weak_spots.length).toBeGreaterThan(0);
    expect(ev.weak_spots[0].text).toMatch(/^For rows where Contract is “Month-to-month” and tenure is under \d+, the model is right/);
    expect(ev.weak_spots[0]).toMatchObject({ rows: expect.any(Number), value: expect.any(Number), overall: expect.any(Number), conditions: expect.any(Array) });
    expect(ev.verdict.level).toBe('care');
    expect(ev.verdict.reasons.map((r) => r.code)).toContain('weak_spots');
    for (const r of ev.verdict.reasons) expect(r.text).toMatch(/^[A-Z“][^\n]*\.$/);
    expect(ev.timing_ms.fast).toBeGreaterThanOrEqual(0);
  });

  it('is the same for the same seed', async () => {
    const a = await buildEvaluation(churn(1500, 2), { seed: 5 });
    const b = await buildEvaluation(churn(1500, 2), { seed: 5 });
    const strip = (e: typeof a) => ({ ...e, timing_ms: 0 });
    expect(strip(a)).toEqual(strip(b));
  });

  it('amounts: ranges in words, charts, slices by MAE', async () => {
    const rnd = mulberry32(4);
    const n = 3000;
    const size = Float64Array.from({ length: n }, () => 30 + 200 * rnd());
    const pred = Float64Array.from(size, (s) => 2 * s);
    const y = Float64Array.from(pred, (p) => p * Math.exp(0.15 * gaussian(rnd)));
    const table: Table = { nRows: n, columns: [{ name: 'size', type: 'numeric', values: size }] };
    const ev = await buildEvaluation({ taskInfo: { task: 'regression', nClasses: 1 }, target: 'price', y, pred, plan: plan(n), table }, { seed: 1 });
    expect(Object.keys(ev.metrics).sort()).toEqual(['mae', 'mape', 'r2', 'rmse']);
    expect(ev.metric).toBe('rmse');
    expect(ev.conformal!.method).toBe('scaled');
    expect(ev.conformal!.text).toMatch(/^9 times in 10 the real “price” is between [\d,]+ and [\d,]+ when the model predicts [\d,]+; the range is wider where the model misses more\.$/);
    expect(ev.charts.amounts!.points.length).toBe(400);
    expect(ev.slice_metric).toBe('mae');
    expect(ev.calibration).toBeUndefined();
    expect(ev.headline).toMatch(/^The model's predictions of “price” are off by [\d.,]+ on average; always guessing the average would be off by [\d.,]+\.$/);
  });

  it('several outcomes: temperature correction, sets of answers, per-class rates', async () => {
    const rnd = mulberry32(6);
    const n = 2000, k = 3;
    const y = new Float64Array(n), pred = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const z = [0, 1, 2].map(() => 1.5 * gaussian(rnd));
      const e = z.map(Math.exp), s = e.reduce((a, b) => a + b, 0);
      let u = rnd() * s, c = 0;
      while (c < k - 1 && u >= e[c]) { u -= e[c]; c++; }
      y[i] = c;
      const e2 = z.map((v) => Math.exp(2.5 * v)), s2 = e2.reduce((a, b) => a + b, 0);
      e2.forEach((v, cc) => (pred[i * k + cc] = v / s2));
    }
    const task: TaskInfo = { task: 'multiclass', nClasses: 3 };
    const fast = await evaluateFast({ taskInfo: task, classes: ['a', 'b', 'c'], y, pred, plan: plan(n) }, { seed: 2 });
    expect(fast.calibration!.correction!.kind).toBe('temperature');
    expect(fast.per_class!.map((c) => c.class)).toEqual(['a', 'b', 'c']);
    expect(fast.charts.curves).toHaveLength(3);
    expect(fast.charts.confusion!.counts.flat().reduce((a, b) => a + b, 0)).toBe(n);
    expect(fast.conformal!.mean_set_size).toBeGreaterThan(1);
    expect(fast.conformal!.text).toMatch(/^9 times in 10 the real answer is among the answers Augur lists for a row; for \d+% of rows that is a single answer\.$/);
  });

  it('stops on the signal, and reports progress up to the end', async () => {
    const input = churn(3000, 7);
    const ctl = new AbortController();
    ctl.abort();
    await expect(buildEvaluation(input, { signal: ctl.signal })).rejects.toBeInstanceOf(CancelledError);
    const late = new AbortController();
    await expect(buildEvaluation(input, { signal: late.signal, onFast: () => late.abort() })).rejects.toBeInstanceOf(CancelledError);
    const seen: number[] = [];
    await buildEvaluation(input, { onProgress: (p) => seen.push(p.fraction) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);
  });

  it('judges the default metric when the run\'s cannot be computed (MAPE with an actual of 0)', async () => {
    const y = Float64Array.from({ length: 200 }, (_, i) => i % 50);
    const pred = Float64Array.from(y, (v, i) => v + (i % 3) - 1);
    const fast = await evaluateFast({ taskInfo: { task: 'regression', nClasses: 1 }, y, pred, plan: plan(200), metric: 'mape' });
    expect(fast.metric).toBe('rmse');
    expect(fast.metrics.mape).toBeUndefined();
    expect(fast.folds!.metric).toBe('rmse');
  });

  it('leaves rows without an outcome out and counts them', async () => {
    const input = churn(500, 8);
    input.y[3] = NaN;
    const fast = await evaluateFast(input);
    expect(fast.rows).toBe(499);
    expect(fast.rows_without_outcome).toBe(1);
  });
});
