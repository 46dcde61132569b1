import type { Dataset } from '../types.ts';

/**
 * Turns a model Dataset into the linear model's inputs:
 * - numeric feature -> standardised column (z-score); missing -> 0 (= mean imputation), plus a 0/1
 *   missing-indicator column when the training data had some (not all) missing values.
 *   Constant and all-missing columns are dropped (they carry no signal).
 * - categorical feature -> one-hot over the levels seen in training, kept sparse as one level index per
 *   row (-1 = no level active: missing, unseen or out-of-range code).
 * - optionally (`bins` > 1) each numeric feature also as one-hot quantile bins, so that a linear model can
 *   bend where the effect is not a straight line (the very young and the old; a price with a sweet spot).
 * The recipe is learned on training rows and stored as plain JSON so predict time applies the same one.
 */

export interface NumericStep {
  kind: 'numeric';
  feature: number;
  mean: number;
  std: number;
  /** Standardised values are clipped to [lo, hi] (training range widened by its width) so a typo such as 1e300 stays harmless. */
  lo: number;
  hi: number;
}

export interface MissingStep {
  kind: 'missing';
  feature: number;
}

export interface OneHotStep {
  kind: 'onehot';
  feature: number;
  /** Code (as in the Dataset) -> level slot 0..nLevels-1, or -1 for codes not seen in training. */
  slotOfCode: number[];
  nLevels: number;
}

export interface BinsStep {
  kind: 'bins';
  feature: number;
  /** Ascending cut points: a value goes to the slot of the first edge it is below or at (missing: none). */
  edges: number[];
}

export type DesignStep = NumericStep | MissingStep | OneHotStep | BinsStep;

/** Coefficients a step adds. */
export function stepWidth(step: DesignStep): number {
  return step.kind === 'onehot' ? step.nLevels : step.kind === 'bins' ? step.edges.length + 1 : 1;
}

export interface DesignRecipe {
  steps: DesignStep[];
}

/**
 * Encoded inputs. Parameter layout per output: [dense columns..., one-hot slots of each categorical..., intercept].
 * Dense column j's model value is denseScale[j] * dense[j][i] + denseShift[j]: either a standardised copy
 * (scale 1, shift 0) or, at training time, the raw input column with the standardisation folded in, which
 * saves copying every complete numeric column.
 */
export interface Design {
  n: number;
  dense: Float64Array[];
  denseScale: Float64Array;
  denseShift: Float64Array;
  /** Input feature of each dense column. */
  denseFeature: number[];
  /** True for a standardised numeric column whose rows were all present (no imputed values). */
  denseMissingFree: boolean[];
  cats: { codes: Int32Array; nLevels: number; offset: number; feature: number }[];
  /** Number of coefficients per output, without the intercept. */
  p: number;
}

export function learnRecipe(data: Dataset, opts: { bins?: number } = {}): DesignRecipe {
  const nBins = Math.floor(opts.bins ?? 0);
  const steps: DesignStep[] = [];
  data.features.forEach((spec, j) => {
    const col = data.columns[j];
    if (spec.kind === 'numeric') {
      const stats = robustStats(col);
      const someMissing = stats.count > 0 && stats.count < data.nRows;
      if (!(stats.std > 0)) {
        // Constant (or all missing): the value carries nothing, but whether it is filled in still might.
        if (someMissing) steps.push({ kind: 'missing', feature: j });
        return;
      }
      // A derived 0/1 flag stays 0/1, like a one-hot level: standardising would give a word in 1% of
      // rows a 10x larger scale and so much less shrinkage, and rare words (first names) are mostly noise.
      const { mean, std } = spec.indicator ? { mean: 0, std: 1 } : stats;
      const zMin = stats.min / std - mean / std, zMax = stats.max / std - mean / std;
      const width = zMax - zMin;
      steps.push({ kind: 'numeric', feature: j, mean, std, lo: zMin - width, hi: zMax + width });
      if (someMissing) steps.push({ kind: 'missing', feature: j });
      const edges = nBins > 1 ? quantileEdges(col, nBins) : [];
      if (edges.length) steps.push({ kind: 'bins', feature: j, edges });
    } else {
      const nCodes = spec.categories?.length ?? maxCode(col) + 1;
      const counts = new Float64Array(nCodes);
      for (let i = 0; i < col.length; i++) {
        const c = col[i];
        if (c >= 0 && c < nCodes && Number.isInteger(c)) counts[c]++;
      }
      const slotOfCode: number[] = new Array(nCodes).fill(-1);
      let nLevels = 0;
      for (let c = 0; c < nCodes; c++) if (counts[c] > 0) slotOfCode[c] = nLevels++;
      // A level present in every row duplicates the intercept; the L2 penalty keeps that harmless.
      if (nLevels === 0) return;
      steps.push({ kind: 'onehot', feature: j, slotOfCode, nLevels });
    }
  });
  return { steps };
}

/** Index of the first edge >= v (edges.length when above all). */
function binOf(edges: number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Up to nBins - 1 distinct cut points at the quantiles of the finite values (none when the column has too few values). */
function quantileEdges(col: Float64Array, nBins: number): number[] {
  const v = col.filter((x) => Number.isFinite(x)).sort();
  if (v.length < 2 * nBins) return [];
  const edges: number[] = [];
  for (let k = 1; k < nBins; k++) {
    const e = v[Math.min(v.length - 1, Math.floor((k * v.length) / nBins))];
    // a cut at the maximum would leave its bin empty; repeated values give one cut
    if (e < v[v.length - 1] && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e);
  }
  return edges;
}

/** Largest |mean / std| for which a raw column is used in place (keeps cancellation in the folded form harmless). */
const MAX_FOLDED_SHIFT = 1e4;

/**
 * `training` = `data` is the very data the recipe was learned on: its values are inside the clip range,
 * so complete numeric columns can be used without a copy.
 */
export function applyRecipe(recipe: DesignRecipe, data: Dataset, training = false): Design {
  const n = data.nRows;
  const dense: Float64Array[] = [];
  const scales: number[] = [];
  const shifts: number[] = [];
  const denseFeature: number[] = [];
  const denseMissingFree: boolean[] = [];
  const catSteps: (OneHotStep | BinsStep)[] = [];
  for (const step of recipe.steps) {
    const col = data.columns[step.feature];
    if (step.kind === 'numeric') {
      const { mean, std, lo, hi } = step;
      const shift = mean / std, inv = 1 / std;
      if (training && Math.abs(shift) <= MAX_FOLDED_SHIFT && allFinite(col)) {
        dense.push(col);
        scales.push(inv);
        shifts.push(-shift);
        denseFeature.push(step.feature);
        denseMissingFree.push(true);
        continue;
      }
      const out = new Float64Array(n);
      let missingFree = true;
      for (let i = 0; i < n; i++) {
        const v = col[i];
        if (v - v === 0) { // finite
          const z = v * inv - shift;
          out[i] = z > hi ? hi : z >= lo ? z : z < lo ? lo : 0; // NaN (inf - inf) -> mean
        } else {
          missingFree = false; // stays 0: mean imputation
        }
      }
      dense.push(out);
      scales.push(1);
      shifts.push(0);
      denseFeature.push(step.feature);
      denseMissingFree.push(missingFree);
    } else if (step.kind === 'missing') {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) if (!Number.isFinite(col[i])) out[i] = 1;
      dense.push(out);
      scales.push(1);
      shifts.push(0);
      denseFeature.push(step.feature);
      denseMissingFree.push(false);
    } else {
      catSteps.push(step);
    }
  }
  let offset = dense.length;
  const cats = catSteps.map((step) => {
    const col = data.columns[step.feature];
    const codes = new Int32Array(n);
    if (step.kind === 'bins') {
      const edges = step.edges;
      for (let i = 0; i < n; i++) codes[i] = col[i] === col[i] ? binOf(edges, col[i]) : -1;
    } else {
      const table = step.slotOfCode;
      for (let i = 0; i < n; i++) {
        const c = col[i];
        codes[i] = c >= 0 && c < table.length && Number.isInteger(c) ? table[c] : -1;
      }
    }
    const entry = { codes, nLevels: stepWidth(step), offset, feature: step.feature };
    offset += entry.nLevels;
    return entry;
  });
  return {
    n, dense, denseScale: Float64Array.from(scales), denseShift: Float64Array.from(shifts),
    denseFeature, denseMissingFree, cats, p: offset,
  };
}

/**
 * Mean / std of the finite values. Sums run on values scaled by 1/max|x| only when they are huge,
 * so 1e300 cannot overflow while ordinary data keeps the fast unscaled path.
 */
function robustStats(col: Float64Array): { count: number; mean: number; std: number; min: number; max: number } {
  let count = 0, min = Infinity, max = -Infinity, sum = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { count, mean: NaN, std: NaN, min, max };
  const maxAbs = Math.max(Math.abs(min), Math.abs(max));
  const scale = maxAbs > 1e150 ? maxAbs : 1;
  if (scale !== 1) {
    sum = 0;
    for (let i = 0; i < col.length; i++) { const v = col[i]; if (v - v === 0) sum += v / scale; }
  }
  const meanScaled = sum / count;
  let ss = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v - v !== 0) continue;
    const d = v / scale - meanScaled;
    ss += d * d;
  }
  const stdScaled = Math.sqrt(ss / count);
  // Spread below float precision relative to the values counts as constant.
  const std = stdScaled > 1e-12 * (maxAbs / scale) ? stdScaled * scale : 0;
  return { count, mean: meanScaled * scale, std, min, max };
}

function allFinite(col: Float64Array): boolean {
  for (let i = 0; i < col.length; i++) { const v = col[i]; if (v - v !== 0) return false; }
  return true;
}

function maxCode(col: Float64Array): number {
  let m = -1;
  for (let i = 0; i < col.length; i++) if (col[i] > m && Number.isFinite(col[i])) m = col[i];
  return Math.floor(m);
}
