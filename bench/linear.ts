// `npm run bench -- linear [speed|quality] [--datasets a,b] [--l2 x] [--tol x] [--balanced] [--pipeline]`
//            --pipeline: load through the app's CSV import + feature encoder instead of the built-in loader.
//   speed:   logistic regression on make_classification(100000, 30) vs scikit-learn lbfgs on the same rows,
//            both run here, one after the other; prints JSON with both times and the ratio.
//   quality: the linear family on the developers' datasets with their fixed splits, next to baselines.md.
// Uses its own small CSV loader so it does not depend on the data-import module.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import Papa from 'papaparse';
import { computeMetric, defaultMetric, type MetricName } from '../electron/engine/evaluate/metrics.ts';
import { linearFamily, type LinearParams } from '../electron/engine/models/linear/index.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../electron/engine/models/types.ts';
import { importCsvFile } from '../electron/engine/data/import.ts';
import { prepareTraining } from '../electron/engine/data/prepare.ts';
import { readRowIndexFile } from '../electron/engine/data/row-list.ts';
import { complementRows, takeRows } from '../electron/engine/data/table-ops.ts';

const DATA_DIR = '/work/shared/datasets';
const PEERS = '/work/shared/bench-peers';
const PERF = '/tmp/perf/data';

/** scikit-learn "linear" rows of baselines.md (same split), for side-by-side printing. */
const SKLEARN_LINEAR: Record<string, number> = {
  telco_churn: 0.8515, german_credit: 0.787, bank_marketing: 0.9067, adult_income: 0.9014,
  titanic: 0.8471, penguins: 0.9997, diamonds: 1139, insurance_charges: 5802,
};

export async function benchLinear(args: string[]): Promise<void> {
  const mode = args[0] ?? 'speed';
  if (mode === 'speed') return benchSpeed();
  if (mode === 'quality') return benchQuality(args.slice(1));
  throw new Error(`Unknown mode "${mode}" (use speed or quality)`);
}

async function benchSpeed(): Promise<void> {
  if (!existsSync(`${PERF}/gbdt_X_100000x30.f32`)) {
    execFileSync('/usr/bin/python3', [`${PEERS}/gen_data.py`], { stdio: 'inherit' });
  }
  const n = 100_000, p = 30;
  const X = new Float32Array(readFileSync(`${PERF}/gbdt_X_100000x30.f32`).buffer.slice(0));
  const yf = new Float32Array(readFileSync(`${PERF}/gbdt_y_100000.f32`).buffer.slice(0));
  const features: FeatureSpec[] = [];
  const columns: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    features.push({ name: `x${j}`, kind: 'numeric' });
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = X[i * p + j];
    columns.push(col);
  }
  const data: Dataset = { features, nRows: n, columns, y: Float64Array.from(yf) };
  const task: TaskInfo = { task: 'binary', nClasses: 2 };
  const params = linearFamily.defaults(task, { nRows: n, nFeatures: p });

  const fitOnce = async () => {
    const t0 = performance.now();
    const fitted = await linearFamily.fit(data, task, params, { seed: 0 });
    const s = (performance.now() - t0) / 1000;
    return { s, fitted };
  };
  for (let i = 0; i < 3; i++) await fitOnce(); // JIT warm-up

  // Ours and scikit-learn alternate, pair by pair, so machine load hits both alike; the ratio is per pair.
  const pairs: { ours_s: number; sklearn_s: number; ratio: number }[] = [];
  let auc = NaN, iterations = 0, skIter = NaN, skAuc = NaN;
  for (let pair = 0; pair < 3; pair++) {
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const { s, fitted } = await fitOnce();
      times.push(s);
      auc = computeMetric('roc_auc', task, data.y!, fitted.predict(data));
      iterations = (fitted as unknown as { iterations: number }).iterations;
    }
    const py = execFileSync('/usr/bin/python3', [`${PEERS}/linear_py.py`], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OPENBLAS_CORETYPE: 'Cooperlake' },
    });
    const sk = Number(/RESULT sk_logreg_100000_train_s ([\d.]+)/.exec(py)?.[1]);
    const info = /# lbfgs n_iter=\[?(\d+)\]? AUC=([\d.]+)/.exec(py);
    skIter = Number(info?.[1]); skAuc = Number(info?.[2]);
    const ours = median(times);
    pairs.push({ ours_s: round(ours), sklearn_s: sk, ratio: round(ours / sk) });
  }
  process.stdout.write(JSON.stringify({
    bench: 'logistic regression fit (incl. standardisation), make_classification 100000 x 30, 1 thread',
    ours_s: median(pairs.map((p) => p.ours_s)), ours_iterations: iterations, ours_train_auc: round(auc),
    sklearn_lbfgs_s: median(pairs.map((p) => p.sklearn_s)), sklearn_iterations: skIter, sklearn_train_auc: skAuc,
    ratio_ours_over_sklearn: median(pairs.map((p) => p.ratio)), goal: '<= 3', pairs,
    load_average_1m: round(loadavg()[0]),
  }, null, 2) + '\n');
}

async function benchQuality(args: string[]): Promise<void> {
  const meta = JSON.parse(readFileSync(`${DATA_DIR}/datasets.json`, 'utf8')).datasets as DatasetMeta[];
  const only = flag(args, '--datasets')?.split(',');
  const override: Partial<LinearParams> = {};
  const l2 = flag(args, '--l2');
  if (l2) override.l2 = Number(l2);
  if (flag(args, '--balanced')) override.classWeight = 'balanced';
  const tol = flag(args, '--tol');
  if (tol) override.tol = Number(tol);
  const rows: Record<string, unknown>[] = [];
  for (const m of meta) {
    if (only && !only.includes(m.name)) continue;
    const { train, test, task } = flag(args, '--pipeline') ? await loadSplitViaApp(m) : loadSplit(m);
    const params = { ...linearFamily.defaults(task, { nRows: train.nRows, nFeatures: train.features.length }), ...override };
    const t0 = performance.now();
    const fitted = await linearFamily.fit(train, task, params, { seed: 0 });
    const fitS = (performance.now() - t0) / 1000;
    const pred = fitted.predict(test);
    const metric: MetricName = defaultMetric(task);
    const ours = computeMetric(metric, task, test.y!, pred);
    const extra = task.task === 'regression'
      ? { r2: round(computeMetric('r2', task, test.y!, pred)) }
      : { accuracy: round(computeMetric('accuracy', task, test.y!, pred)) };
    rows.push({ dataset: m.name, metric, ours: round(ours), sklearn_linear: SKLEARN_LINEAR[m.name], ...extra, fit_s: round(fitS),
      iterations: (fitted as unknown as { iterations: number }).iterations });
  }
  console.table(rows);
}

export interface DatasetMeta { name: string; file: string; target: string; task: TaskInfo['task']; positive_class?: string; na_values: string[]; drop_columns: string[] }

/** The app's own import + feature encoder (fitted on the training rows only), as a training run would use them. */
async function loadSplitViaApp(m: DatasetMeta): Promise<{ train: Dataset; test: Dataset; task: TaskInfo }> {
  const { table } = await importCsvFile(`${DATA_DIR}/${m.file}`, { naValues: m.na_values });
  const testRows = readRowIndexFile(`${DATA_DIR}/splits/${m.name}.test-rows.txt`);
  const prepared = prepareTraining(takeRows(table, complementRows(table.nRows, testRows)), { target: m.target, ignore: m.drop_columns, task: m.task });
  const testTable = takeRows(table, testRows);
  const test = prepared.encoder.encode(testTable);
  test.y = prepared.encoder.encodeTarget(testTable);
  return { train: prepared.dataset, test, task: prepared.taskInfo };
}

/** Throwaway CSV -> Dataset: a column is numeric when every non-missing cell parses as a number. */
export function loadSplit(m: DatasetMeta): { train: Dataset; test: Dataset; task: TaskInfo } {
  const parsed = Papa.parse<string[]>(readFileSync(`${DATA_DIR}/${m.file}`, 'utf8'), { skipEmptyLines: true });
  const [header, ...records] = parsed.data;
  const testRows = new Set(readFileSync(`${DATA_DIR}/splits/${m.name}.test-rows.txt`, 'utf8').split('\n').filter(Boolean).map(Number));
  const na = new Set(m.na_values);
  const tIdx = header.indexOf(m.target);
  const features: FeatureSpec[] = [];
  const rawCols: Float64Array[] = [];
  header.forEach((name, j) => {
    if (j === tIdx || m.drop_columns.includes(name)) return;
    const cells = records.map((r) => r[j]);
    const numeric = cells.every((c) => na.has(c) || (c.trim() !== '' && Number.isFinite(Number(c))));
    if (numeric) {
      features.push({ name, kind: 'numeric' });
      rawCols.push(Float64Array.from(cells, (c) => (na.has(c) ? NaN : Number(c))));
    } else {
      const levels = [...new Set(cells.filter((c) => !na.has(c)))].sort();
      const code = new Map(levels.map((l, i) => [l, i]));
      features.push({ name, kind: 'categorical', categories: levels });
      rawCols.push(Float64Array.from(cells, (c) => code.get(c) ?? NaN));
    }
  });
  const tCells = records.map((r) => r[tIdx]);
  let y: Float64Array, task: TaskInfo;
  if (m.task === 'regression') {
    y = Float64Array.from(tCells, Number); task = { task: 'regression', nClasses: 1 };
  } else if (m.task === 'binary') {
    y = Float64Array.from(tCells, (c) => (c === m.positive_class ? 1 : 0)); task = { task: 'binary', nClasses: 2 };
  } else {
    const classes = [...new Set(tCells)].sort();
    y = Float64Array.from(tCells, (c) => classes.indexOf(c)); task = { task: 'multiclass', nClasses: classes.length };
  }
  const pick = (isTest: boolean): Dataset => {
    const idx: number[] = [];
    for (let i = 0; i < records.length; i++) if (testRows.has(i) === isTest) idx.push(i);
    return { features, nRows: idx.length, columns: rawCols.map((c) => Float64Array.from(idx, (i) => c[i])), y: Float64Array.from(idx, (i) => y[i]) };
  };
  return { train: pick(false), test: pick(true), task };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? 'true') : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}

// Direct run: node --import tsx bench/linear.ts [speed|quality]
if (import.meta.url === `file://${process.argv[1]}`) {
  benchLinear(process.argv.slice(2)).catch((e) => { console.error(e); process.exitCode = 1; });
}
