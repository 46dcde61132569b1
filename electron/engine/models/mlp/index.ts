import type { Dataset, FitContext, FittedJSON, ModelFamily, TaskInfo } from '../types.ts';
import { loadTf } from '../../tf/backend.ts';
import { UserError, throwIfAborted } from '../../util/errors.ts';
import { assertPredictable, assertTrainable } from '../validate.ts';
import { type MlpParams, MAX_ONEHOT_WIDTH, mlpDefaults, resolveParams } from './params.ts';
import { Preprocessor, robustMoments } from './preprocess.ts';
import type { Architecture } from './network.ts';
import { type TrainRows, trainNetwork } from './train.ts';
import { MlpFitted, mlpFromJSON } from './fitted.ts';

export type { MlpParams, MlpActivation } from './params.ts';
export { MLP_ACTIVATIONS, MLP_SEARCH_RANGES, estimateFitSeconds, mlpDefaults } from './params.ts';
export { MlpFitted, type MlpFittedJSON, type MlpTrainInfo } from './fitted.ts';
export { toTfjsArtifacts, type TfjsArtifacts } from './export.ts';

/**
 * Whether neural networks can be trained here. Training on tfjs' pure-JavaScript backend would be
 * ~6x slower than WebAssembly, so the search should skip this family when ok is false.
 */
export async function mlpAvailable(): Promise<{ ok: boolean; backend: string; reason?: string }> {
  try {
    const { backend, note } = await loadTf();
    if (backend === 'cpu') return { ok: false, backend, reason: note ?? 'Neural networks need WebAssembly or native TensorFlow, and neither could start.' };
    return { ok: true, backend };
  } catch {
    return { ok: false, backend: 'none', reason: 'The neural network library could not start.' };
  }
}

export const mlpFamily: ModelFamily<MlpParams> = {
  name: 'mlp',
  displayName: 'Neural network',

  defaults(task: TaskInfo, shape: { nRows: number; nFeatures: number }): MlpParams {
    return mlpDefaults(task, shape);
  },

  async fit(train: Dataset, task: TaskInfo, params: MlpParams, ctx: FitContext): Promise<MlpFitted> {
    throwIfAborted(ctx.signal);
    assertTrainable(train, task);
    if (task.task !== 'regression' && new Set(train.y).size < 2) {
      throw new UserError('one_class', 'The column to predict has only one value in the training rows, so there is nothing to learn.');
    }
    if (train.features.length === 0) throw new UserError('no_features', 'There are no input columns to learn from.');
    const p = resolveParams(params ?? {}, mlpDefaults(task, { nRows: train.nRows, nFeatures: train.features.length }));
    const { tf, backend } = await loadTf();
    if (backend === 'cpu') {
      throw new UserError(
        'mlp_unavailable',
        'Neural networks cannot be trained on this computer because neither WebAssembly nor native TensorFlow could start.',
      );
    }
    if (ctx.valid) {
      assertTrainable(ctx.valid, task);
      assertPredictable(ctx.valid, train.features);
    }

    let note: string | undefined;
    let mode: 'embedding' | 'onehot' = p.embeddingDim === 'onehot' ? 'onehot' : 'embedding';
    if (mode === 'onehot' && Preprocessor.onehotWidth(train) > MAX_ONEHOT_WIDTH) {
      mode = 'embedding';
      note = 'The category columns have too many values for one-hot inputs, so embeddings of width 8 were used.';
    }
    const prep = Preprocessor.fit(train, mode, p.numericScaling);
    const arch: Architecture = {
      numericWidth: prep.spec.numericWidth,
      nCat: prep.nCat,
      tableRows: prep.spec.tableRows,
      embeddingDim: prep.nCat > 0 ? (typeof p.embeddingDim === 'number' ? p.embeddingDim : 8) : 0,
      hidden: p.layers.slice(),
      activation: p.activation,
      batchNorm: p.batchNorm,
      dropout: p.dropout,
      outputs: task.task === 'multiclass' ? task.nClasses : 1,
    };
    const target = task.task === 'regression' ? standardiser(train.y!) : undefined;
    const rows = (d: Dataset): TrainRows => {
      const { n, x, cats } = prep.transform(d);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) y[i] = target ? (target.std > 0 ? (d.y![i] - target.mean) / target.std : 0) : d.y![i];
      return { n, x, cats, y, w: d.weights ? Float32Array.from(d.weights) : undefined };
    };
    const outcome = await trainNetwork(tf, arch, task.task, p, rows(train), ctx.valid ? rows(ctx.valid) : undefined, ctx);
    const features = train.features.map((f) => ({ name: f.name, kind: f.kind }));
    const { weights, ...rest } = outcome;
    return new MlpFitted(tf, task, features, arch, prep.toJSON(), target, weights, { ...rest, backend, note });
  },

  async fromJSON(json: FittedJSON): Promise<MlpFitted> {
    const { tf, backend } = await loadTf();
    return mlpFromJSON(tf, json, backend);
  },

  replayLength(params: MlpParams, fitted): MlpParams | undefined {
    if (!(fitted instanceof MlpFitted) || fitted.info.diverged || fitted.info.bestEpoch < 1) return undefined;
    return { ...params, epochs: fitted.info.bestEpoch, lrDrops: fitted.info.lrDrops ?? [] };
  },
};

/** Target scaling for regression. A constant target gets std 0: the model then predicts exactly that constant. */
function standardiser(y: Float64Array): { mean: number; std: number } {
  let constant = true;
  for (let i = 1; i < y.length && constant; i++) constant = y[i] === y[0];
  if (constant) return { mean: y[0], std: 0 };
  const { mean, std } = robustMoments(y);
  return { mean, std };
}
