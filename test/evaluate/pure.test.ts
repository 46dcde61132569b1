import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

// What a saved model needs to predict (the calibrator, the calibrated wrapper, the conformal recipe)
// and the shared vocabulary are bundled by the web scorer and the renderer: no Node, no packages.
const PURE = [
  'electron/engine/models/composite/calibrators.ts',
  'electron/engine/models/composite/calibrated.ts',
  'electron/engine/evaluate/conformal-recipe.ts',
  'shared/metrics.ts',
];
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every file reached from `file` through relative imports (type-only ones included: harmless but simple). */
function closure(file: string, seen = new Set<string>()): { files: Set<string>; bare: string[] } {
  const bare: string[] = [];
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const m of fs.readFileSync(f, 'utf8').matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) visit(path.normalize(path.join(path.dirname(f), spec)));
      else bare.push(`${f} -> ${spec}`);
    }
  };
  visit(file);
  return { files: seen, bare };
}

describe('predict-side modules stay pure', () => {
  for (const f of PURE) {
    it(f, () => {
      const { files, bare } = closure(f);
      expect(bare).toEqual([]);
      expect([...files].filter((x) => /\/(data|search)\//.test(x))).toEqual([]);
    });
  }

  it('the scanner sees a Node import (guards against a test that cannot fail)', () => {
    expect(closure('electron/engine/evaluate/rows.ts').bare.some((b) => b.includes('node:'))).toBe(true);
  });
});
