import type { Tensor } from '@tensorflow/tfjs';
import type { TfModule } from '../../tf/backend.ts';
import type { Dataset, FeatureSpec, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { UserError } from '../../util/errors.ts';
import { assertPredictable } from '../validate.ts';
import { type Architecture, type Weights, groupWeights, rawOutputs, weightShapes } from './network.ts';
import { type PrepJSON, Preprocessor } from './preprocess.ts';
import { MLP_ACTIVATIONS } from './params.ts';
import { base64ToF32, f32ToBase64 } from './codec.ts';
import { type TfjsArtifacts, toTfjsArtifacts } from './export.ts';
import { JS_FORWARD_MAX_ROWS, JsForward } from './js-forward.ts';

export const MLP_FORMAT_VERSION = 1;

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

export interface MlpFittedJSON extends FittedJSON {
  family: 'mlp';
  formatVersion: number;
  taskInfo: TaskInfo;
  features: { name: string; kind: FeatureSpec['kind'] }[];
  arch: Architecture;
  prep: PrepJSON;
  /** Regression only: the network predicts (y - mean) / std. */
  target?: { mean: number; std: number };
  /** Float32 little-endian, base64, in the weight order of network.ts. */
  weights: { shape: number[]; data: string }[];
  info: MlpTrainInfo;
}

export class MlpFitted implements Fitted {
  readonly family = 'mlp';
  private weights: Tensor[] | undefined;
  private readonly grouped: Weights;
  private readonly prep: Preprocessor;
  /** Built on the first small prediction (it keeps a JS copy of the weights). */
  private jsForward: JsForward | undefined;

  constructor(
    private readonly tf: TfModule,
    readonly taskInfo: TaskInfo,
    readonly features: { name: string; kind: FeatureSpec['kind'] }[],
    readonly arch: Architecture,
    prep: PrepJSON,
    readonly target: { mean: number; std: number } | undefined,
    weights: Tensor[],
    readonly info: MlpTrainInfo,
  ) {
    this.weights = weights;
    this.grouped = groupWeights(arch, weights) as unknown as Weights;
    this.prep = new Preprocessor(prep);
  }

  /** Network inputs for these rows (standardised numerics + indicators + one-hot; embedding indices). */
  prepare(data: Dataset): { n: number; x: Float32Array; cats?: Int32Array } {
    assertPredictable(data, this.features as FeatureSpec[]);
    return this.prep.transform(data);
  }

  predict(data: Dataset): Float64Array {
    if (!this.weights) throw new UserError('model_disposed', 'This model was closed and can no longer predict.');
    const input = this.prepare(data);
    let z: Float32Array;
    if (input.n <= JS_FORWARD_MAX_ROWS) {
      this.jsForward ??= new JsForward(this.arch, this.weightValues());
      z = this.jsForward.run(input);
    } else {
      z = rawOutputs(this.tf, this.arch, this.grouped, input);
    }
    return postprocess(this.taskInfo, z, input.n, this.target);
  }

  get prepSpec(): PrepJSON {
    return this.prep.spec;
  }

  /** The same network as a standard tfjs layers model (model.json + weights.bin), see export.ts. */
  toTfjsArtifacts(): Promise<TfjsArtifacts> {
    return toTfjsArtifacts(this);
  }

  /** Raw weights as float32 arrays (weight order of network.ts), e.g. for the tfjs layers export. */
  weightValues(): { shape: number[]; values: Float32Array }[] {
    if (!this.weights) throw new UserError('model_disposed', 'This model was closed and can no longer be saved.');
    return this.weights.map((t) => ({ shape: t.shape.slice(), values: t.dataSync() as Float32Array }));
  }

  toJSON(): MlpFittedJSON {
    return {
      family: 'mlp',
      formatVersion: MLP_FORMAT_VERSION,
      taskInfo: this.taskInfo,
      features: this.features.map((f) => ({ name: f.name, kind: f.kind })),
      arch: this.arch,
      prep: this.prep.toJSON(),
      target: this.target,
      weights: this.weightValues().map((w) => ({ shape: w.shape, data: f32ToBase64(w.values) })),
      info: this.info,
    };
  }

  dispose(): void {
    if (this.weights) this.tf.dispose(this.weights);
    this.weights = undefined;
    this.jsForward = undefined;
  }
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

/** Rebuilds a fitted MLP from its JSON; anything malformed is a UserError (damaged model file). */
export function mlpFromJSON(tf: TfModule, json: FittedJSON, backend: string): MlpFitted {
  const damaged = (why: string): never => {
    throw new UserError('model_damaged', 'The saved neural network is damaged and cannot be loaded.', why);
  };
  const j = json as Partial<MlpFittedJSON>;
  if (j.family !== 'mlp') damaged('wrong family');
  if (j.formatVersion !== MLP_FORMAT_VERSION) {
    throw new UserError('model_version', 'This neural network was saved by a different version of the app and cannot be loaded.');
  }
  const a = j.arch;
  const t = j.taskInfo;
  if (!t || !['binary', 'multiclass', 'regression'].includes(t.task) || !(t.nClasses >= 1)) damaged('task');
  if (
    !a ||
    !Array.isArray(a.hidden) ||
    !MLP_ACTIVATIONS.includes(a.activation) ||
    ![a.numericWidth, a.nCat, a.tableRows, a.embeddingDim, a.outputs].every((v) => Number.isInteger(v) && v >= 0)
  ) {
    damaged('architecture');
  }
  const p = j.prep;
  if (!p || !Array.isArray(p.numeric) || !Array.isArray(p.categorical) || p.numericWidth !== a!.numericWidth || !Array.isArray(j.features)) damaged('preprocessing');
  if (p!.nFeatures !== j.features!.length) damaged('feature count');
  const isIndex = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < p!.nFeatures;
  for (const n of p!.numeric) {
    if (!isIndex(n?.index) || !Number.isFinite(n.mean) || !(n.std >= 0) || typeof n.indicator !== 'boolean') damaged('numeric preprocessing');
    const k = n.knots;
    if (k && (!Array.isArray(k.values) || !Array.isArray(k.levels) || k.values.length !== k.levels.length || !k.values.every(Number.isFinite) || !k.levels.every(Number.isFinite))) {
      damaged('quantile knots');
    }
  }
  for (const c of p!.categorical) {
    if (!isIndex(c?.index) || !Number.isInteger(c.levels) || c.levels < 0 || !Number.isInteger(c.offset) || c.offset < 0) damaged('categorical preprocessing');
    // Every code must land inside the x block (one-hot) or the embedding table.
    if (c.offset + c.levels + 1 > (p!.mode === 'onehot' ? p!.numericWidth : p!.tableRows)) damaged('categorical preprocessing');
  }
  if (!Array.isArray(j.weights)) damaged('weights');
  // The expected shapes come from the architecture, so a tampered file cannot make us allocate nonsense.
  const expected = weightShapes(a!);
  if (expected.length !== j.weights!.length) damaged('weight count');
  const tensors: Tensor[] = [];
  try {
    j.weights!.forEach((w, i) => {
      const values = base64ToF32(w?.data);
      const shape = expected[i];
      if (!values || values.length !== shape.reduce((x, y) => x * y, 1) || JSON.stringify(w.shape) !== JSON.stringify(shape)) damaged(`weight ${i}`);
      tensors.push(tf.tensor(values!, shape, 'float32'));
    });
  } catch (e) {
    tf.dispose(tensors);
    throw e;
  }
  const info: MlpTrainInfo = { epochsRun: 0, bestEpoch: 0, diverged: false, ...(j.info ?? {}), backend };
  return new MlpFitted(tf, t!, j.features!, a!, p!, j.target, tensors, info);
}
