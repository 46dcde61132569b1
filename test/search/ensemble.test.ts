import { describe, expect, it } from 'vitest';
import { blend, caruanaSelect } from '../../electron/engine/search/ensemble.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { Rng } from '../../electron/engine/search/rng.ts';
import type { TaskInfo } from '../../electron/engine/models/types.ts';

const task: TaskInfo = { task: 'binary', nClasses: 2 };

describe('Caruana ensemble selection', () => {
  it('beats or equals the best member on validation, and mixes complementary models', () => {
    const rng = new Rng(3);
    const n = 400;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = rng.next() < 0.4 ? 1 : 0;
    // Two models each see a different half of the signal plus noise; a third is pure noise.
    const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = y[i] - 0.5;
      a[i] = 1 / (1 + Math.exp(-(s * (i % 2 ? 3 : 0.2) + rng.normal())));
      b[i] = 1 / (1 + Math.exp(-(s * (i % 2 ? 0.2 : 3) + rng.normal())));
      c[i] = rng.next();
    }
    const auc = (p: Float64Array) => computeMetric('roc_auc', task, y, p);
    const sel = caruanaSelect([a, b, c], { score: auc, lowerIsBetter: false });
    expect(sel.improved).toBe(true);
    expect(sel.score).toBeGreaterThanOrEqual(sel.bestSingle);
    expect(sel.score).toBeGreaterThan(Math.max(auc(a), auc(b)) + 0.02);
    expect(sel.weights[0]).toBeGreaterThan(0);
    expect(sel.weights[1]).toBeGreaterThan(0);
    expect(sel.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 10);
    // Out of time before the first round: the best single model, and still a valid selection.
    const late = caruanaSelect([a, b, c], { score: auc, lowerIsBetter: false }, 40, performance.now() - 1);
    expect(late.weights).toEqual(late.weights.map((_, i) => (i === late.bestIndex ? 1 : 0)));
    expect(late.score).toBe(late.bestSingle);
  });

  it('with one useful model it keeps that model alone (lower-is-better metric)', () => {
    const y = Float64Array.from([1, 2, 3, 4]);
    const good = Float64Array.from([1, 2, 3, 4]);
    const bad = Float64Array.from([4, 3, 2, 1]);
    const rmse = (p: Float64Array) => computeMetric('rmse', { task: 'regression', nClasses: 1 }, y, p);
    const sel = caruanaSelect([bad, good], { score: rmse, lowerIsBetter: true });
    expect(sel.bestIndex).toBe(1);
    expect(sel.weights).toEqual([0, 1]);
    expect(sel.score).toBe(0);
    expect(sel.improved).toBe(false);
  });

  it('decides equal ROC AUC by log loss: the confidently right model first, then a blend that is surer still', () => {
    // Three models all rank every positive above every negative (ROC AUC 1); each confident one is
    // unsure about a different pair of rows, so their average is surer than either.
    const y = Float64Array.from([0, 0, 0, 1, 1, 1]);
    const timid = Float64Array.from([0.45, 0.46, 0.47, 0.53, 0.54, 0.55]);
    const sureA = Float64Array.from([0.05, 0.1, 0.35, 0.65, 0.9, 0.95]);
    const sureB = Float64Array.from([0.4, 0.1, 0.05, 0.95, 0.9, 0.6]);
    const auc = (p: Float64Array) => computeMetric('roc_auc', task, y, p);
    const logLoss = (p: Float64Array) => computeMetric('log_loss', task, y, p);
    expect([timid, sureA, sureB].map(auc)).toEqual([1, 1, 1]);
    expect(logLoss(sureA)).toBeLessThan(logLoss(sureB));
    // Without a tie-break the first listed model wins and nothing can improve on it.
    const plain = caruanaSelect([timid, sureA, sureB], { score: auc, lowerIsBetter: false });
    expect(plain.bestIndex).toBe(0);
    expect(plain.improved).toBe(false);
    const sel = caruanaSelect([timid, sureA, sureB], { score: auc, lowerIsBetter: false, tieBreak: logLoss });
    expect(sel.bestIndex).toBe(1);
    expect(sel.score).toBe(1);
    expect(sel.improved).toBe(true);
    expect(sel.weights[0]).toBe(0); // the timid model only adds loss
    expect(sel.weights[1]).toBeGreaterThan(0);
    expect(sel.weights[2]).toBeGreaterThan(0);
    expect(logLoss(blend([timid, sureA, sureB], sel.weights))).toBeLessThan(logLoss(sureA));
    // One confident model alone: re-adding it is no improvement, whatever the rounding.
    const alone = caruanaSelect([timid, sureA], { score: auc, lowerIsBetter: false, tieBreak: logLoss });
    expect(alone.weights).toEqual([0, 1]);
    expect(alone.improved).toBe(false);
  });
});
