// `npm run bench -- drift [alarm|shift|cbpe|dle|size|speed|all] [--samples 100] [--rows 200,1000]
//                          [--trials 20] [--datasets a,b] [--protocol oof|holdout]`
// The monitoring engine's done-when checks from issue 17, too slow for the unit suite:
//   alarm: on fresh unchanged samples (a new random 80/20 split of a dataset's training rows each time:
//          reference = the 80 %, new file = a random sample of the 20 %), how often the dataset-level
//          alarm, any column and the multivariate check fire (stated level: 5 %); the null AUC's spread.
//   shift: a shifted sample (adult_income customers over 50; telco_churn two-year contracts) alarms and
//          names the shifted column.
//   cbpe:  on the binary datasets, default GBDT (5-fold out-of-fold predictions calibrate CBPE; a refit on
//          all training rows predicts the fixed test rows); covariate-shifted test samples with outcomes
//          hidden: how often the real metric lands inside the estimate's 95 % interval.
//   dle:   the same for amounts (direct loss estimation of MAE / RMSE).
//   size:  saved reference statistics per dataset and for a 100-column file.
//   speed: a drift report on bank_marketing's 45,211 rows against its training rows.
// Peers: the statistics were checked against scipy / numpy in test/monitor/ (fixtures), so this bench
// measures behaviour on real data rather than speed against a peer.
import fs from 'node:fs';
import path from 'node:path';
import { importCsvFile } from '../electron/engine/data/import.ts';
import { prepareTraining, type PreparedData } from '../electron/engine/data/prepare.ts';
import { complementRows, takeRows } from '../electron/engine/data/table-ops.ts';
import { readRowIndexFile } from '../electron/engine/data/row-list.ts';
import type { Table } from '../electron/engine/data/table.ts';
import { computeMetric, type MetricName } from '../electron/engine/evaluate/metrics.ts';
import { familyByName } from '../electron/engine/models/registry.ts';
import type { Dataset } from '../electron/engine/models/types.ts';
import { planValidation, subsetDataset } from '../electron/engine/search/validation.ts';
import { mulberry32, shuffleInPlace } from '../electron/engine/util/random.ts';
import { buildReference, referenceToJSON } from '../electron/engine/monitor/reference.ts';
import { driftReport } from '../electron/engine/monitor/drift.ts';
import { buildPerformanceReference, estimatePerformance } from '../electron/engine/monitor/performance.ts';
import { verdict } from '../electron/engine/monitor/words.ts';

const DATA_DIR = process.env.AUGUR_DATASETS ?? '/work/shared/datasets';

interface Entry {
  name: string;
  file: string;
  target: string;
  task: 'binary' | 'multiclass' | 'regression';
  na_values: string[];
  drop_columns: string[];
}

type Flags = (name: string, fallback: string) => string;

export async function benchDrift(args: string[]): Promise<void> {
  const mode = args[0] && !args[0].startsWith('--') ? args[0] : 'all';
  const flag: Flags = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const parts: Record<string, () => Promise<void>> = {
    alarm: () => alarm(flag),
    shift: () => shift(),
    cbpe: () => cbpe(flag, 'binary'),
    dle: () => cbpe(flag, 'regression'),
    size: () => size(),
    speed: () => speed(),
  };
  if (mode === 'all') for (const run of Object.values(parts)) await run();
  else if (parts[mode]) await parts[mode]();
  else throw new Error(`Unknown part "${mode}" (use ${Object.keys(parts).join(', ')} or all)`);
}

function entries(): Entry[] {
  return (JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'datasets.json'), 'utf8')) as { datasets: Entry[] }).datasets;
}

async function load(e: Entry): Promise<{ all: Table; train: Table; test: Table }> {
  const { table } = await importCsvFile(path.join(DATA_DIR, e.file), { naValues: e.na_values });
  const testRows = readRowIndexFile(path.join(DATA_DIR, 'splits', `${e.name}.test-rows.txt`));
  return { all: table, train: takeRows(table, complementRows(table.nRows, testRows)), test: takeRows(table, testRows) };
}

const out = (s: string) => process.stdout.write(`${s}\n`);
const pct = (k: number, n: number) => `${k}/${n} (${((100 * k) / n).toFixed(1)}%)`;

async function alarm(flag: Flags): Promise<void> {
  const samples = Number(flag('samples', '100'));
  const sizes = flag('rows', '200,1000').split(',').map(Number);
  const names = flag('datasets', 'adult_income,telco_churn').split(',');
  out(`\n## Alarm rate on unchanged files (${samples} fresh 80/20 splits of the training rows per size; stated level 5%)`);
  out('| dataset | new rows | dataset alarm | any column flagged | multivariate alarm | null AUC mean / sd / max (band upper) | ms per report |');
  out('|---|---|---|---|---|---|---|');
  for (const e of entries().filter((d) => names.includes(d.name))) {
    const { train } = await load(e);
    for (const n of sizes) {
      let ds = 0;
      let any = 0;
      let mv = 0;
      const aucs: number[] = [];
      let upper = 0;
      let ms = 0;
      for (let s = 0; s < samples; s++) {
        const rows = Int32Array.from({ length: train.nRows }, (_, i) => i);
        shuffleInPlace(rows, mulberry32(10_000 + s));
        const cut = Math.floor(train.nRows * 0.8);
        const ref = buildReference(takeRows(train, rows.subarray(0, cut)), { target: e.target, ignore: e.drop_columns, seed: s });
        const cur = takeRows(train, rows.subarray(cut, cut + Math.min(n, train.nRows - cut)));
        const t0 = performance.now();
        const r = await driftReport(ref, cur, { seed: s });
        ms += performance.now() - t0;
        if (r.dataset_drift) ds++;
        if (r.n_drifted) any++;
        if (r.multivariate?.drifted) mv++;
        if (r.multivariate) {
          aucs.push(r.multivariate.auc);
          upper = r.multivariate.band[1];
        }
      }
      const m = aucs.reduce((a, b) => a + b, 0) / aucs.length;
      const sd = Math.sqrt(aucs.reduce((a, b) => a + (b - m) ** 2, 0) / (aucs.length - 1));
      out(`| ${e.name} | ${n} | ${pct(ds, samples)} | ${pct(any, samples)} | ${pct(mv, samples)} | ${m.toFixed(3)} / ${sd.toFixed(4)} / ${Math.max(...aucs).toFixed(3)} (${upper.toFixed(3)}) | ${(ms / samples).toFixed(0)} |`);
    }
  }
}

async function shift(): Promise<void> {
  out('\n## Shifted samples (test rows only, reference = training rows)');
  const cases: { name: string; what: string; keep: (t: Table, i: number) => boolean }[] = [
    { name: 'adult_income', what: 'age > 50', keep: (t, i) => numAt(t, 'age', i) > 50 },
    { name: 'telco_churn', what: 'Contract = Two year', keep: (t, i) => strAt(t, 'Contract', i) === 'Two year' },
    { name: 'bank_marketing', what: 'balance > 3000', keep: (t, i) => numAt(t, 'balance', i) > 3000 },
  ];
  for (const c of cases) {
    const e = entries().find((d) => d.name === c.name)!;
    const { train, test } = await load(e);
    const rows = Int32Array.from({ length: test.nRows }, (_, i) => i).filter((i) => c.keep(test, i));
    const r = await driftReport(buildReference(train, { target: e.target, ignore: e.drop_columns }), takeRows(test, rows), { seed: 1 });
    const v = verdict(r);
    const drifted = r.columns.filter((x) => x.drifted).map((x) => x.name);
    out(`- ${c.name}, ${c.what} (${rows.length} rows): dataset_drift ${r.dataset_drift}, light ${v.light}, ${r.n_drifted}/${r.n_columns} columns drifted (${drifted.join(', ')}), multivariate AUC ${r.multivariate?.auc.toFixed(3)} (upper ${r.multivariate?.band[1].toFixed(3)}, most telling: ${r.multivariate?.topColumns.join(', ')})`);
    out(`  "${v.headline}"`);
  }
}

function numAt(t: Table, name: string, i: number): number {
  const c = t.columns.find((x) => x.name === name)!;
  return 'values' in c ? c.values[i] : NaN;
}

function strAt(t: Table, name: string, i: number): string | null {
  const c = t.columns.find((x) => x.name === name)!;
  return 'codes' in c ? (c.codes[i] < 0 ? null : c.dictionary[c.codes[i]]) : null;
}

interface FitResult {
  /** Reference predictions (made without training on their rows), their outcomes and features. */
  refPred: Float64Array;
  refY: Float64Array;
  refData: Dataset;
  testPred: Float64Array;
  testData: Dataset;
  testY: Float64Array;
  s: number;
}

/**
 * Default GBDT. 'oof': 5-fold out-of-fold predictions on the training rows calibrate, a refit on all of
 * them (mean rounds) predicts the test rows (what a k-fold run deploys is close to this). 'holdout': one
 * model on 75 % of the training rows, calibrated on the other 25 %, predicts the test rows itself.
 */
async function fitModel(prep: PreparedData, test: Table, protocol: string): Promise<FitResult> {
  const t0 = performance.now();
  const gbdt = familyByName('gbdt');
  const ds = prep.dataset;
  const testData = prep.encoder.encode(test);
  const testY = prep.encoder.encodeTarget(test);
  if (protocol === 'holdout') {
    const plan = planValidation(ds.y!, prep.taskInfo, 0, { kfoldMaxRows: 0, holdoutFraction: 0.25 });
    const tr = subsetDataset(ds, plan.folds[0].train);
    const va = subsetDataset(ds, plan.folds[0].valid);
    const m = await gbdt.fit(tr, prep.taskInfo, gbdt.defaults(prep.taskInfo, { nRows: tr.nRows, nFeatures: ds.features.length }), { seed: 0, valid: va });
    return { refPred: m.predict(va), refY: va.y!, refData: va, testPred: m.predict(testData), testData, testY, s: (performance.now() - t0) / 1000 };
  }
  const k = prep.taskInfo.task === 'multiclass' ? prep.taskInfo.nClasses : 1;
  const plan = planValidation(ds.y!, prep.taskInfo, 0, { k: 5 });
  const oof = new Float64Array(ds.nRows * k);
  let rounds = 0;
  for (const f of plan.folds) {
    const tr = subsetDataset(ds, f.train);
    const va = subsetDataset(ds, f.valid);
    const m = await gbdt.fit(tr, prep.taskInfo, gbdt.defaults(prep.taskInfo, { nRows: tr.nRows, nFeatures: ds.features.length }), { seed: 0, valid: va });
    const p = m.predict(va);
    f.valid.forEach((r, i) => {
      for (let c = 0; c < k; c++) oof[r * k + c] = p[i * k + c];
    });
    rounds += ((gbdt.replayLength?.({}, m) as { nRounds?: number } | undefined)?.nRounds ?? 100) / plan.folds.length;
  }
  const params = { ...gbdt.defaults(prep.taskInfo, { nRows: ds.nRows, nFeatures: ds.features.length }), nRounds: Math.max(1, Math.round(rounds)), earlyStoppingRounds: 0 };
  const model = await gbdt.fit(ds, prep.taskInfo, params, { seed: 0 });
  return { refPred: oof, refY: ds.y!, refData: ds, testPred: model.predict(testData), testData, testY, s: (performance.now() - t0) / 1000 };
}

/** Covariate-shifted samples of the test rows: one random feature, one side of it kept 0.9 of the time, the other 0.2. */
function shiftedRows(data: Dataset, rnd: () => number): { rows: Int32Array; what: string } {
  const f = Math.floor(rnd() * data.features.length);
  const spec = data.features[f];
  const col = data.columns[f];
  let side: (v: number) => boolean;
  let what: string;
  if (spec.kind === 'categorical') {
    const level = Math.floor(rnd() * (spec.categories?.length ?? 1));
    side = (v) => v === level;
    what = `${spec.name} = ${spec.categories?.[level]}`;
  } else {
    const vals = Array.from(col).filter((v) => v === v).sort((a, b) => a - b);
    const cut = vals[Math.floor(vals.length / 2)];
    const up = rnd() < 0.5;
    side = (v) => (up ? v > cut : v <= cut);
    what = `${spec.name} ${up ? '>' : '≤'} ${cut}`;
  }
  const rows: number[] = [];
  for (let i = 0; i < data.nRows; i++) if (rnd() < (side(col[i]) ? 0.9 : 0.2)) rows.push(i);
  return { rows: Int32Array.from(rows), what };
}

async function cbpe(flag: Flags, kind: 'binary' | 'regression'): Promise<void> {
  const trials = Number(flag('trials', '20'));
  const protocol = flag('protocol', 'oof');
  const only = flag('datasets', '').split(',').filter(Boolean);
  const metrics: MetricName[] = kind === 'binary' ? ['accuracy', 'roc_auc', 'f1_macro', 'log_loss'] : ['mae', 'rmse'];
  out(`\n## ${kind === 'binary' ? 'CBPE' : 'DLE'} on covariate-shifted test samples (${trials} per dataset, outcomes hidden; 95% intervals; reference: ${protocol === 'holdout' ? 'a 25% holdout of the deployed model' : '5-fold out-of-fold predictions, refit deployed'})`);
  out(`| dataset | fit s | unshifted test: ${metrics.map((m) => `${m} est / real`).join(', ')} | ${metrics.map((m) => `${m} inside`).join(' | ')} | mean abs error (${metrics[0]}) |`);
  out(`|---|---|---|${metrics.map(() => '---').join('|')}|---|`);
  const inside = new Map(metrics.map((m) => [m, 0]));
  const wide = new Map(metrics.map((m) => [m, 0])); // inside the same interval stretched to 3 sd (NannyML's width)
  let total = 0;
  for (const e of entries().filter((d) => d.task === kind && (!only.length || only.includes(d.name)))) {
    const { train, test } = await load(e);
    const prep = prepareTraining(train, { target: e.target, ignore: e.drop_columns });
    const fit = await fitModel(prep, test, protocol);
    const ref = await buildPerformanceReference({ task: prep.taskInfo, pred: fit.refPred, y: fit.refY, features: fit.refData });
    const full = await estimatePerformance(ref, { pred: fit.testPred, features: fit.testData });
    const fullCells = metrics.map((m) => `${full.estimated![m]!.value.toFixed(3)} / ${computeMetric(m, prep.taskInfo, fit.testY, fit.testPred).toFixed(3)}`);
    const rnd = mulberry32(77);
    const hits = new Map(metrics.map((m) => [m, 0]));
    let absErr = 0;
    for (let t = 0; t < trials; t++) {
      const { rows } = shiftedRows(fit.testData, rnd);
      const pred = Float64Array.from(rows, (r) => fit.testPred[r]);
      const y = Float64Array.from(rows, (r) => fit.testY[r]);
      const features = subsetDataset(fit.testData, rows);
      const est = await estimatePerformance(ref, { pred, features }, { seed: t });
      for (const m of metrics) {
        const real = computeMetric(m, prep.taskInfo, y, pred);
        const ev = est.estimated![m]!;
        if (real >= ev.ci[0] && real <= ev.ci[1]) hits.set(m, hits.get(m)! + 1);
        const stretch = 3 / 1.959964;
        if (real >= ev.value - (ev.value - ev.ci[0]) * stretch && real <= ev.value + (ev.ci[1] - ev.value) * stretch) wide.set(m, wide.get(m)! + 1);
        if (m === metrics[0]) absErr += Math.abs(ev.value - real) / trials;
      }
    }
    for (const m of metrics) inside.set(m, inside.get(m)! + hits.get(m)!);
    total += trials;
    out(`| ${e.name} | ${fit.s.toFixed(1)} | ${fullCells.join(', ')} | ${metrics.map((m) => pct(hits.get(m)!, trials)).join(' | ')} | ${absErr.toFixed(4)} |`);
  }
  out(`| all | | | ${metrics.map((m) => pct(inside.get(m)!, total)).join(' | ')} | |`);
  out(`| all, interval stretched to 3 sd | | | ${metrics.map((m) => pct(wide.get(m)!, total)).join(' | ')} | |`);
}

async function size(): Promise<void> {
  out('\n## Saved reference statistics (JSON bytes)');
  for (const e of entries()) {
    const { train } = await load(e);
    const bytes = referenceToJSON(buildReference(train, { target: e.target, ignore: e.drop_columns })).length;
    out(`- ${e.name}: ${train.columns.length} columns, ${train.nRows} rows: ${(bytes / 1024).toFixed(1)} KiB (${(bytes / train.columns.length / 1024).toFixed(1)} KiB a column)`);
  }
  const rnd = mulberry32(1);
  const n = 50_000;
  for (const digits of [2, -1]) {
    const columns: Table['columns'] = [];
    for (let c = 0; c < 60; c++) {
      columns.push({ name: `amount ${c}`, type: 'numeric', values: Float64Array.from({ length: n }, () => {
        const v = Math.exp(5 + 2 * (rnd() - 0.5));
        return digits < 0 ? v : Math.round(v * 100) / 100;
      }) });
    }
    for (let c = 0; c < 40; c++) {
      const k = 5 + 8 * c;
      columns.push({ name: `category ${c}`, type: 'categorical', codes: Int32Array.from({ length: n }, () => Math.floor(k * rnd() ** 2)), dictionary: Array.from({ length: k }, (_, i) => `level number ${i}`) });
    }
    const bytes = referenceToJSON(buildReference({ nRows: n, columns })).length;
    out(`- 100 columns x ${n} rows (60 amounts ${digits < 0 ? 'as full-precision doubles' : 'with 2 decimals'}, 40 categories of 5-317 values): ${(bytes / 1024).toFixed(0)} KiB`);
  }
}

async function speed(): Promise<void> {
  const e = entries().find((d) => d.name === 'bank_marketing')!;
  const { all, train } = await load(e);
  out(`\n## Drift report time, bank_marketing (the whole ${all.nRows}-row file against its ${train.nRows} training rows)`);
  let t0 = performance.now();
  const ref = buildReference(train, { target: e.target });
  const refMs = performance.now() - t0;
  for (const mv of [false, true]) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      await driftReport(ref, all, { seed: i, multivariate: mv });
      times.push(performance.now() - t0);
    }
    out(`- ${mv ? 'with' : 'without'} the multivariate check: ${times.map((t) => t.toFixed(0)).join(' / ')} ms (3 runs)`);
  }
  out(`- reference statistics of the training rows: ${refMs.toFixed(0)} ms (the multivariate check uses their 1,000-row sample and 1,000 sampled new rows)`);
}
