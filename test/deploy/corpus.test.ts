// A corpus of hand-made broken packages: each is refused with one sentence ("This file is damaged or
// was not made by Augur.", or "update Augur" for a newer format), quickly, before anything big is read
// or allocated, and nothing else breaks (a good package still loads afterwards, nothing is written).
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAMAGED_MESSAGE } from '../../electron/engine/deploy/errors.ts';
import { loadPackage, savePackage, writeAugurFile } from '../../electron/engine/deploy/package.ts';
import { EnsembleFitted } from '../../electron/engine/models/composite/ensemble.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { bundleOf, bytesOf, edit, fitFamily, json, prepared, readFolder, reseal, tempDir, writeFolder } from './helpers.ts';

const NEWER = 'This model was saved by a newer version of Augur; update Augur to open it.';
const dir = tempDir('augur-corpus-');
let good: Map<string, Uint8Array>;
let goodAugur: Uint8Array;
/** A regression package (trees), where leaves that add up to infinity are not saturated by a sigmoid. */
let goodReg: Map<string, Uint8Array>;
let n = 0;

beforeAll(async () => {
  const { table, prep } = prepared('binary', 160);
  const t = prep.taskInfo;
  const fitted = new EnsembleFitted(t, [await fitFamily('gbdt', prep), await fitFamily('mlp', prep), await fitFamily('linear', prep)], [0.5, 0.3, 0.2], 'weighted');
  await savePackage(path.join(dir, 'good'), bundleOf(fitted, table, prep));
  await writeAugurFile(path.join(dir, 'good'), path.join(dir, 'good.augur'));
  good = readFolder(path.join(dir, 'good'));
  goodAugur = new Uint8Array(fs.readFileSync(path.join(dir, 'good.augur')));
  fitted.dispose();
  const r = prepared('regression', 160);
  await savePackage(path.join(dir, 'good-reg'), bundleOf(await fitFamily('gbdt', r.prep), r.table, r.prep));
  goodReg = readFolder(path.join(dir, 'good-reg'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Loads `what` (files -> a folder, bytes -> a .augur file, a string -> that path) and returns the refusal's message and time. */
async function refusal(what: Map<string, Uint8Array> | Uint8Array | string): Promise<{ message: string; ms: number }> {
  let p: string;
  if (typeof what === 'string') p = what;
  else if (what instanceof Uint8Array) fs.writeFileSync((p = path.join(dir, `case-${n++}.augur`)), what);
  else p = writeFolder(path.join(dir, `case-${n++}`), what);
  const t0 = performance.now();
  try {
    const b = await loadPackage(p);
    b.fitted.dispose?.();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    if (process.env.CORPUS_DEBUG) console.log(path.basename(p), (err as { detail?: string }).detail ?? (err as Error).message);
    return { message: (err as Error).message, ms: performance.now() - t0 };
  }
  throw new Error(`${path.basename(p)} loaded but should have been refused`);
}

async function expectDamaged(what: Parameters<typeof refusal>[0], maxMs = 2000): Promise<void> {
  const r = await refusal(what);
  expect(r.message).toBe(DAMAGED_MESSAGE);
  expect(r.ms).toBeLessThan(maxMs);
}

const firstTree = (m: any) => m.trees;

/** A zip of these entries, stored as given (names unchecked: that is the point). */
function rawZip(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries, { level: 0 });
}

/** Sets the uncompressed size of `name` in the zip's central directory (a lying archive). */
function patchZipSize(z: Uint8Array, name: string, size: number): Uint8Array {
  const out = z.slice();
  const v = new DataView(out.buffer);
  for (let p = 0; p + 46 < out.length; p++) {
    if (v.getUint32(p, true) !== 0x02014b50) continue;
    const nl = v.getUint16(p + 28, true);
    if (new TextDecoder().decode(out.subarray(p + 46, p + 46 + nl)) === name) v.setUint32(p + 24, size, true);
  }
  return out;
}

describe('the good package', () => {
  it('loads (so every refusal below is about the damage, not the base)', async () => {
    for (const p of [path.join(dir, 'good'), path.join(dir, 'good.augur')]) (await loadPackage(p)).fitted.dispose?.();
    expect([...good.keys()].sort()).toEqual(['README.md', 'arrays.bin', 'manifest.json', 'model/m0.json', 'model/m1/model.json', 'model/m1/weights.bin', 'model/m2.json', 'model/recipe.json']);
  });
});

describe('broken packages are refused with one sentence', () => {
  it('truncated weights (as is, and with the manifest made to match)', async () => {
    await expectDamaged(edit(good, 'model/m1/weights.bin', (b) => b.subarray(0, b.length - 7), false));
    await expectDamaged(edit(good, 'model/m1/weights.bin', (b) => b.subarray(0, b.length - 8)));
    await expectDamaged(edit(good, 'model/m0.json', () => new TextDecoder().decode(good.get('model/m0.json')!).slice(0, 500)));
  });

  it('a calibration, conformal recipe or run record that is not what Augur writes', async () => {
    const slots = (pp: unknown, run?: unknown) => edit(good, 'manifest.json', (m) => ({ ...m, postprocess: pp, ...(run ? { run } : {}) }));
    await expectDamaged(slots({ calibration: { kind: 'platt', formatVersion: 1, a: 'x', b: 0 } }));
    await expectDamaged(slots({ calibration: { kind: 'isotonic', formatVersion: 1, x: [0, 1], y: [0.9, 0.1] } })); // not monotone
    await expectDamaged(slots({ conformal: { kind: 'interval', formatVersion: 1, coverage: 0.9, method: 'absolute', q: 3 } })); // ranges for a yes/no model
    await expectDamaged(slots({ conformal: { kind: 'set', formatVersion: 1, coverage: 0.9, method: 'lac', threshold: 0.2, classes: 5 } }));
    await expectDamaged(slots({}, { version: 1, trials: 'all of them' }));
  });

  it('oversized shapes and tree indices outside the bytes (refused before allocating)', async () => {
    await expectDamaged(edit(good, 'model/m1/model.json', (m) => { m.weightsManifest[0].weights[1].shape = [50_000_000, 50_000_000]; return m; }), 500);
    await expectDamaged(edit(good, 'model/m1/model.json', (m) => { m.userDefinedMetadata.augur.arch.hidden = [65_536, 65_536, 65_536]; return m; }), 500);
    await expectDamaged(edit(good, 'model/m0.json', (m) => { firstTree(m).left[0] = 1e9; return m; }));
    await expectDamaged(edit(good, 'model/m0.json', (m) => { firstTree(m).left[0] = 0; firstTree(m).right[0] = 1; return m; })); // a loop back to the root
    await expectDamaged(edit(good, 'model/m0.json', (m) => { firstTree(m).featureBins[0] = 100_000; return m; }));
    await expectDamaged(edit(good, 'model/m0.json', (m) => { m.trees.nTrees = 10_000_000; return m; }));
    await expectDamaged(edit(good, 'model/m0.json', (m) => { m.taskInfo = { task: 'multiclass', nClasses: 1e9 }; return m; }));
    await expectDamaged(edit(good, 'arrays.bin', (b) => b.subarray(0, 16)));
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.arrays[0].length = 2 ** 31; return m; }));
  });

  it('names that leave the package: ../, absolute paths, links', async () => {
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.files[0].path = '../m0.json'; return m; }, false));
    await expectDamaged(edit(good, 'model/recipe.json', (r) => { r.members[0].file = '../../etc/passwd'; return r; }));
    await expectDamaged(edit(good, 'model/recipe.json', (r) => { r.members[0].file = '/etc/passwd'; return r; }));
    await expectDamaged(edit(good, 'model/m1/model.json', (m) => { m.weightsManifest[0].paths = ['../weights.bin']; return m; }));
    const linked = writeFolder(path.join(dir, 'linked'), good);
    fs.rmSync(path.join(linked, 'model', 'm0.json'));
    fs.writeFileSync(path.join(dir, 'outside.json'), good.get('model/m0.json')!);
    fs.symlinkSync(path.join(dir, 'outside.json'), path.join(linked, 'model', 'm0.json'));
    await expectDamaged(linked);
    fs.symlinkSync(path.join(dir, 'good'), path.join(dir, 'link-to-good'));
    await expectDamaged(path.join(dir, 'link-to-good'));
  });

  it('zip-slip and foreign archives: entries named ../ or absolute, folders only, duplicates, too many entries', async () => {
    const entries = Object.fromEntries(good);
    await expectDamaged(rawZip({ ...entries, '../../evil.txt': bytesOf('x') }));
    await expectDamaged(rawZip({ ...entries, '/tmp/evil.txt': bytesOf('x') }));
    await expectDamaged(rawZip({ ...entries, 'model\\..\\..\\evil.txt': bytesOf('x') }));
    expect(fs.existsSync(path.join(dir, '..', 'evil.txt'))).toBe(false);
    await expectDamaged(rawZip({ 'notes/': new Uint8Array(0) }));
    const many: Record<string, Uint8Array> = { ...entries };
    for (let i = 0; i < 10_001; i++) many[`x${i}.json`] = new Uint8Array(0);
    await expectDamaged(rawZip(many));
  });

  it('zip bombs: sizes are checked before inflating, and what inflates must match what was declared', async () => {
    // declared small, inflates to 1 MB: cut at the declared size, then refused by its checksum
    const bomb = zipSync({ ...Object.fromEntries(good), 'model/m0.json': new Uint8Array(1 << 20).fill(32) });
    await expectDamaged(patchZipSize(bomb, 'model/m0.json', good.get('model/m0.json')!.length));
    // declared over the limits: refused without inflating
    await expectDamaged(patchZipSize(goodAugur, 'model/m1/weights.bin', 2 ** 31 - 1), 500);
    await expectDamaged(patchZipSize(goodAugur, 'manifest.json', 200 << 20), 500);
  });

  it('an unknown layer, a rewired network, an unexpected layer setting', async () => {
    await expectDamaged(edit(good, 'model/m1/model.json', (m) => { m.modelTopology.config.layers[1].class_name = 'Lambda'; return m; }));
    await expectDamaged(edit(good, 'model/m1/model.json', (m) => {
      const out = m.modelTopology.config.layers.find((l: any) => l.name === 'output');
      out.inbound_nodes = [[['dense_0', 0, 0, {}]]];
      return m;
    }));
    await expectDamaged(edit(good, 'model/m1/model.json', (m) => { m.modelTopology.config.layers.find((l: any) => l.name === 'output').config.activation = 'relu'; return m; }));
    await expectDamaged(edit(good, 'model/m1/model.json', (m) => { m.weightsManifest[0].weights[0].dtype = 'int32'; return m; }));
  });

  it('versions: a newer format asks for an update; an unknown or older one is foreign', async () => {
    expect((await refusal(edit(good, 'manifest.json', (m) => { m.formatVersion = 2; return m; }))).message).toBe(NEWER);
    expect((await refusal(edit(good, 'manifest.json', (m) => ({ format: 'augur-model', formatVersion: 7 })))).message).toBe(NEWER);
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.formatVersion = 0; return m; }));
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.format = 'keras'; return m; }));
    await expectDamaged(edit(good, 'model/m0.json', (m) => { m.formatVersion = 2; return m; }));
  });

  it('NaN and infinite weights', async () => {
    await expectDamaged(edit(good, 'model/m1/weights.bin', (b) => { new DataView(b.buffer).setFloat32(0, NaN, true); return b; }));
    await expectDamaged(edit(good, 'model/m1/weights.bin', (b) => { new DataView(b.buffer).setFloat32(8, Infinity, true); return b; }));
    await expectDamaged(edit(good, 'model/m0.json', () => new TextDecoder().decode(good.get('model/m0.json')!).replace('"value":[', '"value":[1e999,')));
    await expectDamaged(edit(good, 'model/m2.json', (m) => { m.coef[0] = -1e400; return m; }));
    // finite leaves that add up to infinity
    await expectDamaged(edit(goodReg, 'model/m0.json', (m) => { m.trees.value = m.trees.value.map(() => 1.7e308); return m; }));
  });

  it('a 200 MB JSON is refused fast without being read', async () => {
    const big = writeFolder(path.join(dir, 'big-manifest'), good);
    fs.truncateSync(path.join(big, 'manifest.json'), 200 << 20); // sparse: nothing is written
    await expectDamaged(big, 300);
    const bigModel = writeFolder(path.join(dir, 'big-model'), edit(good, 'manifest.json', (m) => { m.files.find((f: any) => f.path === 'model/m0.json').bytes = 200 << 20; return m; }, false));
    fs.truncateSync(path.join(bigModel, 'model', 'm0.json'), 200 << 20);
    await expectDamaged(bigModel, 300);
    // the manifest says small, the file is 200 MB: its size is checked before reading
    const lying = writeFolder(path.join(dir, 'lying'), good);
    fs.truncateSync(path.join(lying, 'model', 'm0.json'), 200 << 20);
    await expectDamaged(lying, 300);
  });

  it('deep nesting: in the manifest text, and ensembles nested deeper than allowed', async () => {
    await expectDamaged(edit(good, 'manifest.json', () => '['.repeat(100_000) + ']'.repeat(100_000), false), 500);
    await expectDamaged(edit(good, 'manifest.json', () => `{"format":"augur-model","formatVersion":1,"x":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, false), 500);
    await expectDamaged(edit(good, 'model/recipe.json', (r) => {
      let node = r;
      for (let i = 0; i < 6; i++) node = { family: 'ensemble', formatVersion: 1, kind: 'weighted', taskInfo: r.taskInfo, weights: [1], members: [node] };
      return node;
    }));
  });

  it('keys that reach a prototype, unknown keys, checksums, missing and unused files', async () => {
    await expectDamaged(edit(good, 'manifest.json', () => new TextDecoder().decode(good.get('manifest.json')!).replace('{"format"', '{"__proto__":{"polluted":1},"format"'), false));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectDamaged(edit(good, 'model/m0.json', () => new TextDecoder().decode(good.get('model/m0.json')!).replace('{"family"', '{"constructor":{"prototype":{}},"family"')));
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.settings.typeOverrides = [{ column: 'x', type: 'numeric', __proto__: 1 }]; return JSON.stringify(m).replace('"type":"numeric"}', '"type":"numeric","prototype":1}'); }, false));
    await expectDamaged(edit(good, 'manifest.json', (m) => ({ ...m, extra: true }), false));
    await expectDamaged(edit(good, 'model/m0.json', (m) => ({ ...m, extra: true })));
    await expectDamaged(edit(good, 'model/m0.json', (m) => { m.init[0] += 1; return m; }, false)); // checksum
    const missing = new Map(good);
    missing.delete('model/m2.json');
    await expectDamaged(missing);
    await expectDamaged(reseal(edit(good, 'manifest.json', (m) => { m.files.push({ path: 'model/extra.json', bytes: 2, sha256: '0'.repeat(64) }); return m; }, false).set('model/extra.json', bytesOf({}))));
    await expectDamaged(edit(good, 'model/recipe.json', (r) => { r.members[2] = r.members[0]; return r; })); // one file used twice
  });

  it('parts that do not fit together: other columns, other classes, a target the schema does not know', async () => {
    await expectDamaged(edit(good, 'model/m2.json', (m) => { m.features[0].name = 'height'; return m; }));
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.target.classes = ['a', 'b', 'c']; return m; }, false));
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.encoder.sources[0].column = 'not there'; return m; }, false));
    await expectDamaged(edit(good, 'manifest.json', (m) => { m.schema.columns.find((c: any) => c.role === 'target').role = 'feature'; return m; }, false));
    await expectDamaged(edit(good, 'model/recipe.json', (r) => { r.taskInfo = { task: 'regression', nClasses: 1 }; return r; }));
  });

  it('things that are not packages at all', async () => {
    const files: [string, Uint8Array][] = [
      ['empty.augur', new Uint8Array(0)],
      ['noise.augur', Uint8Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24)],
      ['table.augur', bytesOf('a,b\n1,2\n')],
      ['png.augur', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
      ['other.zip', rawZip({ 'hello.txt': bytesOf('hi') })],
    ];
    for (const [name, bytes] of files) {
      fs.writeFileSync(path.join(dir, name), bytes);
      await expectDamaged(path.join(dir, name));
    }
    fs.mkdirSync(path.join(dir, 'empty-folder'));
    await expectDamaged(path.join(dir, 'empty-folder'));
    await expectDamaged(edit(good, 'manifest.json', () => 'not json', false));
    await expectDamaged(edit(good, 'manifest.json', () => new Uint8Array([0xef, 0xbb, 0xbf, 0xff, 0xfe]), false));
    await expect(loadPackage(path.join(dir, 'no-such-model.augur'))).rejects.toThrow(/could not find "no-such-model.augur"/);
  });

  it('nothing else broke: the good package still loads and predicts', async () => {
    const b = await loadPackage(path.join(dir, 'good.augur'));
    expect(b.fitted.predict(b.encoder.encode(prepared('binary', 20).table)).every(Number.isFinite)).toBe(true);
    b.fitted.dispose?.();
  });
});
