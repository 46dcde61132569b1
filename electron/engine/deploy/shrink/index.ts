// A small, fast version of a saved model: the original, its quantised twin, and students distilled
// from it (smallest first, stopping at the first within the user's bound), each measured for size,
// one-row latency and the run's metric on held-out rows of a labelled file. Returns the measurements
// as plain data (the UI draws the trade as a chart and lets the user choose) and each version's bundle
// (savePackage writes any of them as a normal package). See README.md for the choices and why.
import type { MetricName } from '../../../../shared/metrics.ts';
import { prepareTable } from '../../data/prepare.ts';
import type { Table } from '../../data/table.ts';
import { computeMetric } from '../../evaluate/metrics.ts';
import type { Dataset, Fitted } from '../../models/types.ts';
import { CancelledError, throwIfAborted, UserError } from '../../util/errors.ts';
import type { ModelBundle, SmallVersionSlot } from '../bundle.ts';
import { describeModel } from '../model-card.ts';
import { concatRows, mungeRows, pickRows } from './augment.ts';
import { distilledBundle, quantisedBundle } from './bundles.ts';
import { latencyUs, type LatencyOptions, lossPoints, packageSize, type PackageSize, pointsWords, singleRows } from './measure.ts';
import { canQuantise, quantiseModel } from './quantize.ts';
import { splitRows } from './split.ts';
import { fitStudent, softLabelled, studentLadder, type StudentSpec } from './students.ts';

export { studentLadder, type StudentSpec } from './students.ts';
export { lossPoints, pointsWords } from './measure.ts';

export const DEFAULT_MAX_LOSS = 0.5;
/** Fewest held-out rows with an outcome a cost is measured on. */
export const MIN_MEASURED_ROWS = 20;

export interface ShrinkOptions {
  /** The bound, in the metric's points (measure.ts lossPoints); default 0.5. */
  maxLoss?: number;
  signal?: AbortSignal;
  onProgress?: (p: { fraction: number; message: string }) => void;
  seed?: number;
  /**
   * Rows to learn from (e.g. the training rows, read with the model's schema; outcomes not needed).
   * Given, every labelled row measures; otherwise the labelled file is split in two (split.ts).
   */
  learnRows?: Table;
  /** Synthetic rows added to the rows learned from (augment.ts); default 8 per row, 2,000 to 30,000; 0 = none. */
  syntheticRows?: number;
  /** Also try the original with its numbers stored more compactly (quantize.ts); default true. */
  quantise?: boolean;
  /** Tests: another ladder of students, or faster latency measurements. */
  ladder?: StudentSpec[];
  latency?: LatencyOptions;
}

/** One version on the chart. */
export interface ShrinkCandidate {
  /** 'original', 'quantised' or the student's id ('gbdt-100'). */
  id: string;
  kind: 'original' | 'quantised' | 'distilled';
  /** In words: "the original model", "8-bit numbers", "100 trees". */
  label: string;
  /** The package folder's bytes, the same as one .augur file, and the model files alone. */
  bytes: number;
  augurBytes: number;
  modelBytes: number;
  /** Median microseconds of scoreTable on one row, on this computer. */
  latencyUs: number;
  /** The run's metric on the held-out rows. */
  score: number;
  /** How much less accurate than the original, in points (negative: better). */
  lossPoints: number;
  withinBound: boolean;
}

export interface ShrinkResult {
  metric: MetricName;
  maxLoss: number;
  rows: { measured: number; learned: number; synthetic: number };
  /** The original first, then the quantised version (when there is one), then each student tried. */
  candidates: ShrinkCandidate[];
  /** Index of the version to keep: the smallest within the bound, else the original (0). */
  chosen: number;
  /** False when no smaller version is within the bound (the original is kept). */
  boundMet: boolean;
  /** What happened, in one sentence. */
  sentence: string;
  /** Each candidate's bundle, aligned with `candidates` (index 0 is the caller's own bundle). */
  bundles: ModelBundle[];
  /** Frees the versions' models (not the original's). */
  dispose(): void;
}

interface Measured {
  size: PackageSize;
  score: number;
}

/** Latency rounds: every version measured once per round, in turn, so a busy moment of the machine hits them all alike. */
const LATENCY_ROUNDS = 3;

/** Makes and measures the small versions of `bundle`; `labelled` is a file with outcomes read with the model's schema. */
export async function shrinkModel(bundle: ModelBundle, labelled: Table, opts: ShrinkOptions = {}): Promise<ShrinkResult> {
  const maxLoss = opts.maxLoss ?? DEFAULT_MAX_LOSS;
  if (!(maxLoss >= 0 && Number.isFinite(maxLoss))) throw new UserError('bad_option', 'The accuracy you are willing to lose must be a number of points, 0 or more.');
  const { signal } = opts;
  const say = (fraction: number, message: string) => opts.onProgress?.({ fraction, message });
  const task = bundle.taskInfo;
  const metric = bundle.metrics.metric;
  const made: Fitted[] = [];
  try {
    say(0, 'Reading the labelled rows…');
    const rows = prepareRows(bundle, labelled, opts);
    const { measureX, measureY, learnX } = rows;
    const oneRow = singleRows(labelled, rows.measureRows);
    const measure = async (b: ModelBundle, pred = b.fitted.predict(measureX)): Promise<Measured> => {
      throwIfAborted(signal);
      return { size: await packageSize(b), score: computeMetric(metric, task, measureY, pred) };
    };

    say(0.02, 'Measuring the original model…');
    const orig = await measure(bundle);
    if (!Number.isFinite(orig.score)) {
      throw new UserError('cannot_measure', `Augur cannot measure the model on these ${measureY.length} rows (every outcome is the same, or the model gives no answer there).`, 'Use a labelled file with more varied rows.');
    }
    const candidates: ShrinkCandidate[] = [candidate('original', 'original', 'the original model', orig, 0, true)];
    const bundles: ModelBundle[] = [bundle];
    const slotBase = {
      formatVersion: 1 as const, of: describeModel(bundle.fitted), ...(bundle.made ? { ofCreated: bundle.made.created } : {}), metric, before: orig.score,
      maxLossPoints: maxLoss, rows: measureY.length, modelBytesBefore: orig.size.modelBytes,
    };
    const slotOf = (kind: SmallVersionSlot['kind'], m: Measured, extra: Partial<SmallVersionSlot>): SmallVersionSlot => ({
      ...slotBase, kind, after: m.score, lossPoints: lossPoints(metric, orig.score, m.score), modelBytesAfter: m.size.modelBytes,
      latencyUsBefore: 0, latencyUsAfter: 0, learnedRows: 0, syntheticRows: 0, ...extra,
    });
    const add = (c: ShrinkCandidate, b: ModelBundle) => {
      candidates.push(c);
      bundles.push(b);
    };

    say(0.1, 'Storing the numbers more compactly…');
    const q = opts.quantise === false ? undefined : await quantiseModel(bundle.fitted);
    if (q) made.push(q.fitted);
    if (q && canQuantise(q.report)) {
      const m = await measure(quantisedBundle(bundle, q.fitted));
      const loss = lossPoints(metric, orig.score, m.score);
      const b = quantisedBundle(bundle, q.fitted, slotOf('quantised', m, {}));
      add(candidate('quantised', 'quantised', q.report.networks ? 'the same model in 8-bit numbers' : 'the same model with shorter numbers', m, loss, loss <= maxLoss), b);
    }

    say(0.2, 'Asking the original for its answers on the rows to learn from…');
    throwIfAborted(signal);
    const learnSet = withSynthetic(learnX, opts.syntheticRows, opts.seed ?? 0);
    const teacher = bundle.fitted.predict(learnSet.data);
    const soft = softLabelled(learnSet.data, teacher, task);
    const learned = { learnedRows: learnX.nRows, syntheticRows: learnSet.synthetic };
    const ladder = opts.ladder ?? studentLadder();
    for (let i = 0; i < ladder.length; i++) {
      const spec = ladder[i];
      say(0.3 + (0.7 * i) / ladder.length, `Training a small model (${spec.label}) to give the original's answers…`);
      const student = await fitStudent(spec, soft, task, { seed: opts.seed ?? 0, signal });
      made.push(student);
      const sq = await quantiseModel(student);
      made.push(sq.fitted);
      const heldPred = sq.fitted.predict(measureX);
      const draft = distilledBundle(bundle, sq.fitted, { y: measureY, pred: heldPred });
      const m = await measure(draft, heldPred);
      const loss = lossPoints(metric, orig.score, m.score);
      const b = distilledBundle(bundle, sq.fitted, { y: measureY, pred: heldPred }, slotOf('distilled', m, { student: spec.label, ...learned }));
      const c = candidate(spec.id, 'distilled', spec.label, m, loss, loss <= maxLoss);
      add(c, b);
      // Stop at the first student within the bound (the ladder goes up in size), or once students are no smaller.
      if (c.withinBound || c.bytes >= candidates[0].bytes) break;
    }
    say(0.95, 'Timing each version on one row…');
    await timeVersions(candidates, bundles, oneRow, opts);
    say(1, 'Done.');
    return finish(metric, maxLoss, { measured: measureY.length, learned: learned.learnedRows, synthetic: learned.syntheticRows }, candidates, bundles, made);
  } catch (err) {
    for (const f of made) f.dispose?.();
    if (signal?.aborted && !(err instanceof CancelledError)) throw new CancelledError();
    throw err;
  }
}

function candidate(id: string, kind: ShrinkCandidate['kind'], label: string, m: Measured, loss: number, within: boolean): ShrinkCandidate {
  return { id, kind, label, bytes: m.size.bytes, augurBytes: m.size.augurBytes, modelBytes: m.size.modelBytes, latencyUs: NaN, score: m.score, lossPoints: loss, withinBound: within };
}

/**
 * Each version's one-row latency: the best of LATENCY_ROUNDS medians, the versions taking turns (the
 * machine may be busy with other work; the minimum is the least disturbed). The small versions' notes
 * get the numbers, and their sizes are measured again with them in.
 */
async function timeVersions(cs: ShrinkCandidate[], bundles: ModelBundle[], oneRow: Table[], opts: ShrinkOptions): Promise<void> {
  const lat = { minCalls: 50, minMs: 100, maxMs: 1000, ...opts.latency };
  const best = cs.map(() => Infinity);
  for (let r = 0; r < LATENCY_ROUNDS; r++) {
    for (let i = 0; i < cs.length; i++) {
      throwIfAborted(opts.signal);
      best[i] = Math.min(best[i], latencyUs(bundles[i], oneRow, lat));
      await new Promise((res) => setImmediate(res));
    }
  }
  const tenth = (v: number) => Math.round(v * 10) / 10;
  for (let i = 0; i < cs.length; i++) {
    cs[i].latencyUs = tenth(best[i]);
    const slot = bundles[i].smallVersion;
    if (i === 0 || !slot) continue;
    slot.latencyUsBefore = cs[0].latencyUs;
    slot.latencyUsAfter = cs[i].latencyUs;
    const size = await packageSize(bundles[i]);
    Object.assign(cs[i], { bytes: size.bytes, augurBytes: size.augurBytes, modelBytes: size.modelBytes });
  }
}

/** The labelled rows encoded, split into held-out rows and rows to learn from. */
function prepareRows(bundle: ModelBundle, labelled: Table, opts: ShrinkOptions): { measureX: Dataset; measureY: Float64Array; measureRows: Int32Array; learnX: Dataset } {
  const encode = (t: Table) => bundle.encoder.encode(prepareTable(t, { typeOverrides: bundle.settings.typeOverrides, ignore: bundle.settings.ignore }).table);
  const x = encode(labelled);
  const y = bundle.encoder.encodeTarget(prepareTable(labelled, { typeOverrides: bundle.settings.typeOverrides }).table);
  let measureRows: Int32Array;
  let learnX: Dataset;
  if (opts.learnRows) {
    measureRows = Int32Array.from({ length: y.length }, (_, i) => i).filter((i) => y[i] === y[i]);
    learnX = encode(opts.learnRows);
  } else {
    const split = splitRows(y, bundle.taskInfo, opts.seed ?? 0);
    measureRows = split.measure;
    learnX = pickRows(x, split.distil);
  }
  const need = opts.learnRows ? MIN_MEASURED_ROWS : 2 * MIN_MEASURED_ROWS;
  if (measureRows.length < MIN_MEASURED_ROWS) {
    throw new UserError(
      'too_few_rows',
      `The labelled file has ${y.filter((v) => v === v).length} rows with a value in "${bundle.target.name}"; Augur needs at least ${need} to measure what a smaller version costs.`,
      'Use a larger file of rows with known outcomes, for example rows held out from training.',
    );
  }
  if (learnX.nRows < 2) throw new UserError('too_few_rows', 'There are too few rows to learn a smaller version from.', 'Use a larger labelled file.');
  return { measureX: pickRows(x, measureRows), measureY: Float64Array.from(measureRows, (r) => y[r]), measureRows, learnX };
}

/** The rows to learn from with MUNGE rows added (augment.ts), unless turned off. */
function withSynthetic(x: Dataset, asked: number | undefined, seed: number): { data: Dataset; synthetic: number } {
  const count = asked ?? Math.min(30_000, Math.max(2_000, 8 * x.nRows));
  if (count <= 0) return { data: x, synthetic: 0 };
  const all = Int32Array.from({ length: x.nRows }, (_, i) => i);
  return { data: concatRows(x, mungeRows(x, all, count, { seed })), synthetic: count };
}

function finish(
  metric: MetricName, maxLoss: number, rows: ShrinkResult['rows'], candidates: ShrinkCandidate[], bundles: ModelBundle[], made: Fitted[],
): ShrinkResult {
  let chosen = 0;
  for (let i = 1; i < candidates.length; i++) {
    const c = candidates[i];
    if (!c.withinBound || c.bytes >= candidates[0].bytes) continue;
    const best = candidates[chosen];
    if (chosen === 0 || c.bytes < best.bytes || (c.bytes === best.bytes && c.latencyUs < best.latencyUs)) chosen = i;
  }
  const keep = new Set(bundles.map((b) => b.fitted));
  for (const f of made) if (!keep.has(f)) f.dispose?.();
  const boundMet = chosen !== 0;
  return {
    metric, maxLoss, rows, candidates, chosen, boundMet, bundles,
    sentence: sentenceOf(metric, maxLoss, rows.measured, candidates, chosen),
    dispose: () => {
      for (const b of bundles.slice(1)) b.fitted.dispose?.();
    },
  };
}

/** "40 times smaller" / "1.3 times larger": how `after` compares with `before`. */
function ratio(before: number, after: number, less: string, more: string): string {
  const r = after > 0 ? before / after : Infinity;
  const n = (v: number) => (v >= 10 ? `${Math.round(v)}` : v.toFixed(1));
  if (r >= 1.05) return `${n(r)} times ${less}`;
  if (r <= 1 / 1.05) return `${n(1 / r)} times ${more}`;
  return `about as ${less === 'smaller' ? 'small' : 'fast'}`;
}

function sentenceOf(metric: MetricName, maxLoss: number, measured: number, cs: ShrinkCandidate[], chosen: number): string {
  const orig = cs[0];
  const bound = pointsWords(metric, maxLoss);
  if (chosen === 0) {
    const tried = cs.slice(1);
    const closest = tried.reduce<ShrinkCandidate | undefined>((b, c) => (!b || c.lossPoints < b.lossPoints ? c : b), undefined);
    const why = closest ? ` (the closest, ${closest.label}, costs ${pointsWords(metric, closest.lossPoints)})` : '';
    return `No smaller version is within ${bound} of the original on ${measured.toLocaleString('en-US')} held-out rows${why}, so the original is kept.`;
  }
  const c = cs[chosen];
  const cost = c.lossPoints <= 0 ? 'no less accurate than the original' : `${pointsWords(metric, c.lossPoints)} less accurate than the original (the limit was ${bound})`;
  const what = c.kind === 'quantised' ? 'The same model with its numbers stored more compactly' : c.label.charAt(0).toUpperCase() + c.label.slice(1);
  return `${what} is ${cost} on ${measured.toLocaleString('en-US')} held-out rows, ${ratio(orig.bytes, c.bytes, 'smaller', 'larger')} and ${ratio(orig.latencyUs, c.latencyUs, 'faster', 'slower')} for one row.`;
}
