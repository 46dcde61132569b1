// Metric slices: the chosen metric for each value of every category column and each range of every
// number column (per original column, not per encoded feature), with rows, a bootstrap interval and
// the share of the outcome. A slice too small to judge says so and is never an alarm.
import type { MetricName } from '../../../shared/metrics.ts';
import type { Table } from '../data/table.ts';
import { bootstrapScores, type Interval } from './bootstrap.ts';
import { meanBounds, rowLoss, Z95 } from './intervals.ts';
import { columnGroups, sliceColumns } from './columns.ts';
import { prepareScores } from './kernels.ts';
import type { Pacer } from './pace.ts';
import { subsetRows, type EvalRows } from './rows.ts';
import type { Slice } from '../../../shared/evaluation.ts';
export type { Slice } from '../../../shared/evaluation.ts';

/** Below these a slice is "too few rows to judge". */
export const MIN_SLICE_ROWS = 30;
export const MIN_CLASS_ROWS = 5;

export interface SliceOptions {
  metric: MetricName;
  target?: string;
  /** Columns to slice by (default: every usable one). */
  columns?: string[];
  maxValues?: number;
  bins?: number;
  resamples?: number;
  seed?: number;
  pace?: Pacer;
}

/** The default slice metric: the one a sentence can say plainly ("right 64% of the time", "off by 120"). */
export function sliceMetricFor(task: EvalRows['task']): MetricName {
  return task.task === 'regression' ? 'mae' : 'accuracy';
}

/** Too few rows to judge: under 30, or (categories) under 5 of an outcome or of the rest. */
export function tooFew(rows: EvalRows, idx: ArrayLike<number>): boolean {
  if (idx.length < MIN_SLICE_ROWS) return true;
  if (rows.task.task === 'regression') return false;
  const counts = new Map<number, number>();
  for (let j = 0; j < idx.length; j++) counts.set(rows.y[idx[j]], (counts.get(rows.y[idx[j]]) ?? 0) + 1);
  const top = Math.max(...counts.values());
  // two outcomes: both must have 5 rows; several: the most common one and the rest together
  return top < MIN_CLASS_ROWS || idx.length - top < MIN_CLASS_ROWS;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

export async function computeSlices(rows: EvalRows, table: Table, opts: SliceOptions): Promise<Slice[]> {
  let cols = sliceColumns(table, opts.target);
  if (opts.columns) cols = cols.filter((c) => opts.columns!.includes(c.name));
  const out: Slice[] = [];
  let seed = opts.seed ?? 0;
  for (let col = 0; col < cols.length; col++) {
    const { groups, of } = columnGroups(cols[col], opts.maxValues, opts.bins);
    const members: number[][] = groups.map(() => []);
    for (let i = 0; i < rows.n; i++) if (of[i] >= 0) members[of[i]].push(i);
    for (let g = 0; g < groups.length; g++) {
      const idx = members[g];
      if (idx.length === 0) continue;
      const sub = subsetRows(rows, idx);
      const { value, ci } = await sliceEstimate(sub, opts.metric, opts.resamples, seed++);
      const { column, category, range, other, missing } = groups[g];
      const slice: Slice = {
        column, ...(category !== undefined ? { category } : {}), ...(range ? { range } : {}), ...(other ? { other: true } : {}), ...(missing ? { missing: true } : {}),
        rows: idx.length, metric: opts.metric, value: r6(value),
        ci: ci ? [r6(ci[0]), r6(ci[1])] : null,
        too_few: tooFew(rows, idx),
        ...outcomeOf(sub),
      };
      out.push(slice);
      await opts.pace?.tick((col + g / groups.length) / cols.length, `Checking the model on groups of "${column}"`);
    }
  }
  return out;
}

/** Metrics that are a mean of a per-row loss get a closed-form interval (Wilson for hit rates); the rest are bootstrapped. */
const MEAN_METRICS: ReadonlySet<MetricName> = new Set(['accuracy', 'mae', 'log_loss', 'brier']);

async function sliceEstimate(sub: EvalRows, metric: MetricName, resamples: number | undefined, seed: number): Promise<{ value: number; ci: Interval | null }> {
  if (MEAN_METRICS.has(metric)) {
    const { loss, bernoulli, value } = rowLoss(sub, metric);
    let s = 0, q = 0;
    for (const l of loss) { s += l; q += l * l; }
    const [lo, hi] = meanBounds({ n: loss.length, sum: s, sq: q }, Z95, bernoulli);
    const ends = [value(lo), value(hi)].sort((a, b) => a - b);
    return { value: value(s / loss.length), ci: loss.length > 1 ? [ends[0], ends[1]] : null };
  }
  const scores = prepareScores(sub.task, sub.y, sub.pred);
  const boot = await bootstrapScores(scores, { metrics: [metric], k: 0 }, null, { resamples, seed });
  return { value: boot.value[0], ci: boot.ci[0] };
}

function outcomeOf(r: EvalRows): Pick<Slice, 'outcome_share' | 'outcome_shares' | 'outcome_mean'> {
  if (r.task.task === 'regression') {
    let s = 0;
    for (let i = 0; i < r.n; i++) s += r.y[i];
    return { outcome_mean: r6(s / r.n) };
  }
  const k = Math.max(2, r.task.nClasses);
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < r.n; i++) c[r.y[i]]++;
  return r.task.task === 'binary' ? { outcome_share: r6(c[1] / r.n) } : { outcome_shares: c.map((v) => r6(v / r.n)) };
}
