import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

// The engine is plain Node: used by the CLI, worker threads, tests and browser mode, where
// 'electron' cannot load (requiring it in plain Node tries to download the binary).
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  return [...src.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]);
}

describe('module boundaries', () => {
  const engineFiles = sourceFiles('electron/engine');

  it('the engine never imports electron', () => {
    const offenders = engineFiles.filter((f) => importsOf(f).some((s) => s === 'electron' || s.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('the engine never imports from the Electron main process, the renderer or React', () => {
    const offenders = engineFiles.filter((f) =>
      importsOf(f).some((s) => /(^|\/)(main|renderer)\//.test(s) || s === 'react' || s === 'react-dom' || s === 'zustand'),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer only reaches the engine through the shared API contract', () => {
    const offenders = sourceFiles('renderer/src').filter((f) => importsOf(f).some((s) => /electron\//.test(s) || s === 'electron' || s.startsWith('node:')));
    expect(offenders).toEqual([]);
  });

  it('the import scanner itself sees imports (guards against a test that cannot fail)', () => {
    const tmp = path.join('test', '.tmp-import-probe.ts');
    fs.writeFileSync(tmp, "import { app } from 'electron';\nconst x = require('electron');\n");
    try {
      expect(importsOf(tmp)).toEqual(['electron', 'electron']);
    } finally {
      fs.rmSync(tmp);
    }
  });
});

// The pure modules: everything the web scorer will bundle (the loader registry, each family's predict
// side, composites, the feature encoder's encode path). They must run in a browser page: nothing from
// Node, no npm package (tfjs is loaded apart, by the scorer, only for networks), no code built from
// strings, and never the training code (worker threads, string-built kernels, optimisers).
const PURE_ENTRIES = [
  'electron/engine/models/loaders.ts',
  'electron/engine/models/composite/ensemble.ts',
  'electron/engine/models/mlp/layers-model.ts',
  'electron/engine/data/features.ts',
  // what a saved model needs besides its models: a kept calibration, conformal ranges, the schema and
  // the one preparation pipeline; the shared metric vocabulary (bundled by the renderer too)
  'electron/engine/evaluate/conformal-recipe.ts',
  'electron/engine/data/prepare.ts',
  'electron/engine/data/schema.ts',
  'shared/metrics.ts',
  // the web scorer (deploy/web): scorer.js and page.js bundle these, scoring, rows-table and explanations included
  'electron/engine/deploy/web/runtime/scorer-entry.ts', 'electron/engine/deploy/web/runtime/page-entry.ts',
];

/** Trainer modules: the trainer registry, fitting, the tree-growing engine, tfjs training, the search. */
const TRAINER = [
  /^electron\/engine\/models\/(registry|app-loader|conformance)\.ts$/,
  /^electron\/engine\/models\/[a-z_]+\/(index|train)\.ts$/,
  /^electron\/engine\/models\/trees\/(grow|boost-engine|kernels|helpers|parallel|split|histogram|binning|checks|rng|flat-builder)\.ts$/,
  /^electron\/engine\/models\/linear\/lbfgs\.ts$/,
  /^electron\/engine\/models\/mlp\/(network|train|adam|export|fitted)\.ts$/,
  /^electron\/engine\/(search|tf)\//,
  // the package's reading and writing (Node); its scoring path and the web scorer's runtime are pure
  /^electron\/engine\/deploy\/(?!scoring\.ts$|web\/runtime\/)/,
];

/** Pure modules allowed one impure thing, and why. */
const ALLOWED: Record<string, string[]> = {
  // yields to the event loop between chunks (setImmediate in Node, a zero-delay timer in a page)
  'electron/engine/util/next-turn.ts': ['timers'],
};

/** Source text that needs Node, or builds code from strings. */
const IMPURE_TEXT: [RegExp, string][] = [
  [/\bnew\s+Function\s*\(/, 'new Function'],
  [/(^|[^.\w])eval\s*\(/, 'eval('],
  [/\beval\s*:\s*true/, 'eval: true'],
  [/\bBuffer\b/, 'Buffer'],
  [/\bprocess\.[a-z]/, 'process.'],
  [/\brequire\s*\(/, 'require('],
  [/\bimport\s*\(/, 'dynamic import('],
  [/\bset(Immediate|Timeout|Interval)\s*\(/, 'timers'],
];

/** Runtime imports only: `import type` and imports whose every name is a type vanish when compiled. */
function runtimeImportsOf(src: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) {
    if (m[2]) continue;
    const names = /\{([^}]*)\}/.exec(m[3]);
    const onlyTypes = names && !/^\s*\*|^[A-Za-z_$]/.test(m[3].trim()) && names[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    if (!onlyTypes) out.push(m[4]);
  }
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  return out;
}

/** Every module reachable from `entries` through runtime imports, with what each one imports. */
function pureClosure(entries: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [...entries];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const specs = runtimeImportsOf(fs.readFileSync(file, 'utf8'));
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) todo.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
  }
  return seen;
}

function pureViolations(entries: string[]): string[] {
  const bad: string[] = [];
  for (const [file, specs] of pureClosure(entries)) {
    for (const s of specs) if (!s.startsWith('.')) bad.push(`${file} imports "${s}"`);
    if (TRAINER.some((re) => re.test(file))) bad.push(`${file} is training code`);
    const src = fs.readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [re, what] of IMPURE_TEXT) if (re.test(src) && !ALLOWED[file]?.includes(what)) bad.push(`${file} uses ${what}`);
  }
  return bad;
}

describe('the pure predict side (what the web scorer bundles)', () => {
  it('imports nothing from Node or npm, builds no code from strings and never reaches the training code', () => {
    expect(pureViolations(PURE_ENTRIES)).toEqual([]);
  });

  it('covers every family the loader registry knows, its composites and the encoder', () => {
    const files = [...pureClosure(PURE_ENTRIES).keys()];
    for (const f of ['models/gbdt/model.ts', 'models/forest/model.ts', 'models/trees/flat.ts', 'models/linear/model.ts', 'models/baseline/model.ts',
      'models/mlp/model.ts', 'models/mlp/js-forward.ts', 'models/mlp/preprocess.ts', 'models/composite/ensemble.ts', 'data/features.ts',
      'models/composite/calibrated.ts', 'models/composite/calibrators.ts']) {
      expect(files).toContain(`electron/engine/${f}`);
    }
  });

  it('the checker sees a Node import, string-built code and a path into training (guards against a test that cannot fail)', () => {
    const dir = path.join('electron', 'engine', 'models', '.tmp-purity-probe');
    fs.mkdirSync(dir, { recursive: true });
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import type { X } from 'node:fs';\nimport { type Y } from '../types.ts';\nimport { b } from './b.ts';\nexport const a = b;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { readFileSync } from 'node:fs';\nimport { trainGbdt } from '../gbdt/train.ts';\nexport const b = new Function('return 1');\n");
      const v = pureViolations([`${dir.split(path.sep).join('/')}/a.ts`]);
      expect(v.some((x) => x.includes('b.ts imports "node:fs"'))).toBe(true);
      expect(v.some((x) => x.includes('b.ts uses new Function'))).toBe(true);
      expect(v.some((x) => x.includes('gbdt/train.ts is training code'))).toBe(true);
      expect(v.some((x) => x.includes('a.ts imports'))).toBe(false); // type-only imports vanish when compiled
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
