import { UserError } from '../../util/errors.ts';
import type { Dataset, FeatureSpec, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { assertPredictable, parseTaskInfo } from '../validate.ts';
import { type Architecture, BN_EPSILON, groupWeights, weightShapes } from './arch.ts';
import { base64ToF32, f32ToBase64 } from './codec.ts';
import { JsForward } from './js-forward.ts';
import { MLP_ACTIVATIONS } from './params.ts';
import { type PrepJSON, Preprocessor, Z_CLIP } from './preprocess.ts';

// The network's predict side without TensorFlow.js: the saved weights, the preprocessing and the
// plain-JS forward pass (js-forward.ts) for any number of rows. The app's MlpFitted (fitted.ts) holds
// the same weights as tfjs tensors for big batches.

export const MLP_FORMAT_VERSION = 1;
/** Bounds a saved network must respect, checked before anything is allocated from its numbers. */
const MAX_WIDTH = 1 << 16;
const MAX_LAYERS = 64;
const MAX_PARAMS = 64_000_000;

/** What training found out, kept for the leaderboard and reports. */
export interface MlpTrainInfo {
  epochsRun: number;
  bestEpoch: number;
  bestValidLoss?: number;
  /** Epochs after which the learning rate was lowered (up to bestEpoch), for ModelFamily.replayLength. */
  lrDrops?: number[];
  diverged: boolean;
  backend: string;
  /** Set when the requested one-hot input was too wide and embeddings were used instead. */
  note?: string;
}

export interface MlpWeight {
  shape: number[];
  values: Float32Array;
}

export interface MlpFittedJSON extends FittedJSON {
  family: 'mlp';
  formatVersion: number;
  taskInfo: TaskInfo;
  features: { name: string; kind: FeatureSpec['kind'] }[];
  arch: Architecture;
  prep: PrepJSON;
  /** Regression only: the network predicts (y - mean) / std. */
  target?: { mean: number; std: number };
  /**
   * In the weight order of arch.ts: float32 little-endian as base64 (`data`, the JSON form), or the
   * values themselves (`values`, when a model package hands over weights it read from weights.bin).
   */
  weights: ({ shape: number[]; data: string } | MlpWeight)[];
  info: MlpTrainInfo;
}

/** A checked network: everything needed to predict. */
export interface MlpState {
  taskInfo: TaskInfo;
  features: { name: string; kind: FeatureSpec['kind'] }[];
  arch: Architecture;
  prep: PrepJSON;
  target?: { mean: number; std: number };
  weights: MlpWeight[];
  info: MlpTrainInfo;
}

export class MlpModel implements Fitted {
  readonly family = 'mlp';
  readonly taskInfo: TaskInfo;
  private readonly prep: Preprocessor;
  private readonly forward: JsForward;

  constructor(readonly state: MlpState) {
    this.taskInfo = state.taskInfo;
    this.prep = new Preprocessor(state.prep);
    this.forward = new JsForward(state.arch, state.weights);
  }

  predict(data: Dataset): Float64Array {
    assertPredictable(data, this.state.features as FeatureSpec[]);
    const input = this.prep.transform(data);
    return postprocess(this.taskInfo, this.forward.run(input), input.n, this.state.target);
  }

  toJSON(): MlpFittedJSON {
    return mlpStateToJSON(this.state);
  }
}

export function mlpStateToJSON(s: MlpState): MlpFittedJSON {
  return {
    family: 'mlp',
    formatVersion: MLP_FORMAT_VERSION,
    taskInfo: s.taskInfo,
    features: s.features.map((f) => ({ name: f.name, kind: f.kind })),
    arch: s.arch,
    prep: s.prep,
    target: s.target,
    weights: s.weights.map((w) => ({ shape: w.shape.slice(), data: f32ToBase64(w.values) })),
    info: s.info,
  };
}

/** Raw outputs → the Fitted.predict layout (probabilities / values) in float64. */
export function postprocess(task: TaskInfo, z: Float32Array, n: number, target?: { mean: number; std: number }): Float64Array {
  if (task.task === 'binary') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-z[i]));
    return out;
  }
  if (task.task === 'multiclass') {
    const k = task.nClasses;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let j = 0; j < k; j++) mx = Math.max(mx, z[i * k + j]);
      let s = 0;
      for (let j = 0; j < k; j++) s += out[i * k + j] = Math.exp(z[i * k + j] - mx);
      for (let j = 0; j < k; j++) out[i * k + j] /= s;
    }
    return out;
  }
  const out = new Float64Array(n);
  const m = target?.mean ?? 0;
  const s = target?.std ?? 1;
  for (let i = 0; i < n; i++) out[i] = z[i] * s + m;
  return out;
}

export function mlpModelFromJSON(json: FittedJSON): MlpModel {
  return new MlpModel(parseMlpJSON(json));
}

function damaged(why: string): never {
  throw new UserError('model_damaged', 'The saved neural network is damaged and cannot be loaded.', why);
}

const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** Checks a saved network (untrusted: a model file) and returns its state; anything malformed is a UserError. */
export function parseMlpJSON(json: FittedJSON): MlpState {
  const j = json as Partial<MlpFittedJSON>;
  if (!j || j.family !== 'mlp') damaged('wrong family');
  if (j.formatVersion !== MLP_FORMAT_VERSION) {
    throw new UserError('model_version', 'This neural network was saved by a different version of the app and cannot be loaded.');
  }
  const t = parseTaskInfo(j.taskInfo);
  if (!t) damaged('task');
  const features = parseMlpFeatures(j.features);
  const prep = checkPrep(j.prep, features);
  const arch = checkArch(j.arch, prep, t);
  let target: MlpState['target'];
  if (t.task === 'regression') {
    const tg = j.target;
    if (!tg || !Number.isFinite(tg.mean) || !Number.isFinite(tg.std) || !(tg.std >= 0)) damaged('target scaling');
    target = { mean: tg.mean, std: tg.std };
  } else if (j.target !== undefined && j.target !== null) damaged('target scaling');
  const weights = checkWeights(j.weights, arch);
  checkOutputBound(arch, weights);
  const info: MlpTrainInfo = { epochsRun: 0, bestEpoch: 0, diverged: false, backend: 'js' };
  const i = j.info as Partial<MlpTrainInfo> | undefined;
  if (i && typeof i === 'object') {
    if (isInt(i.epochsRun, 0, 1e9)) info.epochsRun = i.epochsRun;
    if (isInt(i.bestEpoch, 0, 1e9)) info.bestEpoch = i.bestEpoch;
    if (Number.isFinite(i.bestValidLoss)) info.bestValidLoss = i.bestValidLoss;
    if (Array.isArray(i.lrDrops) && i.lrDrops.every((e) => isInt(e, 0, 1e9))) info.lrDrops = i.lrDrops.slice();
    if (typeof i.diverged === 'boolean') info.diverged = i.diverged;
    if (typeof i.backend === 'string' && i.backend.length <= 40) info.backend = i.backend;
    if (typeof i.note === 'string' && i.note.length <= 1000) info.note = i.note;
  }
  return { taskInfo: t, features, arch, prep, target, weights, info };
}

function parseMlpFeatures(f: unknown): MlpState['features'] {
  if (!Array.isArray(f) || f.length === 0) damaged('features');
  return (f as unknown[]).map((x) => {
    const o = x as Record<string, unknown>;
    if (!o || typeof o.name !== 'string' || (o.kind !== 'numeric' && o.kind !== 'categorical')) damaged('features');
    return { name: o.name as string, kind: o.kind as FeatureSpec['kind'] };
  });
}

/** The preprocessing must cover each input once and lay its columns out contiguously, as Preprocessor.fit does. */
function checkPrep(p: PrepJSON | undefined, features: MlpState['features']): PrepJSON {
  if (!p || typeof p !== 'object' || (p.mode !== 'embedding' && p.mode !== 'onehot') || p.nFeatures !== features.length) damaged('preprocessing');
  if (!Array.isArray(p.numeric) || !Array.isArray(p.categorical) || !isInt(p.numericWidth, 0, MAX_WIDTH) || !isInt(p.tableRows, 0, MAX_PARAMS)) damaged('preprocessing');
  const used = new Uint8Array(features.length);
  let width = 0;
  for (const n of p.numeric) {
    if (!n || !isInt(n.index, 0, features.length - 1) || used[n.index] || features[n.index].kind !== 'numeric') damaged('numeric preprocessing');
    if (!Number.isFinite(n.mean) || !(Number.isFinite(n.std) && n.std > 0) || typeof n.indicator !== 'boolean') damaged('numeric preprocessing');
    const k = n.knots;
    if (k !== undefined) {
      if (!k || !Array.isArray(k.values) || !Array.isArray(k.levels) || k.values.length !== k.levels.length || k.values.length > 100_000) damaged('quantile knots');
      for (let i = 0; i < k.values.length; i++) {
        if (!Number.isFinite(k.values[i]) || !(k.levels[i] >= 0 && k.levels[i] <= 1) || (i > 0 && !(k.values[i] > k.values[i - 1]))) damaged('quantile knots');
      }
    }
    used[n.index] = 1;
    width += n.indicator ? 2 : 1;
  }
  let slots = p.mode === 'onehot' ? width : 0;
  for (const c of p.categorical) {
    if (!c || !isInt(c.index, 0, features.length - 1) || used[c.index] || features[c.index].kind !== 'categorical') damaged('categorical preprocessing');
    if (!isInt(c.levels, 0, MAX_PARAMS) || c.offset !== slots) damaged('categorical preprocessing');
    used[c.index] = 1;
    slots += c.levels + 1;
  }
  if (used.some((u) => u === 0)) damaged('preprocessing');
  if (p.mode === 'onehot' ? p.numericWidth !== slots || p.tableRows !== 0 : p.numericWidth !== width || p.tableRows !== slots) damaged('preprocessing');
  return structuredClone(p);
}

function checkArch(a: Architecture | undefined, prep: PrepJSON, t: TaskInfo): Architecture {
  if (!a || typeof a !== 'object' || !Array.isArray(a.hidden) || a.hidden.length > MAX_LAYERS || !a.hidden.every((h) => isInt(h, 1, MAX_WIDTH))) damaged('architecture');
  if (!MLP_ACTIVATIONS.includes(a.activation) || typeof a.batchNorm !== 'boolean' || !(a.dropout >= 0 && a.dropout < 1)) damaged('architecture');
  const nCat = prep.mode === 'embedding' ? prep.categorical.length : 0;
  if (a.numericWidth !== prep.numericWidth || a.nCat !== nCat || a.tableRows !== prep.tableRows) damaged('architecture');
  if (!(nCat > 0 ? isInt(a.embeddingDim, 1, 4096) : a.embeddingDim === 0 || isInt(a.embeddingDim, 0, 4096))) damaged('architecture');
  if (a.outputs !== (t.task === 'multiclass' ? t.nClasses : 1)) damaged('architecture');
  const arch: Architecture = {
    numericWidth: a.numericWidth, nCat: a.nCat, tableRows: a.tableRows, embeddingDim: a.embeddingDim, hidden: a.hidden.slice(),
    activation: a.activation, batchNorm: a.batchNorm, dropout: a.dropout, outputs: a.outputs,
  };
  let params = 0;
  for (const s of weightShapes(arch)) params += s.reduce((x, y) => x * y, 1);
  if (!(params <= MAX_PARAMS) || arch.numericWidth + arch.nCat * arch.embeddingDim === 0) damaged('architecture');
  return arch;
}

/** Shapes come from the architecture, so a tampered file cannot make us allocate nonsense; values must be finite. */
function checkWeights(ws: MlpFittedJSON['weights'] | undefined, arch: Architecture): MlpWeight[] {
  const expected = weightShapes(arch);
  if (!Array.isArray(ws) || ws.length !== expected.length) damaged('weight count');
  return ws.map((w, i) => {
    const shape = expected[i];
    const size = shape.reduce((x, y) => x * y, 1);
    if (!w || !Array.isArray(w.shape) || w.shape.length !== shape.length || !w.shape.every((d, k) => d === shape[k])) damaged(`weight ${i}`);
    let values: Float32Array | undefined;
    if ('values' in w && w.values instanceof Float32Array) values = w.values;
    else if ('data' in w && typeof w.data === 'string') {
      // base64 length is known before decoding: refuse a mismatch without allocating
      if (w.data.length !== 4 * Math.ceil((size * 4) / 3)) damaged(`weight ${i}`);
      values = base64ToF32(w.data);
    }
    if (!values || values.length !== size) damaged(`weight ${i}`);
    for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) damaged(`weight ${i}`);
    return { shape: shape.slice(), values };
  });
}

/** tfjs computes in float32: a network whose outputs could reach this (or overflow on the way) is refused. */
const MAX_NETWORK_BOUND = 1e30;
/** |activation(v)| <= ACT_SLOPE * |v| + ACT_OFFSET for every activation Augur uses (selu is the widest). */
const ACT_SLOPE = 1.0508;
const ACT_OFFSET = 1.7581;

/**
 * A worst-case bound on every value of the forward pass (inputs are clipped to ±Z_CLIP, one-hot and
 * missing flags are 0/1, embeddings are their table's values), layer by layer: so a saved network with
 * finite but enormous weights cannot overflow into infinity or NaN on some input. Batch norm needs a
 * non-negative moving variance (its scale is then at most 1/sqrt(epsilon)).
 */
function checkOutputBound(a: Architecture, weights: MlpWeight[]): void {
  const g = groupWeights<MlpWeight, MlpWeight>(a, weights);
  const maxAbs = (v: Float32Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  let bound = Math.max(Z_CLIP, g.embedding ? maxAbs(g.embedding.values) : 0);
  g.dense.forEach((layer, l) => {
    const [nIn, nOut] = layer.kernel.shape;
    const K = layer.kernel.values;
    // max over outputs of sum_i |W_ij|, times the input bound, plus the bias
    const col = new Float64Array(nOut);
    for (let i = 0; i < nIn; i++) for (let o = 0; o < nOut; o++) col[o] += Math.abs(K[i * nOut + o]);
    let next = 0;
    for (let o = 0; o < nOut; o++) next = Math.max(next, col[o] * bound + Math.abs(layer.bias.values[o]));
    if (layer.bn) {
      const { gamma, beta, mean, variance } = layer.bn;
      for (let o = 0; o < nOut; o++) if (!(variance.values[o] >= 0)) damaged('batch norm variance');
      next = ((next + maxAbs(mean.values)) / Math.sqrt(BN_EPSILON)) * maxAbs(gamma.values) + maxAbs(beta.values);
    }
    if (l < g.dense.length - 1) next = ACT_SLOPE * next + ACT_OFFSET;
    if (!(next < MAX_NETWORK_BOUND)) damaged('weights too large');
    bound = next;
  });
}
