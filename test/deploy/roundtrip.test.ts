// Save -> load -> predict gives the same numbers, bit for bit, for every family and for ensembles
// (weighted, bag, nested with a network), on binary, multiclass and regression, as a folder and as one
// .augur file; and the package keeps everything else the bundle held.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { predictTable, type ModelBundle } from '../../electron/engine/deploy/bundle.ts';
import { loadPackage, savePackage, writeAugurFile } from '../../electron/engine/deploy/package.ts';
import { bundleOf, fitComposite, fitFamily, prepared, tempDir, type TaskName } from './helpers.ts';

const dir = tempDir('augur-roundtrip-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MODELS = ['baseline', 'linear', 'gbdt', 'random_forest', 'extra_trees', 'mlp', 'bag', 'weighted', 'nested', 'calibrated'] as const;
const TASKS: TaskName[] = ['binary', 'multiclass', 'regression'];

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('save -> load -> predict', () => {
  for (const task of TASKS) {
    it(`${task}: every family and every kind of ensemble predicts exactly as before, from the folder and from the .augur file`, async () => {
      const { table, prep } = prepared(task);
      const failures: string[] = [];
      for (const name of MODELS) {
        if (name === 'calibrated' && task === 'regression') continue; // amounts are never calibrated
        const fitted = name === 'bag' || name === 'weighted' || name === 'nested' || name === 'calibrated' ? await fitComposite(name, prep) : await fitFamily(name, prep);
        const bundle = bundleOf(fitted, table, prep);
        const out = path.join(dir, `${task}-${name}`);
        await savePackage(out, bundle);
        await writeAugurFile(out, `${out}.augur`);
        const want = predictTable(bundle, table);
        for (const from of [out, `${out}.augur`]) {
          const back = await loadPackage(from);
          if (!same(predictTable(back, table), want)) failures.push(`${name} from ${path.basename(from)}`);
          // The pure loader (what a web page would run: networks in plain JS) agrees to float32 rounding.
          const pure = await loadPackage(from, { loader: 'pure' });
          const got = predictTable(pure, table);
          if (!got.every((v, i) => Math.abs(v - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])))) failures.push(`${name} (pure) from ${path.basename(from)}`);
          back.fitted.dispose?.();
        }
        fitted.dispose?.();
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('what a package keeps', () => {
  it('the manifest, schema, settings, fingerprint, scores, slots and arrays come back as saved', async () => {
    const { table, prep } = prepared('binary');
    const bundle: ModelBundle = {
      ...bundleOf(await fitFamily('gbdt', prep), table, prep),
      postprocess: {
        threshold: 0.35,
        calibration: { kind: 'isotonic', formatVersion: 1, x: [0, 0.5, 1], y: [0.05, 0.4, 0.9] },
        conformal: { kind: 'set', formatVersion: 1, coverage: 0.9, method: 'lac', threshold: 0.2, classes: 2 },
      },
      reference: { columns: [{ name: 'size', mean: 50 }] },
      evaluation: { slices: [] },
      run: {
        version: 1, seed: 0, metric: 'roc_auc', budgetS: 10, elapsedS: 9.5, plan: { kind: 'kfold', seed: 1, options: { k: 5 }, folds: 5 },
        trials: [{ number: 0, family: 'gbdt', space: { family: 'gbdt' }, params: { nRounds: 20 }, seed: 3, balance: false, state: 'done', score: 0.8, fitS: 0.2 }],
        chosen: { kind: 'trials', members: [{ trial: 0, weight: 1 }] },
      },
    };
    bundle.metrics.test = { rows: 60, roc_auc: 0.81, accuracy: 0.75 };
    const out = path.join(dir, 'keeps');
    await savePackage(out, bundle, { created: new Date('2026-01-02T03:04:05.000Z') });
    const back = await loadPackage(out);
    expect(back.made).toEqual({ appVersion: expect.stringMatching(/^\d+\.\d+\.\d+/), created: '2026-01-02T03:04:05.000Z', formatVersion: 1 });
    expect(back.target).toEqual(JSON.parse(JSON.stringify(prep.target)));
    expect(back.taskInfo).toEqual(prep.taskInfo);
    expect(back.settings).toEqual({ target: 'outcome', ignore: [], typeOverrides: {} });
    expect(back.schema).toEqual(bundle.schema);
    expect(back.schema.columns.map((c) => [c.name, c.role])).toEqual([
      ['customer id', 'ignored'], ['size', 'feature'], ['colour', 'feature'], ['member', 'feature'], ['ordered', 'feature'], ['note', 'feature'], ['outcome', 'target'],
    ]);
    expect(back.schema.columns.find((c) => c.name === 'member')).toMatchObject({ type: 'boolean', labels: ['No', 'Yes'], storage: { kind: 'str' } });
    expect(back.fingerprint).toEqual(bundle.fingerprint);
    expect(back.fingerprint).toMatchObject({ rows: 240, columns: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(back.metrics).toEqual(bundle.metrics);
    expect(back.postprocess).toEqual(bundle.postprocess);
    expect(back.reference).toEqual(bundle.reference);
    expect(back.evaluation).toEqual(bundle.evaluation);
    expect(back.run).toEqual(bundle.run);
    for (const [k, a] of Object.entries(bundle.arrays!)) {
      expect(back.arrays![k].constructor).toBe(a.constructor);
      expect(Array.from(back.arrays![k])).toEqual(Array.from(a));
    }
    expect(back.encoder.toJSON()).toEqual(JSON.parse(JSON.stringify(prep.encoder.toJSON())));
    // The model card says what it predicts, from which columns, how good, and how it was made.
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(card).toContain('# A model that predicts "outcome": one of 2 answers ("stayed", "left")');
    expect(card).toContain('from 240 rows and 7 columns');
    expect(card).toMatch(/size \(numeric\), colour \(categorical\)/);
    expect(card).toContain('Not used: customer id.');
    expect(card).toContain('On 60 held-out rows it never saw');
    expect(card).toContain('## Where it is weak');
    expect(card).toContain('kept gradient-boosted trees');
    back.fitted.dispose?.();
  });

  it('the same bundle and date give the same bytes (folder files and .augur)', async () => {
    const { table, prep } = prepared('multiclass');
    const bundle = bundleOf(await fitComposite('weighted', prep), table, prep);
    const created = new Date('2026-03-04T05:06:07.000Z');
    const a = path.join(dir, 'det-a.augur'), b = path.join(dir, 'det-b.augur');
    await writeAugurFile(bundle, a, { created });
    await writeAugurFile(bundle, b, { created });
    expect(Buffer.compare(fs.readFileSync(a), fs.readFileSync(b))).toBe(0);
  });

  it('a network is stored as a standard TensorFlow.js Layers model that plain tf.loadLayersModel reads', async () => {
    const { loadTf } = await import('../../electron/engine/tf/backend.ts');
    const { tf } = await loadTf();
    const { table, prep } = prepared('binary');
    const fitted = await fitFamily('mlp', prep);
    const out = path.join(dir, 'net');
    await savePackage(out, bundleOf(fitted, table, prep));
    const modelJson = JSON.parse(fs.readFileSync(path.join(out, 'model', 'm0', 'model.json'), 'utf8'));
    const weights = fs.readFileSync(path.join(out, 'model', 'm0', 'weights.bin'));
    const m = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: new Uint8Array(weights).buffer }));
    const input = (fitted as import('../../electron/engine/models/mlp/fitted.ts').MlpFitted).prepare(prep.encoder.encode(table));
    const x = [tf.tensor2d(input.x, [input.n, input.x.length / input.n]), tf.tensor2d(input.cats!, [input.n, input.cats!.length / input.n], 'int32')];
    const outT = m.predict(x) as import('@tensorflow/tfjs').Tensor;
    const got = outT.dataSync();
    const want = predictTable({ encoder: prep.encoder, fitted }, table);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    tf.dispose([outT, ...x]);
    m.dispose();
    fitted.dispose?.();
  });

  it('saving over an older package replaces it; a file or a folder of other files is never replaced', async () => {
    const { table, prep } = prepared('regression');
    const out = path.join(dir, 'replace');
    await savePackage(out, bundleOf(await fitFamily('linear', prep), table, prep));
    await savePackage(out, bundleOf(await fitFamily('gbdt', prep), table, prep));
    expect((await loadPackage(out)).fitted.family).toBe('gbdt');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('replace.'))).toEqual([]);
    const other = path.join(dir, 'photos');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'cat.jpg'), 'meow');
    await expect(savePackage(other, bundleOf(await fitFamily('linear', prep), table, prep))).rejects.toThrow(/already holds other files/);
    expect(fs.readdirSync(other)).toEqual(['cat.jpg']);
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, 'x');
    await expect(savePackage(file, bundleOf(await fitFamily('linear', prep), table, prep))).rejects.toThrow(/is a file/);
  });
});
