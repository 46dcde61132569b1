import { describe, expect, it } from 'vitest';
import { loadTf } from '../../electron/engine/tf/backend.ts';
import { mlpAvailable, mlpFamily, type MlpParams, type MlpFitted } from '../../electron/engine/models/mlp/index.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../../electron/engine/models/types.ts';
import { CancelledError, UserError } from '../../electron/engine/util/errors.ts';

// Small synthetic problems that a linear model cannot solve, so passing means the network really learned.

const BIN: TaskInfo = { task: 'binary', nClasses: 2 };
const MULTI: TaskInfo = { task: 'multiclass', nClasses: 3 };
const REG: TaskInfo = { task: 'regression', nClasses: 1 };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** a, b uniform in [-1, 1], c a 4-level category; label depends on sign(a·b) and c. */
function makeData(n: number, seed: number, label: (a: number, b: number, c: number) => number): Dataset {
  const r = rng(seed);
  const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = r() * 2 - 1;
    b[i] = r() * 2 - 1;
    c[i] = Math.floor(r() * 4);
    y[i] = label(a[i], b[i], c[i]);
  }
  const features: FeatureSpec[] = [
    { name: 'a', kind: 'numeric' },
    { name: 'b', kind: 'numeric' },
    { name: 'c', kind: 'categorical', categories: ['p', 'q', 'r', 's'] },
  ];
  return { features, nRows: n, columns: [a, b, c], y };
}

const xorLabel = (a: number, b: number, c: number) => ((a * b > 0) !== (c === 3) ? 1 : 0);

function params(task: TaskInfo, n: number, over: Partial<MlpParams> = {}): MlpParams {
  return { ...mlpFamily.defaults(task, { nRows: n, nFeatures: 3 }), layers: [32, 32], epochs: 30, patience: 30, batchSize: 64, learningRate: 3e-3, dropout: 0, weightDecay: 0, ...over };
}

function accuracy(pred: Float64Array, y: Float64Array, k: number): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    if (k === 2) best = pred[i] > 0.5 ? 1 : 0;
    else for (let j = 1; j < k; j++) if (pred[i * k + j] > pred[i * k + best]) best = j;
    ok += best === y[i] ? 1 : 0;
  }
  return ok / y.length;
}

describe('mlp family', () => {
  it('trains on WebAssembly here, never the slow pure-JS backend', async () => {
    const a = await mlpAvailable();
    expect(a.ok).toBe(true);
    expect(['wasm', 'tensorflow']).toContain(a.backend);
  });

  it('learns a nonlinear binary rule (XOR of signs, flipped by one category) with embeddings', async () => {
    const train = makeData(1000, 1, xorLabel), test = makeData(500, 2, xorLabel);
    const f = await mlpFamily.fit(train, BIN, params(BIN, 1000, { embeddingDim: 4 }), { seed: 7 });
    const acc = accuracy(f.predict(test), test.y!, 2);
    expect(acc).toBeGreaterThan(0.9); // a linear model gets ~0.5 here
    f.dispose?.();
  });

  it('learns the same rule with one-hot categories and batch norm + gelu', async () => {
    const train = makeData(1000, 3, xorLabel), test = makeData(500, 4, xorLabel);
    const f = await mlpFamily.fit(train, BIN, params(BIN, 1000, { embeddingDim: 'onehot', batchNorm: true, activation: 'gelu' }), { seed: 7 });
    expect(accuracy(f.predict(test), test.y!, 2)).toBeGreaterThan(0.9);
    f.dispose?.();
  });

  it('multiclass: probabilities sum to one and classes are learned', async () => {
    const label = (a: number, b: number) => (a * b > 0.1 ? 2 : a * b < -0.1 ? 0 : 1);
    const train = makeData(1000, 5, label), test = makeData(500, 6, label);
    const f = await mlpFamily.fit(train, MULTI, params(MULTI, 1000), { seed: 1 });
    const p = f.predict(test);
    expect(p.length).toBe(500 * 3);
    for (let i = 0; i < 500; i++) expect(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2]).toBeCloseTo(1, 5);
    expect(accuracy(p, test.y!, 3)).toBeGreaterThan(0.8);
    f.dispose?.();
  });

  it('regression: predicts a nonlinear target in its own units', async () => {
    const label = (a: number, b: number, c: number) => 1000 + 300 * Math.sin(3 * a) * b + 50 * c;
    const train = makeData(1000, 7, label), test = makeData(500, 8, label);
    const f = await mlpFamily.fit(train, REG, params(REG, 1000, { epochs: 40 }), { seed: 1 });
    const p = f.predict(test);
    const y = test.y!;
    let mean = 0;
    for (const v of y) mean += v / y.length;
    let ssr = 0, sst = 0;
    for (let i = 0; i < y.length; i++) {
      ssr += (y[i] - p[i]) ** 2;
      sst += (y[i] - mean) ** 2;
    }
    expect(1 - ssr / sst).toBeGreaterThan(0.9);
    f.dispose?.();
  });

  it('is deterministic for a seed (dropout included) and differs across seeds', async () => {
    const train = makeData(400, 9, xorLabel);
    const p = params(BIN, 400, { epochs: 3, dropout: 0.2 });
    const f1 = await mlpFamily.fit(train, BIN, p, { seed: 5 });
    const f2 = await mlpFamily.fit(train, BIN, p, { seed: 5 });
    const f3 = await mlpFamily.fit(train, BIN, p, { seed: 6 });
    const a = f1.predict(train), b = f2.predict(train), c = f3.predict(train);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    [f1, f2, f3].forEach((f) => f.dispose?.());
  });

  it('early stopping restores the best epoch and reports progress every epoch', async () => {
    // Pure-noise labels: validation loss stops improving quickly while the net keeps memorising.
    const coin = rng(99);
    const noise = () => (coin() < 0.5 ? 1 : 0);
    const train = makeData(300, 10, noise), valid = makeData(300, 11, noise);
    const fractions: number[] = [];
    const f = (await mlpFamily.fit(train, BIN, params(BIN, 300, { epochs: 200, patience: 3, layers: [64, 64] }), {
      seed: 1,
      valid,
      onProgress: (e) => fractions.push(e.fraction),
    })) as MlpFitted;
    expect(f.info.epochsRun).toBeLessThan(200);
    expect(f.info.bestEpoch).toBe(f.info.epochsRun - 3);
    expect(fractions.length).toBe(f.info.epochsRun);
    expect(f.info.bestValidLoss).toBeGreaterThan(0);
    f.dispose?.();
  });

  it('a few rows (fast JS path) get the same predictions as the same rows in a large batch', async () => {
    const train = makeData(200, 18, xorLabel);
    const head = (d: Dataset, n: number): Dataset => ({ features: d.features, nRows: n, columns: d.columns.map((c) => c.slice(0, n)) });
    for (const activation of ['relu', 'gelu', 'selu', 'tanh', 'swish'] as const) {
      for (const task of [BIN, MULTI, REG]) {
        const data = task === MULTI ? makeData(200, 18, (a, b) => (a > 0 ? (b > 0 ? 2 : 1) : 0)) : train;
        const over = { epochs: 1, activation, batchNorm: activation !== 'relu', layers: [16, 8], numericScaling: activation === 'tanh' ? ('quantile' as const) : ('standard' as const) };
        const f = await mlpFamily.fit(data, task, params(task, 200, over), { seed: 2 });
        const small = f.predict(head(data, 3));
        const big = f.predict(data);
        const scale = task === REG ? 1 + Math.abs(big[0]) : 1;
        for (let i = 0; i < small.length; i++) expect(Math.abs(small[i] - big[i])).toBeLessThan(2e-5 * scale);
        f.dispose?.();
      }
    }
  });

  it('JSON round trip predicts identically, also after JSON.stringify', async () => {
    const train = makeData(400, 12, xorLabel);
    for (const numericScaling of ['standard', 'quantile'] as const) {
      const f = await mlpFamily.fit(train, BIN, params(BIN, 400, { epochs: 2, batchNorm: true, numericScaling }), { seed: 1 });
      const g = await mlpFamily.fromJSON(JSON.parse(JSON.stringify(f.toJSON())));
      expect(Array.from(g.predict(train))).toEqual(Array.from(f.predict(train)));
      f.dispose?.();
      g.dispose?.();
    }
  });

  it('exports a standard tfjs layers model that plain TensorFlow.js loads with the same predictions', async () => {
    const { tf } = await loadTf();
    for (const over of [{ batchNorm: true, activation: 'selu' as const }, { embeddingDim: 'onehot' as const }]) {
      for (const task of [BIN, REG]) {
        const train = makeData(300, 13, task === REG ? (a, b) => 10 * a + b : xorLabel);
        const f = (await mlpFamily.fit(train, task, params(task, 300, { epochs: 2, dropout: 0.1, ...over }), { seed: 1 })) as MlpFitted;
        const { modelJson, weightsBin } = await f.toTfjsArtifacts();
        // Load exactly what model.json + weights.bin on disk would hold.
        const manifest = modelJson.weightsManifest as { paths: string[]; weights: never[] }[];
        expect(manifest[0].paths).toEqual(['weights.bin']);
        // Only standard layer classes: the custom-gradient training trick must not leak into the export.
        const layers = (modelJson.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers;
        const standard = ['InputLayer', 'Embedding', 'Flatten', 'Concatenate', 'Dense', 'BatchNormalization', 'Activation', 'Dropout'];
        for (const l of layers) expect(standard).toContain(l.class_name);
        const model = await tf.loadLayersModel(
          tf.io.fromMemory({ modelTopology: modelJson.modelTopology as object, weightSpecs: manifest[0].weights, weightData: weightsBin.slice().buffer }),
        );
        const inp = f.prepare(train);
        const ins = [tf.tensor2d(inp.x, [inp.n, inp.x.length / inp.n])];
        if (inp.cats) ins.push(tf.tensor2d(inp.cats, [inp.n, inp.cats.length / inp.n], 'int32'));
        const outT = model.predict(ins.length === 1 ? ins[0] : ins) as import('@tensorflow/tfjs').Tensor;
        const got = outT.dataSync();
        const want = f.predict(train);
        const scale = task === REG ? 10 : 1;
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4 * scale);
        tf.dispose([outT, ...ins]);
        model.dispose();
        f.dispose?.();
      }
    }
  });

  it('leaves no tensor behind after fit + predict + export + dispose, with batch norm and embeddings', async () => {
    const { tf } = await loadTf();
    const train = makeData(300, 14, xorLabel);
    const before = tf.memory().numTensors;
    for (const batchNorm of [false, true]) {
      const f = (await mlpFamily.fit(train, BIN, params(BIN, 300, { epochs: 2, batchNorm, dropout: 0.1, weightDecay: 1e-3 }), { seed: 1, valid: train })) as MlpFitted;
      f.predict(train);
      await f.toTfjsArtifacts();
      f.dispose();
      f.dispose(); // safe twice
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with CancelledError when aborted mid-training, without leaking tensors', async () => {
    const { tf } = await loadTf();
    const train = makeData(2000, 15, xorLabel);
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const t0 = Date.now();
    await expect(mlpFamily.fit(train, BIN, params(BIN, 2000, { epochs: 10_000, batchSize: 32 }), { seed: 1, signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad settings, mismatched columns and damaged files with plain UserErrors', async () => {
    const train = makeData(100, 16, xorLabel);
    await expect(mlpFamily.fit(train, BIN, params(BIN, 100, { layers: [0] }), { seed: 1 })).rejects.toBeInstanceOf(UserError);
    await expect(mlpFamily.fit(train, BIN, params(BIN, 100, { activation: 'nope' as never }), { seed: 1 })).rejects.toBeInstanceOf(UserError);
    const f = await mlpFamily.fit(train, BIN, params(BIN, 100, { epochs: 1 }), { seed: 1 });
    expect(() => f.predict({ ...train, features: train.features.slice(0, 2), columns: train.columns.slice(0, 2) })).toThrow(UserError);
    const json = f.toJSON() as unknown as { weights: { data: string }[] };
    const broken = { ...json, weights: json.weights.map((w, i) => (i === 1 ? { ...w, data: 'AAAA' } : w)) };
    await expect(mlpFamily.fromJSON(broken as never)).rejects.toBeInstanceOf(UserError);
    await expect(mlpFamily.fromJSON({ family: 'mlp', formatVersion: 99 })).rejects.toBeInstanceOf(UserError);
    f.dispose?.();
  });

  it('handles missing values, unseen categories and extreme numbers with finite predictions', async () => {
    const train = makeData(300, 17, xorLabel);
    train.columns[0][0] = NaN;
    train.columns[1][1] = 1e300;
    train.columns[2][2] = NaN;
    const f = await mlpFamily.fit(train, BIN, params(BIN, 300, { epochs: 2 }), { seed: 1 });
    const test: Dataset = {
      features: train.features,
      nRows: 4,
      columns: [Float64Array.of(NaN, 1e300, -Infinity, 0.5), Float64Array.of(0, -1e300, Infinity, NaN), Float64Array.of(NaN, 7, 1.5, -1)],
    };
    const p = f.predict(test);
    for (const v of p) expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true);
    f.dispose?.();
  });
});
