// `npm run bench -- conformal [--only a,b] [--coverage 0.9] [--seed 0] [--sets dir,dir]`: conformal
// coverage on every dataset's fixed test rows, and the time to build the evaluation of adult_income.
// Per dataset: the default GBDT on the plan's folds of the training rows (fold 1 stops early on its
// rows, the others replay its length, as a trial does), its out-of-fold predictions fit the conformal
// recipe, and the bag of fold models predicts the test rows, scored once: observed coverage (target
// ±3 points) and mean width. Without --sets it uses AUGUR_DATASETS or ../shared/datasets.
import fs from 'node:fs';
import path from 'node:path';
import { importCsvFile } from '../electron/engine/data/import.ts';
import type { FeatureEncoder } from '../electron/engine/data/features.ts';
import { prepareTraining } from '../electron/engine/data/prepare.ts';
import { readRowIndexFile } from '../electron/engine/data/row-list.ts';
import { complementRows, takeRows } from '../electron/engine/data/table-ops.ts';
import type { Table } from '../electron/engine/data/table.ts';
import { fitConformal, fitIntervalRecipe, measureRecipe } from '../electron/engine/evaluate/conformal.ts';
import { buildEvaluation, evaluateFast, type EvaluationInput } from '../electron/engine/evaluate/report.ts';
import { scoredRows } from '../electron/engine/evaluate/rows.ts';
import { familyByName } from '../electron/engine/models/registry.ts';
import type { Dataset, Fitted, TaskInfo } from '../electron/engine/models/types.ts';
import { planValidation, subsetDataset, type ValidationPlan } from '../electron/engine/search/validation.ts';

interface DatasetEntry { name: string; file: string; target: string; task: string }

export interface Evidence {
  table: Table;
  dataset: Dataset;
  taskInfo: TaskInfo;
  classes?: string[];
  target: string;
  plan: ValidationPlan;
  oof: Float64Array;
  models: Fitted[];
  encoder: FeatureEncoder;
  fitS: number;
}

/** Out-of-fold predictions of the default GBDT on the training rows, and its fold models. */
export async function gbdtEvidence(trainTable: Table, target: string, seed: number): Promise<Evidence> {
  const prepared = prepareTraining(trainTable, { target });
  // prepareTraining drops rows without an outcome: `rows` says which table rows stayed, in order
  const table = prepared.rows.length === trainTable.nRows ? prepared.table : takeRows(prepared.table, prepared.rows);
  const { dataset, taskInfo } = prepared;
  const family = familyByName('gbdt');
  const plan = planValidation(dataset.y!, taskInfo, seed);
  const k = taskInfo.task === 'multiclass' ? taskInfo.nClasses : 1;
  const oof = new Float64Array(plan.validRows.length * k);
  const pos = new Int32Array(dataset.nRows).fill(-1);
  plan.validRows.forEach((r, j) => (pos[r] = j));
  const t0 = performance.now();
  const models: Fitted[] = [];
  let params = family.defaults(taskInfo, { nRows: dataset.nRows, nFeatures: dataset.features.length }) as Record<string, unknown>;
  for (let f = 0; f < plan.folds.length; f++) {
    const fold = plan.folds[f];
    const train = subsetDataset(dataset, fold.train), valid = subsetDataset(dataset, fold.valid);
    const m = await family.fit(train, taskInfo, params, { seed: seed + f, ...(f === 0 ? { valid } : {}) });
    if (f === 0) params = family.replayLength?.(params, m) ?? params;
    models.push(m);
    const p = m.predict(valid);
    fold.valid.forEach((r, j) => { for (let c = 0; c < k; c++) oof[pos[r] * k + c] = p[j * k + c]; });
  }
  return { table, dataset, taskInfo, classes: prepared.target.classes, target: prepared.target.name, plan, oof, models, encoder: prepared.encoder, fitS: (performance.now() - t0) / 1000 };
}

/** The bag of fold models (what a k-fold run keeps): the average of their predictions. */
function bagPredict(models: Fitted[], data: Dataset): Float64Array {
  const preds = models.map((m) => m.predict(data));
  const out = new Float64Array(preds[0].length);
  for (const p of preds) for (let i = 0; i < out.length; i++) out[i] += p[i] / preds.length;
  return out;
}

export function evaluationInput(e: Evidence): EvaluationInput {
  return { taskInfo: e.taskInfo, classes: e.classes, target: e.target, y: e.dataset.y!, pred: e.oof, plan: e.plan, table: e.table };
}

export async function benchConformal(args: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const coverage = Number(flag('coverage') ?? 0.9);
  const seed = Number(flag('seed') ?? 0);
  const only = flag('only')?.split(',');
  const dirs = flag('sets')?.split(',') ?? [process.env.AUGUR_DATASETS ?? '/work/shared/datasets'];
  const rows: string[][] = [];
  let within = 0, total = 0, atFloor = 0;
  process.stdout.write(`Conformal bench: ${Math.round(coverage * 100)}% ranges / sets from the default GBDT's out-of-fold predictions, checked on each dataset's fixed test rows.\n`);
  for (const dir of dirs) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'datasets.json'), 'utf8')) as { datasets: DatasetEntry[] };
    for (const d of meta.datasets) {
      if (only && !only.includes(d.name)) continue;
      const { table } = await importCsvFile(path.join(dir, d.file));
      const testIdx = readRowIndexFile(path.join(dir, 'splits', `${d.name}.test-rows.txt`));
      const ev = await gbdtEvidence(takeRows(table, complementRows(table.nRows, testIdx)), d.target, seed);
      const testTable = takeRows(table, testIdx);
      const yTestAll = ev.encoder.encodeTarget(testTable);
      const keep: number[] = [];
      for (let i = 0; i < yTestAll.length; i++) if (yTestAll[i] === yTestAll[i]) keep.push(i);
      const yTest = Float64Array.from(keep, (i) => yTestAll[i]);
      const predTest = bagPredict(ev.models, ev.encoder.encode(takeRows(testTable, keep)));
      const er = scoredRows(evaluationInput(ev));
      const a = fitConformal(er, coverage, seed);
      if (!a) { rows.push([d.name, d.task, 'too few rows']); continue; }
      const m = measureRecipe(a.recipe, predTest, yTest);
      total++;
      const ok = Math.abs(m.coverage - coverage) <= 0.03 + 1e-9;
      // A near-perfect classifier covers more than asked with one answer per row: the smallest set there is.
      const floor = !ok && a.recipe.kind === 'set' && m.coverage > coverage && m.mean_width < 1.005;
      if (ok) within++;
      if (floor) atFloor++;
      let other = '';
      if (a.recipe.kind === 'interval') {
        const alt = fitIntervalRecipe(er.pred, er.y, coverage, a.recipe.method === 'scaled' ? 'absolute' : 'scaled');
        if (alt) { const mm = measureRecipe(alt, predTest, yTest); other = `${alt.method}: ${pct(mm.coverage)}, width ${fmt(mm.mean_width)}`; }
      }
      rows.push([
        d.name, d.task, `${ev.dataset.nRows} / ${yTest.length}`, a.recipe.method, pct(a.observed_coverage), pct(m.coverage),
        a.recipe.kind === 'interval' ? fmt(m.mean_width) : `${fmt(m.mean_width)} answers`, ok ? 'yes' : floor ? 'over: 1 answer per row' : 'NO', other, ev.fitS.toFixed(1),
      ]);
      process.stdout.write(`  ${d.name}: test coverage ${pct(m.coverage)} (${a.recipe.method}), mean width ${fmt(m.mean_width)}\n`);
      if (d.name === 'adult_income') await timeEvaluation(ev);
      for (const model of ev.models) model.dispose?.();
    }
  }
  const header = ['dataset', 'task', 'train / test rows', 'method', 'held-out (cross-fit)', 'test coverage', 'mean width (test)', 'within ±3', 'other method on test', 'GBDT fit s'];
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  process.stdout.write(
    `\n${table}\n\nTest coverage within ±3 points of ${pct(coverage)} on ${within}/${total} datasets` +
      (atFloor ? `; ${atFloor} more cover more with a single answer per row (a near-perfect model: no set can be smaller).\n` : '.\n'),
  );
}

/** The evaluation's time on adult_income's out-of-fold rows: the fast part, and the whole. */
async function timeEvaluation(ev: Evidence): Promise<void> {
  const input = evaluationInput(ev);
  const fast = await evaluateFast(input, { seed: 0 });
  const t0 = performance.now();
  const whole = await buildEvaluation(input, { seed: 0 });
  const wholeMs = performance.now() - t0;
  process.stdout.write(
    `  adult_income evaluation (${fast.rows} rows, 200 resamples): fast part ${fast.timing_ms} ms, slow part ${whole.timing_ms.slow} ms, whole ${Math.round(wholeMs)} ms; ` +
      `${whole.slices.length} slices, ${whole.weak_spots.length} weak spots of ${whole.conditions_tried} conditions; verdict ${whole.verdict.level}\n`,
  );
  for (const w of whole.weak_spots) process.stdout.write(`    ${w.text}\n`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3);
}
