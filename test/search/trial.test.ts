import { describe, expect, it } from 'vitest';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { gbdtFamily } from '../../electron/engine/models/gbdt/index.ts';
import { mlpFamily } from '../../electron/engine/models/mlp/index.ts';
import type { FittedJSON, ModelFamily } from '../../electron/engine/models/types.ts';
import { runTrial } from '../../electron/engine/search/trial.ts';
import { planValidation } from '../../electron/engine/search/validation.ts';
import { syntheticTable } from './helpers.ts';

// Early stopping on the rows a fold is scored on flatters its out-of-fold predictions, and only the
// families that stop early (boosting, networks) get that help. A k-fold trial therefore lets the
// first fold choose the length and trains the others exactly that long without validation rows.
describe('k-fold trials of families that stop early', () => {
  const prep = prepareTraining(syntheticTable(600, 3), { target: 'bought' });
  const plan = planValidation(prep.dataset.y!, prep.taskInfo, 1, { k: 4 });
  const data = { dataset: prep.dataset, taskInfo: prep.taskInfo, folds: plan.folds, validRows: plan.validRows };
  const run = (family: ModelFamily<never>, params: Record<string, unknown>) =>
    runTrial(data, { trialId: 0, family: family.name, params, seed: 5, keepModels: true }, () => family as never);

  it('boosting: every fold model keeps as many rounds as the first fold chose', async () => {
    const res = await run(gbdtFamily as never, { nRounds: 400, learningRate: 0.3, earlyStoppingRounds: 10 });
    const rounds = res.models!.map((m: FittedJSON) => Number(m.rounds));
    expect(rounds[0]).toBeGreaterThan(0);
    expect(rounds[0]).toBeLessThan(400); // it did stop early on its validation rows
    expect(rounds).toEqual(rounds.map(() => rounds[0]));
    expect(res.oof.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('networks: later folds run the first fold’s best epoch count and learning-rate drops, with no validation rows', async () => {
    const params = { ...mlpFamily.defaults(prep.taskInfo, { nRows: 450, nFeatures: 3 }), layers: [16], epochs: 60, patience: 4, learningRate: 0.03, batchSize: 32 };
    const res = await run(mlpFamily as never, params);
    const info = res.models!.map((m: FittedJSON) => m.info as { epochsRun: number; bestEpoch: number; bestValidLoss?: number; lrDrops?: number[] });
    expect(info[0].bestValidLoss).toBeDefined();
    for (const later of info.slice(1)) {
      expect(later.epochsRun).toBe(info[0].bestEpoch);
      expect(later.bestValidLoss).toBeUndefined(); // never saw its validation rows
    }
  }, 60_000);
});
