// `npm test`: type-check, the Electron security check (Electronegativity, offline), unit tests
// (vitest), renderer build, browser e2e (Playwright in Chromium against the real host and engine).
// Ends with one countable line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from './find-chromium.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-test-'));
const bin = (name) => path.join('node_modules', '.bin', name);
let passed = 0;
let failed = 0;
const started = Date.now();

function step(label, cmd, args, env = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${label} ===\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  process.stdout.write(`--- ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return r.status === 0;
}

// 1. Types across renderer, shared, electron, tests.
if (step('typecheck', bin('tsc'), ['-p', '.'])) passed++;
else failed++;

// 2. Electron misconfigurations: a finding of medium severity or above that is not in
// scripts/security-allowlist.json (with its reason) fails this step. Counts as one test.
if (step('security check', process.execPath, ['scripts/security-check.mjs'])) passed++;
else failed++;

// 3. Unit tests.
const vitestJson = path.join(tmp, 'vitest.json');
step('unit tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (fs.existsSync(vitestJson)) {
  const r = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0);
} else failed++;

// 4. Browser e2e: build the renderer, then Playwright starts the host itself.
const chromium = await findChromium();
if (!chromium) {
  console.error(HOW_TO_GET_CHROMIUM);
  failed++;
} else if (!step('renderer build', 'npm', ['run', '--silent', 'build:renderer'])) {
  failed++;
} else {
  const pwJson = path.join(tmp, 'playwright.json');
  step('browser e2e', bin('playwright'), ['test'], { AUGUR_PW_JSON: pwJson, CHROMIUM_PATH: chromium });
  if (fs.existsSync(pwJson)) {
    const s = JSON.parse(fs.readFileSync(pwJson, 'utf8')).stats;
    passed += s.expected;
    failed += s.unexpected + (s.flaky ?? 0) * 0;
    passed += s.flaky ?? 0;
  } else failed++;
}

fs.rmSync(tmp, { recursive: true, force: true });
console.log(`\nAll tests finished in ${((Date.now() - started) / 1000).toFixed(0)} s (typecheck and the security check count as one test each).`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
