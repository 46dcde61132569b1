import { describe, expect, it } from 'vitest';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { predictTable } from '../../electron/engine/deploy/bundle.ts';
import { runAutoML, type RunEvent } from '../../electron/engine/search/run.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { syntheticTable } from './helpers.ts';

const table = syntheticTable(400, 7);
const prepared = () => prepareTraining(table, { target: 'bought' });

describe('runAutoML', () => {
  it('returns a leaderboard, a best model that beats the baseline, plain words, and a model that predicts new tables', async () => {
    const events: RunEvent[] = [];
    const res = await runAutoML(prepared(), { budgetS: 30, workUnits: 4, seed: 3, workers: 0, families: ['linear'], onEvent: (e) => events.push(e) });
    const s = res.summary;
    expect(s.task).toBe('binary');
    expect(s.metric).toBe('roc_auc');
    const baseline = s.leaderboard.find((r) => r.family === 'baseline')!;
    expect(baseline.score).toBeCloseTo(0.5, 5);
    expect(s.best.score).toBeGreaterThan(0.8);
    expect(s.leaderboard.filter((r) => r.family === 'linear')).toHaveLength(4);
    // Every trial is counted, including the baseline (the leaderboard itself keeps at most the best 100).
    expect(s.modelsTried).toBe(s.leaderboard.length);
    expect(events.filter((e) => e.type === 'trial')).toHaveLength(s.modelsTried);
    expect(s.leaderboard[0].score).toBe(Math.max(...s.leaderboard.filter((r) => r.status === 'done').map((r) => r.score)));
    expect(s.leaderboard.some((r) => /^Linear model #\d+$/.test(r.model))).toBe(true);
    expect(s.sentence).toMatch(/^The best model is right \d+% of the time; guessing the most common answer would be right \d+%\.$/);
    expect(s.quality.map((q) => q.label)).toContain('Ranking quality (ROC AUC)');
    expect(events.filter((e) => e.type === 'trial').length).toBeGreaterThanOrEqual(5);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    // The model predicts a fresh table by column name, and does well on it.
    const fresh = syntheticTable(300, 99);
    const pred = predictTable(res.model, fresh);
    const y = res.model.encoder.encodeTarget(fresh);
    expect(computeMetric('roc_auc', res.model.taskInfo, y, pred)).toBeGreaterThan(0.8);
  });

  it('is deterministic with a work-unit budget (same seed => same leaderboard)', async () => {
    const run = async (seed: number) => {
      const r = await runAutoML(prepared(), { budgetS: 30, workUnits: 6, seed, workers: 0, families: ['linear'] });
      return r.summary.leaderboard.map((x) => `${x.model}|${x.score}`);
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect(await run(12)).not.toEqual(a);
  });

  it('respects a wall-clock budget (within 10%)', async () => {
    const t0 = performance.now();
    const res = await runAutoML(prepared(), { budgetS: 3, seed: 1, workers: 0 });
    const wall = (performance.now() - t0) / 1000;
    expect(wall).toBeLessThan(3.3);
    expect(res.summary.elapsedS).toBeLessThan(3.3);
    expect(res.summary.leaderboard.length).toBeGreaterThan(2);
    expect(res.summary.cancelled).toBe(false);
  });

  it('cancel stops within a second and keeps the best model so far', async () => {
    const controller = new AbortController();
    let bestSoFar: number | undefined;
    const started = performance.now();
    setTimeout(() => controller.abort(), 1200);
    const res = await runAutoML(prepared(), {
      budgetS: 60, seed: 2, workers: 0, signal: controller.signal,
      onEvent: (e) => { if (e.type === 'progress' && e.bestScore !== undefined) bestSoFar = e.bestScore; },
    });
    const stopS = (performance.now() - started) / 1000 - 1.2;
    expect(stopS).toBeLessThan(1);
    expect(res.summary.cancelled).toBe(true);
    expect(res.summary.best.score).toBeGreaterThan(0.8);
    expect(res.summary.best.score).toBeGreaterThanOrEqual(bestSoFar! - 1e-12);
    expect(predictTable(res.model, table).length).toBe(table.nRows);
  });

  it('falls back to the baseline with a reason when no model type can run', async () => {
    const res = await runAutoML(prepared(), { budgetS: 2, workers: 0, families: [] });
    expect(res.summary.best.family).toBe('baseline');
    expect(res.summary.note).toMatch(/baseline/);
    expect(predictTable(res.model, table)).toHaveLength(table.nRows);
  });

  it('runs trials in worker threads', async () => {
    const logs: string[] = [];
    const res = await runAutoML(prepared(), { budgetS: 4, seed: 5, workers: 2, families: ['linear'], onLog: (m) => logs.push(m) });
    expect(res.summary.elapsedS).toBeLessThan(4.4);
    expect(logs.join('\n')).toMatch(/2 worker threads ready/);
    expect(res.summary.leaderboard.filter((r) => r.family === 'linear' && r.status === 'done').length).toBeGreaterThan(3);
  });

  it('cancel with worker threads also returns within a second', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2500);
    const t0 = performance.now();
    const res = await runAutoML(prepared(), { budgetS: 60, seed: 8, workers: 2, families: ['linear'], signal: controller.signal });
    expect((performance.now() - t0) / 1000 - 2.5).toBeLessThan(1);
    expect(res.summary.cancelled).toBe(true);
    expect(res.summary.best.score).toBeGreaterThan(0.8);
  });

  it('ranks by the score the user chose and says the result in the outcome\'s own units', async () => {
    const amounts = prepareTraining(syntheticTable(400, 7, 'regression'), { target: 'bought' });
    const s = (await runAutoML(amounts, { budgetS: 30, workUnits: 3, seed: 3, workers: 0, families: ['linear'], metric: 'mae' })).summary;
    expect(s.metric).toBe('mae');
    expect(s.lowerIsBetter).toBe(true);
    expect(s.leaderboard.every((r) => r.metric === 'mae')).toBe(true);
    expect(s.leaderboard[0].score).toBe(Math.min(...s.leaderboard.map((r) => r.score)));
    expect(s.sentence).toMatch(/^The best model's predictions of “bought” are typically off by [\d.,]+; always guessing the average would be off by [\d.,]+\.$/);
  });

  it('puts the chosen model first on the leaderboard when other models share its score', async () => {
    // Perfectly separable: every model ranks all rows right (ROC AUC 1), so ties are decided by log loss.
    const n = 200;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const noise = Float64Array.from({ length: n }, (_, i) => (i * 37) % 11);
    const y = Int32Array.from({ length: n }, (_, i) => (i >= 100 ? 1 : 0));
    const table = { nRows: n, columns: [{ name: 'x', type: 'numeric' as const, values: x }, { name: 'noise', type: 'numeric' as const, values: noise }, { name: 'won', type: 'categorical' as const, codes: y, dictionary: ['no', 'yes'] }] };
    const s = (await runAutoML(prepareTraining(table, { target: 'won' }), { budgetS: 30, workUnits: 6, seed: 2, workers: 0, families: ['linear'] })).summary;
    expect(s.leaderboard.filter((r) => r.score === 1).length).toBeGreaterThan(1);
    expect(s.leaderboard[0].id).toBe(s.best.id);
  });

  it('refuses a metric that does not fit the task, in one sentence', async () => {
    await expect(runAutoML(prepared(), { budgetS: 2, workers: 0, metric: 'rmse' })).rejects.toThrow(/does not fit a binary task/);
  });
});

describe('runAutoML determinism across machines', () => {
  it('gives the same leaderboard in worker threads as in one thread (work-unit budget)', async () => {
    const lb = async (workers: number) =>
      (await runAutoML(prepared(), { budgetS: 30, workUnits: 3, seed: 21, workers, families: ['gbdt', 'random_forest'] })).summary.leaderboard.map((x) => `${x.model}|${x.score}`);
    const inThread = await lb(0);
    expect(inThread.filter((r) => /Gradient-boosted|Random forest/.test(r))).toHaveLength(3);
    expect(await lb(2)).toEqual(inThread);
  });
});
