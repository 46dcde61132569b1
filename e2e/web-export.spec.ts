// "Export for a web page", end to end: a model trained from a CSV is saved as a package, exported with
// the CLI (`export-web --json`, the contract), and its index.html opened in Chromium from file:// (no
// server). A row typed into the form gets the app's exact numbers (loadPackage + scoreTable) and, for
// trees, the app's reasons. Screenshots of the three kinds of page go to e2e/shots/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { importCsvFile } from '../electron/engine/data/import.ts';
import { prepareTable, prepareTraining } from '../electron/engine/data/prepare.ts';
import { rowsToTable, type RowObject } from '../electron/engine/data/rows-table.ts';
import { stringAt } from '../electron/engine/data/table-ops.ts';
import { completeBundle, type ModelBundle } from '../electron/engine/deploy/bundle.ts';
import { loadPackage, savePackage } from '../electron/engine/deploy/package.ts';
import { scoreTable } from '../electron/engine/deploy/scoring.ts';
import { toDetails } from '../electron/engine/deploy/web/runtime/scorer.ts';
import { explainRow } from '../electron/engine/evaluate/explain/row.ts';
import { EnsembleFitted } from '../electron/engine/models/composite/ensemble.ts';
import { fitFamily, mixedTable, type TaskName } from '../test/deploy/helpers.ts';
import { formatNumber } from '../shared/metrics.ts';
import { shot } from './helpers.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-e2e-web-'));
test.afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const csvCell = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);

/** The mixed table as a CSV file, imported, trained on and saved as a package (the app's own steps). */
async function savedModel(task: TaskName, family = 'trees'): Promise<{ pkg: string; csv: string; bundle: ModelBundle }> {
  const source = mixedTable(task, 200, 3);
  const at = source.columns.map((c) => stringAt(c));
  const lines = [source.columns.map((c) => csvCell(c.name)).join(',')];
  for (let i = 0; i < source.nRows; i++) lines.push(at.map((f) => csvCell(f(i))).join(','));
  const csv = path.join(work, `${task}.csv`);
  fs.writeFileSync(csv, lines.join('\n'));
  const { table, plans } = await importCsvFile(csv);
  const prep = prepareTraining(table, { target: 'outcome' });
  // several classes: an ensemble of forests (explained exactly, like boosting alone)
  const fitted = family === 'mlp' ? await fitFamily('mlp', prep) : task === 'multiclass'
    ? new EnsembleFitted(prep.taskInfo, [await fitFamily('random_forest', prep), await fitFamily('extra_trees', prep)], [0.6, 0.4], 'weighted')
    : await fitFamily('gbdt', prep);
  const bundle = completeBundle({ encoder: prep.encoder, fitted, taskInfo: prep.taskInfo, target: prep.target,
    metrics: task === 'regression' ? { metric: 'rmse', valid: { rmse: 4.1 } } : { metric: 'roc_auc', valid: { roc_auc: 0.91 } } }, table, { target: 'outcome' }, { plans });
  if (task === 'binary') bundle.postprocess = { threshold: 0.4 };
  if (task === 'regression') bundle.postprocess = { conformal: { kind: 'interval', formatVersion: 1, coverage: 0.9, method: 'absolute', q: 5.5 } };
  const pkg = path.join(work, `${task}-${family}-model`);
  await savePackage(pkg, bundle);
  return { pkg, csv, bundle };
}

/** The CLI as other tools call it. */
function exportWithCli(pkg: string, csv: string, out: string): { out: string; files: string[]; bytes: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'export-web', pkg, '--out', out, '--data', csv, '--json'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

// One row a user types: values as the form takes them (numbers as numbers, the date as the picker gives it).
const typed: Record<TaskName, RowObject> = {
  binary: { size: 61.5, colour: 'blue', member: 'Yes', ordered: '2024-05-17', note: 'late delivery' },
  multiclass: { size: 12, colour: 'green', member: 'No', ordered: '2024-11-02', note: 'refund asked' },
  regression: { size: 88.25, colour: 'red', member: 'Yes', ordered: '2024-02-29', note: '' },
};

for (const task of ['binary', 'multiclass', 'regression'] as TaskName[]) {
  test(`${task}: the exported page, opened from file://, answers a typed row with the app's numbers`, async ({ page }) => {
    const { pkg, csv } = await savedModel(task);
    const out = path.join(work, `${task}-web`);
    const j = exportWithCli(pkg, csv, out);
    expect(j.files).toEqual(expect.arrayContaining(['index.html', 'scorer.js']));

    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('request', (r) => { if (!r.url().startsWith('file://')) problems.push(`request to ${r.url()}`); });
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href);
    await expect(page.getByTestId('prediction')).toBeVisible();

    const row = typed[task];
    for (const [column, value] of Object.entries(row)) {
      const input = page.getByLabel(column, { exact: true });
      if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(String(value));
      else await input.fill(String(value));
    }

    // The app: the saved package loaded as the app loads it, and its one scoring path.
    const app = await loadPackage(pkg);
    const appRow = { ...row, note: row.note === '' ? null : row.note };
    const want = toDetails(scoreTable(app, rowsToTable([appRow], app.schema)))[0];
    await expect(page.locator('#answer')).toHaveAttribute('data-prediction', JSON.stringify(want));
    await expect(page.getByTestId('prediction')).toHaveText(task === 'regression' ? formatNumber(want.prediction as number) : String(want.prediction));
    if (task === 'regression') await expect(page.getByTestId('range')).toContainText('Likely between');
    else await expect(page.getByTestId('chances').locator('.chart-row')).toHaveCount(app.target.classes!.length);

    // Trees explain exactly: the page's reasons are the app's.
    const prepared = prepareTable(rowsToTable([appRow], app.schema), {}).table;
    const reasons = (await explainRow(app.fitted, app.encoder, prepared, 0)).reasons;
    await expect(page.getByTestId('reasons').locator('li')).toHaveCount(reasons.length);
    for (const [i, r] of reasons.entries()) await expect(page.getByTestId('reasons').locator('li').nth(i)).toContainText(r);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(page, `web-export-${task}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, `web-export-${task}-phone`);
    expect(problems).toEqual([]);
    app.fitted.dispose?.();
  });
}

test('a network\'s page gives the same answer and, on request, sampled reasons in the browser', async ({ page }) => {
  const { pkg, csv } = await savedModel('binary', 'mlp');
  const out = path.join(work, 'mlp-web');
  exportWithCli(pkg, csv, out);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(pathToFileURL(path.join(out, 'index.html')).href);
  await page.getByLabel('size', { exact: true }).fill('30');
  // the page's plain-JS network against the app's tfjs network: the same answer, chances within 1e-5
  const app = await loadPackage(pkg);
  const row = JSON.parse((await page.locator('#answer').getAttribute('data-prediction'))!);
  const form = Object.fromEntries(await page.locator('#inputs [name]').evaluateAll((els) => els.map((e) => [e.getAttribute('name'), (e as HTMLInputElement).value])));
  const want = toDetails(scoreTable(app, rowsToTable([{ ...form, size: 30, note: form.note || null }], app.schema)))[0];
  expect(row.prediction).toBe(want.prediction);
  for (const c of app.target.classes!) expect(Math.abs(row.probabilities[c] - want.probabilities![c])).toBeLessThan(1e-5);
  await page.getByTestId('why').click();
  await expect(page.getByTestId('reasons').locator('li').first()).toBeVisible();
  await shot(page, 'web-export-network-reasons');
  expect(problems).toEqual([]);
  app.fitted.dispose?.();
});
