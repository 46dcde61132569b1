// `evaluate` judges the model as it is kept: an amounts model (train --out) with a planted weak group
// is checked on held-out rows (the group is named in words, the ranges' coverage is the kept recipe's,
// the numbers are train's), and a model kept with a calibration has its percentages measured after
// the correction, beside the same without it, with the verdict weighing the corrected ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { evaluateCommand } from '../../electron/cli/evaluate.ts';
import { trainCommand } from '../../electron/cli/train.ts';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { takeRows } from '../../electron/engine/data/table-ops.ts';
import { loadPackage } from '../../electron/engine/deploy/package.ts';
import { scoreTable } from '../../electron/engine/deploy/scoring.ts';
import { reliability } from '../../electron/engine/evaluate/calibration.ts';
import { evaluateLabelledFile } from '../../electron/engine/evaluate/labelled-file.ts';
import { CalibratedFitted } from '../../electron/engine/models/composite/calibrated.ts';
import { plattCalibrator } from '../../electron/engine/models/composite/calibrators.ts';
import { mulberry32 } from '../../electron/engine/util/random.ts';
import { bundleOf, fitFamily, mixedTable, prepared } from '../deploy/helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-evaluate-kept-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function capture(run: () => Promise<number>): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await run()).toBe(0);
    return out;
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

/** price = 3·size + 20·quality + noise; the noise is 15 times larger in region "D". */
function amountsCsv(n: number): string {
  const rand = mulberry32(7);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const out = ['size,quality,region,price'];
  for (let i = 0; i < n; i++) {
    const size = Math.round(rand() * 1000) / 10, quality = Math.round(rand() * 50) / 10;
    const region = 'ABCD'[Math.floor(rand() * 4)];
    const price = 3 * size + 20 * quality + gauss() * (region === 'D' ? 75 : 5);
    out.push(`${size},${quality},${region},${price.toFixed(2)}`);
  }
  return out.join('\n') + '\n';
}

describe('evaluate: the model as kept', () => {
  const csv = path.join(dir, 'prices.csv');
  const rowsFile = path.join(dir, 'test-rows.txt');
  const model = path.join(dir, 'prices-model');
  const TEST_ROWS = Array.from({ length: 400 }, (_, i) => 2 * i);
  let trained: { test: Record<string, number> };

  beforeAll(async () => {
    fs.writeFileSync(csv, amountsCsv(1000));
    fs.writeFileSync(rowsFile, TEST_ROWS.join('\n'));
    trained = JSON.parse(await capture(() => trainCommand.run([csv, '--target', 'price', '--work-units', '3', '--workers', '0', '--test-rows', rowsFile, '--out', model, '--json'])));
  }, 60_000);

  it('amounts: the weak group in words, the kept ranges\' real coverage, and train\'s numbers', async () => {
    const j = JSON.parse(await capture(() => evaluateCommand.run([model, csv, '--rows', rowsFile, '--json'])));
    expect(j.task).toBe('regression');
    expect(j.rows).toBe(400);
    for (const m of ['rmse', 'mae', 'r2']) expect(j.metrics[m].value, m).toBeCloseTo(trained.test[m], 5);
    expect(j.calibration).toBeUndefined();
    // the weak spot: region D, said in a sentence, worse than overall
    const d = j.weak_spots.find((w: { conditions: { column: string; category?: string }[] }) => w.conditions.some((c) => c.column === 'region' && c.category === 'D'));
    expect(d, JSON.stringify(j.weak_spots)).toBeDefined();
    expect(d.text).toMatch(/^For rows where (.* and )?region is “D”.*, the model is off by .* on average, against .* overall \(\d+ rows\)\.$/);
    expect(d.value).toBeGreaterThan(2 * d.overall);
    expect(j.verdict.reasons.map((r: { code: string }) => r.code)).toContain('weak_spots');
    // ranges: what the kept recipe achieves on these rows, counted from the intervals a saved model gives
    const back = await loadPackage(model, { loader: 'pure' });
    const { table } = await importCsvFile(csv, { schema: back.schema });
    const rows = takeRows(table, TEST_ROWS);
    const { lo, hi } = scoreTable(back, rows).interval!;
    const actual = rows.columns.find((c) => c.name === 'price')! as { values: Float64Array };
    let inside = 0, width = 0;
    for (let i = 0; i < rows.nRows; i++) {
      if (actual.values[i] >= lo[i] && actual.values[i] <= hi[i]) inside++;
      width += hi[i] - lo[i];
    }
    expect(j.conformal.coverage).toBe(0.9);
    expect(j.conformal.observed_coverage).toBeCloseTo(inside / rows.nRows, 6);
    expect(j.conformal.mean_width).toBeCloseTo(width / rows.nRows, 4);
    expect(j.conformal.observed_coverage).toBeGreaterThan(0.8);
    expect(j.conformal.text).toMatch(/^Augur's ranges are meant to hold the real “price” 9 times in 10; on this file they held it for \d+% of rows \(on average [\d,.]+ wide\)\.$/);
    // the columns that carry the price matter; region (noise only) matters least of the three
    const imp = Object.fromEntries(j.importance.map((c: { column: string; value: number }) => [c.column, c.value]));
    expect(imp.size).toBeGreaterThan(imp.region);
    back.fitted.dispose?.();
  }, 30_000);

  it('a kept calibration: percentages measured after it, beside without it, and the verdict weighs them', async () => {
    const { prep, table } = prepared('binary', 400, 3);
    const inner = await fitFamily('gbdt', prep);
    // a correction that makes the percentages worse (a run would not keep it): the check must show that
    const bundle = bundleOf(new CalibratedFitted(inner, plattCalibrator(0.3, 1.5)), table, prep);
    const file = mixedTable('binary', 300, 11);
    const ev = await evaluateLabelledFile(bundle, file, { seed: 1 });
    const y = bundle.encoder.encodeTarget(file);
    const withIt = reliability(bundle.taskInfo, y, scoreTable(bundle, file).raw);
    const without = reliability(bundle.taskInfo, y, scoreTable({ ...bundle, fitted: inner }, file).raw);
    expect(ev.calibration!.ece).toBeCloseTo(withIt.ece, 6);
    expect(ev.calibration!.correction).toMatchObject({ kind: 'platt', ece_without: without.ece });
    expect(ev.calibration!.ece).toBeGreaterThan(0.1);
    expect(ev.calibration!.correction!.log_loss).toBeCloseTo(ev.metrics.log_loss!.value, 6);
    expect(ev.calibration!.correction!.log_loss).toBeGreaterThan(ev.calibration!.correction!.log_loss_without);
    expect(ev.calibration!.text).toMatch(/On this file the correction kept with the model puts its percentages further off \(by \d+ points on average, against \d+ points without it\)/);
    expect(ev.verdict.reasons.map((r) => r.code)).toContain('percentages_off');
    expect(ev.conformal).toBeUndefined(); // this model was kept without ranges: nothing is made up
  }, 30_000);
});
