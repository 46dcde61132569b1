import { describe, expect, it } from 'vitest';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { TASKS, rng } from '../../electron/engine/models/conformance.ts';
import { linearFamily, type LinearParams } from '../../electron/engine/models/linear/index.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../../electron/engine/models/types.ts';
import { isCancelled } from '../../electron/engine/util/errors.ts';

// Reference values from scikit-learn 1.2.1 on the same 10 rows: StandardScaler on the two numerics,
// one-hot on the category, LogisticRegression(C=1) / Ridge(alpha=1).
const X1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const X2 = [5, 3, 8, 1, 7, 2, 9, 4, 6, 0];
const CAT = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
const FEATURES: FeatureSpec[] = [
  { name: 'a', kind: 'numeric' },
  { name: 'b', kind: 'numeric' },
  { name: 'c', kind: 'categorical', categories: ['x', 'y', 'z'] },
];
const tiny = (y: number[]): Dataset => ({
  features: FEATURES, nRows: 10, columns: [X1, X2, CAT].map((c) => Float64Array.from(c)), y: Float64Array.from(y),
});
const params = (over: Partial<LinearParams> = {}): LinearParams => ({ ...linearFamily.defaults(TASKS.binary, { nRows: 10, nFeatures: 3 }), tol: 1e-9, ...over });

describe('linear family matches scikit-learn', () => {
  it('logistic regression (C=1)', async () => {
    const data = tiny([0, 0, 1, 0, 1, 0, 1, 1, 1, 1]);
    const pred = (await linearFamily.fit(data, TASKS.binary, params(), { seed: 0 })).predict(data);
    const sk = [0.24391469, 0.23506181, 0.66871177, 0.21828123, 0.79702615, 0.47127075, 0.93201819, 0.82634642, 0.91928807, 0.68807918];
    sk.forEach((v, i) => expect(pred[i]).toBeCloseTo(v, 5));
  });

  it('ridge regression (alpha=1)', async () => {
    const data = tiny([1.5, 2.0, 4.1, 3.9, 6.2, 5.8, 8.1, 7.7, 10.2, 9.8]);
    const pred = (await linearFamily.fit(data, TASKS.regression, params(), { seed: 0 })).predict(data);
    const sk = [1.91938601, 2.35122758, 4.3435977, 4.01826587, 5.7203918, 6.12490647, 8.02257228, 7.9780572, 9.49407069, 9.3275244];
    sk.forEach((v, i) => expect(pred[i]).toBeCloseTo(v, 5));
  });

  it('softmax regression (multinomial, C=1)', async () => {
    const data = tiny([0, 0, 1, 1, 2, 2, 0, 1, 2, 2]);
    const pred = (await linearFamily.fit(data, TASKS.multiclass, params(), { seed: 0 })).predict(data);
    // newton-cg (scikit-learn's lbfgs stops ~1e-5 short of this optimum on these rows)
    const sk = [0.69224977, 0.24399916, 0.06375107, 0.42542812, 0.39675465, 0.17781723, 0.37795709, 0.37079145, 0.25125146];
    sk.forEach((v, i) => expect(pred[i]).toBeCloseTo(v, 5));
  });
});

/** y depends on `signal` only; `noise` is pure noise; `gappy` is missing exactly when y = 1 for half the rows. */
function signalData(n: number, seed: number, positiveRate = 0.5): Dataset {
  const rand = rng(seed);
  const signal = new Float64Array(n), noise = new Float64Array(n), gappy = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    signal[i] = rand() * 4 - 2;
    noise[i] = rand() * 4 - 2;
    const logit = 2.5 * signal[i] + Math.log(positiveRate / (1 - positiveRate));
    y[i] = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    gappy[i] = y[i] === 1 && rand() < 0.5 ? NaN : rand();
  }
  const features: FeatureSpec[] = [
    { name: 'signal', kind: 'numeric' }, { name: 'noise', kind: 'numeric' }, { name: 'gappy', kind: 'numeric' },
  ];
  return { features, nRows: n, columns: [signal, noise, gappy], y };
}

describe('linear family behaviour', () => {
  const task: TaskInfo = TASKS.binary;

  it('ranks the informative column above noise, and uses missingness as a signal', async () => {
    const data = signalData(400, 1);
    const fitted = await linearFamily.fit(data, task, params(), { seed: 0 });
    const imp = fitted.featureImportance!();
    expect(imp[0]).toBeGreaterThan(5 * imp[1]);
    expect(imp[2]).toBeGreaterThan(imp[1]); // only through the missing-indicator column
    expect(computeMetric('roc_auc', task, data.y!, fitted.predict(data))).toBeGreaterThan(0.85);
  });

  it('a column that is constant when filled in still tells through its gaps', async () => {
    const data = signalData(300, 7);
    const flag = Float64Array.from(data.columns[2], (v) => (Number.isNaN(v) ? NaN : 1));
    const only: Dataset = { features: [{ name: 'flag', kind: 'numeric' }], nRows: data.nRows, columns: [flag], y: data.y };
    const fitted = await linearFamily.fit(only, task, params(), { seed: 0 });
    expect(computeMetric('roc_auc', task, data.y!, fitted.predict(only))).toBeGreaterThan(0.65);
  });

  it('is unaffected by a column\'s units or offset (e.g. a date stored as milliseconds)', async () => {
    const data = signalData(300, 8);
    const shifted: Dataset = { ...data, columns: [data.columns[0].map((v) => v * 1e3 + 1.7e12), data.columns[1], data.columns[2]] };
    const a = (await linearFamily.fit(data, task, params({ tol: 1e-8 }), { seed: 0 })).predict(data);
    const b = (await linearFamily.fit(shifted, task, params({ tol: 1e-8 }), { seed: 0 })).predict(shifted);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
  });

  it('a strong L1 penalty zeroes the noise column exactly', async () => {
    const data = signalData(400, 2);
    const fitted = await linearFamily.fit(data, task, params({ l1: 40 }), { seed: 0 });
    const imp = fitted.featureImportance!();
    expect(imp[1]).toBe(0);
    expect(imp[0]).toBeGreaterThan(0);
  });

  it('a rare word flag is shrunk like a one-hot level, not blown up by standardising', async () => {
    // 'rare' is set in 2% of rows and unrelated to the target: its fitted effect is noise.
    const base = signalData(600, 4);
    const r = rng(11);
    const rare = Float64Array.from({ length: base.nRows }, () => (r() < 0.02 ? 1 : 0));
    const effect = async (indicator: boolean) => {
      const data: Dataset = { ...base, features: [base.features[0], { name: 'note contains "rare"', kind: 'numeric', indicator }], columns: [base.columns[0], rare] };
      const fitted = await linearFamily.fit(data, task, params(), { seed: 0 });
      const probe = (flag: number): Dataset => ({ features: data.features, nRows: 1, columns: [Float64Array.of(0), Float64Array.of(flag)] });
      const logit = (p: number) => Math.log(p / (1 - p));
      return Math.abs(logit(fitted.predict(probe(1))[0]) - logit(fitted.predict(probe(0))[0]));
    };
    const flagged = await effect(true);
    const standardised = await effect(false);
    expect(flagged).toBeLessThan(0.7 * standardised);
  });

  it('stronger L2 shrinks predictions toward the base rate', async () => {
    const data = signalData(300, 3);
    const spread = async (l2: number) => {
      const p = (await linearFamily.fit(data, task, params({ l2 }), { seed: 0 })).predict(data);
      return Math.max(...p) - Math.min(...p);
    };
    expect(await spread(1000)).toBeLessThan((await spread(0.01)) * 0.7);
  });

  it("classWeight 'balanced' raises the predicted rate of a rare class", async () => {
    const data = signalData(1000, 4, 0.01);
    const rate = data.y!.reduce((a, b) => a + b, 0) / data.nRows;
    expect(rate).toBeLessThan(0.2);
    const mean = (p: Float64Array) => p.reduce((a, b) => a + b, 0) / p.length;
    const plain = mean((await linearFamily.fit(data, task, params(), { seed: 0 })).predict(data));
    const balanced = mean((await linearFamily.fit(data, task, params({ classWeight: 'balanced' }), { seed: 0 })).predict(data));
    expect(plain).toBeCloseTo(rate, 2); // unweighted logistic regression reproduces the base rate
    expect(balanced).toBeGreaterThan(2 * plain);
  });

  it('reports progress and stops with CancelledError when aborted mid-fit', async () => {
    const data = signalData(2000, 5);
    const controller = new AbortController();
    const fractions: number[] = [];
    let err: unknown;
    try {
      await linearFamily.fit(data, task, params({ tol: 0 }), {
        seed: 0, signal: controller.signal,
        onProgress: (p) => { fractions.push(p.fraction); if (fractions.length === 3) controller.abort(); },
      });
    } catch (e) { err = e; }
    expect(isCancelled(err)).toBe(true);
    expect(fractions.length).toBe(3);
    expect(fractions[2]).toBeGreaterThan(fractions[0]);
  });

  it('hands control back during a fit, so a Stop from elsewhere (a timer, a message) takes effect', async () => {
    const data = signalData(2000, 6);
    const controller = new AbortController();
    setImmediate(() => controller.abort()); // runs only if fit yields to the event loop
    let err: unknown;
    try {
      await linearFamily.fit(data, task, params({ tol: 0 }), { seed: 0, signal: controller.signal });
    } catch (e) { err = e; }
    expect(isCancelled(err)).toBe(true);
  });

  it('with bins, learns an effect that is not a straight line (risk high at both ends) and keeps it through a save', async () => {
    const r = rng(5);
    const n = 600;
    const x = Float64Array.from({ length: n }, () => r() * 10 - 5);
    const noise = Float64Array.from({ length: n }, () => r());
    const y = Float64Array.from(x, (v) => (Math.abs(v) + (r() - 0.5) * 3 > 2.5 ? 1 : 0));
    x[7] = NaN; // a missing value has no bin
    const data: Dataset = { features: [{ name: 'x', kind: 'numeric' }, { name: 'noise', kind: 'numeric' }], nRows: n, columns: [x, noise], y };
    const auc = async (bins: number) => {
      const fitted = await linearFamily.fit(data, task, params({ bins }), { seed: 0 });
      return { fitted, auc: computeMetric('roc_auc', task, y, fitted.predict(data)) };
    };
    const straight = await auc(0);
    const bent = await auc(8);
    expect(straight.auc).toBeLessThan(0.65);
    expect(bent.auc).toBeGreaterThan(0.8);
    const imp = bent.fitted.featureImportance!();
    expect(imp[0]).toBeGreaterThan(3 * imp[1]);
    const json = JSON.parse(JSON.stringify(bent.fitted.toJSON()));
    expect(Array.from((await linearFamily.fromJSON(json)).predict(data))).toEqual(Array.from(bent.fitted.predict(data)));
    json.recipe.steps.find((st: { kind: string }) => st.kind === 'bins').edges.reverse();
    await expect(linearFamily.fromJSON(json)).rejects.toThrow(/damaged/);
  });

  it('refuses a saved model whose numbers were tampered with', async () => {
    const data = tiny([0, 0, 1, 0, 1, 0, 1, 1, 1, 1]);
    const json = JSON.parse(JSON.stringify((await linearFamily.fit(data, task, params(), { seed: 0 })).toJSON()));
    await expect(linearFamily.fromJSON(json)).resolves.toBeTruthy();
    json.recipe.steps[0].std = null;
    await expect(linearFamily.fromJSON(json)).rejects.toThrow(/damaged/);
  });

  it('codes outside the training levels count as "no level" and stay finite', async () => {
    const data = tiny([0, 0, 1, 0, 1, 0, 1, 1, 1, 1]);
    const fitted = await linearFamily.fit(data, task, params(), { seed: 0 });
    const odd: Dataset = { features: FEATURES, nRows: 3, columns: [f([1, 2, 3]), f([NaN, 1, 2]), f([7, -1, 1.5])] };
    for (const v of fitted.predict(odd)) expect(v > 0 && v < 1).toBe(true);
  });

  it('a class absent from the training rows gets a tiny but valid probability', async () => {
    const data = tiny([0, 0, 1, 1, 0, 0, 1, 1, 0, 1]); // class 2 of 3 never appears
    const pred = (await linearFamily.fit(data, TASKS.multiclass, params(), { seed: 0 })).predict(data);
    for (let i = 0; i < 10; i++) {
      expect(pred[i * 3 + 2]).toBeLessThan(0.01);
      expect(pred[i * 3] + pred[i * 3 + 1] + pred[i * 3 + 2]).toBeCloseTo(1, 9);
    }
  });
});

function f(xs: number[]): Float64Array {
  return Float64Array.from(xs);
}
