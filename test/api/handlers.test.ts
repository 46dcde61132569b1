import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiEvent, ApiMethod, ApiMethods, ImportSummary, RunSummary } from '../../shared/api.ts';
import { createApi, type Api } from '../../electron/api/handlers.ts';
import { dispatch, type ApiReply } from '../../electron/api/dispatch.ts';

// The API with the real engine, as both transports call it (dispatch = validation + handler + errors).
let tmp: string;
let samplesDir: string;
let csv: string;
let api: Api;
const events: ApiEvent[] = [];

function call<M extends ApiMethod>(method: M, args: ApiMethods[M]['args']): Promise<ApiReply> {
  return dispatch(api, method, args);
}
async function ok<M extends ApiMethod>(method: M, args: ApiMethods[M]['args']): Promise<ApiMethods[M]['result']> {
  const reply = await call(method, args);
  if (!reply.ok) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
  return reply.result as ApiMethods[M]['result'];
}
async function refused<M extends ApiMethod>(method: M, args: ApiMethods[M]['args']) {
  const reply = await call(method, args);
  expect(reply.ok).toBe(false);
  if (reply.ok) throw new Error('unreachable');
  // Every refusal is one plain sentence: no stack, no code words.
  expect(reply.error.message).toMatch(/^[A-Z"].*[.!?]$/);
  expect(reply.error.message).not.toMatch(/\n|\bat \w+ \(|Error:/);
  return reply.error;
}

function shopCsv(rows: number): string {
  const lines = ['visits,region,basket,bought'];
  for (let i = 0; i < rows; i++) {
    const visits = (i * 37) % 50;
    const basket = ((i * 7919) % 1000) / 10;
    lines.push(`${visits},${['north', 'south', 'east'][i % 3]},${basket},${visits + (i % 7) > 28 ? 'yes' : 'no'}`);
  }
  return lines.join('\n') + '\n';
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-api-test-'));
  samplesDir = path.join(tmp, 'samples');
  fs.mkdirSync(samplesDir);
  fs.writeFileSync(path.join(samplesDir, 'shop.csv'), shopCsv(300));
  fs.writeFileSync(path.join(samplesDir, 'samples.json'), JSON.stringify([{ name: 'shop.csv', description: 'Who bought, by visits and region.' }]));
  fs.writeFileSync(path.join(tmp, 'secret.csv'), 'a,b\n1,2\n');
  csv = path.join(tmp, 'my shop.csv');
  fs.writeFileSync(csv, shopCsv(300));
  api = createApi({ emit: (e) => events.push(e), transport: 'electron', samplesDir });
});

afterAll(() => {
  api?.cancelAll();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('status', () => {
  it('reports the transport, the TensorFlow backend and the samples with their descriptions', async () => {
    const s = await ok('status', {});
    expect(s.transport).toBe('electron');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(s.tfBackend);
    expect(s.samples).toEqual([{ name: 'shop.csv', description: 'Who bought, by visits and region.' }]);
  });
});

describe('import, check and train through the one API', () => {
  let summary: ImportSummary;
  let trained: RunSummary;

  it('imports a file by path and keeps it for the next steps', async () => {
    summary = await ok('importCsv', { file: { kind: 'path', path: csv }, jobId: 'imp-1' });
    expect(summary.rows).toBe(300);
    expect(summary.fileName).toBe('my shop.csv');
    expect(summary.columns.map((c) => c.name)).toEqual(['visits', 'region', 'basket', 'bought']);
    const report = await ok('checkData', { datasetId: summary.datasetId, target: 'bought' });
    expect(report.canTrain).toBe(true);
    expect(report.target?.task).toBe('binary');
  });

  it('imports a shipped sample by name', async () => {
    const s = await ok('importCsv', { file: { kind: 'sample', name: 'shop.csv' }, jobId: 'imp-2' });
    expect(s.rows).toBe(300);
  });

  it('trains within the budget and streams leaderboard rows tagged with the job', async () => {
    const run: RunSummary = await ok('train', { datasetId: summary.datasetId, target: 'bought', budgetS: 2, seed: 3, jobId: 'train-1' });
    expect(run.runId).toBeTruthy();
    expect(run.leaderboard.length).toBeGreaterThan(0);
    expect(run.cancelled).toBe(false);
    expect(run.sentence.length).toBeGreaterThan(10);
    expect(events.some((e) => e.type === 'run.trial' && e.jobId === 'train-1')).toBe(true);
    expect(events.some((e) => e.type === 'run.progress' && e.jobId === 'train-1')).toBe(true);
    trained = run;
  });

  it('keeps the model open with its evaluation, a deeper look with progress, and explanations', async () => {
    const modelId = trained.modelId;
    expect(trained.evaluation?.verdict.level).toMatch(/^(ready|care|not_ready)$/);
    const ev = await ok('evaluation', { modelId });
    expect(ev.fast.metrics.roc_auc?.value).toBeGreaterThan(0.5);
    expect(ev.deep).toBeUndefined();
    const deep = await ok('deepEvaluation', { modelId, jobId: 'deep-1' });
    expect(deep.deep?.slow.slices.length).toBeGreaterThan(0);
    expect(deep.deep?.importance?.columns.map((c) => c.column).sort()).toEqual(['basket', 'region', 'visits']);
    expect(events.some((e) => e.type === 'job.progress' && e.jobId === 'deep-1')).toBe(true);
    const page = await ok('trainingRows', { modelId, offset: 10, limit: 5 });
    expect(page).toMatchObject({ total: 300, columns: ['visits', 'region', 'basket'] });
    expect(page.rows.map((r) => r.index)).toEqual([10, 11, 12, 13, 14]);
    const why = await ok('explainRow', { modelId, row: 10 });
    expect(why.reasons.length).toBeGreaterThan(0);
    expect((await refused('explainRow', { modelId, row: 300 })).message).toMatch(/There is no row 301/);
    const fields = await ok('whatIfFields', { modelId });
    expect(fields.map((f) => f.column).sort()).toEqual(['basket', 'region', 'visits']);
    const whatIf = await ok('whatIf', { modelId, values: { visits: 45, region: 'north', basket: 10 } });
    expect(whatIf.shown).toBeGreaterThan(0.5); // many visits: the shop's rule says "yes"
    const costly = await ok('setCosts', { modelId, missed: 10, falseAlarm: 1 });
    expect(costly.fast.threshold?.threshold).toBeLessThan(0.5); // missing a buyer costs more: flag more rows
    expect((await refused('evaluation', { modelId: 'nope' })).code).toBe('model_gone');
  });

  it('exports the model as one .augur file and as a folder that load back with the same answers', async () => {
    const { loadPackage } = await import('../../electron/engine/deploy/package.ts');
    const { scoreTable } = await import('../../electron/engine/deploy/scoring.ts');
    const { importCsvFile } = await import('../../electron/engine/data/import.ts');
    const file = await ok('exportModel', { modelId: trained.modelId, format: 'augur', jobId: 'exp-1' });
    expect(file).toMatchObject({ fileName: 'bought model.augur', kind: 'file' });
    expect(file.bytes).toBeGreaterThan(1000);
    const folder = await ok('exportModel', { modelId: trained.modelId, format: 'folder', jobId: 'exp-2' });
    expect(folder.kind).toBe('folder');
    const { table } = await importCsvFile(csv);
    const answers: unknown[] = [];
    for (const a of [file, folder]) {
      const bundle = await loadPackage(api.artifactPath(a.artifactId).path);
      // the kept threshold (set from costs above) and the ranges travel with the model
      expect(bundle.postprocess?.threshold).toBeLessThan(0.5);
      expect(bundle.postprocess?.conformal).toBeDefined();
      answers.push(scoreTable(bundle, table).answers);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(() => api.artifactPath('00000000-0000-0000-0000-000000000000')).toThrow(/no longer ready/);
  });

  it('cancel stops a long run quickly and keeps the best model so far', async () => {
    const t0 = Date.now();
    const pending = call('train', { datasetId: summary.datasetId, target: 'bought', budgetS: 120, seed: 1, jobId: 'train-2' });
    // A second run with the same jobId is refused while the first is going.
    const dup = await refused('train', { datasetId: summary.datasetId, target: 'bought', budgetS: 5, jobId: 'train-2' });
    expect(dup.code).toBe('bad_request');
    // Stop once the search is under way (the user pressed Stop while the leaderboard fills).
    while (!events.some((e) => e.type === 'run.trial' && e.jobId === 'train-2' && e.row.family !== 'baseline')) await new Promise((r) => setTimeout(r, 20));
    expect(await ok('cancel', { jobId: 'train-2' })).toEqual({ cancelled: true });
    const reply = await pending;
    expect(Date.now() - t0).toBeLessThan(15_000);
    if (reply.ok) expect((reply.result as RunSummary).cancelled).toBe(true);
    else expect(reply.error).toEqual({ code: 'cancelled', message: 'Stopped.' });
    expect(await ok('cancel', { jobId: 'train-2' })).toEqual({ cancelled: false });
  });
});

describe('refusals a user can cause end in one plain sentence', () => {
  it('a file that is gone, a folder, an unknown sample, a stale dataset', async () => {
    expect((await refused('importCsv', { file: { kind: 'path', path: path.join(tmp, 'moved.csv') }, jobId: 'r1' })).code).toBe('file_not_found');
    expect((await refused('importCsv', { file: { kind: 'path', path: tmp }, jobId: 'r2' })).code).toBe('not_a_file');
    expect((await refused('importCsv', { file: { kind: 'sample', name: 'nope.csv' }, jobId: 'r3' })).code).toBe('sample_missing');
    expect((await refused('checkData', { datasetId: 'forgotten' })).code).toBe('dataset_gone');
    expect((await refused('train', { datasetId: 'forgotten', target: 'x', budgetS: 5, jobId: 'r4' })).code).toBe('dataset_gone');
  });

  it('a sample name cannot reach files outside the samples folder', async () => {
    for (const name of ['../secret.csv', '..\\secret.csv', path.join(tmp, 'secret.csv')])
      expect((await refused('importCsv', { file: { kind: 'sample', name }, jobId: 's1' })).code).toBe('sample_missing');
  });

  it('an upload id cannot name a path', async () => {
    const browserApi = createApi({ emit: () => {}, transport: 'browser', samplesDir, uploadsDir: tmp });
    for (const uploadId of ['..', 'samples', '00000000-0000-0000-0000-000000000000']) {
      const reply = await dispatch(browserApi, 'importCsv', { file: { kind: 'upload', uploadId, name: 'x.csv' }, jobId: 'u1' });
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('upload_missing');
    }
    const pathReply = await dispatch(browserApi, 'importCsv', { file: { kind: 'path', path: csv }, jobId: 'u2' });
    expect(pathReply.ok === false && pathReply.error.code).toBe('path_not_allowed');
  });

  it('a file that is not a table is refused by the importer with its own reason, not "internal"', async () => {
    const junk = path.join(tmp, 'photo.csv');
    fs.writeFileSync(junk, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0, 0, 0, 0, 1, 2, 3, 255, 254, 0, 0]));
    const empty = path.join(tmp, 'empty.csv');
    fs.writeFileSync(empty, '');
    for (const f of [junk, empty]) expect((await refused('importCsv', { file: { kind: 'path', path: f }, jobId: 'j' })).code).not.toBe('internal');
  });

  it('more imports at once than the machine is given are refused in a sentence', async () => {
    const big = path.join(tmp, 'many.csv');
    fs.writeFileSync(big, shopCsv(50_000));
    const replies = await Promise.all([1, 2, 3, 4].map((i) => call('importCsv', { file: { kind: 'path', path: big }, jobId: `many-${i}` })));
    expect(replies.filter((r) => r.ok)).toHaveLength(3);
    const refusedOne = replies.find((r) => !r.ok);
    expect(refusedOne).toEqual({ ok: false, error: { code: 'busy_importing', message: 'Augur is already reading 3 files at once. Wait for one of them to finish, then try again.' } });
  });

  it('an import cancelled at once reports "Stopped."', async () => {
    const big = path.join(tmp, 'big.csv');
    fs.writeFileSync(big, shopCsv(50_000));
    const pending = call('importCsv', { file: { kind: 'path', path: big }, jobId: 'imp-cancel' });
    expect(await ok('cancel', { jobId: 'imp-cancel' })).toEqual({ cancelled: true });
    expect(await pending).toEqual({ ok: false, error: { code: 'cancelled', message: 'Stopped.' } });
  });
});
