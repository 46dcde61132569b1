import { describe, expect, it } from 'vitest';
import { fitPowerLaw, learningCurve, readCurve } from '../../../electron/engine/evaluate/explain/learning-curve.ts';
import { linearFamily } from '../../../electron/engine/models/linear/index.ts';
import { planValidation } from '../../../electron/engine/search/validation.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../../../electron/engine/models/types.ts';
import { mulberry32 } from '../../../electron/engine/util/random.ts';

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const REG: TaskInfo = { task: 'regression', nClasses: 1 };

/** Binary outcome from a linear score over `informative` of `p` features, with label noise. */
function problem(n: number, p: number, informative: number, seed: number): Dataset {
  const r = mulberry32(seed);
  const w = Array.from({ length: p }, (_, j) => (j < informative ? (r() < 0.5 ? -1 : 1) * (0.5 + r()) : 0));
  const cols = Array.from({ length: p }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) { cols[j][i] = r() * 2 - 1; s += w[j] * cols[j][i]; }
    y[i] = r() < 1 / (1 + Math.exp(-3 * s)) ? 1 : 0;
  }
  return { features: cols.map((_, j): FeatureSpec => ({ name: `x${j}`, kind: 'numeric' })), nRows: n, columns: cols, y };
}

const params = { ...linearFamily.defaults(BIN, { nRows: 1, nFeatures: 1 }), l2: 1 };

describe('learning curve', () => {
  it('many useful columns and few rows: more rows would clearly help', async () => {
    const d = problem(1200, 80, 80, 1);
    const plan = planValidation(d.y!, BIN, 1, { k: 3 });
    const steps: number[] = [];
    const c = await learningCurve({ family: 'linear', params, data: d, task: BIN, folds: plan.folds, metric: 'accuracy', seed: 1, onProgress: (p) => steps.push(p.fraction) });
    expect(c.points.length).toBe(5);
    expect(c.folds).toBe(3);
    expect(c.capped).toBe(false);
    expect(c.points.at(-1)!.score).toBeGreaterThan(c.points[0].score + 0.1);
    expect(c.fit.kind).toBe('power');
    expect(c.verdict).toBe('helps');
    expect(c.doubling!.gain).toBeGreaterThan(0.015);
    expect(c.advice).toMatch(/^More rows would likely help: about \+[\d.]+ points of accuracy with twice as many\.$/);
    expect(steps.at(-1)).toBe(1);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
  });

  it('a simple pattern already learned from a fraction of the rows: more rows will hardly help', async () => {
    const d = problem(6000, 3, 1, 2);
    const plan = planValidation(d.y!, BIN, 2, { k: 3 });
    const c = await learningCurve({ family: 'linear', params, data: d, task: BIN, folds: plan.folds, metric: 'roc_auc', seed: 2 });
    expect(c.points.length).toBe(5);
    expect(c.verdict).toBe('hardly');
    expect(c.advice).toBe('More rows of the same kind will hardly help; new columns that tell more about each row are more likely to.');
  });

  it('amounts: the gain is said as smaller errors', () => {
    // rmse = 10 * (rows / 8000)^-0.5 + 5: doubling 8000 rows cuts the error by 10 * (1 - 2^-0.5) of 15
    const pts = [500, 1000, 2000, 4000, 8000].map((rows) => ({ share: rows / 8000, rows, score: 10 * (rows / 8000) ** -0.5 + 5, scores: [], fitS: 0 }));
    const c = readCurve(pts, 'rmse');
    expect(c.fit.b).toBeCloseTo(0.5, 1);
    expect(c.doubling!.gain).toBeCloseTo(10 * (1 - 2 ** -0.5), 1);
    expect(c.verdict).toBe('helps');
    expect(c.advice).toBe('More rows would likely help: errors about 20 % smaller with twice as many.');
  });

  it('power law fit recovers a known curve and stays flat on a flat one', () => {
    const x = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1];
    const f = fitPowerLaw(x, x.map((v) => 0.05 * v ** -0.7 + 0.1));
    expect(f.b).toBeCloseTo(0.7, 2);
    expect(f.a).toBeCloseTo(0.05, 3);
    expect(f.c).toBeCloseTo(0.1, 3);
    const flat = fitPowerLaw(x, [0.2, 0.21, 0.19, 0.2, 0.205]);
    expect(flat.a * (1 - 2 ** -flat.b)).toBeLessThan(0.003);
  });

  it('stops at the time cap with what it has, and says it cannot tell from too few sizes', async () => {
    const d = problem(3000, 20, 20, 3);
    const plan = planValidation(d.y!, BIN, 3, { k: 3 });
    const c = await learningCurve({ family: 'linear', params, data: d, task: BIN, folds: plan.folds, metric: 'roc_auc', timeCapS: 1e-6 });
    expect(c.capped).toBe(true);
    expect(c.folds).toBe(1);
    expect(c.points.length).toBe(1);
    expect(c.verdict).toBe('unclear');
    expect(c.advice).toMatch(/^Augur could not tell whether more rows would help/);
  });

  it('is cancellable', async () => {
    const d = problem(600, 5, 5, 4);
    const plan = planValidation(d.y!, REG, 4, { k: 2 });
    const ac = new AbortController();
    const run = learningCurve({ family: 'linear', params, data: { ...d }, task: BIN, folds: plan.folds, metric: 'log_loss', signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toThrow(/Stopped/);
  });
});
