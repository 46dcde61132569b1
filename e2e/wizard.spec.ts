// The wizard a small-business owner walks, end to end against the real engine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { dropFile, fixture, openApp, pageProblems, shot } from './helpers.ts';

test('dropping a CSV shows its size, row count and a preview with column types', async ({ page }) => {
  await openApp(page);
  // Later steps are visibly closed; Export and Monitor say they are coming.
  await expect(page.getByTestId('step-train')).toBeDisabled();
  await expect(page.getByTestId('step-export')).toBeDisabled();
  await expect(page.getByTestId('step-export')).toContainText('soon');
  await shot(page, '01-start');
  await dropFile(page, fixture('customers-small.csv'));
  await expect(page.getByTestId('row-count')).toHaveText('400 rows');
  await expect(page.getByTestId('column-count')).toHaveText('5 columns');
  await expect(page.getByLabel('Type of column plan')).toHaveValue('categorical');
  await expect(page.getByLabel('Type of column monthly_charge')).toHaveValue('numeric');
  await expect(page.getByTestId('preview-table').locator('tbody tr')).toHaveCount(8);
  // A wrong guess is fixed with the column's dropdown, and the Check step uses the new type.
  await page.getByLabel('Type of column support_calls').selectOption('categorical');
  await expect(page.getByTestId('preview-table')).toContainText('changed (Augur read number)');
  await shot(page, '02-imported');
  await page.getByTestId('to-check').click();
  await expect(page.getByTestId('roles-table').getByRole('row', { name: /support_calls/ })).toContainText('Category');
  expect(pageProblems(page)).toEqual([]);
});

test('the sample file imports with one click', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('try-sample').click();
  await expect(page.getByTestId('row-count')).toHaveText(/^[\d,]+ rows$/);
  await expect(page.locator('.fact--file')).toContainText('customers.csv');
  expect(pageProblems(page)).toEqual([]);
});

test('a messy file shows plain-language findings on the Check screen, and a fix re-runs the check', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(fixture('messy.csv'));
  await expect(page.getByTestId('row-count')).toHaveText('162 rows');
  await page.getByTestId('to-check').click();
  await page.getByTestId('target-select').selectOption('bought');
  await expect(page.getByTestId('checking')).toHaveCount(0);
  // The ID column, the duplicated rows and the e-mail column are each reported in words.
  const finding = (text: RegExp) => page.getByTestId(/^finding-/).filter({ hasText: text });
  await expect(finding(/customer_id/)).toHaveCount(1);
  await expect(finding(/\b12 rows\b.*(cop(y|ies)|duplicate)/i)).toHaveCount(1);
  await expect(finding(/email/)).not.toHaveCount(0);
  // Incomes with "unknown" in a few cells are still numbers, and the finding says what was left empty.
  await expect(page.getByTestId('roles-table').getByRole('row', { name: /income/ })).toContainText('Number');
  await expect(finding(/5 cells in "income" say "unknown"/)).toHaveCount(1);
  // Every finding is a sentence for people: no codes, no stack traces.
  for (const text of await page.getByTestId(/^finding-/).locator('.finding__message').allTextContents()) {
    expect(text).toMatch(/^\S.*[.!?)]$/);
    expect(text).not.toMatch(/Error:|undefined|NaN|\[object|\bat \S+:\d+/);
  }
  await shot(page, '03-check-messy');
  // "followup" is a recoding of the outcome (it gives it away): left out by default, said in words,
  // and one click uses it anyway (then it is a warning with a button that leaves it out again).
  await expect(page.getByLabel('Role of column followup')).toHaveValue('ignore');
  const left = page.getByTestId('finding-info').filter({ hasText: /"followup" is left out/ });
  await expect(left).toHaveCount(1);
  await left.getByRole('button', { name: /Use "followup" anyway/ }).click();
  await expect(page.getByLabel('Role of column followup')).toHaveValue('use');
  const leak = page.getByTestId('finding-warning').filter({ hasText: /followup/ });
  await expect(leak).toHaveCount(1);
  await leak.getByRole('button').first().click();
  await expect(page.getByLabel('Role of column followup')).toHaveValue('ignore');
  await expect(page.getByTestId('checking')).toHaveCount(0);
  await expect(page.getByTestId('finding-warning').filter({ hasText: /followup/ })).toHaveCount(0);
  await expect(page.getByTestId('ready')).toContainText('162 rows');
  await shot(page, '04-check-after-fix');
  expect(pageProblems(page)).toEqual([]);
});

test('a spreadsheet export with a title line, a pasted-in header and inconsistent spelling reads as the user means it', async ({ page }) => {
  await openApp(page);
  await dropFile(page, fixture('excel-export.csv'));
  // The title line above the names and the second header in the middle are not data.
  await expect(page.getByTestId('row-count')).toHaveText('160 rows');
  await expect(page.getByTestId('column-count')).toHaveText('7 columns');
  await expect(page.getByLabel('Type of column Revenue')).toHaveValue('numeric');
  await expect(page.getByLabel('Type of column Signed')).toHaveValue('date');
  await shot(page, '02b-imported-spreadsheet-export');
  await page.getByTestId('to-check').click();
  await page.getByTestId('target-select').selectOption('Renewed');
  await expect(page.getByTestId('checking')).toHaveCount(0);
  const finding = (text: RegExp) => page.getByTestId(/^finding-/).filter({ hasText: text });
  await expect(finding(/skipped the line above the column names/)).toHaveCount(1);
  await expect(finding(/Line 84 repeats the column names/)).toHaveCount(1);
  await expect(finding(/"Region" has values that differ only in capital letters/)).toHaveCount(1);
  await expect(finding(/"Complained" is either "yes" or empty/)).toHaveCount(1);
  await expect(finding(/#DIV\/0!/)).toHaveCount(1);
  // "Yes" and "yes" are one outcome: two classes, and the file is ready to train.
  await expect(page.getByTestId('ready')).toContainText('160 rows');
  await shot(page, '03b-check-spreadsheet-export');
  expect(pageProblems(page)).toEqual([]);
});

test('a column of words set to "Number" is refused in words, with a button that puts its type back', async ({ page }) => {
  await openApp(page);
  await dropFile(page, fixture('customers-small.csv'));
  await page.getByLabel('Type of column plan').selectOption('numeric');
  await page.getByTestId('to-check').click();
  await page.getByTestId('target-select').selectOption('churned');
  await expect(page.getByTestId('checking')).toHaveCount(0);
  await expect(page.getByTestId('blocker')).toContainText('Fix the problem marked below first.');
  const problem = page.getByTestId('finding-error');
  await expect(problem).toContainText('Most values in "plan" are not numbers ("Basic", "Premium", "Standard")');
  await shot(page, '04b-check-words-as-number');
  await problem.getByRole('button', { name: 'Read it as categories again' }).click();
  await expect(page.getByTestId('ready')).toBeVisible();
  await expect(page.getByTestId('finding-error')).toHaveCount(0);
  expect(pageProblems(page)).toEqual([]);
});

test('a big import shows its progress and can be cancelled', async ({ page }) => {
  // ~40 MB: long enough to watch, generated on the fly rather than stored in the repo.
  const small = fs.readFileSync(fixture('customers-small.csv'), 'utf8').trimEnd().split('\n');
  const body = small.slice(1).join('\n') + '\n';
  const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'augur-e2e-')), 'big-customers.csv');
  fs.writeFileSync(big, small[0] + '\n' + body.repeat(Math.ceil(40e6 / body.length)));
  try {
    await openApp(page);
    await page.getByTestId('file-input').setInputFiles(big);
    const progress = page.getByTestId('import-progress');
    await expect(progress).toContainText('Reading big-customers.csv');
    await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]/);
    await shot(page, '06b-import-progress');
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('notice-banner')).toContainText('Import stopped');
    await expect(progress).toHaveCount(0);
    await expect(page.getByTestId('row-count')).toHaveCount(0);
    await expect(page.getByTestId('drop-zone')).toBeVisible();
    expect(pageProblems(page)).toEqual([]);
  } finally {
    fs.rmSync(path.dirname(big), { recursive: true, force: true });
  }
});

test('a refused file gets one plain sentence, and the app still works afterwards', async ({ page }) => {
  await openApp(page);
  await dropFile(page, fixture('sales-from-excel.csv'));
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(/Excel|spreadsheet|zip/i);
  const sentence = (await banner.locator('.banner__text').textContent()) ?? '';
  expect(sentence).not.toMatch(/\bat\s+\S+\.(ts|js):\d+|Error:|undefined|\[object/);
  await shot(page, '05-refused-excel');

  await dropFile(page, fixture('empty.csv'));
  await expect(banner).toContainText(/empty|no data|nothing/i);
  await shot(page, '06-refused-empty');

  // Still usable: a good file imports normally and the banner goes away. This one lands beside the
  // drop zone, which must import it too rather than let the window navigate away to the raw file.
  await dropFile(page, fixture('customers-small.csv'), undefined, page.getByRole('list', { name: 'How it works' }));
  await expect(page.getByTestId('row-count')).toHaveText('400 rows');
  await expect(banner).toHaveCount(0);
  expect(pageProblems(page).filter((p) => !/Failed to load resource/.test(p))).toEqual([]);
});

test('pick a target, train briefly, see the leaderboard fill and the final sentence', async ({ page }) => {
  await openApp(page);
  await dropFile(page, fixture('customers-small.csv'));
  await expect(page.getByTestId('row-count')).toHaveText('400 rows');
  await page.getByTestId('to-check').click();
  await page.getByTestId('target-select').selectOption('churned');
  await expect(page.getByTestId('task-category')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('ready')).toBeVisible();
  await shot(page, '07-check-ready');
  await page.getByTestId('to-train').click();
  await page.getByTestId('budget-custom').fill('6');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('train-progress')).toBeVisible();
  await expect(page.getByTestId('leaderboard-row').first()).toBeVisible();
  await shot(page, '08-training');
  await expect(page.getByTestId('run-sentence')).not.toBeEmpty({ timeout: 60_000 });
  expect(await page.getByTestId('leaderboard-row').count()).toBeGreaterThan(1);
  // the count beside the list is every model tried, as the sentence says (the list keeps the best 100)
  const tried = (await page.getByTestId('tried-count').textContent())!;
  await expect(page.getByTestId('run-count')).toContainText(`${tried} models tried`);
  await expect(page.getByTestId('score-chart')).toBeVisible();
  await shot(page, '09-trained');
  await page.getByTestId('to-results').click();
  await expect(page.getByTestId('best-model')).not.toBeEmpty();
  await expect(page.getByTestId('results-sentence')).not.toBeEmpty();
  await expect(page.getByTestId('upcoming')).toContainText('Export');
  await shot(page, '10-results');
  expect(pageProblems(page)).toEqual([]);
});

test('stopping a long training keeps the best model found so far', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(fixture('customers-small.csv'));
  await expect(page.getByTestId('row-count')).toHaveText('400 rows');
  await page.getByTestId('to-check').click();
  await expect(page.getByTestId('blocker')).toBeVisible(); // nothing to predict chosen yet
  await shot(page, '11-check-no-target');
  await page.getByTestId('target-select').selectOption('monthly_charge');
  await expect(page.getByTestId('task-amount')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('to-train').click();
  await page.getByTestId('budget-quick').click();
  // The user asks for the smallest average error instead of the default; the leaderboard ranks by it.
  await expect(page.getByTestId('metric-select')).toHaveValue('rmse');
  await page.getByTestId('metric-select').selectOption({ label: 'The smallest average error' });
  await expect(page.getByTestId('metric-hint')).toContainText('on average');
  await shot(page, '11b-train-goal');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('leaderboard-row').nth(1)).toBeVisible();
  await expect(page.getByTestId('leaderboard').locator('thead')).toContainText('Average error');
  await page.getByTestId('cancel-training').click();
  await expect(page.getByTestId('run-sentence')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('run-done')).toContainText(/stopped/i);
  await expect(page.getByTestId('run-sentence')).not.toBeEmpty();
  await shot(page, '12-stopped');
  expect(pageProblems(page)).toEqual([]);
});
