// Saving is atomic: a failed save leaves the older package as it was and no temp folder; what a killed
// save left behind is put back (a complete package whose target is gone) or removed by the sweep.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPackage, savePackage, sweepPackageTemps } from '../../electron/engine/deploy/package.ts';
import type { Fitted } from '../../electron/engine/models/types.ts';
import { bundleOf, fitFamily, prepared, tempDir } from './helpers.ts';

const dir = tempDir('augur-save-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: never a running process

describe('atomic saves', () => {
  it('a save that would not read back fails in one sentence and leaves the older package untouched', async () => {
    const { table, prep } = prepared('binary', 120);
    const out = path.join(dir, 'kept');
    await savePackage(out, bundleOf(await fitFamily('linear', prep), table, prep));
    const before = fs.readFileSync(path.join(out, 'manifest.json'));
    const real = await fitFamily('gbdt', prep);
    // A model whose saved form is not what it claims (its JSON says it is a forest).
    const liar: Fitted = { family: 'gbdt', taskInfo: real.taskInfo, predict: (d) => real.predict(d), toJSON: () => ({ ...real.toJSON(), family: 'random_forest' }) };
    await expect(savePackage(out, bundleOf(liar, table, prep))).rejects.toThrow(/^Augur could not save the model in "kept": the saved copy did not read back\.$/);
    expect(fs.readFileSync(path.join(out, 'manifest.json'))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.augur-tmp-'))).toEqual([]);
    expect((await loadPackage(out)).fitted.family).toBe('linear');
  });

  it('the sweep puts back a complete package whose target is gone, and removes every other stale temp', async () => {
    const { table, prep } = prepared('regression', 120);
    const done = path.join(dir, 'done');
    await savePackage(done, bundleOf(await fitFamily('linear', prep), table, prep));
    // A save killed between moving the old package aside and moving the new one in: only temps remain.
    fs.renameSync(done, `${done}.augur-tmp-${DEAD_PID}-1`);
    // A save killed while writing: an incomplete temp beside a target that still exists.
    const other = path.join(dir, 'other');
    await savePackage(other, bundleOf(await fitFamily('baseline', prep), table, prep));
    fs.mkdirSync(`${other}.augur-tmp-${DEAD_PID}-2`);
    fs.writeFileSync(`${other}.augur-tmp-${DEAD_PID}-2/manifest.json`, '{"format":"augur-mo');
    fs.writeFileSync(path.join(dir, `notes.txt.augur-tmp-${DEAD_PID}-3`), 'half a file');
    // A temp of a save still running (this process) is left alone.
    fs.mkdirSync(path.join(dir, `busy.augur-tmp-${process.pid}-9`));
    const r = await sweepPackageTemps(dir);
    expect(r.restored).toEqual(['done']);
    expect(r.removed.sort()).toEqual([`notes.txt.augur-tmp-${DEAD_PID}-3`, `other.augur-tmp-${DEAD_PID}-2`]);
    expect((await loadPackage(done)).fitted.family).toBe('linear');
    expect(fs.existsSync(path.join(dir, `busy.augur-tmp-${process.pid}-9`))).toBe(true);
    fs.rmSync(path.join(dir, `busy.augur-tmp-${process.pid}-9`), { recursive: true });
  });
});
