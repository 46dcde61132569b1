// Direct loss estimation (NannyML's DLE) for amounts: a small boosted-tree model learns, on reference
// rows whose outcomes are known, how large the model's error tends to be from the row's features and
// its prediction; on a new file without outcomes the mean of its predicted errors estimates MAE, and of
// its predicted squared errors MSE (so RMSE). The error models are fitted on three quarters of the
// reference rows; the last quarter measures how far a real error strays from its estimate (the spread
// that sets the interval).
import { familyByName } from '../models/registry.ts';
import type { Dataset, FittedJSON } from '../models/types.ts';
import { mulberry32, shuffleInPlace } from '../util/random.ts';
import { throwIfAborted } from '../util/errors.ts';

export interface DleModels {
  abs: FittedJSON;
  sq: FittedJSON;
  /** Standard deviation of (real − estimated) per row on held-out reference rows: |error| and error². */
  residualSd: { abs: number; sq: number };
  /** Feature names the models expect (the prediction is added as the last one). */
  features: string[];
}

const PARAMS = { nRounds: 100, learningRate: 0.1, maxLeaves: 15, minDataInLeaf: 20, earlyStoppingRounds: 0 };
const TASK = { task: 'regression' as const, nClasses: 1 };

/** The features plus the model's prediction as one more column. */
export function withPrediction(features: Dataset, pred: Float64Array): Dataset {
  return {
    features: [...features.features, { name: '\u0000prediction', kind: 'numeric' }],
    nRows: features.nRows,
    columns: [...features.columns, pred],
  };
}

export async function fitDle(features: Dataset, pred: Float64Array, y: Float64Array, seed: number, signal?: AbortSignal): Promise<DleModels | null> {
  const rows = Int32Array.from({ length: y.length }, (_, i) => i).filter((i) => y[i] === y[i] && pred[i] === pred[i]);
  if (rows.length < 40) return null;
  shuffleInPlace(rows, mulberry32(seed));
  const cut = Math.floor(rows.length * 0.75);
  const fitRows = rows.subarray(0, cut);
  const holdRows = rows.subarray(cut);
  const x = withPrediction(features, pred);
  const err = Float64Array.from(y, (v, i) => v - pred[i]);
  const gbdt = familyByName('gbdt');
  const fitOne = async (target: (e: number) => number) => {
    throwIfAborted(signal);
    const train = take(x, fitRows);
    train.y = Float64Array.from(fitRows, (r) => target(err[r]));
    const params = { ...gbdt.defaults(TASK, { nRows: train.nRows, nFeatures: x.features.length }), ...PARAMS };
    const model = await gbdt.fit(train, TASK, params, { seed, signal });
    const p = model.predict(take(x, holdRows));
    let s = 0;
    let ss = 0;
    holdRows.forEach((r, i) => {
      const d = target(err[r]) - Math.max(0, p[i]);
      s += d;
      ss += d * d;
    });
    const m = s / holdRows.length;
    const json = model.toJSON();
    model.dispose?.();
    return { json, sd: Math.sqrt(Math.max(0, ss / holdRows.length - m * m)) };
  };
  const abs = await fitOne(Math.abs);
  const sq = await fitOne((e) => e * e);
  return { abs: abs.json, sq: sq.json, residualSd: { abs: abs.sd, sq: sq.sd }, features: features.features.map((f) => f.name) };
}

/** Estimated MAE and MSE on new rows with their standard errors. */
export async function estimateDle(m: DleModels, features: Dataset, pred: Float64Array): Promise<{ mae: number; mse: number; maeSe: number; mseSe: number }> {
  const gbdt = familyByName('gbdt');
  const x = withPrediction(features, pred);
  const abs = await gbdt.fromJSON(m.abs);
  const sq = await gbdt.fromJSON(m.sq);
  const pa = abs.predict(x);
  const ps = sq.predict(x);
  abs.dispose?.();
  sq.dispose?.();
  let a = 0;
  let s = 0;
  for (let i = 0; i < x.nRows; i++) {
    a += Math.max(0, pa[i]);
    s += Math.max(0, ps[i]);
  }
  const n = x.nRows;
  return { mae: a / n, mse: s / n, maeSe: m.residualSd.abs / Math.sqrt(n), mseSe: m.residualSd.sq / Math.sqrt(n) };
}

function take(d: Dataset, rows: Int32Array): Dataset {
  return { features: d.features, nRows: rows.length, columns: d.columns.map((c) => Float64Array.from(rows, (r) => c[r])) };
}
