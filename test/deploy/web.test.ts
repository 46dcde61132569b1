// The web export's scorer.js, imported by plain Node, gives exactly the numbers of the app's one scoring
// path (scoreTable) for every family, ensembles and calibrated models, on two outcomes, several and
// amounts, with the saved threshold and conformal ranges / sets; and the same answers as a CSV file
// read by the app's importer with the model's schema.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import type { RowObject } from '../../electron/engine/data/rows-table.ts';
import { completeBundle, type ModelBundle } from '../../electron/engine/deploy/bundle.ts';
import { scoreTable } from '../../electron/engine/deploy/scoring.ts';
import { exportWeb } from '../../electron/engine/deploy/web/export.ts';
import { toDetails } from '../../electron/engine/deploy/web/runtime/scorer.ts';
import { whatIfFields } from '../../electron/engine/evaluate/explain/what-if.ts';
import { CalibratedFitted } from '../../electron/engine/models/composite/calibrated.ts';
import { plattCalibrator, temperatureCalibrator } from '../../electron/engine/models/composite/calibrators.ts';
import { EnsembleFitted } from '../../electron/engine/models/composite/ensemble.ts';
import { loadPureModel } from '../../electron/engine/models/loaders.ts';
import type { Fitted } from '../../electron/engine/models/types.ts';
import { bundleOf, fitFamily, mixedTable, prepared, tempDir, type TaskName } from './helpers.ts';
import { appAnswers, predictInNode, rowsOf, viaJson } from './web-helpers.ts';

const dir = tempDir('augur-web-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FAMILIES = ['baseline', 'linear', 'gbdt', 'random_forest', 'extra_trees', 'mlp'] as const;
const TASKS: TaskName[] = ['binary', 'multiclass', 'regression'];

const hasNetwork = (f: Fitted): boolean => f.family === 'mlp' || (f.members ?? []).some(hasNetwork);

/** Every family, and the composites a run builds, from one set of fits. */
async function models(task: TaskName, prep: ReturnType<typeof prepared>['prep']): Promise<Map<string, Fitted>> {
  const t = prep.taskInfo;
  const m = new Map<string, Fitted>();
  for (const name of FAMILIES) m.set(name, await fitFamily(name, prep));
  const f = (n: string) => m.get(n)!;
  m.set('bag', new EnsembleFitted(t, [f('gbdt'), f('random_forest')], [0.5, 0.5], 'bag'));
  m.set('weighted', new EnsembleFitted(t, [f('gbdt'), f('linear'), f('random_forest')], [0.5, 0.3, 0.2], 'weighted'));
  const inner = new EnsembleFitted(t, [f('extra_trees'), f('gbdt')], [0.5, 0.5], 'bag');
  m.set('nested', new EnsembleFitted(t, [inner, f('mlp'), f('baseline')], [0.6, 0.3, 0.1], 'weighted'));
  if (task !== 'regression') m.set('calibrated', new CalibratedFitted(m.get('weighted')!, task === 'binary' ? plattCalibrator(0.8, 0.1) : temperatureCalibrator(1.4, t.nClasses)));
  return m;
}

/** A threshold, a conformal range or an answer set on some models, as "Understand the model" keeps them. */
function postprocessFor(task: TaskName, name: string): ModelBundle['postprocess'] {
  if (task === 'binary' && name === 'gbdt') return { threshold: 0.35 };
  if (task === 'binary' && name === 'weighted') return { conformal: { kind: 'set', formatVersion: 1, coverage: 0.9, method: 'lac', threshold: 0.2, classes: 2 } };
  if (task === 'multiclass' && (name === 'weighted' || name === 'nested')) return { conformal: { kind: 'set', formatVersion: 1, coverage: 0.9, method: 'lac', threshold: 0.15, classes: 3 } };
  if (task === 'regression' && name === 'gbdt') return { conformal: { kind: 'interval', formatVersion: 1, coverage: 0.9, method: 'absolute', q: 6.5 } };
  if (task === 'regression' && name === 'weighted') return { conformal: { kind: 'interval', formatVersion: 1, coverage: 0.8, method: 'scaled', q: 1.2, x: [90, 100, 110], s: [3, 5, 4] } };
  return undefined;
}

describe('scorer.js gives the app\'s numbers', () => {
  for (const task of TASKS) {
    it(`${task}: every family, ensemble and calibrated model, exactly (networks: the pure forward pass; the app's tfjs within 1e-5)`, async () => {
      const { table, prep } = prepared(task, 160);
      const rows = rowsOf(table, 'outcome');
      const fitted = await models(task, prep);
      const bundles = new Map<string, ModelBundle>();
      for (const [name, f] of fitted) {
        const b = bundleOf(f, table, prep);
        const post = postprocessFor(task, name);
        if (post) b.postprocess = post;
        bundles.set(name, b);
        await exportWeb(b, path.join(dir, `${task}-${name}`), { training: table });
      }
      const got = predictInNode(dir, [...bundles.keys()].map((n) => path.join(dir, `${task}-${n}`)), rows);
      for (const [name, b] of bundles) {
        const page = got[path.join(dir, `${task}-${name}`)];
        // the pure loader: what the page runs, rebuilt from the same JSON in this process
        const pure = { ...b, fitted: await loadPureModel(b.fitted.toJSON()) };
        expect(page, `${task} ${name}`).toEqual(viaJson(appAnswers(pure, rows)));
        const app = viaJson(appAnswers(b, rows));
        if (!hasNetwork(b.fitted)) expect(page, `${task} ${name} (app)`).toEqual(app);
        else {
          page.forEach((p, i) => {
            expect(p.prediction === app[i].prediction || Math.abs((p.prediction as number) - (app[i].prediction as number)) <= 1e-5 * Math.max(1, Math.abs(app[i].prediction as number)), `${name} row ${i}`).toBe(true);
            for (const [c, v] of Object.entries(p.probabilities ?? {})) expect(Math.abs(v - app[i].probabilities![c])).toBeLessThan(1e-5);
          });
        }
        expect(page).toHaveLength(rows.length);
        if (b.postprocess?.conformal?.kind === 'interval') expect(page.every((p) => p.interval && p.interval[0] <= (p.prediction as number) && (p.prediction as number) <= p.interval[1])).toBe(true);
        if (task !== 'regression') expect(page.every((p) => Math.abs(Object.values(p.probabilities!).reduce((s, v) => s + v, 0) - 1) < 1e-9)).toBe(true);
      }
      for (const f of fitted.values()) f.dispose?.();
    }, 60_000);
  }

  it('the same answers as a CSV file of those rows read by the app\'s importer with the model\'s schema', async () => {
    // a model trained from a real CSV import, so its schema pins how each column was read
    const rowsCsv = (rows: RowObject[], names: string[]) => {
      const cell = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`);
      return [names.map(cell).join(','), ...rows.map((r) => names.map((n) => cell(r[n])).join(','))].join('\n');
    };
    const source = mixedTable('binary', 160);
    const all = source.columns.map((c) => c.name);
    fs.writeFileSync(path.join(dir, 'train.csv'), rowsCsv(rowsOf(source, '', 160).slice(0, 160), all));
    const imported = await importCsvFile(path.join(dir, 'train.csv'));
    const prep = prepareTraining(imported.table, { target: 'outcome' });
    const fitted = await fitFamily('gbdt', prep);
    const b = completeBundle({ encoder: prep.encoder, fitted, taskInfo: prep.taskInfo, target: prep.target, metrics: { metric: 'roc_auc', valid: { roc_auc: 0.9 } } }, imported.table, { target: 'outcome' }, { plans: imported.plans });
    b.postprocess = { threshold: 0.4 };
    const out = path.join(dir, 'csv-gbdt');
    await exportWeb(b, out, { training: imported.table });
    // every row but the empty ones (a CSV file has no all-empty lines) and a yes/no column's unknown word:
    // the importer's toBoolean reads "maybe" as the first answer (NaN stored in an Int32Array), rowsToTable as empty
    const rows = rowsOf(source, 'outcome').filter((r) => Object.values(r).some((v) => v !== null) && r.member !== 'maybe').map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));
    const names = all.filter((n) => n !== 'outcome');
    fs.writeFileSync(path.join(dir, 'rows.csv'), rowsCsv(rows, names));
    const read = await importCsvFile(path.join(dir, 'rows.csv'), { schema: b.schema });
    const fromCsv = toDetails(scoreTable(b, read.table)).map(({ prediction, probabilities }) => ({ prediction, probabilities }));
    expect(new Set(fromCsv.map((p) => p.prediction)).size).toBe(2);
    expect(predictInNode(dir, [out], rows)[out]).toEqual(viaJson(fromCsv));
  });

  it('the form\'s fields are the what-if form\'s: real ranges, categories and typical values of the training rows', async () => {
    const { table, prep } = prepared('regression', 160);
    const b = bundleOf(await fitFamily('linear', prep), table, prep);
    const out = path.join(dir, 'fields');
    const r = await exportWeb(b, out, { training: table });
    expect(r.fieldsFrom).toBe('training');
    const text = fs.readFileSync(path.join(out, 'model-data.js'), 'utf8');
    const data = JSON.parse(text.slice(text.indexOf('= ') + 2, text.lastIndexOf(';')));
    expect(data.fields).toEqual(viaJson(whatIfFields(b.encoder, table)));
    const size = data.fields.find((f: { column: string }) => f.column === 'size');
    expect(size.min).toBeGreaterThanOrEqual(0);
    expect(size.max).toBeLessThanOrEqual(100);
    expect(data.fields.find((f: { column: string }) => f.column === 'colour').options).toEqual(['blue', 'green', 'red']);
  });
});
