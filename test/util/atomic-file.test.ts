import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isTempName, sweepStaleTemps, tempPathFor, writeFileAtomic, writeFileAtomicSync } from '../../electron/engine/util/atomic-file.ts';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'augur-atomic-'));

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temp file behind', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new content');
    writeFileAtomicSync(path.join(dir, 'b.bin'), new Uint8Array([1, 2, 3]));
    expect(fs.readFileSync(file, 'utf8')).toBe('new content');
    expect(fs.readFileSync(path.join(dir, 'b.bin'))).toEqual(Buffer.from([1, 2, 3]));
    expect(fs.readdirSync(dir).sort()).toEqual(['b.bin', 'model.json']);
  });

  it('says in one sentence that a folder is missing, and keeps nothing half-written', async () => {
    const dir = tmpDir();
    await expect(writeFileAtomic(path.join(dir, 'gone', 'x.json'), 'x')).rejects.toThrow(/no longer exists/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('names a read-only folder as such', async () => {
    const dir = tmpDir();
    fs.chmodSync(dir, 0o500);
    await expect(writeFileAtomic(path.join(dir, 'x.json'), 'x')).rejects.toThrow(/not allowed to write/);
  });
});

describe('sweepStaleTemps', () => {
  it('removes temp files of processes that are gone, keeps live ones and other files', async () => {
    const dir = tmpDir();
    // a pid that has exited: a child that ran and ended
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(path.join(dir, `model.json.augur-tmp-${dead}-1`), 'partial');
    fs.mkdirSync(path.join(dir, `v3.augur-tmp-${dead}-2`));
    const mine = tempPathFor(path.join(dir, 'mine.json'));
    fs.writeFileSync(mine, 'in progress');
    fs.writeFileSync(path.join(dir, 'model.json'), 'whole');
    const removed = await sweepStaleTemps(dir);
    expect(removed.sort()).toEqual([`model.json.augur-tmp-${dead}-1`, `v3.augur-tmp-${dead}-2`]);
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(mine), 'model.json'].sort());
    expect(isTempName(path.basename(mine))).toBe(true);
    expect(isTempName('model.json')).toBe(false);
  });

  it('a kill -9 in the middle of many writes leaves the old or the new file, and the sweep cleans up', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, JSON.stringify({ n: -1, pad: 'x'.repeat(200_000) }));
    const script = `
      import { writeFileAtomicSync } from ${JSON.stringify(path.resolve('electron/engine/util/atomic-file.ts'))};
      for (let n = 0; ; n++) writeFileAtomicSync(${JSON.stringify(file)}, JSON.stringify({ n, pad: 'x'.repeat(200_000) }));`;
    for (let i = 0; i < 8; i++) {
      const child = (await import('node:child_process')).spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 300 + i * 37));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(typeof parsed.n).toBe('number');
    }
    await sweepStaleTemps(dir);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  }, 30_000);
});
