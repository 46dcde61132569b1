// Packages written by format version 1 (checked in, see fixtures/make-v1.ts) still load and predict
// exactly what they predicted when they were written. When FORMAT_VERSION is bumped, the v1 files stay
// and a v2 set is added: every older supported version keeps loading.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { predictTable } from '../../electron/engine/deploy/bundle.ts';
import { FORMAT_VERSION } from '../../electron/engine/deploy/manifest.ts';
import { loadPackage } from '../../electron/engine/deploy/package.ts';
import { fixtureRows } from './fixtures/rows.ts';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const expected = JSON.parse(fs.readFileSync(path.join(here, 'v1-expected.json'), 'utf8')) as Record<string, number[]>;

describe('format version 1 packages', () => {
  it('this Augur writes version 1 or later', () => {
    expect(FORMAT_VERSION).toBeGreaterThanOrEqual(1);
  });

  for (const task of ['binary', 'multiclass', 'regression']) {
    it(`${task}: loads and predicts exactly as when it was written (app and pure loaders)`, async () => {
      for (const loader of ['app', 'pure'] as const) {
        const b = await loadPackage(path.join(here, `v1-${task}.augur`), { loader });
        expect(b.made).toEqual({ appVersion: '0.1.0', created: '2026-01-15T12:00:00.000Z', formatVersion: 1 });
        expect(b.fitted.family).toBe('ensemble');
        expect(Array.from(predictTable(b, fixtureRows()))).toEqual(expected[task]);
        if (task === 'binary') expect(b.postprocess).toEqual({ threshold: 0.4 });
        b.fitted.dispose?.();
      }
    });
  }
});
