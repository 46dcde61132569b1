import { describe, expect, it } from 'vitest';
import { bootstrapScores, percentileInterval } from '../../electron/engine/evaluate/bootstrap.ts';
import { layoutFor, prepareScores } from '../../electron/engine/evaluate/kernels.ts';
import { scoredRows } from '../../electron/engine/evaluate/rows.ts';
import { scoreRows } from '../../electron/engine/evaluate/scores.ts';
import type { TaskInfo } from '../../electron/engine/models/types.ts';
import { gaussian, mulberry32 } from '../../electron/engine/util/random.ts';

const bin: TaskInfo = { task: 'binary', nClasses: 2 };

/** Scores ~ N(y, 1): the true ROC AUC is Φ(1/√2) = 0.76025. */
function binary(n: number, seed: number) {
  const rnd = mulberry32(seed);
  const y = new Float64Array(n), pred = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rnd() < 0.4 ? 1 : 0;
    pred[i] = 1 / (1 + Math.exp(-(y[i] - 0.5 + gaussian(rnd))));
  }
  return { y, pred };
}

const folds = (n: number, k: number) => ({
  kind: 'kfold' as const,
  folds: Array.from({ length: k }, (_, f) => ({
    valid: Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % k === f),
    train: Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % k !== f),
  })),
});

describe('bootstrap intervals', () => {
  it('hold the true ROC AUC and accuracy about 95 % of the time', async () => {
    let aucIn = 0, accIn = 0;
    const trials = 120;
    for (let t = 0; t < trials; t++) {
      const d = binary(400, 1000 + t);
      const s = prepareScores(bin, d.y, d.pred);
      const r = await bootstrapScores(s, { metrics: ['roc_auc', 'accuracy'], k: 0 }, null, { resamples: 200, seed: t });
      if (r.ci[0]![0] <= 0.76025 && 0.76025 <= r.ci[0]![1]) aucIn++;
      // accuracy of "P > 0.5" here: P(z > 0.5 − y + ...) — estimate the truth from a million rows once
      if (r.ci[1]![0] <= TRUE_ACC && TRUE_ACC <= r.ci[1]![1]) accIn++;
    }
    expect(aucIn / trials).toBeGreaterThan(0.88);
    expect(accIn / trials).toBeGreaterThan(0.88);
    expect(aucIn / trials).toBeLessThan(1);
  });

  it('are the same for the same seed and differ for another', async () => {
    const d = binary(500, 3);
    const s = prepareScores(bin, d.y, d.pred);
    const l = { metrics: ['roc_auc' as const], k: 0 };
    const a = await bootstrapScores(s, l, null, { seed: 1 }), b = await bootstrapScores(s, l, null, { seed: 1 }), c = await bootstrapScores(s, l, null, { seed: 2 });
    expect(a.ci).toEqual(b.ci);
    expect(a.ci).not.toEqual(c.ci);
  });

  it('are null when the metric is mostly undefined on the resamples', () => {
    expect(percentileInterval(Float64Array.from([NaN, NaN, 0.5, NaN]))).toBeNull();
    expect(percentileInterval(Float64Array.from([1, 2, 3, 4, 5]))).toEqual([1.1, 4.9]);
  });

  it('26,000 rows × every metric × 200 resamples take well under two seconds', async () => {
    const d = binary(26000, 9);
    const rows = scoredRows({ taskInfo: bin, y: d.y, pred: d.pred, plan: folds(26000, 3) });
    const t0 = performance.now();
    const r = await scoreRows(rows, { metric: 'roc_auc', resamples: 200 });
    const ms = performance.now() - t0;
    expect(Object.keys(r.metrics)).toHaveLength(9);
    // measured ~0.4 s on the shared 2-core machine; the bound only catches an accidental O(n²)
    expect(ms).toBeLessThan(2500);
  });
});

// The accuracy of thresholding at 0.5 when scores are y − 0.5 + N(0,1): P(N > 0) for both classes = 0.5 + ... by simulation.
const TRUE_ACC = (() => {
  const d = binary(400_000, 77);
  let hit = 0;
  for (let i = 0; i < d.y.length; i++) if ((d.pred[i] > 0.5 ? 1 : 0) === d.y[i]) hit++;
  return hit / d.y.length;
})();

describe('metrics beside the naive baseline', () => {
  it('baseline is what no model says: fold training shares, AUC 0.5, gain with a paired interval', async () => {
    const d = binary(3000, 5);
    const rows = scoredRows({ taskInfo: bin, y: d.y, pred: d.pred, plan: folds(3000, 5) });
    const r = await scoreRows(rows, { metric: 'roc_auc', classes: ['no', 'yes'] });
    expect(r.baseline.roc_auc).toBeCloseTo(0.5, 1);
    let pos = 0;
    for (const v of d.y) pos += v;
    expect(r.baseline.accuracy).toBeCloseTo(Math.max(pos, 3000 - pos) / 3000, 2);
    expect(r.gain.roc_auc!.value).toBeCloseTo(r.metrics.roc_auc!.value - r.baseline.roc_auc!, 9);
    expect(r.gain.roc_auc!.ci![0]).toBeGreaterThan(0.2);
    // log loss: lower is better, so the gain is baseline − model
    expect(r.gain.log_loss!.value).toBeCloseTo(r.baseline.log_loss! - r.metrics.log_loss!.value, 9);
    expect(r.per_class!.map((c) => c.class)).toEqual(['no', 'yes']);
    expect(r.per_class![1].rows).toBe(pos);
    expect(r.folds!.values).toHaveLength(5);
  });

  it('a model no better than guessing has a gain interval around 0', async () => {
    const rnd = mulberry32(8);
    const n = 2000;
    const y = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0));
    const pred = Float64Array.from({ length: n }, () => rnd());
    const r = await scoreRows(scoredRows({ taskInfo: bin, y, pred, plan: folds(n, 5) }), { metric: 'roc_auc' });
    expect(r.gain.roc_auc!.ci![0]).toBeLessThan(0);
    expect(r.gain.roc_auc!.ci![1]).toBeGreaterThan(0);
  });

  it('holdout rows are laid out in validRows order and the baseline comes from the training rows', async () => {
    const y = Float64Array.from([1, 1, 1, 1, 0, 0, 1, 0]);
    const plan = { kind: 'holdout' as const, folds: [{ train: Int32Array.from([0, 1, 2, 3, 4]), valid: Int32Array.from([5, 6, 7]) }], validRows: Int32Array.from([5, 6, 7]) };
    const rows = scoredRows({ taskInfo: bin, y, pred: Float64Array.from([0.2, 0.9, 0.4]), plan });
    expect(Array.from(rows.y)).toEqual([0, 1, 0]);
    expect(Array.from(rows.base)).toEqual([0.8, 0.8, 0.8]); // 4 of 5 training rows are 1
    expect(layoutFor(prepareScores(bin, rows.y, rows.pred)).metrics).toContain('brier');
  });
});
