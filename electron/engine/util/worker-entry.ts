import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where a worker's entry file is: `envVar` if set; else `<name>.ts` beside the calling module (tsx:
 * CLI, browser host, tests); else `<name>.cjs` beside it (the Electron build bundles each worker
 * entry next to main.cjs, see scripts/build-electron.mjs). Null when none exists.
 */
export function findWorkerFile(name: string, moduleUrl: string | undefined, envVar: string): string | null {
  if (process.env[envVar]) return process.env[envVar]!;
  if (moduleUrl) {
    for (const ext of ['.ts', '.cjs', '.js']) {
      const f = fileURLToPath(new URL(`./${name}${ext}`, moduleUrl));
      if (fs.existsSync(f)) return f;
    }
  }
  if (typeof __dirname !== 'undefined' && fs.existsSync(path.join(__dirname, `${name}.cjs`))) return path.join(__dirname, `${name}.cjs`);
  return null;
}

/**
 * Node 20 workers do not pick up `--import tsx` (neither inherited nor passed in execArgv), so a
 * .ts entry starts from a tiny ESM bootstrap that registers tsx in the worker, then imports it.
 */
export function workerEntry(file: string): string | URL {
  if (!file.endsWith('.ts')) return file;
  const req = createRequire(file);
  const api = pathToFileURL(path.join(path.dirname(req.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(pathToFileURL(file).href)});`;
  return new URL('data:text/javascript,' + encodeURIComponent(code));
}
