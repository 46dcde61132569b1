// Shared conformance suite: every family in allFamilies() must pass these cases, so a family added to the
// registry is checked automatically. Budgets are kept tiny via conformanceParams (see models/conformance.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { TASKS, compositeFamilies, conformanceParams, subsetRows, toyData, withoutTarget } from '../../electron/engine/models/conformance.ts';
import { loadModel } from '../../electron/engine/models/app-loader.ts';
import { loadPureModel } from '../../electron/engine/models/loaders.ts';
import { allFamilies, familyByName } from '../../electron/engine/models/registry.ts';
import type { Dataset, Fitted, ModelFamily, TaskInfo } from '../../electron/engine/models/types.ts';
import { UserError, isCancelled } from '../../electron/engine/util/errors.ts';

const fittedToDispose: Fitted[] = [];
afterEach(() => {
  for (const f of fittedToDispose.splice(0)) f.dispose?.();
});

async function fit(family: ModelFamily, data: Dataset, task: TaskInfo, seed = 0): Promise<Fitted> {
  const params = conformanceParams(family, task, { nRows: data.nRows, nFeatures: data.features.length });
  const fitted = await family.fit(data, task, params, { seed });
  fittedToDispose.push(fitted);
  return fitted;
}

function expectFinite(pred: Float64Array): void {
  for (const v of pred) expect(Number.isFinite(v)).toBe(true);
}

function expectProbabilities(pred: Float64Array, task: TaskInfo, n: number): void {
  const k = task.task === 'multiclass' ? task.nClasses : 1;
  expect(pred.length).toBe(n * k);
  for (const v of pred) expect(v >= 0 && v <= 1).toBe(true);
  if (k > 1) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += pred[i * k + c];
      expect(s).toBeCloseTo(1, 6);
    }
  }
}

/** A UserError whose message is one plain sentence a user can read. */
async function expectUserError(p: Promise<unknown> | (() => unknown)): Promise<UserError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a UserError').toBeInstanceOf(UserError);
  const msg = (err as UserError).message;
  expect(msg).toMatch(/^[A-Z].*[.!?]$/);
  expect(msg).not.toMatch(/\n|undefined|NaN|at .*\.ts|TypeError/);
  return err as UserError;
}

describe('registry', () => {
  it('lists baseline and linear and finds families by name', () => {
    const names = allFamilies().map((f) => f.name);
    expect(names).toContain('baseline');
    expect(names).toContain('linear');
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(familyByName(name).name).toBe(name);
  });
  it('refuses an unknown model type with a plain message', async () => {
    await expectUserError(() => familyByName('no_such_model'));
  });
});

/** Does a saved model hold a network anywhere (the pure loader predicts those in JS: equal to ~1e-6, not bit for bit)? */
function hasNetwork(json: unknown): boolean {
  const j = json as { family?: string; members?: unknown[] };
  return j.family === 'mlp' || (Array.isArray(j.members) && j.members.some(hasNetwork));
}

// Every trainable family, then the composites (ensembles built like the run builds them) as if they were families.
for (const family of [...allFamilies(), ...compositeFamilies(familyByName, loadModel)]) {
  describe(`family ${family.name}: ${family.displayName}`, () => {
    // A calibrated model calibrates chances: amounts are never wrapped, so its regression cases do not apply.
    const chancesOnly = family.name === 'calibrated';
    const tasksOf = (ts: TaskInfo[]) => (chancesOnly ? ts.filter((t) => t.task !== 'regression') : ts);
    const itAmounts = chancesOnly ? it.skip : it;
    it('has a display name and defaults for every task', () => {
      expect(family.displayName.length).toBeGreaterThan(0);
      for (const task of Object.values(TASKS)) expect(family.defaults(task, { nRows: 100, nFeatures: 3 })).toBeTypeOf('object');
    });

    it('binary: one probability per row, each in [0, 1]', async () => {
      const data = toyData(TASKS.binary);
      const fitted = await fit(family, data, TASKS.binary);
      expect(fitted.family).toBe(family.name);
      expectProbabilities(fitted.predict(withoutTarget(data)), TASKS.binary, data.nRows);
    });

    it('multiclass: every row is a probability distribution', async () => {
      const data = toyData(TASKS.multiclass);
      const fitted = await fit(family, data, TASKS.multiclass);
      expectProbabilities(fitted.predict(withoutTarget(data)), TASKS.multiclass, data.nRows);
    });

    if (family.name !== 'baseline') {
      it('learns an obvious signal (better than chance on its own training rows)', async () => {
        const data = toyData(TASKS.binary, 120, 3);
        const fitted = await fit(family, data, TASKS.binary);
        expect(computeMetric('roc_auc', TASKS.binary, data.y!, fitted.predict(withoutTarget(data)))).toBeGreaterThan(0.75);
      });
    }

    itAmounts('regression: a constant target is predicted as that constant', async () => {
      const data = toyData(TASKS.regression);
      data.y!.fill(42.5);
      const fitted = await fit(family, data, TASKS.regression);
      for (const v of fitted.predict(withoutTarget(data))) expect(v).toBeCloseTo(42.5, 4);
    });

    it('classification target with one class only: a constant probability or a plain UserError', async () => {
      const data = toyData(TASKS.binary);
      data.y!.fill(0);
      let fitted: Fitted | undefined;
      try {
        fitted = await fit(family, data, TASKS.binary);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return;
      }
      const pred = fitted.predict(withoutTarget(data));
      expectProbabilities(pred, TASKS.binary, data.nRows);
      expect(Math.max(...pred) - Math.min(...pred)).toBeLessThan(0.05);
      expect(Math.max(...pred)).toBeLessThan(0.5);
    });

    it('an all-missing column does not break fit or predict', async () => {
      for (const task of tasksOf([TASKS.binary, TASKS.regression])) {
        const data = toyData(task);
        data.columns[1].fill(NaN);
        const fitted = await fit(family, data, task);
        expectFinite(fitted.predict(withoutTarget(data)));
      }
    });

    it('empty input (0 rows) is refused with a plain UserError', async () => {
      const data = subsetRows(toyData(TASKS.binary), []);
      await expectUserError(fit(family, data, TASKS.binary));
    });

    itAmounts('one row: regression fits and predicts finite values', async () => {
      const data = subsetRows(toyData(TASKS.regression), [5]);
      const fitted = await fit(family, data, TASKS.regression);
      const pred = fitted.predict(withoutTarget(data));
      expect(pred.length).toBe(1);
      expectFinite(pred);
    });

    it('one feature is enough', async () => {
      const full = toyData(TASKS.binary);
      const data: Dataset = { features: [full.features[0]], nRows: full.nRows, columns: [full.columns[0]], y: full.y };
      const fitted = await fit(family, data, TASKS.binary);
      expectProbabilities(fitted.predict(withoutTarget(data)), TASKS.binary, data.nRows);
    });

    it('a category never seen in training still gets a finite prediction', async () => {
      for (const task of tasksOf([TASKS.binary, TASKS.regression])) {
        const data = toyData(task);
        const fitted = await fit(family, data, task);
        const fresh = withoutTarget(subsetRows(data, [0, 1, 2, 3]));
        fresh.columns[2].fill(NaN); // the encoder maps unseen levels to NaN
        expectFinite(fitted.predict(fresh));
      }
    });

    it('predicting with the wrong columns is refused with a plain UserError', async () => {
      const data = toyData(TASKS.binary);
      const fitted = await fit(family, data, TASKS.binary);
      const fewer: Dataset = { features: data.features.slice(0, 2), nRows: data.nRows, columns: data.columns.slice(0, 2) };
      await expectUserError(() => fitted.predict(fewer));
    });

    it('extreme values (±1e300) give finite predictions', async () => {
      for (const task of tasksOf([TASKS.binary, TASKS.regression])) {
        const data = toyData(task);
        data.columns[1][0] = 1e300;
        data.columns[1][1] = -1e300;
        const fitted = await fit(family, data, task);
        const test = withoutTarget(subsetRows(data, [0, 1, 2, 3]));
        test.columns[0][2] = 1e300;
        test.columns[0][3] = -1e300;
        expectFinite(fitted.predict(test));
      }
    });

    it('is deterministic for the same seed', async () => {
      const data = toyData(TASKS.multiclass);
      const a = (await fit(family, data, TASKS.multiclass, 7)).predict(withoutTarget(data));
      const b = (await fit(family, data, TASKS.multiclass, 7)).predict(withoutTarget(data));
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    it('survives toJSON -> JSON text -> fromJSON with identical predictions', async () => {
      for (const task of tasksOf(Object.values(TASKS))) {
        const data = toyData(task);
        const fitted = await fit(family, data, task);
        const json = JSON.parse(JSON.stringify(fitted.toJSON()));
        expect(json.family).toBe(family.name);
        const loaded = await family.fromJSON(json);
        fittedToDispose.push(loaded);
        expect(loaded.taskInfo).toEqual(task);
        expect(Array.from(loaded.predict(withoutTarget(data)))).toEqual(Array.from(fitted.predict(withoutTarget(data))));
      }
    });

    it('the pure loader (no training code, no tfjs) rebuilds it with the same predictions', async () => {
      for (const task of tasksOf(Object.values(TASKS))) {
        const data = toyData(task);
        const fitted = await fit(family, data, task);
        const json = JSON.parse(JSON.stringify(fitted.toJSON()));
        const pure = await loadPureModel(json);
        expect(pure.family).toBe(family.name);
        const want = fitted.predict(withoutTarget(data));
        const got = pure.predict(withoutTarget(data));
        if (hasNetwork(json)) {
          expect(got.length).toBe(want.length);
          for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i])));
        } else {
          expect(Array.from(got)).toEqual(Array.from(want));
        }
      }
    });

    it('never changes the data it is given (the next model trains on the same rows)', async () => {
      for (const task of Object.values(TASKS)) {
        const data = toyData(task);
        data.weights = new Float64Array(data.nRows).fill(1);
        const before = JSON.stringify([data.columns.map((c) => Array.from(c)), Array.from(data.y!), Array.from(data.weights)]);
        const fitted = await fit(family, data, task);
        fitted.predict(data);
        expect(JSON.stringify([data.columns.map((c) => Array.from(c)), Array.from(data.y!), Array.from(data.weights)])).toBe(before);
      }
    });

    it("a row's prediction does not depend on the other rows in the file", async () => {
      for (const task of Object.values(TASKS)) {
        const data = toyData(task);
        const fitted = await fit(family, data, task);
        const k = task.task === 'multiclass' ? task.nClasses : 1;
        const all = fitted.predict(withoutTarget(data));
        const rows = [9, 2, 40];
        const some = fitted.predict(withoutTarget(subsetRows(data, rows)));
        rows.forEach((r, i) => {
          for (let c = 0; c < k; c++) expect(some[i * k + c]).toBeCloseTo(all[r * k + c], 5);
        });
      }
    });

    it('a damaged model file is refused with a plain UserError', async () => {
      await expectUserError(family.fromJSON({ family: family.name, formatVersion: 999_999 }));
    });

    it('an already-aborted signal stops fit with CancelledError', async () => {
      const data = toyData(TASKS.binary);
      const params = conformanceParams(family, TASKS.binary, { nRows: data.nRows, nFeatures: 3 });
      const controller = new AbortController();
      controller.abort();
      let err: unknown;
      try {
        fittedToDispose.push(await family.fit(data, TASKS.binary, params, { seed: 0, signal: controller.signal }));
      } catch (e) {
        err = e;
      }
      expect(isCancelled(err)).toBe(true);
    });

    it('feature importance, when offered, has one finite non-negative value per feature', async () => {
      const data = toyData(TASKS.binary);
      const fitted = await fit(family, data, TASKS.binary);
      if (!fitted.featureImportance) return;
      const imp = fitted.featureImportance();
      expect(imp.length).toBe(data.features.length);
      for (const v of imp) expect(Number.isFinite(v) && v >= 0).toBe(true);
    });
  });
}
