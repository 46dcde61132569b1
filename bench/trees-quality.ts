// Model quality of the tree families on the developers' datasets with their fixed splits, next to the
// scikit-learn / XGBoost baselines (shared/datasets/baselines.md).
// usage: node --import tsx bench/trees-quality.ts [--families gbdt,random_forest,extra_trees] [--datasets a,b] [--trees 100]
//        [--encoder app]   (app: the app's importCsvFile + prepareTraining; default: bench/tree-data.ts)
import fs from 'node:fs';
import path from 'node:path';
import { computeMetric } from '../electron/engine/evaluate/metrics.ts';
import { readRowIndexFile } from '../electron/engine/data/row-list.ts';
import { gbdtFamily } from '../electron/engine/models/gbdt/index.ts';
import { extraTreesFamily, randomForestFamily } from '../electron/engine/models/forest/index.ts';
import type { Dataset, ModelFamily } from '../electron/engine/models/types.ts';
import { makeRng } from '../electron/engine/models/trees/rng.ts';
import { importCsvFile } from '../electron/engine/data/import.ts';
import { prepareTraining } from '../electron/engine/data/prepare.ts';
import { loadCsvDataset, subsetDataset } from './tree-data.ts';

const DIR = process.env.AUGUR_DATASETS ?? '/work/shared/datasets';

interface Entry { name: string; file: string; target: string; task: 'binary' | 'multiclass' | 'regression'; positive_class: string | null; na_values: string[]; drop_columns: string[] }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Baseline numbers per dataset and model from baselines.md (ROC AUC or RMSE). */
function baselines(): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const md = fs.readFileSync(path.join(DIR, 'baselines.md'), 'utf8');
  for (const line of md.split('\n')) {
    const c = line.split('|').map((s) => s.trim());
    if (c.length < 12 || !['hgb', 'xgb', 'rf', 'linear'].includes(c[4].split(' ')[0])) continue;
    const v = c[2] === 'regression' ? c[8] : c[7];
    const rec = out.get(c[1]) ?? {};
    rec[c[4].split(' ')[0]] = Number(v.replace(/,/g, ''));
    out.set(c[1], rec);
  }
  return out;
}

async function main(): Promise<void> {
  const meta = JSON.parse(fs.readFileSync(path.join(DIR, 'datasets.json'), 'utf8')) as { datasets: Entry[] };
  const famNames = (arg('families') ?? 'gbdt,random_forest,extra_trees').split(',');
  const only = arg('datasets')?.split(',');
  const nTrees = Number(arg('trees') ?? 100);
  const fams: Record<string, ModelFamily<any>> = { gbdt: gbdtFamily, random_forest: randomForestFamily, extra_trees: extraTreesFamily };
  const base = baselines();
  const rows: string[] = ['| dataset | metric | family | ours | fit s | hgb | xgb | rf |', '|---|---|---|---:|---:|---:|---:|---:|'];
  for (const e of meta.datasets) {
    if (only && !only.includes(e.name)) continue;
    const { dataset, task } = arg('encoder') === 'app'
      ? await (async () => {
        const { table } = await importCsvFile(path.join(DIR, e.file), { naValues: e.na_values });
        const prepared = prepareTraining(table, { target: e.target, task: e.task, ignore: e.drop_columns });
        return { dataset: prepared.dataset, task: prepared.taskInfo };
      })()
      : await loadCsvDataset(path.join(DIR, e.file), {
        target: e.target, task: e.task, positiveClass: e.positive_class, naValues: e.na_values, drop: e.drop_columns,
      });
    const testRows = readRowIndexFile(path.join(DIR, 'splits', `${e.name}.test-rows.txt`));
    const isTest = new Uint8Array(dataset.nRows);
    for (const r of testRows) isTest[r] = 1;
    const trainRows: number[] = [];
    for (let i = 0; i < dataset.nRows; i++) if (!isTest[i]) trainRows.push(i);
    const train = subsetDataset(dataset, trainRows);
    const test = subsetDataset(dataset, testRows);
    const metric = task.task === 'regression' ? 'rmse' : 'roc_auc';
    for (const fn of famNames) {
      const fam = fams[fn];
      let fitSet: Dataset = train;
      let valid: Dataset | undefined;
      const params = { ...fam.defaults(task, { nRows: train.nRows, nFeatures: train.columns.length }) };
      if (fn === 'gbdt') {
        // early stopping on a seeded 10 % of the training rows, as HistGradientBoosting does by default
        const rng = makeRng(42);
        const a: number[] = [], b: number[] = [];
        for (let i = 0; i < train.nRows; i++) (rng() < 0.1 ? b : a).push(i);
        fitSet = subsetDataset(train, a);
        valid = subsetDataset(train, b);
      } else params.nTrees = nTrees;
      const t0 = performance.now();
      const model = await fam.fit(fitSet, task, params, { seed: 0, valid });
      const fitS = (performance.now() - t0) / 1000;
      const score = computeMetric(metric, task, test.y!, model.predict(test));
      const b = base.get(e.name) ?? {};
      const fmt = (v: number | undefined): string => (v === undefined ? '' : metric === 'rmse' ? v.toFixed(1) : v.toFixed(4));
      const line = `| ${e.name} | ${metric} | ${fn} | ${fmt(score)} | ${fitS.toFixed(2)} | ${fmt(b.hgb)} | ${fmt(b.xgb)} | ${fmt(b.rf)} |`;
      rows.push(line);
      process.stderr.write(line + '\n');
    }
  }
  process.stdout.write(rows.join('\n') + '\n');
}

main().catch((err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exitCode = 1; });
