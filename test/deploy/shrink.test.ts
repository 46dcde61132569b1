// The small version: distillation stops at the first student within the user's bound, says so and
// keeps the original when none is, measures on rows no student learned from, and the kept version is a
// normal package whose card says what it is a small version of and what it costs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../electron/engine/deploy/bundle.ts';
import { PackageDamagedError } from '../../electron/engine/deploy/errors.ts';
import { loadPackage, savePackage } from '../../electron/engine/deploy/package.ts';
import { scoreTable } from '../../electron/engine/deploy/scoring.ts';
import { lossPoints, pointsWords, shrinkModel, studentLadder, type ShrinkOptions, type StudentSpec } from '../../electron/engine/deploy/shrink/index.ts';
import { splitRows } from '../../electron/engine/deploy/shrink/split.ts';
import { softLabelled } from '../../electron/engine/deploy/shrink/students.ts';
import { CancelledError } from '../../electron/engine/util/errors.ts';
import { EnsembleFitted } from '../../electron/engine/models/composite/ensemble.ts';
import { familyByName } from '../../electron/engine/models/registry.ts';
import { bundleOf, edit, mixedTable, prepared, readFolder, tempDir, writeFolder } from './helpers.ts';

const dir = tempDir('augur-shrink-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// short measurements: these tests check decisions, not speed
const FAST: ShrinkOptions = { latency: { minCalls: 10, minMs: 5, maxMs: 40 }, syntheticRows: 400 };

/** A student that can hardly learn anything: one split. */
const STUMP: StudentSpec = { id: 'stump', label: 'a model of one split', family: 'gbdt', params: { nRounds: 1, growPolicy: 'depthwise', maxDepth: 1, learningRate: 0.05, earlyStoppingRounds: 0 } };

/** An ensemble worth shrinking: a bag of three boosted models of 150 rounds each. */
const teachers = new Map<string, Promise<ModelBundle>>();
function teacher(task: 'binary' | 'regression' = 'binary'): Promise<ModelBundle> {
  if (!teachers.has(task)) teachers.set(task, fitTeacher(task));
  return teachers.get(task)!;
}
async function fitTeacher(task: 'binary' | 'regression'): Promise<ModelBundle> {
  const { table, prep } = prepared(task, 500);
  const gbdt = familyByName('gbdt');
  const members = [];
  for (const seed of [1, 2, 3]) members.push(await gbdt.fit(prep.dataset, prep.taskInfo, { ...gbdt.defaults(prep.taskInfo, { nRows: 500, nFeatures: 9 }), nRounds: 150, earlyStoppingRounds: 0, subsample: 0.8 }, { seed }));
  return bundleOf(new EnsembleFitted(prep.taskInfo, members, [1 / 3, 1 / 3, 1 / 3], 'bag'), table, prep);
}

describe('distillation and its bound', () => {
  it('stops at the first student within the bound, keeps the smallest version within it, and saves it as a normal package', async () => {
    const original = await teacher();
    const labelled = mixedTable('binary', 300, 7);
    // a student that cannot be within 3 points, one that can, and a bigger one that must never be tried
    const [, , fifty, , twoHundred] = studentLadder();
    const r = await shrinkModel(original, labelled, { ...FAST, maxLoss: 3, ladder: [STUMP, fifty, twoHundred] });
    const students = r.candidates.filter((c) => c.kind === 'distilled');
    expect(students.map((c) => c.id)).toEqual(['stump', 'gbdt-50']);
    expect(students[0].withinBound).toBe(false);
    expect(students[0].lossPoints).toBeGreaterThan(3);
    expect(students[1].withinBound).toBe(true);
    expect(r.boundMet).toBe(true);
    const kept = r.candidates[r.chosen];
    expect(kept).toBe(students.at(-1));
    expect(kept.bytes).toBeLessThan(r.candidates[0].bytes / 3);
    expect(r.sentence).toMatch(/^A model of 50 trees is /);
    // held-out rows only: every labelled row with an outcome is either measured or learned from
    expect(r.rows.measured + r.rows.learned).toBe(300);

    const out = path.join(dir, 'small');
    await savePackage(out, r.bundles[r.chosen]);
    const back = await loadPackage(out);
    expect(back.smallVersion).toMatchObject({ kind: 'distilled', metric: 'roc_auc', maxLossPoints: 3, rows: r.rows.measured });
    expect(back.smallVersion!.lossPoints).toBeCloseTo(kept.lossPoints, 9);
    expect(back.smallVersion!.latencyUsAfter).toBe(kept.latencyUs);
    expect(back.smallVersion!.latencyUsBefore).toBe(r.candidates[0].latencyUs);
    expect(kept.latencyUs).toBeGreaterThan(0);
    expect(back.arrays).toBeUndefined(); // the original's out-of-fold evidence describes another model
    expect(Array.from(scoreTable(back, labelled).raw)).toEqual(Array.from(scoreTable(r.bundles[r.chosen], labelled).raw));
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(card).toContain('This is a small, fast version of a model');
    expect(card).toContain('gradient-boosted trees (3 versions trained on different rows, averaged)');
    expect(card).toMatch(/held-out rows that neither model learned from, its ROC AUC is \d+% against \d+% for the original/);
    // the note is read strictly, as every part of a package
    for (const bad of [{ kind: 'huge' }, { rows: -1 }, { extra: 1 }, { metric: 'speed' }]) {
      const files = edit(readFolder(out), 'manifest.json', (m) => ({ ...m, smallVersion: { ...m.smallVersion, ...bad } }));
      const err = await loadPackage(writeFolder(path.join(dir, 'bad-note'), files)).then(() => undefined, (e: PackageDamagedError) => e);
      expect(err?.message, JSON.stringify(bad)).toBe('This file is damaged or was not made by Augur.');
      expect(err?.detail, JSON.stringify(bad)).toMatch(/smallVersion/);
    }
    back.fitted.dispose?.();
    r.dispose();
  });

  it('when no student is within the bound it says so and keeps the original', async () => {
    const original = await teacher();
    const r = await shrinkModel(original, mixedTable('binary', 300, 7), { ...FAST, maxLoss: 0.5, ladder: [STUMP], quantise: false });
    expect(r.candidates.map((c) => c.id)).toEqual(['original', 'stump']);
    expect(r.candidates[1].lossPoints).toBeGreaterThan(0.5);
    expect(r.boundMet).toBe(false);
    expect(r.chosen).toBe(0);
    expect(r.bundles[0]).toBe(original);
    expect(r.sentence).toMatch(/^No smaller version is within 0\.5 points of the original on \d+ held-out rows \(the closest, a model of one split, costs [\d.]+ points\), so the original is kept\.$/);
    r.dispose();
  });

  it('amounts: a regression student on the original value, the loss read as percent more error', async () => {
    const original = await teacher('regression');
    const r = await shrinkModel(original, mixedTable('regression', 300, 9), { ...FAST, maxLoss: 100, ladder: studentLadder().slice(0, 1) });
    const s = r.candidates.find((c) => c.kind === 'distilled')!;
    expect(s.lossPoints).toBeCloseTo(lossPoints('rmse', r.candidates[0].score, s.score), 9);
    expect(r.boundMet).toBe(true);
    r.dispose();
  });

  it('a stop asked for ends the work with nothing left open', async () => {
    const original = await teacher();
    const ctl = new AbortController();
    const p = shrinkModel(original, mixedTable('binary', 300, 7), { ...FAST, signal: ctl.signal, onProgress: (e) => { if (e.message.startsWith('Training')) ctl.abort(); } });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
  });

  it('too few labelled rows to measure on is one sentence', async () => {
    const original = await teacher();
    await expect(shrinkModel(original, mixedTable('binary', 30, 7), FAST)).rejects.toThrow(/needs at least 40 to measure what a smaller version costs/);
  });
});

describe('the parts', () => {
  it('the split is stratified, disjoint and seeded; rows without an outcome are only learned from', () => {
    const y = Float64Array.from({ length: 200 }, (_, i) => (i % 17 === 0 ? NaN : i % 4 === 0 ? 1 : 0));
    const a = splitRows(y, { task: 'binary', nClasses: 2 }, 1);
    const b = splitRows(y, { task: 'binary', nClasses: 2 }, 1);
    expect(Array.from(a.measure)).toEqual(Array.from(b.measure));
    const all = new Set([...a.measure, ...a.distil]);
    expect(all.size).toBe(200);
    expect(a.measure.length + a.distil.length).toBe(200);
    expect([...a.measure].every((i) => y[i] === y[i])).toBe(true);
    const share = (rows: Int32Array) => [...rows].filter((i) => y[i] === 1).length / [...rows].filter((i) => y[i] === y[i]).length;
    expect(Math.abs(share(a.measure) - share(a.distil))).toBeLessThan(0.02);
  });

  it('soft labels: one copy per class weighted by the original probability, weights summing to one per row', () => {
    const x = { features: [{ name: 'a', kind: 'numeric' as const }], nRows: 3, columns: [Float64Array.from([1, 2, 3])] };
    const bin = softLabelled(x, Float64Array.from([0.25, 1, 0.5]), { task: 'binary', nClasses: 2 });
    expect(Array.from(bin.y!)).toEqual([0, 1, 1, 0, 1]);
    expect(Array.from(bin.weights!)).toEqual([0.75, 0.25, 1, 0.5, 0.5]);
    const multi = softLabelled(x, Float64Array.from([0.2, 0.3, 0.5, 0, 0, 1, 0.6, 0.4, 0]), { task: 'multiclass', nClasses: 3 });
    expect(Array.from(multi.columns[0])).toEqual([1, 1, 1, 2, 3, 3]);
    expect(Array.from(multi.weights!)).toEqual([0.2, 0.3, 0.5, 1, 0.6, 0.4]);
  });

  it('points: percentage points for scores shown as percentages, percent more error for errors', () => {
    expect(lossPoints('roc_auc', 0.91, 0.905)).toBeCloseTo(0.5, 9);
    expect(lossPoints('accuracy', 0.8, 0.81)).toBeCloseTo(-1, 9);
    expect(lossPoints('rmse', 100, 100.5)).toBeCloseTo(0.5, 9);
    expect(lossPoints('log_loss', 0.2, 0.21)).toBeCloseTo(5, 9);
    expect(pointsWords('roc_auc', 0.5)).toBe('0.5 points');
    expect(pointsWords('roc_auc', 1)).toBe('1.0 point');
    expect(pointsWords('rmse', -0.0004)).toBe('0.00% more error');
  });
});
