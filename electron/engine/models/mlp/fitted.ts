import type { Tensor } from '@tensorflow/tfjs';
import type { TfModule } from '../../tf/backend.ts';
import type { Dataset, FeatureSpec, Fitted, FittedJSON, TaskInfo } from '../types.ts';
import { UserError } from '../../util/errors.ts';
import { assertPredictable } from '../validate.ts';
import { type Architecture, type Weights, groupWeights, rawOutputs } from './network.ts';
import { type PrepJSON, Preprocessor } from './preprocess.ts';
import { type TfjsArtifacts, type TfjsExportOptions, toTfjsArtifacts } from './export.ts';
import { JS_FORWARD_MAX_ROWS, JsForward } from './js-forward.ts';
import { type MlpFittedJSON, type MlpState, type MlpTrainInfo, mlpStateToJSON, parseMlpJSON, postprocess } from './model.ts';

// The app's network: the weights as tfjs tensors (fast for big batches), the plain-JS forward pass for
// a handful of rows. Its predict-only twin without tfjs is model.ts (MlpModel).

export { MLP_FORMAT_VERSION, postprocess, type MlpFittedJSON, type MlpTrainInfo } from './model.ts';

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
  toTfjsArtifacts(opts?: TfjsExportOptions): Promise<TfjsArtifacts> {
    return toTfjsArtifacts(this, opts);
  }

  /** Raw weights as float32 arrays (weight order of arch.ts), e.g. for the tfjs layers export. */
  weightValues(): { shape: number[]; values: Float32Array }[] {
    if (!this.weights) throw new UserError('model_disposed', 'This model was closed and can no longer be saved.');
    return this.weights.map((t) => ({ shape: t.shape.slice(), values: t.dataSync() as Float32Array }));
  }

  /** Everything the pure model (model.ts) needs: the same weights as plain arrays. */
  state(): MlpState {
    return { taskInfo: this.taskInfo, features: this.features, arch: this.arch, prep: this.prep.spec, target: this.target, weights: this.weightValues(), info: this.info };
  }

  toJSON(): MlpFittedJSON {
    return mlpStateToJSON(this.state());
  }

  dispose(): void {
    if (this.weights) this.tf.dispose(this.weights);
    this.weights = undefined;
    this.jsForward = undefined;
  }
}

/** Rebuilds a fitted MLP from its JSON (checked by model.ts); anything malformed is a UserError (damaged model file). */
export function mlpFromJSON(tf: TfModule, json: FittedJSON, backend: string): MlpFitted {
  const s = parseMlpJSON(json);
  const tensors = s.weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
  return new MlpFitted(tf, s.taskInfo, s.features, s.arch, s.prep, s.target, tensors, { ...s.info, backend });
}
