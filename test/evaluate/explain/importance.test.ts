import { describe, expect, it } from 'vitest';
import { groupsOf } from '../../../electron/engine/evaluate/explain/columns.ts';
import { heldOutParts, permutationImportance } from '../../../electron/engine/evaluate/explain/importance.ts';
import { computeMetric } from '../../../electron/engine/evaluate/metrics.ts';
import { gbdtFamily } from '../../../electron/engine/models/gbdt/index.ts';
import { linearFamily } from '../../../electron/engine/models/linear/index.ts';
import { EnsembleFitted } from '../../../electron/engine/models/composite/ensemble.ts';
import { planValidation, subsetDataset } from '../../../electron/engine/search/validation.ts';
import type { Dataset, FeatureSpec, Fitted, TaskInfo } from '../../../electron/engine/models/types.ts';
import { mulberry32 } from '../../../electron/engine/util/random.ts';

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const REG: TaskInfo = { task: 'regression', nClasses: 1 };
const num = (name: string): FeatureSpec => ({ name, kind: 'numeric' });

/** y from a (strong), b (weak) and a two-part "when" column (w1 + w2); "noise" does nothing. */
function data(n: number, seed: number, task: TaskInfo): Dataset {
  const r = mulberry32(seed);
  const cols = Array.from({ length: 5 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = r() * 2 - 1;
    const s = 3 * cols[0][i] + 0.7 * cols[1][i] + 1.5 * (cols[2][i] + cols[3][i]);
    y[i] = task.task === 'binary' ? (r() < 1 / (1 + Math.exp(-s)) ? 1 : 0) : s + 0.3 * (r() - 0.5);
  }
  return { features: ['a', 'b', 'w1', 'w2', 'noise'].map(num), nRows: n, columns: cols, y };
}
const groups = groupsOf(['a', 'b', 'when', 'when', 'noise']);
const xOnly = (d: Dataset): Dataset => ({ features: d.features, nRows: d.nRows, columns: d.columns });

describe('permutation importance', () => {
  it('ranks columns by how much shuffling them hurts held-out ROC AUC; a column\'s features move together; noise is near zero', async () => {
    const train = data(1500, 1, BIN), test = data(800, 2, BIN);
    const m = await linearFamily.fit(train, BIN, linearFamily.defaults(BIN, { nRows: 1500, nFeatures: 5 }), { seed: 0 });
    const imp = await permutationImportance([{ model: m, data: xOnly(test), y: test.y! }], { task: BIN, metric: 'roc_auc', groups, repeats: 5, seed: 1 });
    expect(imp.columns.map((c) => c.column)).toEqual(['a', 'when', 'b', 'noise']);
    expect(imp.baseline).toBeCloseTo(computeMetric('roc_auc', BIN, test.y!, m.predict(test)), 12);
    const noise = imp.columns.find((c) => c.column === 'noise')!;
    expect(Math.abs(noise.importance)).toBeLessThan(0.005);
    const a = imp.columns[0];
    expect(a.importance).toBeGreaterThan(0.1);
    expect(a.repeats.length).toBe(5);
    expect(a.std).toBeGreaterThan(0);
    expect(a.std).toBeLessThan(0.3 * a.importance);
    // seeded: the same seed gives the same numbers
    const again = await permutationImportance([{ model: m, data: xOnly(test), y: test.y! }], { task: BIN, metric: 'roc_auc', groups, repeats: 5, seed: 1 });
    expect(again).toEqual(imp);
  });

  it('lower-is-better metrics (RMSE) still report a positive loss of quality for a useful column, on a sample of the rows', async () => {
    const train = data(800, 3, REG), test = data(3000, 4, REG);
    const m = await gbdtFamily.fit(train, REG, { ...gbdtFamily.defaults(REG, { nRows: 800, nFeatures: 5 }), nRounds: 60 }, { seed: 1 });
    const imp = await permutationImportance([{ model: m, data: xOnly(test), y: test.y! }], { task: REG, metric: 'rmse', groups, repeats: 3, seed: 2, maxRows: 1000 });
    expect(imp.rows).toBe(1000);
    expect(imp.columns[0].column).toBe('a');
    expect(imp.columns[0].importance).toBeGreaterThan(0.5);
    expect(imp.columns.at(-1)!.column).toBe('noise');
  });

  it('k-fold: each fold\'s rows are scored by the models that never saw them, bags and weighted ensembles alike', async () => {
    const d = data(900, 5, BIN);
    const plan = planValidation(d.y!, BIN, 1, { k: 3 });
    const bag = async (l2: number): Promise<Fitted> => {
      const models: Fitted[] = [];
      for (const fold of plan.folds) models.push(await linearFamily.fit(subsetDataset(d, fold.train), BIN, { ...linearFamily.defaults(BIN, { nRows: 600, nFeatures: 5 }), l2 }, { seed: 0 }));
      return new EnsembleFitted(BIN, models, models.map(() => 1 / 3), 'bag');
    };
    const b1 = await bag(1), b2 = await bag(30);
    const ens = new EnsembleFitted(BIN, [b1, b2], [0.6, 0.4], 'weighted');
    const parts = heldOutParts(ens, plan.folds, d)!;
    expect(parts.length).toBe(3);
    parts.forEach((p, f) => {
      const members = [b1, b2].map((b) => (b as EnsembleFitted).members[f]);
      const want = members[0].predict(p.data).map((v, i) => 0.6 * v + 0.4 * members[1].predict(p.data)[i]);
      expect(Array.from(p.model.predict(p.data))).toEqual(Array.from(want));
      expect(p.data.nRows).toBe(plan.folds[f].valid.length);
    });
    const imp = await permutationImportance(parts, { task: BIN, metric: 'log_loss', groups, repeats: 2, seed: 3, maxRows: 10_000 });
    expect(imp.rows).toBe(900);
    expect(imp.columns[0].column).toBe('a');
    // a model that is not made of fold models has no held-out parts
    expect(heldOutParts((b1 as EnsembleFitted).members[0], plan.folds, d)).toBeNull();
  });

  it('stops when cancelled', async () => {
    const train = data(300, 6, BIN);
    const m = await linearFamily.fit(train, BIN, linearFamily.defaults(BIN, { nRows: 300, nFeatures: 5 }), { seed: 0 });
    const ac = new AbortController();
    ac.abort();
    await expect(permutationImportance([{ model: m, data: xOnly(train), y: train.y! }], { task: BIN, metric: 'roc_auc', groups, signal: ac.signal })).rejects.toThrow(/Stopped/);
  });
});
