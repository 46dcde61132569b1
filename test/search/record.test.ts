import { describe, expect, it } from 'vitest';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { bestConfigurations, runRecordFromJSON } from '../../electron/engine/search/record.ts';
import { predictTable } from '../../electron/engine/deploy/bundle.ts';
import { refitRecord } from '../../electron/engine/search/refit.ts';
import { runAutoML } from '../../electron/engine/search/run.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { syntheticTable } from './helpers.ts';

const prepared = () => prepareTraining(syntheticTable(300, 5), { target: 'bought' });
const opts = { budgetS: 30, workUnits: 6, seed: 4, workers: 0, families: ['linear', 'gbdt'] };

describe('run evidence and record', () => {
  it('keeps the chosen model’s out-of-fold predictions, which score what the leaderboard says', async () => {
    const p = prepared();
    const { summary, evidence, model } = await runAutoML(p, opts);
    expect(evidence.plan.kind).toBe('kfold');
    expect(evidence.validRows.length).toBe(p.dataset.nRows);
    expect(evidence.oof.length).toBe(p.dataset.nRows);
    const y = Float64Array.from(evidence.validRows, (r) => evidence.y[r]);
    expect(computeMetric(summary.metric as 'roc_auc', model.taskInfo, y, evidence.oof)).toBeCloseTo(summary.best.score, 12);
    // every row is in exactly one fold's validation rows
    expect(new Set(evidence.foldOf).size).toBe(evidence.plan.folds);
    expect([...evidence.foldOf].every((f) => f >= 0)).toBe(true);
    model.fitted.dispose?.();
  });

  it('records every trial, survives a JSON round trip, and refits to the same model on the same rows', async () => {
    const p = prepared();
    const { summary, record, model } = await runAutoML(p, opts);
    expect(record.trials).toHaveLength(summary.modelsTried - (summary.best.family === 'ensemble' ? 1 : 0));
    const back = runRecordFromJSON(JSON.parse(JSON.stringify(record)));
    expect(back).toEqual(record);
    const refit = await refitRecord(p, back);
    expect(refit.score).toBeCloseTo(summary.best.score, 12);
    const fresh = syntheticTable(50, 77);
    expect(Array.from(predictTable(refit.model, fresh))).toEqual(Array.from(predictTable(model, fresh)));
    model.fitted.dispose?.();
    refit.model.fitted.dispose?.();
  });

  it('a warm start tries the previous run’s best configuration first', async () => {
    const p = prepared();
    const first = await runAutoML(p, opts);
    const best = bestConfigurations(first.record, 1, false)[0];
    const second = await runAutoML(p, { ...opts, seed: 9, workUnits: 2, warmStart: first.record });
    const firstTrial = second.record.trials.find((t) => t.number >= 0)!;
    expect(firstTrial.space).toEqual(best.space);
    expect(firstTrial.score).toBeCloseTo(best.score!, 2);
  });

  it('refuses a damaged record in one sentence', () => {
    for (const bad of [null, { version: 2 }, { version: 1, plan: { kind: 'kfold', options: {} }, trials: [{ __proto__: 1 }] }]) {
      expect(() => runRecordFromJSON(bad)).toThrow(UserError);
    }
  });
});
