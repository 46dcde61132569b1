import { defineConfig } from '@playwright/test';
import { findChromium, HOW_TO_GET_CHROMIUM } from './scripts/find-chromium.mjs';

const executablePath = await findChromium();
if (!executablePath) {
  console.error(HOW_TO_GET_CHROMIUM);
  process.exit(1);
}
const PORT = Number(process.env.AUGUR_E2E_PORT ?? 4317);

export default defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.spec\.ts/,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: process.env.AUGUR_PW_JSON ? [['list'], ['json', { outputFile: process.env.AUGUR_PW_JSON }]] : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 820 },
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  // The real host (browser mode) with the real engine; the renderer must already be built (npm test does it).
  webServer: {
    command: `node --import tsx electron/host.ts --port ${PORT} --no-open`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    // SIGTERM, not the default SIGKILL, so the host removes its uploads folder on the way out.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
