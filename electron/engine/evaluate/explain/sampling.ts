// Model-agnostic Shapley values against a background sample (interventional: a column left out of the
// coalition takes a background row's values). The players are column groups, so a date's parts or a text
// column's words move together. Few columns: every coalition is enumerated (exact for this background).
// More: antithetic permutation sampling (each permutation and its reverse), seeded. Either way the
// contributions of a row sum to its output minus the background's average output exactly: along a
// permutation the marginal contributions telescope from the background row to the explained row.
import type { Dataset } from '../../models/types.ts';
import { CancelledError } from '../../util/errors.ts';
import { nextTurn } from '../../util/next-turn.ts';
import { mulberry32, shuffleInPlace } from '../../util/random.ts';
import type { ColumnGroup } from './columns.ts';

/** Outputs in the explained space for every row of `data`, n x nOutputs row-major. */
export type OutputFn = (data: Dataset) => Float64Array;

export interface SamplingOptions {
  /** Rows the coalition's missing columns are drawn from (training rows). */
  background: Dataset;
  /** Players: each a set of model features; together they must cover every feature once. */
  groups: ColumnGroup[];
  /** Background rows used (a seeded sample when there are more). Default 100. */
  maxBackground?: number;
  /** Model evaluations (rows) per explained row; sets the number of permutations. Default 40,000. */
  budget?: number;
  /** Antithetic pairs of permutations (overrides the budget). */
  pairs?: number;
  /** Enumerate every coalition when 2^players x background rows fit the budget (default true). */
  allowExact?: boolean;
  seed?: number;
  signal?: AbortSignal;
  /** 0..1 over the explained rows. */
  onProgress?: (fraction: number) => void;
}

export interface SampledShap {
  method: 'enumeration' | 'sampling';
  /** Average output over the background rows used, per output. */
  base: Float64Array;
  /** nRows x nGroups x nOutputs. */
  values: Float64Array;
  /** Standard error of each value (0 when enumerated), same layout. */
  stderr: Float64Array;
  /** Antithetic pairs used per row (0 when enumerated). */
  pairs: number;
  backgroundRows: number;
}

const DEFAULT_BUDGET = 40_000;
const DEFAULT_BACKGROUND = 100;
/** Rows per model call: large enough to amortise a call, small enough to stay a few MB. */
const CHUNK_ROWS = 20_000;

export async function samplingShap(fn: OutputFn, nOutputs: number, rows: Dataset, opts: SamplingOptions): Promise<SampledShap> {
  const F = rows.columns.length;
  checkGroups(opts.groups, F);
  const bg = pickBackground(opts.background, opts.maxBackground ?? DEFAULT_BACKGROUND, opts.seed ?? 0);
  const B = bg.nRows;
  if (B === 0) throw new Error('Sampled explanations need at least one background row.');
  const M = opts.groups.length;
  const K = nOutputs;
  const bgOut = fn(bg);
  const base = new Float64Array(K);
  for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) base[k] += bgOut[b * K + k] / B;
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const exact = (opts.allowExact ?? true) && opts.pairs === undefined && M <= 20 && 2 ** M * B <= budget;
  const pairs = exact ? 0 : Math.max(1, opts.pairs ?? Math.min(64, Math.max(4, Math.round(budget / (2 * M * B)))));
  const values = new Float64Array(rows.nRows * M * K);
  const stderr = new Float64Array(rows.nRows * M * K);
  const rng = mulberry32((opts.seed ?? 0) ^ 0x5eed);
  for (let i = 0; i < rows.nRows; i++) {
    if (opts.signal?.aborted) throw new CancelledError();
    const x = Float64Array.from(rows.columns, (c) => c[i]);
    const phi = values.subarray(i * M * K, (i + 1) * M * K);
    if (exact) await enumerate(fn, K, x, bg, bgOut, opts.groups, phi, opts.signal);
    else await permutations(fn, K, x, bg, bgOut, opts.groups, pairs, rng, phi, stderr.subarray(i * M * K, (i + 1) * M * K), opts.signal);
    opts.onProgress?.((i + 1) / rows.nRows);
  }
  return { method: exact ? 'enumeration' : 'sampling', base, values, stderr, pairs, backgroundRows: B };
}

function checkGroups(groups: ColumnGroup[], F: number): void {
  const seen = new Uint8Array(F);
  for (const g of groups) for (const f of g.features) {
    if (!(f >= 0 && f < F) || seen[f]) throw new Error('Explanation groups must cover each feature exactly once.');
    seen[f] = 1;
  }
  if (seen.some((s) => s === 0)) throw new Error('Explanation groups must cover each feature exactly once.');
}

/** Up to `max` background rows, a seeded sample without replacement when there are more. */
export function pickBackground(bg: Dataset, max: number, seed: number): Dataset {
  if (bg.nRows <= max) return { features: bg.features, nRows: bg.nRows, columns: bg.columns };
  const idx = Int32Array.from({ length: bg.nRows }, (_, i) => i);
  shuffleInPlace(idx, mulberry32(seed ^ 0xb9));
  const take = idx.subarray(0, max).sort();
  return { features: bg.features, nRows: max, columns: bg.columns.map((c) => Float64Array.from(take, (r) => c[r])) };
}

/**
 * Evaluates hybrid rows in chunks: `fill(col, f, r0, n)` writes feature f of hybrid rows r0..r0+n-1 into
 * col[0..n); the outputs of all `total` rows come back in order.
 */
async function evaluate(fn: OutputFn, K: number, features: Dataset['features'], F: number, total: number,
  fill: (col: Float64Array, f: number, r0: number, n: number) => void, signal?: AbortSignal): Promise<Float64Array> {
  const out = new Float64Array(total * K);
  for (let r0 = 0; r0 < total; r0 += CHUNK_ROWS) {
    if (signal?.aborted) throw new CancelledError();
    const n = Math.min(CHUNK_ROWS, total - r0);
    const columns = Array.from({ length: F }, (_, f) => {
      const col = new Float64Array(n);
      fill(col, f, r0, n);
      return col;
    });
    out.set(fn({ features, nRows: n, columns }), r0 * K);
    if (total > CHUNK_ROWS) await nextTurn();
  }
  return out;
}

/** Group index of every feature. */
function groupOf(groups: ColumnGroup[], F: number): Int32Array {
  const g = new Int32Array(F);
  groups.forEach((grp, j) => { for (const f of grp.features) g[f] = j; });
  return g;
}

/** Exact Shapley values of the background game: all 2^M coalitions, each averaged over the background rows. */
async function enumerate(fn: OutputFn, K: number, x: Float64Array, bg: Dataset, bgOut: Float64Array, groups: ColumnGroup[],
  phi: Float64Array, signal?: AbortSignal): Promise<void> {
  const M = groups.length;
  const B = bg.nRows;
  const F = x.length;
  const gOf = groupOf(groups, F);
  const nMasks = 2 ** M;
  // coalition `mask` (bit j = group j takes x) for background row b is hybrid row mask * B + b
  const out = await evaluate(fn, K, bg.features, F, nMasks * B, (col, f, r0, n) => {
    const bit = 2 ** gOf[f];
    const bc = bg.columns[f];
    for (let q = 0; q < n; q++) {
      const r = r0 + q;
      const mask = Math.floor(r / B);
      col[q] = Math.floor(mask / bit) % 2 === 1 ? x[f] : bc[r - mask * B];
    }
  }, signal);
  const v = new Float64Array(nMasks * K);
  for (let mask = 0; mask < nMasks; mask++) {
    for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) v[mask * K + k] += (mask === 0 ? bgOut[b * K + k] : out[(mask * B + b) * K + k]) / B;
  }
  // weight of a coalition of size s not holding the player: s! (M - s - 1)! / M!
  const weight = new Float64Array(M);
  for (let s = 0; s < M; s++) weight[s] = 1 / (M * binomial(M - 1, s));
  for (let mask = 0; mask < nMasks; mask++) {
    const s = popcount(mask);
    for (let j = 0; j < M; j++) {
      const bit = 2 ** j;
      if (Math.floor(mask / bit) % 2 === 1) continue;
      const w = weight[s];
      for (let k = 0; k < K; k++) phi[j * K + k] += w * (v[(mask + bit) * K + k] - v[mask * K + k]);
    }
  }
}

/**
 * Antithetic permutation sampling: for each pair, a random order of the groups and its reverse; along an
 * order, group j's marginal contribution is the change in output when it switches from the background row
 * to x, averaged over the background rows.
 */
async function permutations(fn: OutputFn, K: number, x: Float64Array, bg: Dataset, bgOut: Float64Array, groups: ColumnGroup[],
  pairs: number, rng: () => number, phi: Float64Array, stderr: Float64Array, signal?: AbortSignal): Promise<void> {
  const M = groups.length;
  const B = bg.nRows;
  const F = x.length;
  const gOf = groupOf(groups, F);
  const nPerm = 2 * pairs;
  // position of each group in each permutation: pos[p * M + j]
  const pos = new Int32Array(nPerm * M);
  const order = Int32Array.from({ length: M }, (_, j) => j);
  for (let p = 0; p < pairs; p++) {
    shuffleInPlace(order, rng);
    for (let s = 0; s < M; s++) {
      pos[2 * p * M + order[s]] = s;
      pos[(2 * p + 1) * M + order[s]] = M - 1 - s;
    }
  }
  // hybrid row for permutation p, step s (1..M: the first s groups of the order take x), background row b:
  // ((p * M) + s - 1) * B + b
  const out = await evaluate(fn, K, bg.features, F, nPerm * M * B, (col, f, r0, n) => {
    const g = gOf[f];
    const bc = bg.columns[f];
    for (let q = 0; q < n; q++) {
      const r = r0 + q;
      const b = r % B;
      const ps = (r - b) / B;
      const s = (ps % M) + 1;
      const p = (ps - s + 1) / M;
      col[q] = pos[p * M + g] < s ? x[f] : bc[b];
    }
  }, signal);
  const sum = new Float64Array(M * K);
  const sumSq = new Float64Array(M * K);
  const pairEst = new Float64Array(M * K);
  for (let p = 0; p < pairs; p++) {
    pairEst.fill(0);
    for (const pp of [2 * p, 2 * p + 1]) {
      for (let s = 1; s <= M; s++) {
        // the group that switches at step s
        let j = 0;
        while (pos[pp * M + j] !== s - 1) j++;
        for (let b = 0; b < B; b++) {
          const cur = ((pp * M) + s - 1) * B + b;
          for (let k = 0; k < K; k++) {
            const prev = s === 1 ? bgOut[b * K + k] : out[(cur - B) * K + k];
            pairEst[j * K + k] += (out[cur * K + k] - prev) / (2 * B);
          }
        }
      }
    }
    for (let q = 0; q < M * K; q++) { sum[q] += pairEst[q]; sumSq[q] += pairEst[q] * pairEst[q]; }
  }
  for (let q = 0; q < M * K; q++) {
    phi[q] = sum[q] / pairs;
    const variance = pairs > 1 ? Math.max(0, (sumSq[q] - (sum[q] * sum[q]) / pairs) / (pairs - 1)) : 0;
    stderr[q] = Math.sqrt(variance / pairs);
  }
}

function popcount(v: number): number {
  let c = 0;
  while (v > 0) { c += v & 1; v = Math.floor(v / 2); }
  return c;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}
