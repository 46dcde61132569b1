import type { Dataset } from '../types.ts';
import type { Rng } from './rng.ts';

/**
 * Quantile binning (LightGBM / XGBoost `hist`): every feature becomes small integer bins so a split
 * search is a scan over <= 256 histogram cells instead of a sort.
 * Bin 0 of every feature is "missing" (NaN, or an unknown category code); value bins are 1..nBins-1.
 * Numeric: value v falls in bin 1 + #{upper bounds < v}, so "bin <= s" <=> "v <= upper[s-1]" and a
 * trained split converts exactly to a float threshold for prediction on raw values.
 * Categorical: code c -> bin min(c, nValueBins-1) + 1 (codes beyond the cap share the last bin).
 */
export interface BinMapper {
  nFeatures: number;
  isCat: Uint8Array;
  /** Bins per feature including the missing bin (2..256). */
  nBins: Int32Array;
  /** Start of each feature's block in a histogram (f * BIN_STRIDE); offsets[nFeatures] = total cells. */
  offsets: Int32Array;
  /** Numeric features: ascending upper bounds of value bins 1..nBins-2 (last bin is open). */
  upper: Float64Array[];
}

/** Rows x features, row-major, one byte per cell: the layout the histogram loop reads. */
export interface BinnedMatrix {
  nRows: number;
  nFeatures: number;
  bins: Uint8Array;
  /** The same bins column by column: partitioning a leaf reads one feature of ascending rows. */
  byColumn: Uint8Array[];
}

/** Rows whose values place the bin bounds (LightGBM samples too; quantiles of 50k rows are within ~0.5 %). */
const SAMPLE_FOR_BOUNDS = 50_000;
/** Histogram cells reserved per feature (>= any feature's nBins). */
export const BIN_STRIDE = 256;

export function fitBinMapper(data: Dataset, maxBins: number, rng: Rng): BinMapper {
  const F = data.columns.length;
  const valueBins = Math.max(2, Math.min(255, Math.floor(maxBins)));
  const isCat = new Uint8Array(F);
  const nBins = new Int32Array(F);
  const upper: Float64Array[] = [];
  const sampleRows = pickSampleRows(data.nRows, rng);
  for (let f = 0; f < F; f++) {
    const col = data.columns[f];
    if (data.features[f]?.kind === 'categorical') {
      isCat[f] = 1;
      let k = data.features[f].categories?.length ?? 0;
      for (let i = 0; i < col.length; i++) { const v = col[i]; if (v >= k && v < 1e9) k = Math.floor(v) + 1; }
      nBins[f] = Math.min(Math.max(k, 1), valueBins) + 1;
      upper.push(new Float64Array(0));
    } else {
      const ub = numericBounds(col, sampleRows, valueBins);
      upper.push(ub);
      nBins[f] = ub.length + 2;
    }
  }
  // fixed 256-cell blocks: the histogram loop then indexes with a shift instead of a table load (~1.8x faster)
  const offsets = new Int32Array(F + 1);
  for (let f = 0; f <= F; f++) offsets[f] = f * BIN_STRIDE;
  return { nFeatures: F, isCat, nBins, offsets, upper };
}

function pickSampleRows(n: number, rng: Rng): Int32Array | null {
  if (n <= SAMPLE_FOR_BOUNDS) return null;
  const idx = new Int32Array(SAMPLE_FOR_BOUNDS);
  for (let i = 0; i < idx.length; i++) idx[i] = Math.floor(rng() * n);
  return idx;
}

/** Midpoint that never overflows, even between -1e308 and 1e308. */
function mid(a: number, b: number): number {
  const m = a / 2 + b / 2;
  if (m === -Infinity) return -Number.MAX_VALUE; // between -Infinity and a finite value; JSON keeps it
  return m >= b ? a : m; // guard against rounding up onto b (and b = +Infinity)
}

function numericBounds(col: Float64Array, sampleRows: Int32Array | null, valueBins: number): Float64Array {
  const m = sampleRows ? sampleRows.length : col.length;
  const vals = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < m; i++) {
    const v = sampleRows ? col[sampleRows[i]] : col[i];
    if (v === v) vals[k++] = v;
  }
  if (k === 0) return new Float64Array(0);
  const s = vals.subarray(0, k).sort();
  // distinct values and their counts
  const dv: number[] = [];
  const dc: number[] = [];
  for (let i = 0; i < k; i++) {
    if (dv.length === 0 || s[i] !== dv[dv.length - 1]) { dv.push(s[i]); dc.push(1); } else dc[dc.length - 1]++;
  }
  const cuts: number[] = [];
  if (dv.length <= valueBins) {
    for (let i = 0; i + 1 < dv.length; i++) cuts.push(mid(dv[i], dv[i + 1]));
  } else {
    // Greedy equal-frequency bins; a very frequent value gets a bin of its own.
    let remainingRows = k;
    let remainingBins = valueBins;
    let acc = 0;
    for (let i = 0; i + 1 < dv.length && remainingBins > 1; i++) {
      acc += dc[i];
      const target = remainingRows / remainingBins;
      if (acc >= target || dc[i + 1] >= target) {
        cuts.push(mid(dv[i], dv[i + 1]));
        remainingRows -= acc;
        remainingBins--;
        acc = 0;
      }
    }
  }
  return Float64Array.from(cuts);
}

/** Bin of a categorical code: 0 for NaN / negative / beyond the known categories. */
export function categoricalBin(nBins: number, v: number): number {
  if (!(v >= 0 && v < 1e9)) return 0;
  const c = Math.floor(v);
  const valueBins = nBins - 1;
  return c < valueBins ? c + 1 : valueBins;
}

export function applyBinMapper(mapper: BinMapper, data: Dataset): BinnedMatrix {
  const n = data.nRows;
  const F = mapper.nFeatures;
  const bins = new Uint8Array(n * F);
  const byColumn = Array.from({ length: F }, () => new Uint8Array(n));
  const pads: Float64Array[] = mapper.upper.map((ub) => {
    const pad = new Float64Array(256).fill(Infinity);
    pad.set(ub);
    return pad;
  });
  // row blocks keep the written part of the row-major matrix in cache while each column is read
  const BLOCK = 4096;
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    const b1 = Math.min(n, b0 + BLOCK);
    for (let f = 0; f < F; f++) {
      const col = data.columns[f];
      if (mapper.isCat[f]) {
        const nb = mapper.nBins[f];
        const out = byColumn[f];
        for (let i = b0; i < b1; i++) { const b = categoricalBin(nb, col[i]); bins[i * F + f] = b; out[i] = b; }
        continue;
      }
      // branch-free search over the bounds padded to 256 with +Infinity: 8 fixed steps per value
      const pad = pads[f];
      const out = byColumn[f];
      for (let i = b0; i < b1; i++) {
        const v = col[i];
        let j = 0;
        j += pad[j + 127] < v ? 128 : 0;
        j += pad[j + 63] < v ? 64 : 0;
        j += pad[j + 31] < v ? 32 : 0;
        j += pad[j + 15] < v ? 16 : 0;
        j += pad[j + 7] < v ? 8 : 0;
        j += pad[j + 3] < v ? 4 : 0;
        j += pad[j + 1] < v ? 2 : 0;
        j += pad[j] < v ? 1 : 0;
        const b = v === v ? j + 1 : 0;
        bins[i * F + f] = b;
        out[i] = b;
      }
    }
  }
  return { nRows: n, nFeatures: F, bins, byColumn };
}
