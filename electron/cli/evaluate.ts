// `npm run automl -- evaluate <model-dir-or-.augur> <labelled.csv> [--rows <file>] [--seed <n>] [--json]`:
// a saved model checked on a file whose outcomes are known (evaluate/labelled-file.ts). With --json it
// prints one JSON object (a contract other tools rely on, see README "Command line"):
//   { "rows", "task", "metrics": { "<name>": { "value", "ci": [lo, hi] } }, "baseline": { "<name>": value },
//     "slices": [...], "weak_spots": [...], "calibration"?: { "ece", "bins" }, "conformal"?: { "coverage",
//     "observed_coverage", "mean_width"? }, "importance": [{ "column", "value" }], "verdict": { "level", "reasons" } }
// Without, plain sentences. Progress goes to stderr; Ctrl-C stops (exit 130). A file that does not fit
// the model, has no outcome column, or a damaged model: one sentence, exit 2.
import path from 'node:path';
import type { Estimate } from '../../shared/evaluation.ts';
import { formatScore, metricSpec, type MetricName } from '../../shared/metrics.ts';
import { importCsvFile } from '../engine/data/import.ts';
import { readRowIndexFile } from '../engine/data/row-list.ts';
import { takeRows } from '../engine/data/table-ops.ts';
import type { ModelBundle } from '../engine/deploy/bundle.ts';
import { loadPackage } from '../engine/deploy/package.ts';
import { evaluateLabelledFile, type FileEvaluation } from '../engine/evaluate/labelled-file.ts';
import { importanceSentence, noWeakSpotSentence } from '../engine/evaluate/words.ts';
import { CancelledError, UserError } from '../engine/util/errors.ts';
import type { CliCommand } from './types.ts';
import { parseArgs } from './types.ts';

const USAGE = 'evaluate <model-dir-or-.augur> <labelled.csv> [--rows <file>] [--seed <n>] [--json]';
const KNOWN = ['rows', 'seed', 'json'];

/** The saved model a path names. One place, so a project folder can be accepted here later. */
export async function loadModelAt(p: string): Promise<ModelBundle> {
  return loadPackage(p);
}

const LEVEL_WORDS = { ready: 'Ready to use', care: 'Use with care', not_ready: 'Not ready' } as const;

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Check a saved model on a file whose outcomes are known: how good, where weaker, how far to trust it.',
  usage: USAGE,
  async run(args) {
    const { positional, flags } = parseArgs(args, ['json']);
    const unknown = Object.keys(flags).filter((f) => !KNOWN.includes(f));
    if (unknown.length) throw new UserError('bad_option', `Unknown option --${unknown[0]}. Usage: npm run automl -- ${USAGE}`);
    const [modelPath, csv] = positional;
    if (!modelPath || !csv) throw new UserError('no_file', `Name the saved model and a CSV file with known outcomes. Usage: npm run automl -- ${USAGE}`);
    if (flags.rows === true) throw new UserError('bad_option', 'Give the file of row numbers after --rows.');
    const seed = flags.seed === undefined ? 0 : Number(flags.seed);
    if (flags.seed === true || !Number.isInteger(seed) || seed < 0) throw new UserError('bad_option', '--seed needs a whole number, 0 or more.');
    const json = flags.json === true;
    const progress = (s: string) => process.stderr.write(s + '\n');

    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    let bundle: ModelBundle | undefined;
    try {
      bundle = await loadModelAt(modelPath);
      progress(`Reading "${path.basename(csv)}" the way the model reads its columns…`);
      const imported = await importCsvFile(csv, { schema: bundle.schema, signal: controller.signal });
      let table = imported.table;
      if (typeof flags.rows === 'string') {
        const rows = readRowIndexFile(flags.rows);
        const bad = rows.find((r) => r >= table.nRows);
        if (bad !== undefined) throw new UserError('bad_row_list', `The row list names row ${bad}, but "${path.basename(csv)}" has only ${table.nRows} data rows.`);
        table = takeRows(table, rows);
      }
      let last = '';
      const ev = await evaluateLabelledFile(bundle, table, {
        seed, importFindings: imported.summary.findings, signal: controller.signal,
        onProgress: (_f, message) => {
          if (message !== last && message !== 'Done') progress(`  ${message}`);
          last = message;
        },
      });
      process.stdout.write(json ? JSON.stringify(ev, null, 2) + '\n' : describe(ev, path.basename(csv)).join('\n') + '\n');
      return 0;
    } catch (err) {
      if (err instanceof CancelledError || controller.signal.aborted) {
        process.stderr.write('Stopped.\n');
        return 130;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
      bundle?.fitted.dispose?.();
    }
  },
};

/** The evaluation in plain sentences, most important first. */
export function describe(ev: FileEvaluation, fileName: string): string[] {
  const lines: string[] = [];
  const rows = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
  lines.push(`Checked the model that predicts "${ev.target}" on ${rows(ev.rows)} of "${fileName}" whose outcome is known.`);
  lines.push(`${LEVEL_WORDS[ev.verdict.level]}: ${ev.verdict.reasons[0]?.text ?? ''}`);
  for (const r of ev.verdict.reasons.slice(1)) lines.push(`  ${r.text}`);
  lines.push('', ev.headline);
  for (const [name, e] of Object.entries(ev.metrics) as [MetricName, Estimate][]) {
    const ci = e.ci ? ` (likely between ${formatScore(name, e.ci[0])} and ${formatScore(name, e.ci[1])})` : '';
    const base = ev.baseline[name];
    lines.push(`  ${metricSpec(name).longLabel}: ${formatScore(name, e.value)}${ci}${base !== undefined ? `; guessing: ${formatScore(name, base)}` : ''}`);
  }
  lines.push('');
  if (ev.weak_spots.length) {
    lines.push('Where it is weaker:');
    for (const w of ev.weak_spots) lines.push(`  ${w.text}`);
  } else lines.push(noWeakSpotSentence());
  if (ev.calibration) lines.push(ev.calibration.text);
  if (ev.conformal) lines.push(ev.conformal.text);
  lines.push(importanceSentence(ev.importance));
  for (const n of ev.notes) lines.push(n);
  lines.push('', `For every group of rows (${ev.slices.length} of them) and all the numbers, run the same command with --json.`);
  return lines;
}
