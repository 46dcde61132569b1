// `node scripts/security-check.mjs`: Electronegativity (Doyensec's checker for Electron
// misconfigurations, a pinned devDependency) over the app's Electron code: main process, preload,
// the CSP and the renderer page. Fails on any finding of medium severity or above that is not in
// scripts/security-allowlist.json with the reason it is safe. `npm test` runs it as one test.
//
// Offline by construction: the tool fetches translations (and, in one check, Electron's release
// list) with `got` at run time; here `got` is replaced by a stand-in that refuses at once and counts
// the attempts, and the release-list check (AvailableSecurityFixesGlobalCheck: Electron updates are
// the exact pin in package.json, reviewed when it changes) is left out.
import Module, { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALLOW_FILE = path.join(ROOT, 'scripts', 'security-allowlist.json');
/** What is scanned: everything that configures or talks to Electron, and the page it shows. */
const SCANNED = ['electron/main', 'electron/preload.ts', 'electron/api/static.ts', 'renderer/index.html', 'renderer/src', 'package.json'];
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const require = createRequire(import.meta.url);
const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));

// The tool's TypeScript parser (typescript-estree 4) needs the TypeScript 4 it ships with; npm
// hoists the parser next to the project's own TypeScript 7, which has no JavaScript API.
const ownTypescript = path.join(toolDir, 'node_modules', 'typescript', 'lib', 'typescript.js');
const netAttempts = [];
const offlineGot = (url) => {
  netAttempts.push(String(url));
  return Promise.reject(new Error('offline: Augur runs Electronegativity without the network'));
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const from = parent?.filename ?? '';
  if (request === 'typescript' && (from.includes(`${path.sep}@typescript-eslint${path.sep}`) || from.startsWith(toolDir)) && fs.existsSync(ownTypescript)) return ownTypescript;
  return resolve.call(this, request, parent, ...rest);
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'got') return offlineGot;
  return load.call(this, request, ...rest);
};

/** Copies the scanned files into a folder of their own (the tool walks a whole folder). */
function stage(root) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-electronegativity-'));
  for (const rel of SCANNED) fs.cpSync(path.join(root, rel), path.join(dir, rel), { recursive: true });
  return dir;
}

/** The check over the app in `root` (the repo; tests pass a changed copy), judged by the repo's allow-list. */
export async function runSecurityCheck({ root = ROOT } = {}) {
  const allow = JSON.parse(fs.readFileSync(ALLOW_FILE, 'utf8')).allowed;
  const dir = stage(root);
  const quiet = console.log;
  try {
    console.log = () => {}; // the tool's own chatter ("Could not retrieve updated translations")
    const run = require('@doyensec/electronegativity');
    const result = await run({
      input: dir,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
      isRelative: true,
      isVerbose: false,
      parserPlugins: [],
    });
    console.log = quiet;
    const findings = result.issues.map((i) => ({
      id: i.id,
      file: i.file.split(path.sep).join('/'),
      line: i.location?.line,
      severity: i.severity.name ?? String(i.severity.value),
      severityValue: i.severity.value,
      confidence: i.confidence.name ?? String(i.confidence.value),
      description: String(i.description).split('\n')[0],
    }));
    const medium = 2; // INFORMATIONAL 0, LOW 1, MEDIUM 2, HIGH 3
    const allowedBy = (f) => allow.find((a) => a.id === f.id && a.file === f.file);
    const blocking = findings.filter((f) => f.severityValue >= medium && !allowedBy(f));
    const unused = allow.filter((a) => !findings.some((f) => f.id === a.id && f.file === a.file));
    const parseErrors = result.errors.filter((e) => !e.tolerable).map((e) => `${path.relative(dir, e.file)}: ${e.message}`);
    return { checks: result.globalChecks + result.atomicChecks, findings, blocking, allowedBy, unused, parseErrors, netAttempts };
  } finally {
    console.log = quiet;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const r = await runSecurityCheck();
  console.log(`Electronegativity ${require('@doyensec/electronegativity/package.json').version}: ${r.checks} checks over ${SCANNED.join(', ')}; network requests attempted: ${r.netAttempts.length} (all refused)`);
  for (const f of r.findings) {
    const a = r.allowedBy(f);
    const mark = r.blocking.includes(f) ? 'FAIL ' : a ? 'allowed' : 'note ';
    console.log(`  ${mark} ${f.severity.padEnd(13)} ${f.id} ${f.file}:${f.line}${a ? ` (${a.reason})` : ''}`);
  }
  for (const e of r.parseErrors) console.log(`  FAIL  could not read ${e}`);
  for (const a of r.unused) console.log(`  note  allow-list entry no longer needed: ${a.id} ${a.file}`);
  const failed = r.blocking.length + r.parseErrors.length;
  console.log(failed ? `${failed} finding(s) of medium severity or above are not in scripts/security-allowlist.json.` : 'No finding of medium severity or above outside the allow-list.');
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`The security check could not run: ${err?.message ?? err}`);
    process.exitCode = 1;
  });
}
