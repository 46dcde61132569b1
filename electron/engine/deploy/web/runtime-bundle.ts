// The web scorer's runtime (scorer.js, page.js): the same for every model, built from runtime/ with
// esbuild. The packaged app has no esbuild (a devDependency): `npm run build:electron` writes the
// runtime beside the main bundle (dist/electron/web-scorer/) and this module reads it there. From
// source (tsx: the CLI, `npm run web`, tests) it is built on the fly, once per process (~0.2 s), so it
// always matches the code in the work tree.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WebRuntime {
  'scorer.js': string;
  'page.js': string;
}

const RUNTIME_FILES = ['scorer.js', 'page.js'] as const;
/** Must match WEB_SCORER_DIR in scripts/build-electron.mjs. */
const PREBUILT_DIR = 'web-scorer';

let cached: Promise<WebRuntime> | undefined;

/** Running from the TypeScript sources (tsx, vitest), not from a bundle. */
function fromSource(): boolean {
  return import.meta.url.endsWith('.ts');
}

export function webRuntime(): Promise<WebRuntime> {
  cached ??= (fromSource() ? buildFromSource() : readPrebuilt()).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function buildFromSource(): Promise<WebRuntime> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  // A computed specifier: a bundler leaves it alone (a bundle never takes this path).
  const script = pathToFileURL(path.join(root, 'scripts', 'build-electron.mjs')).href;
  const mod = (await import(script)) as { buildWebScorer: () => Promise<WebRuntime> };
  return mod.buildWebScorer();
}

async function readPrebuilt(): Promise<WebRuntime> {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), PREBUILT_DIR);
  const out = {} as WebRuntime;
  for (const f of RUNTIME_FILES) {
    out[f] = await fsp.readFile(path.join(dir, f), 'utf8').catch(() => {
      throw new Error(`The web scorer is missing from this copy of Augur (${path.join(PREBUILT_DIR, f)}); run npm run build:electron.`);
    });
  }
  return out;
}
