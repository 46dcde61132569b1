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
