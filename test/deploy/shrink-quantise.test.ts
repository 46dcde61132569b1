// The 8-bit network: the package stores a quantised network's weights in one byte each, in tfjs's own
// weight-manifest format (so plain tf.loadLayersModel reads it), predictions stay within a stated
// tolerance of the float32 network, saving a loaded quantised package again gives the same bytes, and
// our reader refuses a damaged quantisation block in one sentence.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { predictTable } from '../../electron/engine/deploy/bundle.ts';
import { PackageDamagedError } from '../../electron/engine/deploy/errors.ts';
import { loadPackage, savePackage } from '../../electron/engine/deploy/package.ts';
import { quantiseModel } from '../../electron/engine/deploy/shrink/quantize.ts';
import { dequantizeUint8, exactUint8, quantizeUint8, roundToUint8 } from '../../electron/engine/models/mlp/quantize.ts';
import { mulberry32 } from '../../electron/engine/util/random.ts';
import { bundleOf, edit, fitComposite, fitFamily, json, prepared, readFolder, tempDir, writeFolder } from './helpers.ts';

const dir = tempDir('augur-shrink-q-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Largest gap between two prediction vectors (probabilities or amounts). */
const maxGap = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('the 8-bit grid', () => {
  it('keeps zero, stays within half a step, and is exact in float32 so quantising twice changes nothing', () => {
    const rand = mulberry32(3);
    const v = Float32Array.from({ length: 5000 }, () => (rand() - 0.3) * 0.8);
    v[17] = 0;
    const { codes, q } = quantizeUint8(v);
    const back = dequantizeUint8(codes, q);
    expect(back[17]).toBe(0);
    const range = Math.max(...v) - Math.min(...v);
    // the power-of-two step is at most twice the converter's (max - min) / 255
    expect(q.scale).toBeLessThanOrEqual((2 * range) / 255);
    for (let i = 0; i < v.length; i++) expect(Math.abs(back[i] - v[i])).toBeLessThanOrEqual(q.scale / 2 + 1e-9);
    expect(exactUint8(v)).toBeUndefined(); // float weights are not on the grid
    const again = exactUint8(back);
    expect(again && Array.from(dequantizeUint8(again.codes, again.q))).toEqual(Array.from(back));
    expect(Array.from(roundToUint8(back))).toEqual(Array.from(back));
    // a constant tensor (a bias of zeros) needs no range at all
    expect(Array.from(roundToUint8(new Float32Array(4).fill(0.25)))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe('a quantised network in the package', () => {
  it('weights.bin shrinks 4x, predictions stay within 0.02 (probability) of the float network, and it loads and saves again byte for byte', async () => {
    const { table, prep } = prepared('binary', 400);
    const fitted = await fitFamily('mlp', prep);
    const plain = path.join(dir, 'float');
    await savePackage(plain, bundleOf(fitted, table, prep));
    const { fitted: q, report } = await quantiseModel(fitted);
    expect(report.networks).toBe(1);
    const small = path.join(dir, 'uint8');
    await savePackage(small, bundleOf(q, table, prep), { created: new Date('2025-01-01T00:00:00Z') });
    const w32 = fs.statSync(path.join(plain, 'model/m0/weights.bin')).size;
    const w8 = fs.statSync(path.join(small, 'model/m0/weights.bin')).size;
    expect(w32 / w8).toBe(4);
    const spec = json(fs.readFileSync(path.join(small, 'model/m0/model.json'))).weightsManifest[0].weights[0];
    expect(spec.quantization).toMatchObject({ dtype: 'uint8' });

    const want = predictTable({ encoder: prep.encoder, fitted }, table);
    const back = await loadPackage(small);
    const got = predictTable(back, table);
    expect(maxGap(got, want)).toBeLessThan(0.02);
    expect(maxGap(got, predictTable({ encoder: prep.encoder, fitted: q }, table))).toBe(0); // the package holds exactly the quantised network
    const pure = await loadPackage(small, { loader: 'pure' });
    expect(maxGap(predictTable(pure, table), got)).toBeLessThan(1e-5);

    // saved again from the loaded bundle: still 8 bits, the same bytes
    const again = path.join(dir, 'again');
    await savePackage(again, back, { created: new Date('2025-01-01T00:00:00Z') });
    for (const f of ['model/m0/weights.bin', 'model/m0/model.json']) {
      expect(Buffer.compare(fs.readFileSync(path.join(small, f)), fs.readFileSync(path.join(again, f)))).toBe(0);
    }

    // plain TensorFlow.js reads the same files to the same numbers
    const { loadTf } = await import('../../electron/engine/tf/backend.ts');
    const { tf } = await loadTf();
    const modelJson = json(fs.readFileSync(path.join(small, 'model/m0/model.json')));
    const bin = fs.readFileSync(path.join(small, 'model/m0/weights.bin'));
    const m = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: new Uint8Array(bin).buffer }));
    const input = (q as import('../../electron/engine/models/mlp/fitted.ts').MlpFitted).prepare(prep.encoder.encode(table));
    const x = [tf.tensor2d(input.x, [input.n, input.x.length / input.n]), tf.tensor2d(input.cats!, [input.n, input.cats!.length / input.n], 'int32')];
    const outT = m.predict(x) as import('@tensorflow/tfjs').Tensor;
    const tfOut = Float64Array.from(outT.dataSync());
    expect(maxGap(tfOut, got)).toBeLessThan(1e-5);
    tf.dispose([outT, ...x]);
    m.dispose();
    for (const f of [fitted, q, back.fitted]) f.dispose?.();
  });

  it('an ensemble with a network keeps its structure; tree leaves are rounded, not the thresholds', async () => {
    const { table, prep } = prepared('regression', 300);
    const fitted = await fitComposite('nested', prep);
    const { fitted: q, report } = await quantiseModel(fitted);
    expect(report).toMatchObject({ networks: 1, treeModels: 2 });
    expect(q.members?.length).toBe(3);
    const a = predictTable({ encoder: prep.encoder, fitted }, table);
    const b = predictTable({ encoder: prep.encoder, fitted: q }, table);
    // amounts around 100 with a spread of ~10: within 1 % of the spread
    expect(maxGap(a, b)).toBeLessThan(0.1);
    const tj = (f: typeof fitted) => (f.members![0].members![0].toJSON() as any).trees;
    expect(tj(q).threshold).toEqual(tj(fitted).threshold);
    expect(tj(q).value.every((v: number) => String(Math.abs(v)).replace(/^0\.0*|\.|e.*$/g, '').length <= 7)).toBe(true);
    fitted.dispose?.();
    q.dispose?.();
  });
});

describe('our reader refuses a damaged quantisation block', () => {
  it('each damage is refused with the one sentence', async () => {
    const { table, prep } = prepared('binary', 200);
    const fitted = await fitFamily('mlp', prep);
    const { fitted: q } = await quantiseModel(fitted);
    const good = path.join(dir, 'good');
    await savePackage(good, bundleOf(q, table, prep));
    const files = readFolder(good);
    const MJ = 'model/m0/model.json';
    const spec = (f: (s: any) => void) => (m: any) => {
      f(m.weightsManifest[0].weights[0]);
      return m;
    };
    // each damage with the check that must catch it (the schema, the reader's own block check, the byte count, the finite check)
    const cases: Record<string, [Map<string, Uint8Array>, RegExp]> = {
      'unknown dtype': [edit(files, MJ, spec((s) => (s.quantization.dtype = 'int4'))), /quantization\/dtype/],
      'uint16 (not what Augur writes)': [edit(files, MJ, spec((s) => (s.quantization.dtype = 'uint16'))), /quantization\/dtype/],
      'no scale': [edit(files, MJ, spec((s) => delete s.quantization.scale)), /scale/],
      'zero scale': [edit(files, MJ, spec((s) => (s.quantization.scale = 0))), /quantization\/scale/],
      'negative scale': [edit(files, MJ, spec((s) => (s.quantization.scale = -0.01))), /quantization\/scale/],
      'a string min': [edit(files, MJ, spec((s) => (s.quantization.min = '0'))), /quantization\/min/],
      'an extra key': [edit(files, MJ, spec((s) => (s.quantization.original_dtype = 'float32'))), /quantization/],
      'values that overflow float32': [edit(files, MJ, spec((s) => Object.assign(s.quantization, { min: 1e38, scale: 1e37 }))), /weight quantisation/],
      'weights.bin cut short': [edit(files, 'model/m0/weights.bin', () => files.get('model/m0/weights.bin')!.subarray(1)), /weights\.bin size/],
      'one weight claimed as float32': [edit(files, MJ, spec((s) => delete s.quantization)), /weights\.bin size/],
      'quantisation as a list': [edit(files, MJ, spec((s) => (s.quantization = ['uint8', 0, 1]))), /quantization/],
      'codes read to a huge weight': [edit(files, MJ, spec((s) => Object.assign(s.quantization, { min: 0, scale: 1e30 }))), /weights too large|weight \d/],
    };
    for (const [name, [broken, why]] of Object.entries(cases)) {
      const at = writeFolder(path.join(dir, `bad-${name.replace(/\W+/g, '-')}`), broken);
      const err = await loadPackage(at).then(() => undefined, (e: unknown) => e as PackageDamagedError);
      expect(err?.message, name).toBe('This file is damaged or was not made by Augur.');
      expect(err?.detail, name).toMatch(why);
    }
    // and the undamaged copy still loads (the cases above are refused for their damage alone)
    const ok = await loadPackage(writeFolder(path.join(dir, 'copy'), edit(files, MJ, (m) => m)));
    ok.fitted.dispose?.();
    fitted.dispose?.();
    q.dispose?.();
  });
});
