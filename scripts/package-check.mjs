// `npm run package:check`: packages Augur offline the way a release is packaged, and checks it.
// electron-builder --linux dir runs with a stand-in Electron (no download; it carries a real fuse
// wire so the configured fuses are flipped and read back), then this script checks that app.asar is
// small, holds no node_modules, has the bundles, renderer and samples, and that the tfjs .wasm files
// and the search worker are unpacked where the main process points AUGUR_WASM_DIR / AUGUR_WORKER_PATH.
// Finally it runs the shipped main bundle under a stub of the Electron API (test/api/fixtures/electron-harness.cjs)
// from outside the repo, so any module the bundle failed to include shows up as an error.
// Usage: node scripts/package-check.mjs [--skip-build] [--keep]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build-electron.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const MAX_ASAR_MB = 15; // budget: bundles (~5 MB with tfjs) + renderer + samples
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's shipped defaults, in FuseV1Options order: RunAsNode, CookieEncryption, NodeOptions,
// NodeCliInspect, EmbeddedAsarIntegrity, OnlyLoadAppFromAsar, BrowserV8Snapshot, FileProtocolPrivileges.
const DEFAULT_WIRE = '10110001';
const EXPECTED_WIRE = '01001100'; // as configured in electron-builder.cjs
const FUSE_NAMES = ['RunAsNode', 'CookieEncryption', 'NodeOptions', 'NodeCliInspect', 'EmbeddedAsarIntegrity', 'OnlyLoadAppFromAsar', 'BrowserV8Snapshot', 'FileProtocolExtraPrivileges'];

const args = process.argv.slice(2);
const problems = [];
const mb = (bytes) => (bytes / 1e6).toFixed(2) + ' MB';
const t0 = Date.now();

function dirSize(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return total;
}

/** A folder electron-builder accepts as electronDist: an "electron" file carrying a fuse wire. */
function standInElectron(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron for packaging checks"\nexit 1\n# '),
    Buffer.from(SENTINEL),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE),
    Buffer.from('\n'),
  ]);
  fs.writeFileSync(path.join(dir, 'electron'), wire, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'version'), require('electron/package.json').version);
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'stand-in');
}

function readWire(file) {
  const buf = fs.readFileSync(file);
  const at = buf.indexOf(SENTINEL);
  if (at < 0) return undefined;
  const len = buf[at + SENTINEL.length + 1];
  return buf.subarray(at + SENTINEL.length + 2, at + SENTINEL.length + 2 + len).toString('latin1');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-package-check-'));
try {
  if (!args.includes('--skip-build')) {
    console.log('Building the renderer and the Electron bundles…');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('the renderer build failed');
    await buildElectron();
  }

  const fake = path.join(tmp, 'electron-dist');
  standInElectron(fake);
  const out = path.join(tmp, 'release');
  console.log('Packaging with electron-builder (linux dir, stand-in Electron)…');
  const tb = Date.now();
  const eb = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'dir', '--config', 'electron-builder.cjs', `-c.electronDist=${fake}`, `-c.directories.output=${out}`],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ELECTRON_BUILDER_OFFLINE: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  const builderS = (Date.now() - tb) / 1000;
  if (eb.status !== 0) {
    process.stdout.write(eb.stdout + eb.stderr);
    throw new Error('electron-builder failed');
  }

  const resources = path.join(out, 'linux-unpacked', 'resources');
  const asarFile = path.join(resources, 'app.asar');
  const asar = require('@electron/asar');
  const entries = asar.listPackage(asarFile, {}).map((p) => p.replace(/\\/g, '/'));
  const asarBytes = fs.statSync(asarFile).size;
  const unpackedDir = path.join(resources, 'app.asar.unpacked');
  const unpackedBytes = fs.existsSync(unpackedDir) ? dirSize(unpackedDir) : 0;

  const has = (p) => entries.includes(p);
  for (const p of ['/package.json', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html'])
    if (!has(p)) problems.push(`app.asar lacks ${p}`);
  if (entries.some((p) => p.includes('/node_modules/'))) problems.push(`app.asar contains node_modules (${entries.filter((p) => p.includes('/node_modules/')).length} entries)`);
  if (asarBytes > MAX_ASAR_MB * 1e6) problems.push(`app.asar is ${mb(asarBytes)}, over the ${MAX_ASAR_MB} MB budget`);
  const wasm = fs.existsSync(path.join(unpackedDir, 'dist/electron/wasm')) ? fs.readdirSync(path.join(unpackedDir, 'dist/electron/wasm')).filter((f) => f.endsWith('.wasm')) : [];
  if (wasm.length !== 3) problems.push(`expected the 3 tfjs .wasm files unpacked in app.asar.unpacked/dist/electron/wasm, found ${wasm.length}`);
  if (fs.existsSync(path.join(ROOT, 'electron/engine/search/worker.ts')) && !fs.existsSync(path.join(unpackedDir, 'dist/electron/worker.cjs')))
    problems.push('the search worker (worker.cjs) is not unpacked');

  const exe = path.join(out, 'linux-unpacked', 'augur');
  const wire = fs.existsSync(exe) ? readWire(exe) : undefined;
  if (wire !== EXPECTED_WIRE) problems.push(`fuses are ${wire ?? 'unreadable'}, expected ${EXPECTED_WIRE}`);

  // Run the shipped main + preload under the Electron stub, from a copy outside the repo.
  const appDir = path.join(tmp, 'extracted-app');
  asar.extractAll(asarFile, appDir);
  const harness = spawnSync(process.execPath, [path.join(ROOT, 'test/api/fixtures/electron-harness.cjs'), appDir, '--train'], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  let smoke;
  try {
    smoke = JSON.parse(harness.stdout.trim().split('\n').pop() ?? '');
  } catch {
    problems.push(`the shipped main bundle did not run: ${(harness.stderr || harness.stdout).trim().split('\n').slice(-3).join(' ')}`);
  }
  if (smoke) for (const f of smoke.failures) problems.push(`shipped bundle: ${f}`);

  console.log('');
  console.log(`app.asar:            ${mb(asarBytes)} (${entries.length} entries, no node_modules: ${!entries.some((p) => p.includes('/node_modules/'))})`);
  const unpackedWorkers = fs.existsSync(path.join(unpackedDir, 'dist/electron')) ? fs.readdirSync(path.join(unpackedDir, 'dist/electron')).filter((f) => f.endsWith('.cjs')) : [];
  console.log(`app.asar.unpacked:   ${mb(unpackedBytes)} (${[...wasm, ...unpackedWorkers].join(', ')})`);
  for (const name of ['main', 'preload', 'worker']) {
    const f = path.join(appDir, 'dist/electron', name + '.cjs');
    if (fs.existsSync(f)) console.log(`  ${name}.cjs:`.padEnd(21) + mb(fs.statSync(f).size));
  }
  console.log(`fuses:               ${wire ? FUSE_NAMES.map((n, i) => `${n}=${wire[i] === '1' ? 'on' : 'off'}`).join(' ') : 'unreadable'}`);
  if (smoke) console.log(`shipped main bundle: ${smoke.passed.length} checks passed (${smoke.passed.join('; ')})`);
  console.log(`electron-builder:    ${builderS.toFixed(1)} s; whole check ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (args.includes('--keep')) console.log(`kept: ${tmp}`);
} catch (err) {
  problems.push(err.message);
} finally {
  if (!args.includes('--keep')) fs.rmSync(tmp, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`\nPackage check FAILED:\n${problems.map((p) => '  - ' + p).join('\n')}`);
  process.exit(1);
}
console.log('\nPackage check passed.');
