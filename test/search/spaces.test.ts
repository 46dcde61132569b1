import { describe, expect, it } from 'vitest';
import { runAutoML } from '../../electron/engine/search/run.ts';
import { portfolioOrder } from '../../electron/engine/search/spaces.ts';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import type { Table } from '../../electron/engine/data/table.ts';
import { Rng } from '../../electron/engine/search/rng.ts';

/** 240 rows, 400 number columns; the amount is the sum of the first five plus noise. */
function wideTable(): Table {
  const rng = new Rng(5);
  const n = 240;
  const x = Array.from({ length: 400 }, () => Float64Array.from({ length: n }, () => rng.normal()));
  const amount = Float64Array.from({ length: n }, (_, i) => x[0][i] + x[1][i] + x[2][i] + x[3][i] + x[4][i] + 0.5 * rng.normal());
  return { nRows: n, columns: [...x.map((values, j) => ({ name: `x${j}`, type: 'numeric' as const, values })), { name: 'amount', type: 'numeric', values: amount }] };
}

describe('the strong-start portfolio', () => {
  it('tries a sparse (L1) linear model second on a table with many columns for its rows, and only there', () => {
    const task = { task: 'regression' as const, nClasses: 1 };
    const wide = portfolioOrder(['linear', 'gbdt'], task, { nRows: 200, nFeatures: 400 }).map((e) => `${e.family}${e['linear.sparse'] ? ' sparse' : ''}`);
    expect(wide.slice(0, 3)).toEqual(['linear', 'linear sparse', 'gbdt']);
    const narrow = portfolioOrder(['linear', 'gbdt'], task, { nRows: 5000, nFeatures: 20 });
    expect(narrow.some((e) => e['linear.sparse'] === true)).toBe(false);
  });

  it('so a short run on such a table finds a model far better than a plain (L2) linear one', async () => {
    const { summary } = await runAutoML(prepareTraining(wideTable(), { target: 'amount' }), { budgetS: 30, workUnits: 2, seed: 1, workers: 0, families: ['linear'] });
    const linear = summary.leaderboard.filter((r) => r.family === 'linear');
    expect(linear).toHaveLength(2);
    const [plain, sparse] = [...linear].sort((a, b) => Number(a.model.match(/\d+$/)![0]) - Number(b.model.match(/\d+$/)![0]));
    expect(sparse.score).toBeLessThan(0.5 * plain.score);
  });
});
