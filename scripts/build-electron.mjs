// `npm run build:electron`: bundles the Electron main process, the preload and the engine's worker
// entries with esbuild into dist/electron/*.cjs, with tfjs bundled in (so the packaged app ships no
// node_modules), and copies the tfjs WebAssembly files to dist/electron/wasm/.
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

// Optional native TensorFlow stays outside (it is a native addon); electron is provided by the runtime.
const EXTERNAL = ['electron', '@tensorflow/tfjs-node'];

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
  if (!quiet) {
    for (const e of all) {
      const size = fs.statSync(path.join(outdir, `${e.name}.cjs`)).size;
      console.log(`  ${path.relative(ROOT, path.join(outdir, e.name + '.cjs'))}  ${(size / 1e6).toFixed(2)} MB`);
    }
    console.log(`  ${path.relative(ROOT, path.join(outdir, 'wasm'))}/  ${wasm.length} .wasm files`);
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
