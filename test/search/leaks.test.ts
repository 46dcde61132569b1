import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { mlpFamily } from '../../electron/engine/models/mlp/index.ts';
import { loadTf } from '../../electron/engine/tf/backend.ts';
import { runAutoML } from '../../electron/engine/search/run.ts';
import { runTrial } from '../../electron/engine/search/trial.ts';
import { planValidation } from '../../electron/engine/search/validation.ts';
import { syntheticTable } from './helpers.ts';

describe('resources', () => {
  it('200 network trials in a row leave no tfjs tensors behind', async () => {
    const prep = prepareTraining(syntheticTable(120, 4), { target: 'bought' });
    const plan = planValidation(prep.dataset.y!, prep.taskInfo, 1, { k: 2 });
    const data = { dataset: prep.dataset, taskInfo: prep.taskInfo, folds: plan.folds, validRows: plan.validRows };
    const { tf } = await loadTf();
    const params = { ...mlpFamily.defaults(prep.taskInfo, { nRows: 60, nFeatures: 3 }), epochs: 1, layers: [8], batchSize: 32 };
    await runTrial(data, { trialId: 0, family: 'mlp', params, seed: 1, keepModels: true }, () => mlpFamily as never);
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 200; i++) {
      const res = await runTrial(data, { trialId: i, family: 'mlp', params: { ...params, batchNorm: i % 2 === 0 }, seed: i, keepModels: i % 3 === 0 }, () => mlpFamily as never);
      expect(res.oof.every((p) => p >= 0 && p <= 1)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('a run with worker threads leaves no worker behind (the process can exit on its own)', () => {
    const script = path.resolve('test/search/fixtures/run-and-exit.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error).toBeUndefined(); // a timeout here means a worker kept the process alive
    expect(r.stdout).toMatch(/trials \d+/);
    expect(r.status).toBe(0);
  });
});
