// A saved model checked on a labelled file the user brings (`evaluate` on the command line): the rows
// are scored the one way a saved model scores rows (deploy/scoring.ts), then judged by the same engine
// as a run's held-out rows (report.ts), with two differences that make it a check of the model *as
// kept*: calibration is the reliability of the model's own answers on this file (after the correction
// kept with it, beside the same without it), and the conformal part is the coverage the kept recipe
// actually achieves here, not a recipe fitted on the file. Slices, weak spots, the verdict and
// permutation importance are measured on the file's rows. Field names follow the CLI contract.
import type { Finding } from '../../../shared/api.ts';
import type { ConformalRecipe, Estimate, ReliabilityBin, Slice, VerdictOut, WeakSpotOut } from '../../../shared/evaluation.ts';
import type { MetricName } from '../../../shared/metrics.ts';
import { checkData } from '../data/checks.ts';
import { matchColumns, unseenValueFindings } from '../data/fit-check.ts';
import { prepareTable } from '../data/prepare.ts';
import { stringAt, takeRows } from '../data/table-ops.ts';
import { isCoded, type Column, type Table } from '../data/table.ts';
import type { ModelBundle } from '../deploy/bundle.ts';
import { scoreTable } from '../deploy/scoring.ts';
import { CalibratedFitted } from '../models/composite/calibrated.ts';
import { throwIfAborted, UserError } from '../util/errors.ts';
import { reliability } from './calibration.ts';
import { measureRecipe } from './conformal.ts';
import { metricValue, prepareScores } from './kernels.ts';
import { conformalFromJSON } from './conformal-recipe.ts';
import { columnGroups } from './explain/columns.ts';
import { permutationImportance } from './explain/importance.ts';
import { evaluateFast, evaluateSlow } from './report.ts';
import { scoredRows, type EvaluationInput } from './rows.ts';
import * as words from './words.ts';

export interface FileEvaluation {
  /** Rows scored: those with an outcome the model knows. */
  rows: number;
  /** Rows left out: no outcome, or (categories) an outcome the model never saw. */
  rows_without_outcome: number;
  rows_with_unknown_outcome: number;
  task: 'binary' | 'multiclass' | 'regression';
  target: string;
  classes?: string[];
  /** The run's metric: the one the verdict judges and importance is measured in. */
  metric: MetricName;
  metrics: Partial<Record<MetricName, Estimate>>;
  /** What "no model" gets on these rows: the file's own class shares or mean. */
  baseline: Partial<Record<MetricName, number>>;
  headline: string;
  slice_metric: MetricName;
  slices: (Slice & { text?: string })[];
  weak_spots: WeakSpotOut[];
  conditions_tried: number;
  /** Categories: the reliability of the model's answers on this file (after a kept correction). */
  calibration?: {
    ece: number;
    bins: ReliabilityBin[];
    /** When a correction is kept with the model: the same without it, on the same rows. */
    correction?: { kind: string; ece_without: number; bins_without: ReliabilityBin[]; log_loss: number; log_loss_without: number };
    text: string;
  };
  /** The kept recipe's promise and what it achieved on this file (absent when the model has none). */
  conformal?: { coverage: number; observed_coverage: number; mean_width?: number; mean_set_size?: number; method: string; text: string };
  /** Permutation importance on this file's rows, in the run's metric (> 0: the column helps). */
  importance: { column: string; value: number; std: number }[];
  verdict: VerdictOut;
  /** What the reader of the numbers should know about the file (cells read as empty, unseen values). */
  notes: string[];
  timing_ms: number;
}

export interface FileEvaluationOptions {
  seed?: number;
  /** Bootstrap resamples per interval (default 200). */
  resamples?: number;
  /** Findings the import reported about the file (cells that could not be read as the model reads them). */
  importFindings?: Finding[];
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

const r6 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
const quote = (s: string) => `"${s}"`;

/**
 * Refuses, in one sentence, a file the model cannot be checked against: model columns it lacks (or has
 * only under another name), no outcome column, a column whose values cannot be read as the model needs.
 */
export function checkFileFits(bundle: ModelBundle, table: Table, importFindings: Finding[] = []): void {
  const names = table.columns.map((c) => c.name);
  const m = matchColumns(bundle.schema, names);
  const needed = new Set(bundle.encoder.sources.map((s) => s.column));
  const have = new Set(names);
  const absent = [...needed].filter((c) => !have.has(c));
  if (absent.length) {
    const renamed = m.matches.find((x) => x.column === absent[0]);
    const other = renamed?.from && renamed.from !== absent[0] ? renamed.from : renamed?.suggestion;
    const list = absent.length > 3 ? `${absent.slice(0, 3).map(quote).join(', ')} and ${absent.length - 3} more` : absent.map(quote).join(', ');
    throw new UserError(
      'missing_columns',
      `This file does not fit the model: it has no ${absent.length === 1 ? 'column' : 'columns'} ${list}${other ? ` (it has ${quote(other)}, which may be ${quote(absent[0])} renamed)` : ''}.`,
      other ? `Rename the column in the file to ${quote(absent[0])}, or use a file with the columns the model learned from.` : 'Use a file with the columns the model learned from.',
    );
  }
  const target = bundle.target.name;
  if (!have.has(target)) {
    throw new UserError('no_outcome_column', `This file has no ${quote(target)} column, so Augur cannot check the model against it.`, `Use a file whose rows have a known ${quote(target)}.`);
  }
  // A column every cell of which failed to read the way training read it holds something else.
  for (const f of importFindings) {
    if (f.code !== 'unreadable_values' || !f.column || (!needed.has(f.column) && f.column !== target)) continue;
    const col = table.columns.find((c) => c.name === f.column);
    if (col && !isCodedOrFilled(col)) {
      const kind = bundle.schema.columns.find((c) => c.name === f.column)?.storage.kind === 'date' ? 'dates' : 'numbers';
      throw new UserError('file_does_not_fit', `This file does not fit the model: ${quote(f.column)} holds no ${kind} Augur can read, and the model needs ${kind} there.`, 'Use a file with the same kind of values as the one the model learned from.');
    }
  }
}

/** True when a number column has at least one value (codes: always, they hold text). */
function isCodedOrFilled(col: Column): boolean {
  if (isCoded(col)) return true;
  for (let i = 0; i < col.values.length; i++) if (col.values[i] === col.values[i]) return true;
  return false;
}

/** The evaluation of `bundle` on a labelled table read with its schema (`importCsvFile(path, { schema })`). */
export async function evaluateLabelledFile(bundle: ModelBundle, file: Table, opts: FileEvaluationOptions = {}): Promise<FileEvaluation> {
  const t0 = performance.now();
  const say = opts.onProgress ?? (() => {});
  const { signal } = opts;
  const seed = opts.seed ?? 0;
  checkFileFits(bundle, file, opts.importFindings);
  say(0, 'Scoring the rows…');
  const { settings, taskInfo, target } = bundle;
  const table = prepareTable(file, { typeOverrides: settings.typeOverrides, ignore: settings.ignore }).table;
  const y = bundle.encoder.encodeTarget(table);
  const { missing, unknown } = outcomeCounts(table, target.name, y, taskInfo.task === 'regression');
  if (missing + unknown === y.length) {
    throw new UserError(
      'no_outcomes',
      unknown > 0
        ? `None of the rows of this file has an outcome in ${quote(target.name)} that the model knows, so Augur cannot check the model against it.`
        : `None of the rows of this file has a value in ${quote(target.name)}, so Augur cannot check the model against it.`,
      `Use a file whose rows have a known ${quote(target.name)}.`,
    );
  }
  const scores = scoreTable(bundle, file);
  throwIfAborted(signal);
  const usedColumns = [...new Set(bundle.encoder.sources.map((s) => s.column))];
  const input: EvaluationInput = {
    taskInfo, classes: target.classes, target: target.name, y, pred: scores.raw, table,
    metric: bundle.metrics.metric, findings: dataFindings(file, bundle), usedColumns,
  };
  const rows = scoredRows(input);
  say(0.05, 'Measuring how good it is…');
  const fast = await evaluateFast(input, { seed, resamples: opts.resamples, signal, onProgress: (p) => say(0.05 + 0.25 * p.fraction, p.message) });

  // Calibration and ranges of the model as kept, on these rows (evaluateFast fits its own on the rows it is given).
  let calibration: FileEvaluation['calibration'];
  if (taskInfo.task !== 'regression') {
    const rel = reliability(taskInfo, rows.y, rows.pred);
    calibration = { ece: rel.ece, bins: rel.bins, text: words.calibrationSentence(rel.ece, rel.bins, false) };
    if (bundle.fitted instanceof CalibratedFitted) {
      const raw = scoreTable({ ...bundle, fitted: bundle.fitted.inner }, file).raw;
      const inner = pick(raw, rows.source, rows.stride);
      const before = reliability(taskInfo, rows.y, inner);
      const logLoss = (p: Float64Array) => r6(metricValue(prepareScores(taskInfo, rows.y, p), 'log_loss'));
      calibration.correction = {
        kind: bundle.fitted.calibrator.kind, ece_without: before.ece, bins_without: before.bins,
        log_loss: logLoss(rows.pred), log_loss_without: logLoss(inner),
      };
      calibration.text = rel.ece > before.ece + 0.005
        ? `${words.calibrationSentence(rel.ece, rel.bins, false)} ${words.correctionWorseSentence(rel.ece, before.ece)}`
        : words.calibrationSentence(rel.ece, rel.bins, true, before.ece);
    }
  }
  const conformal = conformalOnFile(bundle.postprocess?.conformal, rows.pred, rows.y, target.name);
  throwIfAborted(signal);

  say(0.3, 'Finding where the model is weaker…');
  const asKept = { ...fast, calibration: calibration && { ece: calibration.ece, bins: calibration.bins, correction: null, tried: [], text: calibration.text } };
  const slow = await evaluateSlow(input, asKept, { seed, resamples: opts.resamples, signal, onProgress: (p) => say(0.3 + 0.4 * p.fraction, p.message) });

  say(0.7, 'Measuring which columns matter most…');
  const data = bundle.encoder.encode(rows.n === table.nRows ? table : takeRows(table, rows.source));
  const imp = await permutationImportance([{ model: bundle.fitted, data, y: rows.y }], {
    task: taskInfo, metric: fast.metric, groups: columnGroups(bundle.encoder), repeats: 3, seed, maxRows: 4000, signal,
    onProgress: (f) => say(0.7 + 0.3 * f, 'Measuring which columns matter most…'),
  });
  say(1, 'Done');
  return {
    rows: rows.n, rows_without_outcome: missing + unknown, rows_with_unknown_outcome: unknown,
    task: taskInfo.task, target: target.name, ...(target.classes ? { classes: target.classes } : {}),
    metric: fast.metric, metrics: fast.metrics, baseline: fast.baseline, headline: fast.headline,
    slice_metric: slow.slice_metric, slices: slow.slices, weak_spots: slow.weak_spots, conditions_tried: slow.conditions_tried,
    ...(calibration ? { calibration } : {}), ...(conformal ? { conformal } : {}),
    importance: imp.columns.map((c) => ({ column: c.column, value: r6(c.importance), std: r6(c.std) })),
    verdict: slow.verdict,
    notes: fileNotes(bundle, table, opts.importFindings ?? [], missing, unknown),
    timing_ms: Math.round(performance.now() - t0),
  };
}

/** Rows without an outcome, and (categories) rows whose outcome is not one of the model's answers. */
function outcomeCounts(table: Table, target: string, y: Float64Array, amounts: boolean): { missing: number; unknown: number } {
  const col = table.columns.find((c) => c.name === target)!;
  const at = stringAt(col);
  let missing = 0, unknown = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === y[i]) continue;
    if (amounts || at(i) === null) missing++; else unknown++;
  }
  return { missing, unknown };
}

/** The data check's findings the verdict weighs (leaks, personal data), measured on this file. */
function dataFindings(file: Table, bundle: ModelBundle): Finding[] {
  const { settings } = bundle;
  const report = checkData(file, { target: settings.target, task: settings.task, ignore: settings.ignore, typeOverrides: settings.typeOverrides });
  return report.findings.filter((f) => f.code === 'target_leakage' || f.code === 'target_copy' || f.code === 'pii');
}

function pick(pred: Float64Array, source: Int32Array, stride: number): Float64Array {
  const out = new Float64Array(source.length * stride);
  for (let i = 0; i < source.length; i++) for (let c = 0; c < stride; c++) out[i * stride + c] = pred[source[i] * stride + c];
  return out;
}

function conformalOnFile(json: unknown, pred: Float64Array, y: Float64Array, target: string): FileEvaluation['conformal'] {
  if (!json) return undefined;
  const recipe: ConformalRecipe = conformalFromJSON(json);
  const m = measureRecipe(recipe, pred, y);
  const width = r6(m.mean_width);
  return {
    coverage: recipe.coverage, observed_coverage: r6(m.coverage),
    ...(recipe.kind === 'interval' ? { mean_width: width } : { mean_set_size: width }),
    method: recipe.method,
    text: words.achievedCoverageSentence(recipe.coverage, m.coverage, recipe.kind === 'interval' ? { width } : { setSize: width }, target),
  };
}

function fileNotes(bundle: ModelBundle, table: Table, importFindings: Finding[], missing: number, unknown: number): string[] {
  const notes: string[] = [];
  const target = bundle.target.name;
  if (missing) notes.push(`${missing.toLocaleString('en-US')} ${missing === 1 ? 'row has' : 'rows have'} no value in ${quote(target)} and ${missing === 1 ? 'was' : 'were'} left out.`);
  if (unknown) notes.push(`${unknown.toLocaleString('en-US')} ${unknown === 1 ? 'row has' : 'rows have'} an outcome in ${quote(target)} the model never learned, so ${unknown === 1 ? 'it was' : 'they were'} left out.`);
  const used = new Set([...bundle.encoder.sources.map((s) => s.column), target]);
  for (const f of importFindings) if (f.column && used.has(f.column) && (f.code === 'unreadable_values' || f.code === 'infinite_values')) notes.push(f.message);
  for (const f of unseenValueFindings(bundle.encoder, table)) notes.push(f.message);
  return notes;
}
