// Permutation importance per original column (Breiman 2001; scikit-learn's permutation_importance): how
// much the run's metric worsens on held-out rows when one column's values are shuffled between rows,
// breaking its link to the outcome. All of a column's features (a date's parts, a text column's words)
// are shuffled together with one permutation, so the column moves as a whole. Repeated with seeded
// shuffles for a spread. Works for any model: it only calls predict.
import { computeMetric, metricInfo, type MetricName } from '../metrics.ts';
import type { Dataset, Fitted, FittedJSON, TaskInfo } from '../../models/types.ts';
import { CancelledError } from '../../util/errors.ts';
import { mulberry32, shuffleInPlace } from '../../util/random.ts';
import type { ColumnGroup } from './columns.ts';
import { ensembleParts } from './explainer.ts';
import type { ColumnImportance, PermutationImportance } from '../../../../shared/evaluation.ts';
export type { ColumnImportance, PermutationImportance } from '../../../../shared/evaluation.ts';

/** Held-out rows and the model that never saw them (one per fold for k-fold, one for a holdout). */
export interface HeldOutPart {
  model: Fitted;
  /** Encoded rows (features only are read). */
  data: Dataset;
  /** Outcome per row: class index or value. */
  y: Float64Array;
}

export interface ImportanceOptions {
  task: TaskInfo;
  metric: MetricName;
  groups: ColumnGroup[];
  /** Shuffles per column (default 5). */
  repeats?: number;
  seed?: number;
  /** Held-out rows used at most (a seeded sample, spread over the parts by size; default 5,000). */
  maxRows?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export async function permutationImportance(parts: HeldOutPart[], opts: ImportanceOptions): Promise<PermutationImportance> {
  const repeats = Math.max(1, Math.floor(opts.repeats ?? 5));
  const rng = mulberry32((opts.seed ?? 0) ^ 0x1a2b);
  const used = sampleParts(parts, opts.maxRows ?? 5_000, rng);
  const K = opts.task.task === 'multiclass' ? opts.task.nClasses : 1;
  const nRows = used.reduce((s, p) => s + p.data.nRows, 0);
  const y = new Float64Array(nRows);
  let at = 0;
  for (const p of used) { y.set(p.y, at); at += p.y.length; }
  const predictAll = (datas: Dataset[]): Float64Array => {
    const out = new Float64Array(nRows * K);
    let o = 0;
    used.forEach((p, i) => { const pr = p.model.predict(datas[i]); out.set(pr, o); o += pr.length; });
    return out;
  };
  const score = (pred: Float64Array): number => computeMetric(opts.metric, opts.task, y, pred);
  const baseline = score(predictAll(used.map((p) => p.data)));
  const sign = metricInfo(opts.metric).lowerIsBetter ? -1 : 1;
  const columns: ColumnImportance[] = [];
  const total = opts.groups.length * repeats;
  let done = 0;
  for (const g of opts.groups) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      if (opts.signal?.aborted) throw new CancelledError();
      const shuffled = used.map((p) => shuffleGroup(p.data, g.features, rng));
      drops.push(sign * (baseline - score(predictAll(shuffled))));
      done++;
      opts.onProgress?.(done / total);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const mean = drops.reduce((s, v) => s + v, 0) / repeats;
    const std = Math.sqrt(drops.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, repeats - 1));
    columns.push({ column: g.column, importance: mean, std, repeats: drops });
  }
  columns.sort((a, b) => b.importance - a.importance || (a.column < b.column ? -1 : 1));
  return { metric: opts.metric, baseline, rows: nRows, columns };
}

/** The data with the group's features moved between rows by one shared permutation (other columns untouched). */
function shuffleGroup(d: Dataset, features: number[], rng: () => number): Dataset {
  const perm = Int32Array.from({ length: d.nRows }, (_, i) => i);
  shuffleInPlace(perm, rng);
  const columns = d.columns.slice();
  for (const f of features) {
    const src = d.columns[f];
    columns[f] = Float64Array.from(perm, (r) => src[r]);
  }
  return { features: d.features, nRows: d.nRows, columns };
}

/** Each part's rows, cut to a seeded sample in proportion to its size when all together exceed maxRows. */
function sampleParts(parts: HeldOutPart[], maxRows: number, rng: () => number): HeldOutPart[] {
  const total = parts.reduce((s, p) => s + p.data.nRows, 0);
  if (total <= maxRows) return parts;
  return parts.map((p) => {
    const take = Math.max(1, Math.round((p.data.nRows / total) * maxRows));
    const idx = Int32Array.from({ length: p.data.nRows }, (_, i) => i);
    shuffleInPlace(idx, rng);
    const rows = idx.subarray(0, take).sort();
    return {
      model: p.model,
      data: { features: p.data.features, nRows: take, columns: p.data.columns.map((c) => Float64Array.from(rows, (r) => c[r])) },
      y: Float64Array.from(rows, (r) => p.y[r]),
    };
  });
}

/**
 * Held-out parts of a run's chosen model: with a holdout, the model and the validation rows; with k-fold,
 * fold f's validation rows and the model made of every member's fold-f model (a k-fold trial model is a
 * bag of its fold models, in fold order; an ensemble weighs such bags). Null when the model is not built
 * that way (then score importance on rows the user held out).
 */
export function heldOutParts(model: Fitted, folds: { train: Int32Array; valid: Int32Array }[], data: Dataset): HeldOutPart[] | null {
  if (!data.y) return null;
  const parts: HeldOutPart[] = [];
  for (let f = 0; f < folds.length; f++) {
    const m = folds.length === 1 ? model : foldModel(model, f, folds.length);
    if (!m) return null;
    const rows = folds[f].valid;
    parts.push({
      model: m,
      data: { features: data.features, nRows: rows.length, columns: data.columns.map((c) => Float64Array.from(rows, (r) => c[r])) },
      y: Float64Array.from(rows, (r) => data.y![r]),
    });
  }
  return parts;
}

function foldModel(model: Fitted, f: number, k: number): Fitted | null {
  const ens = ensembleParts(model);
  if (!ens) return null;
  if ((model as { kind?: string }).kind === 'bag') return ens.members.length === k ? ens.members[f] : null;
  const members: Fitted[] = [];
  for (const m of ens.members) {
    const fm = foldModel(m, f, k);
    if (!fm) return null;
    members.push(fm);
  }
  return new Blend(model.taskInfo, members, ens.weights);
}

/** Weighted average of members' predictions (an ensemble's fold-f part); never saved. */
class Blend implements Fitted {
  readonly family = 'ensemble';
  constructor(readonly taskInfo: TaskInfo, private readonly parts: Fitted[], private readonly weights: number[]) {}
  predict(data: Dataset): Float64Array {
    let out: Float64Array | undefined;
    this.parts.forEach((m, i) => {
      if (!(this.weights[i] > 0)) return;
      const p = m.predict(data);
      out ??= new Float64Array(p.length);
      for (let j = 0; j < p.length; j++) out[j] += this.weights[i] * p[j];
    });
    return out ?? new Float64Array(0);
  }
  toJSON(): FittedJSON {
    throw new Error('A fold blend is not saved.');
  }
}
