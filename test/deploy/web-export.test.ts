// The web export as a folder: the CLI contract (`export-web ... --json`), what it refuses to overwrite,
// atomic replacement of an earlier export, cancelling, a page a strict CSP allows (no inline script, no
// eval, nothing fetched), hostile names kept as text, and the reasons the page gives (the app's own).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { exportWebCommand } from '../../electron/cli/export-web.ts';
import { prepareTable, prepareTraining } from '../../electron/engine/data/prepare.ts';
import { rowsToTable } from '../../electron/engine/data/rows-table.ts';
import type { Table } from '../../electron/engine/data/table.ts';
import type { ModelBundle } from '../../electron/engine/deploy/bundle.ts';
import { savePackage, writeAugurFile } from '../../electron/engine/deploy/package.ts';
import { exportWeb, WEB_MARKER } from '../../electron/engine/deploy/web/export.ts';
import { createScorer } from '../../electron/engine/deploy/web/runtime/scorer.ts';
import type { WebModelData } from '../../electron/engine/deploy/web/runtime/web-model.ts';
import { explainRow } from '../../electron/engine/evaluate/explain/row.ts';
import { CancelledError, UserError } from '../../electron/engine/util/errors.ts';
import { bundleOf, fitFamily, prepared, tempDir } from './helpers.ts';
import { rowsOf } from './web-helpers.ts';

const dir = tempDir('augur-webx-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const { table, prep } = prepared('binary', 160);
let gbdt: ModelBundle | undefined;
async function gbdtBundle(): Promise<ModelBundle> {
  gbdt ??= bundleOf(await fitFamily('gbdt', prep), table, prep);
  return gbdt;
}

function modelData(out: string): WebModelData {
  const text = fs.readFileSync(path.join(out, 'model-data.js'), 'utf8');
  return JSON.parse(text.slice(text.indexOf('= ') + 2, text.lastIndexOf(';'))) as WebModelData;
}

const tempsBeside = (out: string) => fs.readdirSync(path.dirname(out)).filter((n) => n.startsWith(`${path.basename(out)}.augur-tmp-`));

async function runCli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await exportWebCommand.run(args), stdout };
  } finally {
    spy.mockRestore();
  }
}

describe('export-web', () => {
  it('the CLI writes index.html and scorer.js from a package folder and from a .augur file, and --json prints { out, files, bytes }', async () => {
    const pkg = path.join(dir, 'pkg');
    await savePackage(pkg, await gbdtBundle());
    await writeAugurFile(pkg, `${pkg}.augur`);
    for (const src of [pkg, `${pkg}.augur`]) {
      const out = path.join(dir, `cli-${path.basename(src)}`);
      const { code, stdout } = await runCli([src, '--out', out, '--json']);
      expect(code).toBe(0);
      const j = JSON.parse(stdout);
      expect(Object.keys(j)).toEqual(['out', 'files', 'bytes']);
      expect(j.out).toBe(out);
      expect(j.files).toEqual(expect.arrayContaining(['index.html', 'scorer.js', 'model-data.js', 'page.js', 'page.css', WEB_MARKER]));
      const sizes = j.files.map((f: string) => fs.statSync(path.join(out, f)).size);
      expect(j.bytes).toBe(sizes.reduce((a: number, b: number) => a + b, 0));
      expect(fs.readdirSync(out).sort()).toEqual(j.files.filter((f: string) => !f.includes('/')).sort());
    }
    // without --json: plain words, and without the training file the form says it has no ranges
    const { stdout } = await runCli([pkg, '--out', path.join(dir, 'cli-words')]);
    expect(stdout).toContain('Wrote a web page for this model');
    expect(stdout).toContain('give the training file with --data');
    await expect(exportWebCommand.run([pkg])).rejects.toThrow(/--out/);
    await expect(exportWebCommand.run([pkg, '--out', path.join(dir, 'x'), '--colour', 'red'])).rejects.toThrow(/Unknown option --colour/);
  });

  it('refuses a folder that holds other files (one sentence, nothing touched), replaces an earlier export, and leaves no temp folder', async () => {
    const b = await gbdtBundle();
    const other = path.join(dir, 'someone-else');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'index.html'), 'my own page');
    const err = await exportWeb(b, other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('The folder "someone-else" already holds other files, so Augur will not write a web page over it.');
    expect(fs.readdirSync(other)).toEqual(['index.html']);
    expect(fs.readFileSync(path.join(other, 'index.html'), 'utf8')).toBe('my own page');
    // a folder whose marker is not ours is someone else's too
    fs.writeFileSync(path.join(other, WEB_MARKER), '{"format":"something-else"}');
    await expect(exportWeb(b, other)).rejects.toThrow(/already holds other files/);
    // a file in the way
    fs.writeFileSync(path.join(dir, 'a-file'), 'x');
    await expect(exportWeb(b, path.join(dir, 'a-file'))).rejects.toThrow(/is a file/);

    const out = path.join(dir, 'again');
    await exportWeb(b, out, { title: 'First' });
    fs.writeFileSync(path.join(out, 'stale.txt'), 'from the first export'); // replaced with the folder, not merged
    const r = await exportWeb(b, out, { title: 'Second' });
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('<title>Second</title>');
    expect(fs.existsSync(path.join(out, 'stale.txt'))).toBe(false);
    expect(fs.readdirSync(out).sort()).toEqual(r.files.sort());
    expect(tempsBeside(out)).toEqual([]);
  });

  it('a cancelled export writes nothing', async () => {
    const ac = new AbortController();
    const out = path.join(dir, 'cancelled');
    const run = exportWeb(await gbdtBundle(), out, { signal: ac.signal, onProgress: (f) => { if (f >= 0.4) ac.abort(); } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(out)).toBe(false);
    expect(tempsBeside(out)).toEqual([]);
  });

  it('the page needs nothing a strict CSP or file:// forbids, and keeps hostile names as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const t: Table = { ...table, columns: table.columns.map((c) => (c.name === 'colour' ? { ...c, name: hostile } : c)) };
    const hp = prepareTraining(t, { target: 'outcome' });
    const b = bundleOf(await fitFamily('linear', hp), t, hp);
    const out = path.join(dir, 'hostile');
    await exportWeb(b, out, { training: t, title: `</title>${hostile}` });
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;');
    // every script is a file beside the page; no inline script, handler or style; nothing from the network
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toEqual(['<script src="model-data.js" defer>', '<script src="page.js" defer>']);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).not.toMatch(/<style|style="/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    for (const f of ['page.js', 'scorer.js', 'model-data.js']) {
      const js = fs.readFileSync(path.join(out, f), 'utf8');
      for (const bad of [/\beval\s*\(/, /new Function\s*\(/, /\bfetch\s*\(/, /XMLHttpRequest/, /\bimport\s*\(/, /\brequire\s*\(/, /\bprocess\./]) expect(bad.test(js), `${f} uses ${bad}`).toBe(false);
    }
    expect(fs.readFileSync(path.join(out, 'scorer.js'), 'utf8')).toMatch(/^\/\/[^\n]*\nimport '\.\/model-data\.js';\n/);
    // the hostile column is still a column: the model reads it by name
    expect(modelData(out).fields.map((f) => f.column)).toContain(hostile);
  });

  it('exact models give the app\'s reasons on every change; others compare with training rows, or say they cannot', async () => {
    const b = await gbdtBundle();
    const out = path.join(dir, 'reasons-gbdt');
    const r = await exportWeb(b, out, { training: table });
    expect(r.reasons).toBe('exact');
    const scorer = await createScorer(modelData(out));
    const rows = rowsOf(table, 'outcome', 5);
    for (const row of rows.slice(0, 5)) {
      const mine = await scorer.explain(row);
      const prepared1 = prepareTable(rowsToTable([row], b.schema), {}).table;
      const app = await explainRow(b.fitted, b.encoder, prepared1, 0);
      expect(mine?.reasons).toEqual(app.reasons);
      expect(mine?.reasons.length).toBeGreaterThan(0);
    }
    // a network: sampled against a sample of the training rows, or (no rows at all) no reasons
    const mlp = bundleOf(await fitFamily('mlp', prep), table, prep);
    expect((await exportWeb(mlp, path.join(dir, 'reasons-mlp'), { training: table })).reasons).toBe('sampled');
    const none = await exportWeb(mlp, path.join(dir, 'reasons-none'));
    expect(none).toMatchObject({ reasons: null, fieldsFrom: 'model' });
    const sampledData = modelData(path.join(dir, 'reasons-mlp'));
    expect(sampledData.sampling!.budget).toBeGreaterThanOrEqual(1000);
    expect(sampledData.sampling!.backgroundRows).toBeGreaterThanOrEqual(5);
    const s2 = await createScorer(sampledData);
    const e = await s2.explain(rows[0]);
    expect(e?.method).toMatch(/enumeration|sampling/);
    expect(e?.reasons.length).toBeGreaterThan(0);
    // the budget is fixed in the export: the same row gets the same reasons on any device, any time
    expect(await (await createScorer(sampledData)).explain(rows[0])).toEqual(e);
    expect(await (await createScorer(modelData(path.join(dir, 'reasons-none')))).explain(rows[0])).toBeNull();
    mlp.fitted.dispose?.();
  });

  it('rows kept with the model (explain.background) give the form its ranges and the page its reasons', async () => {
    const b = bundleOf(await fitFamily('mlp', prep), table, prep);
    const data = b.encoder.encode(prepareTable(table, {}).table);
    const n = 50;
    const flat = new Float64Array(n * data.columns.length);
    data.columns.forEach((c, f) => flat.set(c.subarray(0, n), f * n));
    b.arrays = { ...b.arrays, 'explain.background': flat };
    const r = await exportWeb(b, path.join(dir, 'kept'));
    expect(r).toMatchObject({ fieldsFrom: 'background', reasons: 'sampled' });
    const size = modelData(path.join(dir, 'kept')).fields.find((f) => f.column === 'size');
    expect(size).toMatchObject({ kind: 'number', integer: false });
    expect((size as { min: number }).min).toBeGreaterThanOrEqual(0);
    b.fitted.dispose?.();
  });

  it('networks come with their TensorFlow.js Layers files: the package\'s weights byte for byte, the same model.json', async () => {
    const b = bundleOf(await fitFamily('mlp', prep), table, prep);
    const pkg = path.join(dir, 'mlp-pkg');
    await savePackage(pkg, b);
    const out = path.join(dir, 'mlp-web');
    const r = await exportWeb(pkg, out);
    const layers = r.files.filter((f) => f.startsWith('model/'));
    expect(layers).toEqual(['model/m0/model.json', 'model/m0/weights.bin']);
    expect(fs.readFileSync(path.join(out, layers[1])).equals(fs.readFileSync(path.join(pkg, layers[1])))).toBe(true);
    const topology = (d: string) => JSON.parse(fs.readFileSync(path.join(d, layers[0]), 'utf8'));
    expect(topology(out)).toEqual(topology(pkg));
    b.fitted.dispose?.();
  });
});
