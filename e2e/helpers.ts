// Shared steps for the browser e2e: real host, real engine, real Chromium; no mocks, no sleeps.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixture = (name: string) => path.join(here, 'fixtures', name);
const shotsDir = path.join(here, 'shots');

/** Full-page screenshot into e2e/shots/ (gitignored), for a human to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header would otherwise be painted mid-page
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

/** Open the app and wait until the engine has answered `status`. */
export async function openApp(page: Page): Promise<void> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto('/');
  await expect(page.getByTestId('status-line')).toContainText('Augur ');
  // Uncaught errors in the page are bugs, whatever the test is about.
  (page as Page & { augurProblems?: string[] }).augurProblems = problems;
}

export function pageProblems(page: Page): string[] {
  return (page as Page & { augurProblems?: string[] }).augurProblems ?? [];
}

/** Drag-and-drop a file onto the drop zone exactly as a user's drop arrives (DataTransfer with a File). */
export async function dropFile(page: Page, filePath: string, name = path.basename(filePath), target = page.getByTestId('drop-zone')): Promise<void> {
  const bytes = [...fs.readFileSync(filePath)];
  const dt = await page.evaluateHandle(
    ({ bytes, name }) => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
      return d;
    },
    { bytes, name },
  );
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
}
