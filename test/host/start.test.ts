import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronBinaryStatus } from '../../electron/engine/util/environment.ts';

// Where the Electron program cannot be downloaded, `npm start` must say so in one sentence and
// point to browser mode. The download is forced to fail (mirror on a closed local port), so the
// test never fetches anything, even on a machine with internet.
describe('npm start without the Electron program', () => {
  it.skipIf(electronBinaryStatus().installed)('prints one plain sentence pointing to npm run web, no stack trace', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-electron-cache-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/start.mjs'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache, AUGUR_DEBUG: '' },
      });
      expect(r.status).toBe(1);
      const err = r.stderr.trim();
      expect(err.split('\n')).toHaveLength(1);
      expect(err).toMatch(/npm run web/);
      expect(err).not.toMatch(/\bat .+:\d+|Error:|TypeError/);
      expect(electronBinaryStatus().installed).toBe(false); // and nothing half-downloaded was left behind as "installed"
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
