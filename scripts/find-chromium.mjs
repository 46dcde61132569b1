// Finds a Chromium for Playwright: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's own download.
import fs from 'node:fs';

export const HOW_TO_GET_CHROMIUM =
  'No Chromium found for the browser tests: install one with "sudo apt-get install -y chromium" (Debian/Ubuntu) or "npx playwright install chromium", or set CHROMIUM_PATH to a Chromium/Chrome executable.';

export async function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  try {
    const { chromium } = await import('playwright-core');
    const p = chromium.executablePath();
    if (p && fs.existsSync(p)) return p;
  } catch {
    /* no bundled browser */
  }
  return undefined;
}
