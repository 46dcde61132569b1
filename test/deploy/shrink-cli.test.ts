// `npm run automl -- shrink <model> <labelled.csv> --out <dir> [--max-loss <points>] --json`: the JSON
// contract other tools rely on, the package it writes, a refusal in one sentence, and Ctrl-C leaving
// nothing behind.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { completeBundle } from '../../electron/engine/deploy/bundle.ts';
import { loadPackage, savePackage } from '../../electron/engine/deploy/package.ts';
import { EnsembleFitted } from '../../electron/engine/models/composite/ensemble.ts';
import { familyByName } from '../../electron/engine/models/registry.ts';
import { shrinkCommand } from '../../electron/cli/shrink.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('augur-shrink-cli-');
const CSV = 'assets/samples/customers.csv';
const model = path.join(dir, 'model');
/** The labelled file: 400 rows of the sample (the model learned from all of them; the contract is what is checked here). */
const LABELLED = path.join(dir, 'labelled.csv');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'shrink', ...args], { encoding: 'utf8', timeout: 60_000 });

beforeAll(async () => {
  fs.writeFileSync(LABELLED, fs.readFileSync(CSV, 'utf8').split('\n').slice(0, 401).join('\n') + '\n');
  const { table, plans } = await importCsvFile(CSV);
  const settings = { target: 'churned' };
  const prep = prepareTraining(table, settings);
  const gbdt = familyByName('gbdt');
  const members = [];
  for (const seed of [1, 2]) members.push(await gbdt.fit(prep.dataset, prep.taskInfo, { ...gbdt.defaults(prep.taskInfo, { nRows: table.nRows, nFeatures: 10 }), nRounds: 60, earlyStoppingRounds: 0, subsample: 0.8 }, { seed }));
  const fitted = new EnsembleFitted(prep.taskInfo, members, [0.5, 0.5], 'bag');
  await savePackage(model, completeBundle({ encoder: prep.encoder, fitted, taskInfo: prep.taskInfo, target: prep.target, metrics: { metric: 'roc_auc', valid: { roc_auc: 0.8 } } }, table, settings, { plans }));
}, 60_000);

describe('shrink on the command line', () => {
  it('--json prints before, after and kind (the contract), and <dir> is a normal package', async () => {
    const out = path.join(dir, 'small');
    const r = cli([model, LABELLED, '--out', out, '--max-loss', '20', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const side of ['before', 'after']) {
      expect(Object.keys(j[side]).sort()).toEqual(['bytes', 'latency_us', 'roc_auc']);
      expect(Number.isInteger(j[side].bytes) && j[side].bytes > 0).toBe(true);
      expect(j[side].latency_us).toBeGreaterThan(0);
      expect(j[side].roc_auc).toBeGreaterThan(0.5);
    }
    expect(['distilled', 'quantised', 'original']).toContain(j.kind);
    expect(j.before.roc_auc - j.after.roc_auc).toBeLessThanOrEqual(0.2 + 1e-12); // within the 20-point bound (the original knows these rows: it learned from them)
    expect(j.after.bytes).toBeLessThan(j.before.bytes);
    expect(j.candidates[0].id).toBe('original');
    const back = await loadPackage(out);
    expect(back.smallVersion?.kind).toBe(j.kind);
    expect(back.smallVersion?.after).toBeCloseTo(j.after.roc_auc, 5);
    // the reported size is the package's
    let bytes = 0;
    const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : (bytes += fs.statSync(path.join(d, e.name)).size); };
    walk(out);
    expect(bytes).toBe(j.after.bytes);
    back.fitted.dispose?.();
  }, 60_000);

  it('a bad bound or a missing --out is refused in one sentence, before anything is read', async () => {
    const run = (args: string[]) => shrinkCommand.run(args).then(() => 'ran', (e: Error) => e.message);
    expect(await run([model, LABELLED, '--out', path.join(dir, 'x'), '--max-loss', 'lots'])).toBe('--max-loss needs a number of points, 0 or more (for example 0.5).');
    expect(await run([model, LABELLED, '--max-loss', '-1', '--out', path.join(dir, 'x')])).toBe('--max-loss needs a number of points, 0 or more (for example 0.5).');
    expect(await run([model, LABELLED])).toBe('Say where to save the small version with --out <folder>.');
    expect(await run([model, LABELLED, '--out', model])).toBe('Save the small version somewhere else than the original model.');
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it('Ctrl-C while it works stops it and leaves nothing behind', async () => {
    const out = path.join(dir, 'stopped');
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'shrink', model, LABELLED, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('Training a small model') && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('stopped'))).toEqual([]);
  }, 60_000);
});
