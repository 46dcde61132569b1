import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainCommand } from '../../electron/cli/train.ts';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { takeRows } from '../../electron/engine/data/table-ops.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { predictTable } from '../../electron/engine/deploy/bundle.ts';
import { loadPackage } from '../../electron/engine/deploy/package.ts';
import { syntheticTable, tableToCsv } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-train-'));
const csv = path.join(dir, 'shop.csv');
fs.writeFileSync(csv, tableToCsv(syntheticTable(300, 5)));
const testRows = Array.from({ length: 60 }, (_, i) => i * 5);
fs.writeFileSync(path.join(dir, 'test-rows.txt'), testRows.join('\n') + '\n');

async function capture(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    const code = await trainCommand.run(args);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('train command', () => {
  it('prints the agreed JSON, scores the held-out rows once, and saves a model that predicts like the run', async () => {
    const outDir = path.join(dir, 'model');
    const { code, out } = await capture([csv, '--target', 'bought', '--work-units', '3', '--workers', '0', '--seed', '4', '--test-rows', path.join(dir, 'test-rows.txt'), '--out', outDir, '--json']);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j).toMatchObject({ task: 'binary', target: 'bought', classes: ['no', 'yes'], budget_s: 60 });
    expect(typeof j.elapsed_s).toBe('number');
    expect(j.leaderboard.length).toBeGreaterThanOrEqual(4);
    for (const r of j.leaderboard) expect(Object.keys(r)).toEqual(expect.arrayContaining(['model', 'family', 'valid', 'fit_s']));
    expect(j.leaderboard.map((r: { model: string }) => r.model)).toContain(j.best);
    expect(j.test.rows).toBe(60);
    for (const k of ['accuracy', 'f1_macro', 'roc_auc', 'log_loss']) expect(typeof j.test[k]).toBe('number');
    expect(j.test.roc_auc).toBeGreaterThan(0.75);

    // The package: the reloaded model scores the held-out rows exactly as the run reported.
    expect(fs.readdirSync(outDir).sort()).toEqual(['README.md', 'arrays.bin', 'manifest.json', 'model']);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.augur-tmp-'))).toEqual([]); // no temp folder left behind
    const saved = await loadPackage(outDir);
    expect(saved.target).toMatchObject({ name: 'bought', classes: ['no', 'yes'] });
    expect(saved.settings.target).toBe('bought');
    expect(saved.fingerprint.rows).toBe(240);
    expect(saved.schema.columns.find((c) => c.name === 'bought')?.role).toBe('target');
    const { table } = await importCsvFile(csv);
    const held = takeRows(table, testRows);
    const p = predictTable(saved, held);
    expect(p).toHaveLength(60);
    const auc = computeMetric('roc_auc', saved.taskInfo, saved.encoder.encodeTarget(held), p);
    expect(auc).toBeCloseTo(j.test.roc_auc, 6);
    expect(saved.metrics.test!.roc_auc).toBeCloseTo(j.test.roc_auc, 6);
    expect(saved.metrics.valid[j.metric as 'roc_auc']).toBeGreaterThan(0.5);
    // The run's evidence: out-of-fold predictions with their outcomes and rows.
    expect(saved.arrays!['oof.pred'].length).toBe(saved.arrays!['oof.rows'].length);
    expect(saved.arrays!['oof.y'].length).toBe(saved.arrays!['oof.rows'].length);
    saved.fitted.dispose?.();

    // Again into the same folder: the older package is replaced, nothing else is left.
    const again = await capture([csv, '--target', 'bought', '--work-units', '1', '--workers', '0', '--out', outDir, '--json']);
    expect(again.code).toBe(0);
    expect((await loadPackage(outDir)).metrics.test).toBeUndefined();
    expect(fs.readdirSync(dir).filter((f) => f.includes('.augur-tmp-'))).toEqual([]);
  });

  it('writes one .augur file when --out names one, and refuses to write over a folder of other files', async () => {
    const file = path.join(dir, 'shop.augur');
    const { code, out } = await capture([csv, '--target', 'bought', '--work-units', '1', '--workers', '0', '--out', file]);
    expect(code).toBe(0);
    expect(out).toContain(`Saved the model to ${file}.`);
    const b = await loadPackage(file);
    expect(b.taskInfo.task).toBe('binary');
    b.fitted.dispose?.();
    const busy = path.join(dir, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    await expect(capture([csv, '--target', 'bought', '--work-units', '1', '--workers', '0', '--out', busy])).rejects.toThrow(/already holds other files/);
    expect(fs.readdirSync(busy)).toEqual(['notes.txt']);
  });

  it('refuses bad input with one plain sentence', async () => {
    await expect(trainCommand.run([csv])).rejects.toThrow(/--target/);
    await expect(trainCommand.run([csv, '--target', 'bought', '--time-budget', 'soon'])).rejects.toThrow(/--time-budget needs a number/);
    await expect(trainCommand.run([csv, '--target', 'bought', '--colour', 'red'])).rejects.toThrow(/Unknown option --colour/);
    fs.writeFileSync(path.join(dir, 'far.txt'), '5\n9999\n');
    await expect(trainCommand.run([csv, '--target', 'bought', '--test-rows', path.join(dir, 'far.txt')])).rejects.toThrow(/names row 9999, but "shop.csv" has only 300 data rows/);
  });
});
