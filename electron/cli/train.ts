// `npm run automl -- train <file.csv> --target <column> ...`: the AutoML run from a terminal.
// With --json it prints one JSON object (a contract other tools rely on); without, plain words.
import path from 'node:path';
import type { CliCommand } from './types.ts';
import { parseArgs } from './types.ts';
import { importCsvFile } from '../engine/data/import.ts';
import { prepareTraining } from '../engine/data/prepare.ts';
import { readRowIndexFile } from '../engine/data/row-list.ts';
import { complementRows, takeRows } from '../engine/data/table-ops.ts';
import type { Table } from '../engine/data/table.ts';
import { computeMetric, metricsForTask, type MetricName } from '../engine/evaluate/metrics.ts';
import type { TaskInfo } from '../engine/models/types.ts';
import { predictTable, type ModelMetrics } from '../engine/deploy/bundle.ts';
import { bundleFromRun } from '../engine/deploy/from-run.ts';
import { savePackage, sweepPackageTemps, writeAugurFile } from '../engine/deploy/package.ts';
import { runAutoML, type RunResult } from '../engine/search/run.ts';
import { formatScore, scoreText } from '../engine/search/summary.ts';
import { UserError } from '../engine/util/errors.ts';

const USAGE =
  'train <file.csv> --target <column> [--time-budget <seconds>] [--seed <n>] [--test-rows <file>] [--out <dir or file.augur>] [--metric <name>] [--workers <n>] [--work-units <n>] [--json]';
const KNOWN = ['target', 'time-budget', 'seed', 'test-rows', 'out', 'json', 'metric', 'workers', 'work-units'];

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Build the best model for one column of a CSV file within a time budget (AutoML).',
  usage: USAGE,
  async run(args) {
    const { positional, flags } = parseArgs(args, ['json']);
    const unknown = Object.keys(flags).filter((f) => !KNOWN.includes(f));
    if (unknown.length) throw new UserError('bad_option', `Unknown option --${unknown[0]}. Usage: npm run automl -- ${USAGE}`);
    const file = positional[0];
    if (!file) throw new UserError('no_file', `Name the CSV file to learn from. Usage: npm run automl -- ${USAGE}`);
    if (typeof flags.target !== 'string') throw new UserError('no_target', 'Say which column to predict with --target <column>.');
    const budgetS = numberFlag(flags['time-budget'], 'time-budget', 60, 1);
    const seed = numberFlag(flags.seed, 'seed', 0, 0);
    const workers = flags.workers === undefined ? undefined : numberFlag(flags.workers, 'workers', 1, 0);
    const workUnits = flags['work-units'] === undefined ? undefined : numberFlag(flags['work-units'], 'work-units', 1, 1);
    const json = flags.json === true;
    const say = (s: string) => { if (!json) process.stdout.write(s + '\n'); };

    const { table, plans } = await importCsvFile(file);
    let trainTable: Table = table;
    let testTable: Table | undefined;
    if (typeof flags['test-rows'] === 'string') {
      const rows = readRowIndexFile(flags['test-rows']);
      const bad = rows.find((r) => r >= table.nRows);
      if (bad !== undefined) {
        throw new UserError('bad_row_list', `The row list names row ${bad}, but "${path.basename(file)}" has only ${table.nRows} data rows.`);
      }
      // Held-out rows leave before anything else sees the data; they are scored once, at the end.
      testTable = takeRows(table, rows);
      trainTable = takeRows(table, complementRows(table.nRows, rows));
    }
    const settings = { target: flags.target };
    const prepared = prepareTraining(trainTable, settings);
    const metric = typeof flags.metric === 'string' ? (flags.metric as MetricName) : undefined;

    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      say('\nStopping… (keeping the best model so far)');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    say(`Training models to predict "${prepared.target.name}" (${describeTask(prepared.taskInfo)}) from ${prepared.dataset.nRows.toLocaleString('en-US')} rows, for up to ${budgetS} seconds…`);
    let result: RunResult;
    try {
      result = await runAutoML(prepared, {
        budgetS,
        seed,
        metric,
        workers,
        workUnits,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'trial' && e.row.status === 'done') say(`  ${e.row.model.padEnd(30)} ${scoreText(e.row.metric as MetricName, e.row.score)}  (${e.row.fitS.toFixed(1)} s)`);
        },
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    const s = result.summary;

    // Held-out rows are scored with the model as it is kept: with --out, after the calibration the
    // evaluation may add, so the numbers printed and saved are the saved model's.
    const scoreTest = (fitted: RunResult['model']['fitted']): Record<string, number> | undefined => {
      if (!testTable) return undefined;
      const yAll = prepared.encoder.encodeTarget(testTable);
      const keep: number[] = [];
      for (let i = 0; i < yAll.length; i++) if (yAll[i] === yAll[i]) keep.push(i);
      const scored = keep.length === yAll.length ? testTable : takeRows(testTable, keep);
      const y = Float64Array.from(keep, (i) => yAll[i]);
      const pred = predictTable({ encoder: result.model.encoder, fitted }, scored);
      const out: Record<string, number> = { rows: y.length };
      for (const m of metricsForTask(prepared.taskInfo)) out[m] = round(computeMetric(m, prepared.taskInfo, y, pred));
      return out;
    };

    let test: Record<string, number> | undefined;
    let saved: string | undefined;
    try {
      if (typeof flags.out === 'string') {
        say('Checking how far the model can be trusted…');
        const { bundle } = await bundleFromRun(prepared, result, trainTable, settings, { plans, seed });
        test = scoreTest(bundle.fitted);
        if (test) bundle.metrics.test = test as ModelMetrics['test'];
        const out = path.resolve(flags.out);
        // What a killed earlier save left beside the target: put back or removed.
        await sweepPackageTemps(path.dirname(out));
        saved = out.toLowerCase().endsWith('.augur') ? (await writeAugurFile(bundle, out)).file : (await savePackage(out, bundle)).dir;
      } else test = scoreTest(result.model.fitted);
    } finally {
      result.model.fitted.dispose?.();
    }

    if (json) {
      const out = {
        task: s.task,
        target: s.target,
        ...(s.classes ? { classes: s.classes } : {}),
        budget_s: budgetS,
        elapsed_s: s.elapsedS,
        metric: s.metric,
        leaderboard: s.leaderboard.map((r) => ({
          model: r.model,
          family: r.family,
          valid: Number.isFinite(r.score) ? { [r.metric]: round(r.score) } : {},
          fit_s: r.fitS,
          status: r.status,
          ...(r.note ? { note: r.note } : {}),
        })),
        best: s.best.model,
        ...(test ? { test } : {}),
        ...(s.note ? { note: s.note } : {}),
        cancelled: s.cancelled,
      };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return 0;
    }
    say('');
    say(`Best: ${s.best.model} (${scoreText(s.metric as MetricName, s.best.score)} on rows it did not learn from).`);
    say(s.sentence);
    if (s.note) say(s.note);
    for (const q of s.quality) say(`  ${q.label}: ${q.value}`);
    if (test) {
      const parts = Object.entries(test).filter(([k]) => k !== 'rows').map(([k, v]) => `${k} ${formatScore(k as MetricName, v)}`);
      say(`On the ${test.rows} held-out rows: ${parts.join(', ')}.`);
    }
    say(`Tried ${s.modelsTried} models in ${s.elapsedS.toFixed(1)} s.${saved ? ` Saved the model to ${saved}.` : ''}`);
    return 0;
  },
};

function numberFlag(v: string | true | undefined, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || n < min) throw new UserError('bad_option', `--${name} needs a number${min > 0 ? ` of at least ${min}` : ''}.`);
  return n;
}

function describeTask(t: TaskInfo): string {
  return t.task === 'regression' ? 'a number' : t.task === 'binary' ? 'one of two answers' : `one of ${t.nClasses} answers`;
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x;
}
