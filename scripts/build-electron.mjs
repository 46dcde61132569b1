// `npm run build:electron`: bundles the Electron main process, the preload and the engine's worker
// entries with esbuild into dist/electron/*.cjs, with tfjs bundled in (so the packaged app ships no
// node_modules), copies the tfjs WebAssembly files to dist/electron/wasm/, and builds the web scorer's
// runtime (scorer.js, page.js) into dist/electron/web-scorer/ for "Export for a web page".
// Usage: node scripts/build-electron.mjs [--outdir dir] [--entries main,preload,...] [--quiet]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Every bundle the app needs, one line each. Worker entries belong here too (a worker thread
// needs its own file): the pool finds worker.cjs next to the main bundle.
export const ENTRIES = [
  { name: 'main', in: 'electron/main/index.ts', platform: 'node' },
  { name: 'preload', in: 'electron/preload.ts', platform: 'browser' }, // sandboxed: only 'electron' may be required
  { name: 'worker', in: 'electron/engine/search/worker.ts', platform: 'node' },
  { name: 'import-worker', in: 'electron/engine/data/import-worker.ts', platform: 'node' },
];

// Optional native TensorFlow stays outside (it is a native addon); electron is provided by the runtime;
// esbuild builds the web scorer on the fly only when the engine runs from source (tsx, tests).
const EXTERNAL = ['electron', '@tensorflow/tfjs-node', 'esbuild'];

// ---- the web scorer's runtime (deploy/web): the same for every model; an export adds model-data.js ----

const WEB_RUNTIME = 'electron/engine/deploy/web/runtime';
/** Folder of the prebuilt runtime, beside the main bundle (deploy/web/runtime-bundle.ts reads it). */
export const WEB_SCORER_DIR = 'web-scorer';

/**
 * scorer.js (an ES module that imports ./model-data.js beside it) and page.js (a classic script for
 * index.html: Chromium refuses module scripts from file://). Pure code only (test/architecture.test.ts).
 * Returns { 'scorer.js': text, 'page.js': text }; with `outdir`, also writes them there.
 */
export async function buildWebScorer({ outdir } = {}) {
  const common = { absWorkingDir: ROOT, bundle: true, write: false, minify: true, legalComments: 'none', logLevel: 'warning', platform: 'neutral', charset: 'utf8' };
  const [scorer, page] = await Promise.all([
    esbuild.build({ ...common, entryPoints: [`${WEB_RUNTIME}/scorer-entry.ts`], format: 'esm', target: 'es2022' }),
    esbuild.build({ ...common, entryPoints: [`${WEB_RUNTIME}/page-entry.ts`], format: 'iife', target: 'es2020' }),
  ]);
  const out = {
    // the import runs model-data.js (it sets globalThis.AugurModelData) before the scorer's own code
    'scorer.js': `// Augur web scorer: import { predict } from './scorer.js'. Needs model-data.js beside it.\nimport './model-data.js';\n${scorer.outputFiles[0].text}`,
    'page.js': `// Augur web page: a classic script, loaded after model-data.js.\n${page.outputFiles[0].text}`,
  };
  if (outdir) {
    fs.mkdirSync(outdir, { recursive: true });
    for (const [name, text] of Object.entries(out)) fs.writeFileSync(path.join(outdir, name), text);
  }
  return out;
}

/**
 * Engine modules load tfjs via `const require = createRequire(import.meta.url)`, which a bundler
 * cannot follow. In the bundle the CommonJS `require` does the same job and lets esbuild inline tfjs.
 */
const inlineCreateRequire = {
  name: 'inline-create-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]electron[\\/].*\.ts$/ }, async (args) => {
      const src = await fs.promises.readFile(args.path, 'utf8');
      const re = /^const require = createRequire\(import\.meta\.url\);\s*$/m;
      return { contents: re.test(src) ? src.replace(re, '') : src, loader: 'ts' };
    });
  },
};

function copyWasm(outdir) {
  const wasmSrc = path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const dest = path.join(outdir, 'wasm');
  fs.mkdirSync(dest, { recursive: true });
  const files = fs.readdirSync(wasmSrc).filter((f) => f.endsWith('.wasm'));
  for (const f of files) fs.copyFileSync(path.join(wasmSrc, f), path.join(dest, f));
  return files;
}

export async function buildElectron({ outdir = path.join(ROOT, 'dist', 'electron'), entries = ENTRIES, extra = [], quiet = false } = {}) {
  fs.mkdirSync(outdir, { recursive: true });
  const t0 = Date.now();
  const all = [...entries, ...extra].filter((e) => fs.existsSync(path.join(ROOT, e.in)));
  await Promise.all(
    all.map((e) =>
      esbuild.build({
        absWorkingDir: ROOT,
        entryPoints: [e.in],
        outfile: path.join(outdir, `${e.name}.cjs`),
        bundle: true,
        format: 'cjs',
        platform: e.platform,
        target: e.platform === 'node' ? 'node20' : 'chrome130',
        external: EXTERNAL,
        plugins: e.platform === 'node' ? [inlineCreateRequire] : [],
        // import.meta.url does not exist in CommonJS: give it the bundle file's own URL.
        define: e.platform === 'node' ? { 'import.meta.url': '__augurImportMetaUrl' } : {},
        banner: e.platform === 'node' ? { js: 'const __augurImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' } : {},
        sourcemap: false,
        minify: true,
        keepNames: true, // error names (UserError, CancelledError) are matched by name across workers
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  const wasm = copyWasm(outdir);
  const web = await buildWebScorer({ outdir: path.join(outdir, WEB_SCORER_DIR) });
  if (!quiet) {
    for (const e of all) {
      const size = fs.statSync(path.join(outdir, `${e.name}.cjs`)).size;
      console.log(`  ${path.relative(ROOT, path.join(outdir, e.name + '.cjs'))}  ${(size / 1e6).toFixed(2)} MB`);
    }
    console.log(`  ${path.relative(ROOT, path.join(outdir, 'wasm'))}/  ${wasm.length} .wasm files`);
    for (const [name, text] of Object.entries(web)) console.log(`  ${path.relative(ROOT, path.join(outdir, WEB_SCORER_DIR, name))}  ${(Buffer.byteLength(text) / 1e3).toFixed(0)} kB`);
    console.log(`Built the Electron bundles in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  }
  return { outdir, entries: all.map((e) => e.name), wasm };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outIdx = process.argv.indexOf('--outdir');
  await buildElectron({ outdir: outIdx > 0 ? path.resolve(process.argv[outIdx + 1]) : undefined, quiet: process.argv.includes('--quiet') }).catch((err) => {
    console.error(`The Electron build failed: ${err.message}`);
    process.exit(1);
  });
}
