import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { chooseCalibration, fitIsotonic, fitPlatt, fitTemperature, pav, reliability } from '../../electron/engine/evaluate/calibration.ts';
import { metricValue, prepareScores } from '../../electron/engine/evaluate/kernels.ts';
import { scoredRows } from '../../electron/engine/evaluate/rows.ts';
import {
  calibratorFromJSON, isotonicCalibrator, plattCalibrator, sigmoid, temperatureCalibrator,
} from '../../electron/engine/models/composite/calibrators.ts';
import { CalibratedFitted, calibratedFromJSON } from '../../electron/engine/models/composite/calibrated.ts';
import type { Dataset, Fitted, FittedJSON, TaskInfo } from '../../electron/engine/models/types.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { gaussian, mulberry32 } from '../../electron/engine/util/random.ts';

const ref = JSON.parse(fs.readFileSync(new URL('./fixtures/sklearn-reference.json', import.meta.url), 'utf8')).calibration as {
  y: number[]; pred: number[]; prob_true: number[]; prob_pred: number[]; iso_grid: number[]; iso_at_grid: number[];
};
const bin: TaskInfo = { task: 'binary', nClasses: 2 };
const f = (xs: number[]) => Float64Array.from(xs);

/** Binary rows whose real chance is `truth(i)` and whose model says `said(truth)`. */
function binaryRows(n: number, seed: number, said: (p: number) => number) {
  const rnd = mulberry32(seed);
  const y = new Float64Array(n), pred = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = sigmoid(1.5 * gaussian(rnd));
    y[i] = rnd() < p ? 1 : 0;
    pred[i] = said(p);
  }
  return { y, pred };
}

describe('reliability curve and ECE', () => {
  it('matches scikit-learn calibration_curve (10 uniform bins)', () => {
    const r = reliability(bin, f(ref.y), f(ref.pred));
    expect(r.bins.map((b) => b.observed)).toEqual(ref.prob_true.map((v) => expect.closeTo(v, 6)));
    expect(r.bins.map((b) => b.predicted)).toEqual(ref.prob_pred.map((v) => expect.closeTo(v, 6)));
    // ECE by hand from the same bins
    const n = ref.y.length;
    const ece = r.bins.reduce((s, b) => s + (b.rows / n) * Math.abs(b.predicted - b.observed), 0);
    expect(r.ece).toBeCloseTo(ece, 5);
  });

  it('is near 0 for honest chances and large for overconfident ones', () => {
    const honest = binaryRows(20000, 1, (p) => p);
    expect(reliability(bin, honest.y, honest.pred).ece).toBeLessThan(0.02);
    const over = binaryRows(20000, 1, (p) => sigmoid(3 * Math.log(p / (1 - p))));
    expect(reliability(bin, over.y, over.pred).ece).toBeGreaterThan(0.08);
  });
});

describe('fitting corrections', () => {
  it('PAV matches scikit-learn IsotonicRegression', () => {
    const iso = fitIsotonic(f(ref.pred), f(ref.y), false);
    const at = iso.apply(f(ref.iso_grid));
    at.forEach((v, i) => expect(v).toBeCloseTo(ref.iso_at_grid[i], 8));
  });

  it('PAV pools violators by hand', () => {
    const blocks = pav(f([1, 2, 3, 4]), f([1, 3, 2, 4]));
    expect(blocks.map((b) => b.value)).toEqual([1, 2.5, 4]);
    expect(blocks.map((b) => [b.lo, b.hi])).toEqual([[0, 0], [1, 2], [3, 3]]);
  });

  it('Platt undoes a known distortion of the log-odds', () => {
    // the model says sigmoid(2·logit(p) − 1): the correction is a = 0.5, b = 0.5
    const { y, pred } = binaryRows(40000, 2, (p) => sigmoid(2 * Math.log(p / (1 - p)) - 1));
    const j = fitPlatt(pred, y).toJSON() as { a: number; b: number };
    expect(j.a).toBeCloseTo(0.5, 1);
    expect(j.b).toBeCloseTo(0.5, 1);
  });

  it('temperature scaling finds an overconfident model’s temperature', () => {
    const rnd = mulberry32(3);
    const n = 6000, k = 4;
    const y = new Float64Array(n), pred = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const z = Array.from({ length: k }, () => gaussian(rnd));
      const e = z.map(Math.exp), s = e.reduce((a, b) => a + b, 0);
      let u = rnd(), c = 0;
      while (c < k - 1 && u >= e[c] / s) { u -= e[c] / s; c++; }
      y[i] = c;
      const e2 = z.map((v) => Math.exp(2 * v)), s2 = e2.reduce((a, b) => a + b, 0);
      e2.forEach((v, cc) => (pred[i * k + cc] = v / s2));
    }
    const t = (fitTemperature(pred, y, k).toJSON() as { t: number }).t;
    expect(t).toBeGreaterThan(1.8);
    expect(t).toBeLessThan(2.2);
  });
});

describe('choosing a correction on held-out folds', () => {
  const plan = (n: number) => {
    const folds = Array.from({ length: 5 }, (_, fi) => {
      const valid = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 === fi);
      const train = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 !== fi);
      return { train, valid };
    });
    return { kind: 'kfold' as const, folds };
  };

  it('keeps a correction for overconfident chances, and it lowers log loss on new rows', () => {
    const distort = (p: number) => sigmoid(2.5 * Math.log(p / (1 - p)));
    const fit = binaryRows(4000, 4, distort), fresh = binaryRows(4000, 5, distort);
    const rows = scoredRows({ taskInfo: bin, y: fit.y, pred: fit.pred, plan: plan(4000) });
    const c = chooseCalibration(rows, 0);
    expect(c.calibrator).not.toBeNull();
    expect(c.log_loss_after).toBeLessThan(c.log_loss_before);
    const before = metricValue(prepareScores(bin, fresh.y, fresh.pred), 'log_loss');
    const after = metricValue(prepareScores(bin, fresh.y, c.calibrator!.apply(fresh.pred)), 'log_loss');
    expect(after).toBeLessThan(before * 0.97);
  });

  it('keeps nothing for honest chances (most of the time)', () => {
    let kept = 0;
    for (let seed = 0; seed < 10; seed++) {
      const d = binaryRows(3000, 100 + seed, (p) => p);
      const c = chooseCalibration(scoredRows({ taskInfo: bin, y: d.y, pred: d.pred, plan: plan(3000) }), seed);
      if (c.calibrator) kept++;
    }
    expect(kept).toBeLessThanOrEqual(2);
  });
});

describe('calibrators as saved with a model', () => {
  it('round-trip through JSON and apply the same', () => {
    const p = f([0.01, 0.2, 0.5, 0.77, 0.99]);
    for (const c of [plattCalibrator(0.7, -0.2), isotonicCalibrator([0.1, 0.5, 0.9], [0.05, 0.4, 0.95])]) {
      const back = calibratorFromJSON(JSON.parse(JSON.stringify(c.toJSON())));
      expect(Array.from(back.apply(p))).toEqual(Array.from(c.apply(p)));
    }
    const t = temperatureCalibrator(1.7, 3);
    const m = f([0.7, 0.2, 0.1, 0.3, 0.3, 0.4]);
    const out = calibratorFromJSON(t.toJSON()).apply(m);
    expect(out[0] + out[1] + out[2]).toBeCloseTo(1, 12);
    expect(out[0]).toBeLessThan(0.7); // a temperature above 1 softens
  });

  it('refuse anything but the exact shapes, in one sentence', () => {
    const bad: unknown[] = [
      null, [], 'platt', { kind: 'platt', formatVersion: 1, a: 1 }, { kind: 'platt', formatVersion: 2, a: 1, b: 0 },
      { kind: 'platt', formatVersion: 1, a: 1, b: 0, extra: 1 }, { kind: 'platt', formatVersion: 1, a: Infinity, b: 0 },
      { kind: 'isotonic', formatVersion: 1, x: [0.5, 0.2], y: [0.1, 0.2] }, { kind: 'isotonic', formatVersion: 1, x: [0.2, 0.5], y: [0.3, 0.1] },
      { kind: 'isotonic', formatVersion: 1, x: [0.2], y: [2] }, { kind: 'temperature', formatVersion: 1, t: -1, classes: 3 },
      { kind: 'temperature', formatVersion: 1, t: 1, classes: 2.5 }, { kind: 'eval', formatVersion: 1 },
    ];
    for (const b of bad) {
      expect(() => calibratorFromJSON(b)).toThrow(UserError);
      try { calibratorFromJSON(b); } catch (e) { expect((e as Error).message).toMatch(/^This model file is damaged: [^\n]+\.$/); }
    }
  });
});

describe('CalibratedFitted', () => {
  class Fixed implements Fitted {
    readonly family = 'fixed';
    constructor(readonly taskInfo: TaskInfo, readonly p: number[]) {}
    predict(d: Dataset) { return Float64Array.from({ length: d.nRows }, (_, i) => this.p[i % this.p.length]); }
    toJSON(): FittedJSON { return { family: 'fixed', formatVersion: 1, p: this.p }; }
    disposed = 0;
    dispose() { this.disposed++; }
  }
  const data: Dataset = { features: [], nRows: 3, columns: [] };

  it('predicts the inner model through the calibrator and round-trips with a given loader', async () => {
    const inner = new Fixed(bin, [0.1, 0.6, 0.9]);
    const cal = plattCalibrator(0.5, 0.1);
    const m = new CalibratedFitted(inner, cal);
    expect(Array.from(m.predict(data))).toEqual(Array.from(cal.apply(f([0.1, 0.6, 0.9]))));
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const loaded: string[] = [];
    const back = await calibratedFromJSON(json, async (j) => { loaded.push(j.family); return new Fixed(bin, j.p as number[]); });
    expect(loaded).toEqual(['fixed']);
    expect(Array.from(back.predict(data))).toEqual(Array.from(m.predict(data)));
    back.dispose();
    expect((back.inner as Fixed).disposed).toBe(1);
  });

  it('refuses a damaged file and a calibrator that does not fit the model', async () => {
    const load = async (j: FittedJSON) => new Fixed(bin, j.p as number[]);
    await expect(calibratedFromJSON({ family: 'calibrated', formatVersion: 1, inner: { family: 'fixed' } }, load)).rejects.toThrow(UserError);
    await expect(calibratedFromJSON({ family: 'calibrated', formatVersion: 1, calibrator: plattCalibrator(1, 0).toJSON(), inner: 3 }, load)).rejects.toThrow(UserError);
    const wrong = { family: 'calibrated', formatVersion: 1, calibrator: temperatureCalibrator(1, 3).toJSON(), inner: { family: 'fixed', formatVersion: 1, p: [0.5] } };
    await expect(calibratedFromJSON(wrong, load)).rejects.toThrow(/damaged/);
  });
});
