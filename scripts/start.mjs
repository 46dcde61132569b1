// `npm start`: build and open the Electron desktop window. Electron (>= 42) fetches its program
// lazily on first use; where that download is impossible (offline), say so in one sentence and
// point to browser mode instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const NO_ELECTRON =
  'Augur\'s desktop window needs the Electron program, which is not on this computer and could not be downloaded (no internet connection?); run "npm run web" to use Augur in your browser instead.';

/** @type {() => { installed: boolean; path?: string; reason?: string }} */
const { electronBinaryStatus } = await tsImport('../electron/engine/util/environment.ts', import.meta.url);

function fail(sentence) {
  console.error(sentence);
  process.exit(1);
}

/** First start on a machine with internet: electron's own installer downloads the binary. */
function tryDownload() {
  const installer = path.join(ROOT, 'node_modules', 'electron', 'install.js');
  if (!fs.existsSync(installer)) return false;
  console.log('Downloading the Electron program (first start only; this can take a minute)…');
  const r = spawnSync(process.execPath, [installer], { cwd: path.dirname(installer), encoding: 'utf8', timeout: DOWNLOAD_TIMEOUT_MS });
  if (r.status !== 0 && process.env.AUGUR_DEBUG) console.error(r.stderr || r.error?.message);
  return r.status === 0;
}

let electron = electronBinaryStatus();
if (!electron.installed) {
  if (electron.reason === 'the electron package is not installed') fail(`Augur's desktop window needs the Electron program, but ${electron.reason}: run "npm install" (or "npm run web" to use Augur in your browser).`);
  if (tryDownload()) electron = electronBinaryStatus();
  if (!electron.installed) fail(NO_ELECTRON);
}

function run(label, args) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail(`Augur could not be built (${label} failed; see the messages above).`);
}
run('the window build', [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
run('the main-process build', [path.join(ROOT, 'scripts', 'build-electron.mjs'), '--quiet']);

const child = spawn(electron.path, [ROOT, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', windowsHide: false });
child.on('error', () => fail(NO_ELECTRON));
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
