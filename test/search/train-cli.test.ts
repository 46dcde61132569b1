import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainCommand } from '../../electron/cli/train.ts';
import { FeatureEncoder } from '../../electron/engine/data/features.ts';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { takeRows } from '../../electron/engine/data/table-ops.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { familyByName } from '../../electron/engine/models/registry.ts';
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

    const saved = JSON.parse(fs.readFileSync(path.join(outDir, 'model.json'), 'utf8'));
    expect(saved).toMatchObject({ formatVersion: 1, target: 'bought', classes: ['no', 'yes'] });
    expect(fs.readdirSync(outDir)).toEqual(['model.json']); // no temp file left behind
    const encoder = FeatureEncoder.fromJSON(saved.encoder);
    const model = await familyByName(saved.model.family).fromJSON(saved.model);
    const { table } = await importCsvFile(csv);
    const held = takeRows(table, testRows);
    const p = model.predict(encoder.encode(held));
    expect(p).toHaveLength(60);
    // The reloaded model scores the held-out rows exactly as the run reported.
    const auc = computeMetric('roc_auc', saved.taskInfo, encoder.encodeTarget(held), p);
    expect(auc).toBeCloseTo(j.test.roc_auc, 6);
    expect(saved.metrics.test.roc_auc).toBeCloseTo(j.test.roc_auc, 6);
  });

  it('refuses bad input with one plain sentence', async () => {
    await expect(trainCommand.run([csv])).rejects.toThrow(/--target/);
    await expect(trainCommand.run([csv, '--target', 'bought', '--time-budget', 'soon'])).rejects.toThrow(/--time-budget needs a number/);
    await expect(trainCommand.run([csv, '--target', 'bought', '--colour', 'red'])).rejects.toThrow(/Unknown option --colour/);
    fs.writeFileSync(path.join(dir, 'far.txt'), '5\n9999\n');
    await expect(trainCommand.run([csv, '--target', 'bought', '--test-rows', path.join(dir, 'far.txt')])).rejects.toThrow(/names row 9999, but "shop.csv" has only 300 data rows/);
  });
});
