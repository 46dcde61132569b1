import { describe, expect, it } from 'vitest';
import { bestFirst, KEEP_MODELS, KEEP_PER_FAMILY, keepBar, keepSet } from '../../electron/engine/search/keep.ts';

const higher = (a: number, b: number) => a > b;
const lower = (a: number, b: number) => a < b;

describe('which trials keep their models for the ensemble', () => {
  // Twenty boosted-tree trials all better than the two linear ones, as on a small table.
  const trees = Array.from({ length: 20 }, (_, i) => ({ family: 'gbdt', score: 0.9 - i * 0.001 }));
  const linear = [{ family: 'linear', score: 0.85 }, { family: 'linear', score: 0.84 }, { family: 'linear', score: 0.83 }];

  it('keeps the best overall and the best of every family, so the ensemble has models that err differently', () => {
    const keep = keepSet([...trees, ...linear], higher);
    expect(keep.size).toBe(KEEP_MODELS + KEEP_PER_FAMILY);
    for (const t of trees.slice(0, KEEP_MODELS)) expect(keep.has(t)).toBe(true);
    for (const t of trees.slice(KEEP_MODELS)) expect(keep.has(t)).toBe(false);
    expect(linear.map((l) => keep.has(l))).toEqual([true, true, false]);
  });

  it('tells workers the score a new trial must beat, per family (lower-is-better metrics too)', () => {
    const all = [...trees, ...linear];
    expect(keepBar(all, 'gbdt', higher)).toBeCloseTo(0.9 - (KEEP_MODELS - 1) * 0.001, 10);
    expect(keepBar(all, 'linear', higher)).toBe(0.84);
    expect(keepBar(all, 'mlp', higher)).toBeUndefined(); // a family not yet kept twice keeps anything
    expect(keepBar(trees.slice(0, 5), 'gbdt', higher)).toBeUndefined();
    const rmse = all.map((x) => ({ ...x, score: 1 - x.score }));
    expect(keepBar(rmse, 'linear', lower)).toBeCloseTo(0.16, 10);
    expect(keepSet(rmse, lower).size).toBe(KEEP_MODELS + KEEP_PER_FAMILY);
  });

  it('among equal scores keeps the ones with the better tie-break (near-perfect models that all score 1)', () => {
    const perfect = Array.from({ length: KEEP_MODELS + 3 }, (_, i) => ({ family: 'mlp', score: 1, tie: (KEEP_MODELS + 3 - i) / 100 }));
    const keep = keepSet(perfect, higher);
    // The last listed have the smallest log loss; they are the ones kept, whatever the order.
    expect(perfect.filter((p) => keep.has(p)).map((p) => p.tie)).toEqual(perfect.slice(3).map((p) => p.tie));
    expect(bestFirst(perfect, higher)[0].tie).toBe(0.01);
  });
});
