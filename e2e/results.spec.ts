// Understanding a model on the Results screen: the verdict, the closer look, one row's explanation,
// what-if values, and the costs that set the decision line. Real host, real engine, real Chromium.
import { expect, test, type Page } from '@playwright/test';
import { dropFile, fixture, openApp, pageProblems, shot } from './helpers.ts';

async function trainOn(page: Page, file: string, target: string, seconds = '6') {
  await openApp(page);
  await dropFile(page, fixture(file));
  await page.getByTestId('to-check').click();
  await page.getByTestId('target-select').selectOption(target);
  await expect(page.getByTestId('ready')).toBeVisible();
  await page.getByTestId('to-train').click();
  await page.getByTestId('budget-custom').fill(seconds);
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-sentence')).not.toBeEmpty({ timeout: 60_000 });
  await page.getByTestId('to-results').click();
}

test('the Results screen says whether the model is ready, where it is weak, and why it said what it said', async ({ page }) => {
  await trainOn(page, 'customers-small.csv', 'churned');
  await expect(page.getByTestId('verdict-level')).toHaveText(/^(Ready to use|Use with care|Not ready yet)$/);
  await expect(page.getByTestId('metric-cards')).toContainText('Always guessing');
  await expect(page.getByTestId('gain-chart')).toBeVisible();
  await expect(page.getByTestId('confusion')).toContainText('Model said');
  await shot(page, '20-results-quality');

  // Where it is weaker: the closer look arrives with progress, and the slice table sorts.
  await page.getByTestId('tab-weak').click();
  await expect(page.getByTestId('slice-table')).toBeVisible({ timeout: 60_000 });
  const firstGroup = () => page.getByTestId('slice-table').locator('tbody tr').first().locator('td').first().textContent();
  await page.getByTestId('sort-rows').click();
  const byRows = await firstGroup();
  await page.getByTestId('sort-group').click();
  expect(await firstGroup()).not.toBe(byRows);
  await shot(page, '21-results-weak');

  await page.getByTestId('tab-trust').click();
  await expect(page.getByTestId('reliability-chart')).toBeVisible();
  await shot(page, '22-results-trust');
  await page.getByTestId('tab-ranges').click();
  await expect(page.getByTestId('section-ranges')).toContainText(/times in 10|out of 10|%/);
  await shot(page, '23-results-ranges');

  // What drives it: importance, then one row's explanation (a waterfall with reasons), then what-if.
  await page.getByTestId('tab-drivers').click();
  await expect(page.getByTestId('importance-chart')).toBeVisible();
  await page.getByTestId('explain-3').click();
  await expect(page.getByTestId('waterfall')).toBeVisible();
  await expect(page.getByTestId('reasons').locator('li').first()).not.toBeEmpty();
  await page.getByTestId('open-what-if').click();
  const result = page.getByTestId('what-if').getByTestId('explanation').locator('h4');
  await expect(result).toContainText('%');
  const before = await result.textContent();
  await page.getByTestId('what-if-tenure_months').fill('1');
  await expect(result).not.toHaveText(before!);
  await shot(page, '24-results-drivers');

  // Costs: a missed churner costs 10 times a needless call; the line moves and is said in words.
  await page.getByTestId('tab-costs').click();
  await page.getByTestId('cost-missed').fill('10');
  await page.getByTestId('cost-alarm').fill('1');
  await page.getByTestId('apply-costs').click();
  await expect(page.getByTestId('threshold-sentence')).not.toBeEmpty();
  await expect(page.getByTestId('cost-curve')).toBeVisible();
  await shot(page, '25-results-costs');

  await page.getByTestId('tab-more').click();
  await expect(page.getByTestId('more-data-advice')).not.toBeEmpty();
  await shot(page, '26-results-more-data');
  expect(pageProblems(page)).toEqual([]);
});

test('an amount gets ranges and a predicted-against-real chart', async ({ page }) => {
  await trainOn(page, 'customers-small.csv', 'monthly_charge');
  await expect(page.getByTestId('amount-scatter')).toBeVisible();
  await expect(page.getByTestId('residuals')).toBeVisible();
  await shot(page, '27-results-amount');
  await page.getByTestId('tab-ranges').click();
  await expect(page.getByTestId('section-ranges')).toContainText('between');
  await shot(page, '28-results-amount-ranges');
  expect(pageProblems(page)).toEqual([]);
});
