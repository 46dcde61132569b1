// Seeded bootstrap intervals: each resample draws n rows with replacement, kept as per-row counts,
// so every metric is re-scored by the weighted kernels without copying rows or re-sorting scores.
import { mulberry32 } from '../util/random.ts';
import { evaluateInto, layoutSize, type Layout, type Scores } from './kernels.ts';
import type { Pacer } from './pace.ts';
import type { Interval } from '../../../shared/evaluation.ts';
export type { Interval } from '../../../shared/evaluation.ts';

export const DEFAULT_RESAMPLES = 200;

/** Multinomial counts of n draws with replacement, into `out`. */
export function drawCounts(n: number, rnd: () => number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < n; i++) out[(rnd() * n) | 0]++;
}

/** The q-quantile (0..1) of sorted finite values, linear between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The central 95 % percentile interval of the finite resample values; null when a metric was
 * undefined in more than a tenth of resamples (e.g. ROC AUC of a slice that often loses a class).
 */
export function percentileInterval(values: Float64Array, level = 0.95): Interval | null {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0 || finite.length < 0.9 * values.length) return null;
  const a = (1 - level) / 2;
  return [quantileSorted(finite, a), quantileSorted(finite, 1 - a)];
}

export interface BootstrapResult {
  /** Point values (every row once) of the layout's slots. */
  value: Float64Array;
  ci: (Interval | null)[];
  /** With a paired baseline: its point values, and the interval of the gain (model better = positive). */
  baseValue?: Float64Array;
  gainCi?: (Interval | null)[];
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Per metric slot: true when lower is better (the gain is then baseline − model). */
  lowerIsBetter?: boolean[];
  pace?: Pacer;
}

/**
 * Point values and intervals of every slot of `layout`, and with `base` (the naive baseline on the same
 * rows) the paired interval of the gain: the same resample scores both, so their shared noise cancels.
 */
export async function bootstrapScores(model: Scores, layout: Layout, base: Scores | null, opts: BootstrapOptions = {}): Promise<BootstrapResult> {
  const B = opts.resamples ?? DEFAULT_RESAMPLES;
  const size = layoutSize(layout);
  const value = new Float64Array(size);
  evaluateInto(model, layout, null, value);
  const baseValue = base ? new Float64Array(size) : undefined;
  if (base) evaluateInto(base, { metrics: layout.metrics, k: 0 }, null, baseValue!);
  const draws = Array.from({ length: size }, () => new Float64Array(B));
  const gains = base ? Array.from({ length: layout.metrics.length }, () => new Float64Array(B)) : [];
  const rnd = mulberry32(opts.seed ?? 0);
  const w = new Float64Array(model.n);
  const out = new Float64Array(size), outBase = new Float64Array(size);
  for (let b = 0; b < B; b++) {
    drawCounts(model.n, rnd, w);
    evaluateInto(model, layout, w, out);
    for (let j = 0; j < size; j++) draws[j][b] = out[j];
    if (base) {
      evaluateInto(base, { metrics: layout.metrics, k: 0 }, w, outBase);
      for (let j = 0; j < gains.length; j++) gains[j][b] = opts.lowerIsBetter?.[j] ? outBase[j] - out[j] : out[j] - outBase[j];
    }
    if (opts.pace && (b & 7) === 7) await opts.pace.tick(b / B, 'Measuring how sure each score is');
  }
  return {
    value,
    ci: draws.map((d) => percentileInterval(d)),
    baseValue,
    gainCi: base ? gains.map((g) => percentileInterval(g)) : undefined,
  };
}
