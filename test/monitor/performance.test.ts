// Accuracy without outcomes: isotonic calibration and CBPE against scikit-learn / numpy fixtures, the
// interval's coverage when the probabilities are honest, DLE on amounts, and real metrics with thresholds.
import { describe, expect, it } from 'vitest';
import { applyIsotonic, fitIsotonic } from '../../electron/engine/monitor/calibrate.ts';
import { expectedMetrics } from '../../electron/engine/monitor/cbpe.ts';
import {
  buildPerformanceReference,
  estimatePerformance,
  performanceReferenceFromJSON,
} from '../../electron/engine/monitor/performance.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { mulberry32, gaussian } from '../../electron/engine/util/random.ts';
import type { Dataset } from '../../electron/engine/models/types.ts';
import { FIXTURES, close } from './helpers.ts';

const BINARY = { task: 'binary' as const, nClasses: 2 };

describe('isotonic calibration', () => {
  it('matches scikit-learn IsotonicRegression (clip, weights, tied scores)', () => {
    for (const c of FIXTURES.isotonic) {
      const cal = fitIsotonic(c.x, c.y, c.w);
      c.grid.forEach((g: number, i: number) => expect(close(applyIsotonic(cal, g), c.pred[i], 1e-9, 1e-12)).toBe(true));
    }
  });
});

describe('CBPE estimates', () => {
  it('binary accuracy, macro F1, ROC AUC and log loss match NannyML\'s formulas written in numpy', () => {
    const c = FIXTURES.cbpe.binary;
    const m = expectedMetrics(BINARY, Float64Array.from(c.raw), Float64Array.from(c.calibrated));
    for (const k of ['accuracy', 'f1_macro', 'roc_auc', 'log_loss'] as const) expect(close(m[k], c[k], 1e-9)).toBe(true);
  });

  it('multiclass estimates match the one-vs-rest formulas', () => {
    const c = FIXTURES.cbpe.multiclass;
    const m = expectedMetrics({ task: 'multiclass', nClasses: c.k }, Float64Array.from(c.raw), Float64Array.from(c.calibrated));
    for (const k of ['accuracy', 'f1_macro', 'roc_auc', 'log_loss'] as const) expect(close(m[k], c[k], 1e-9)).toBe(true);
  });
});

/** Scores whose truth is known: P(y = 1 | s) = s², the model reports s (so it needs calibrating). */
function synthetic(n: number, seed: number) {
  const rnd = mulberry32(seed);
  const pred = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pred[i] = rnd();
    y[i] = rnd() < pred[i] ** 2 ? 1 : 0;
  }
  return { pred, y };
}

describe('estimatePerformance', () => {
  it('covers the real value on fresh files in about 95 % of trials and flags none of them', async () => {
    const ref = await buildPerformanceReference({ task: BINARY, ...synthetic(5000, 1) });
    expect(ref.calibrators[0].x.length).toBeGreaterThan(2);
    let inside = 0;
    let alerts = 0;
    const trials = 40;
    for (let t = 0; t < trials; t++) {
      const { pred, y } = synthetic(400, 100 + t);
      const est = await estimatePerformance(ref, { pred }, { seed: t, simulations: 100 });
      const e = est.estimated!.accuracy!;
      const real = computeMetric('accuracy', BINARY, y, pred);
      if (real >= e.ci[0] && real <= e.ci[1]) inside++;
      if (e.alert) alerts++;
    }
    expect(inside).toBeGreaterThanOrEqual(34); // 95 % of 40 is 38; binomial 5th percentile ~ 35
    expect(alerts).toBeLessThanOrEqual(1);
  });

  it('follows a covariate shift: more easy rows, a higher estimate, close to the real one', async () => {
    const ref = await buildPerformanceReference({ task: BINARY, ...synthetic(5000, 2) });
    const { pred, y } = synthetic(6000, 3);
    const easy = Int32Array.from({ length: 6000 }, (_, i) => i).filter((i) => pred[i] < 0.3); // nearly all negatives
    const p = Float64Array.from(easy, (i) => pred[i]);
    const est = await estimatePerformance(ref, { pred: p, y: Float64Array.from(easy, (i) => y[i]) }, { simulations: 100 });
    const acc = est.estimated!.accuracy!;
    expect(acc.value).toBeGreaterThan(ref.metrics.find((m) => m.name === 'accuracy')!.value + 0.1);
    expect(Math.abs(acc.value - est.actual!.accuracy!.value)).toBeLessThan(0.02);
    expect(acc.alert).toBe(true);
    expect(acc.worse).toBe(false);
  });

  it('multiclass: one calibrator per class, estimates inside [0, 1] with ordered intervals', async () => {
    const rnd = mulberry32(4);
    const n = 1500;
    const pred = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const z = [gaussian(rnd), gaussian(rnd), gaussian(rnd)].map((v, c) => Math.exp(v + (c === 0 ? 0.5 : 0)));
      const t = z[0] + z[1] + z[2];
      z.forEach((v, c) => (pred[i * 3 + c] = v / t));
      const u = rnd();
      y[i] = u < pred[i * 3] ? 0 : u < pred[i * 3] + pred[i * 3 + 1] ? 1 : 2;
    }
    const task = { task: 'multiclass' as const, nClasses: 3 };
    const ref = await buildPerformanceReference({ task, pred, y });
    expect(ref.calibrators).toHaveLength(3);
    const est = await estimatePerformance(ref, { pred: pred.slice(0, 900), y: y.slice(0, 300) }, { simulations: 50 });
    for (const m of ['accuracy', 'roc_auc', 'f1_macro'] as const) {
      const e = est.estimated![m]!;
      expect(e.value).toBeGreaterThan(0);
      expect(e.value).toBeLessThan(1);
      expect(e.ci[0]).toBeLessThanOrEqual(e.value);
      expect(e.ci[1]).toBeGreaterThanOrEqual(e.value);
      const real = est.actual![m]!.value;
      expect(Math.abs(real - e.value)).toBeLessThan(0.08);
    }
  });

  it('amounts: direct loss estimation follows a shift to rows the model gets wrong more', async () => {
    const rnd = mulberry32(5);
    const n = 3000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const pred = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rnd() * 10;
      y[i] = 2 * x[i] + gaussian(rnd) * (0.2 + x[i]); // noise grows with x
      pred[i] = 2 * x[i];
    }
    const features: Dataset = { features: [{ name: 'x', kind: 'numeric' }], nRows: n, columns: [x] };
    const ref = await buildPerformanceReference({ task: { task: 'regression', nClasses: 1 }, pred, y, features, seed: 1 });
    expect(ref.dle).toBeDefined();
    const high = Int32Array.from({ length: n }, (_, i) => i).filter((i) => x[i] > 7);
    const sub = (a: Float64Array) => Float64Array.from(high, (i) => a[i]);
    const est = await estimatePerformance(ref, { pred: sub(pred), y: sub(y), features: { ...features, nRows: high.length, columns: [sub(x)] } });
    const mae = est.estimated!.mae!;
    const real = est.actual!.mae!.value;
    expect(mae.value).toBeGreaterThan(ref.metrics.find((m) => m.name === 'mae')!.value * 1.3);
    expect(Math.abs(mae.value - real) / real).toBeLessThan(0.1);
    expect(est.estimated!.rmse!.ci[0]).toBeLessThan(est.estimated!.rmse!.ci[1]);
    expect(mae.worse).toBe(true);
  });

  it('a saved reference survives JSON and rejects damaged copies with one sentence', async () => {
    const ref = await buildPerformanceReference({ task: BINARY, ...synthetic(500, 6) });
    const back = performanceReferenceFromJSON(JSON.stringify(ref));
    expect(back).toEqual(ref);
    const broken = [
      '{',
      { ...ref, kind: 'x' },
      { ...ref, calibrators: [] },
      { ...ref, calibrators: [{ x: [0.2, 0.1], y: [0, 1], w: [1, 1] }] },
      { ...ref, metrics: [{ name: 'rmse', value: 1, chunkRows: 10, chunkSd: 0 }] },
      { ...ref, metrics: [{ name: 'accuracy', value: NaN, chunkRows: 10, chunkSd: 0 }] },
    ];
    for (const b of broken) expect(() => performanceReferenceFromJSON(typeof b === 'string' ? b : JSON.parse(JSON.stringify(b)))).toThrow(/damaged/);
  });
});

describe('estimatePerformance, cancelling', () => {
  it('stops when cancelled and reports progress', async () => {
    const ref = await buildPerformanceReference({ task: BINARY, ...synthetic(1000, 7) });
    const ctl = new AbortController();
    const seen: number[] = [];
    const run = estimatePerformance(ref, { pred: synthetic(2000, 8).pred }, {
      signal: ctl.signal,
      onProgress: (f) => {
        seen.push(f);
        if (f >= 0.4) ctl.abort();
      },
    });
    await expect(run).rejects.toThrow(/Stopped/);
    expect(seen.length).toBeGreaterThan(1);
  });
});
