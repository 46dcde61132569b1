import type { TaskInfo } from '../types.ts';
import { UserError } from '../../util/errors.ts';

export type MlpActivation = 'relu' | 'gelu' | 'selu' | 'tanh' | 'swish';
export const MLP_ACTIVATIONS: readonly MlpActivation[] = ['relu', 'gelu', 'selu', 'tanh', 'swish'];

/** Hyper-parameters of one multilayer perceptron; everything NAS may vary. */
export interface MlpParams {
  /** Hidden layer widths, input side first, e.g. [128, 128]. Empty = a (generalised) linear model. */
  layers: number[];
  activation: MlpActivation;
  /** Dropout rate after each hidden layer, 0 = off. */
  dropout: number;
  /** Batch normalisation between each hidden dense layer and its activation. */
  batchNorm: boolean;
  /** Adam learning rate. */
  learningRate: number;
  batchSize: number;
  /** Maximum number of passes over the training rows. */
  epochs: number;
  /** Stop after this many epochs without a better validation loss (needs ctx.valid); best weights are restored. */
  patience: number;
  /**
   * Without validation rows: epochs after which the learning rate drops, as reduce-on-plateau did in
   * an earlier fit of this configuration (see ModelFamily.replayLength).
   */
  lrDrops?: number[];
  /** Width of each categorical column's embedding, or 'onehot' to feed indicator columns instead. */
  embeddingDim: number | 'onehot';
  /** Decoupled (AdamW-style) weight decay on the dense kernels, 0 = off. */
  weightDecay: number;
  /** Numeric inputs: 'standard' = (x - mean) / sd, clipped; 'quantile' = rank-based to a normal shape (robust to skew and outliers). */
  numericScaling: 'standard' | 'quantile';
}

/** One-hot wider than this (sum over categorical columns) would be slow; such data uses embeddings instead. */
export const MAX_ONEHOT_WIDTH = 512;

/** Defaults that train well in reasonable time for most tabular sets of this shape. */
export function mlpDefaults(task: TaskInfo, shape: { nRows: number; nFeatures: number }): MlpParams {
  const n = Math.max(1, shape.nRows);
  const width = n < 2000 ? 64 : n < 20000 ? 128 : 256;
  const batchSize = clampPow2(n / 30, 32, 512);
  // About 1.5M row-passes in total (tens of seconds at wasm speed), at least 10 and at most 200 epochs.
  const epochs = Math.round(Math.min(200, Math.max(10, 1.5e6 / n)));
  return {
    layers: [width, width],
    activation: 'relu',
    dropout: n < 5000 ? 0.2 : 0.1,
    batchNorm: false,
    learningRate: 1e-3,
    batchSize,
    epochs,
    patience: Math.max(10, Math.round(epochs / 10)),
    embeddingDim: 8,
    weightDecay: n < 5000 ? 1e-4 : 0,
    // Measured on the developers' datasets: rank-based scaling helped the classifiers (skewed money
    // and count columns), plain standardising the smooth regressions (diamonds); both are searchable.
    numericScaling: task.task === 'regression' ? 'standard' : 'quantile',
  };
}

function clampPow2(x: number, lo: number, hi: number): number {
  const p = 2 ** Math.round(Math.log2(Math.max(1, x)));
  return Math.min(hi, Math.max(lo, p));
}

/** Fills gaps from defaults and rejects impossible values with one plain sentence. */
export function resolveParams(p: Partial<MlpParams>, base: MlpParams): MlpParams {
  const r: MlpParams = { ...base, ...stripUndefined(p) };
  const bad = (what: string) => {
    throw new UserError('mlp_bad_params', `The neural network setting "${what}" is not valid.`);
  };
  if (!Array.isArray(r.layers) || r.layers.length > 16 || r.layers.some((w) => !Number.isInteger(w) || w < 1 || w > 8192)) bad('layers');
  if (!MLP_ACTIVATIONS.includes(r.activation)) bad('activation');
  if (!(r.dropout >= 0 && r.dropout < 1)) bad('dropout');
  if (!(r.learningRate > 0 && r.learningRate < 10)) bad('learningRate');
  if (!Number.isInteger(r.batchSize) || r.batchSize < 1) bad('batchSize');
  if (!Number.isInteger(r.epochs) || r.epochs < 1) bad('epochs');
  if (!Number.isInteger(r.patience) || r.patience < 1) bad('patience');
  if (r.embeddingDim !== 'onehot' && !(Number.isInteger(r.embeddingDim) && r.embeddingDim >= 1 && r.embeddingDim <= 256)) bad('embeddingDim');
  if (!(r.weightDecay >= 0 && r.weightDecay < 1)) bad('weightDecay');
  if (r.numericScaling !== 'standard' && r.numericScaling !== 'quantile') bad('numericScaling');
  if (r.lrDrops !== undefined && (!Array.isArray(r.lrDrops) || r.lrDrops.some((e) => !Number.isInteger(e) || e < 1))) bad('lrDrops');
  r.batchNorm = Boolean(r.batchNorm);
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Ranges that are worth searching (for NAS / Bayesian optimisation); outside them training is
 * usually slow or unstable on tabular data. Widths are per hidden layer.
 */
export const MLP_SEARCH_RANGES = {
  depth: [1, 4],
  width: [32, 512],
  activation: MLP_ACTIVATIONS,
  dropout: [0, 0.5],
  batchNorm: [false, true],
  learningRate: [3e-4, 1e-2], // log scale
  batchSize: [32, 1024], // powers of two
  embeddingDim: [2, 32], // 'onehot' is the other choice
  weightDecay: [0, 1e-3],
  patience: [5, 30],
  numericScaling: ['standard', 'quantile'],
} as const;

/**
 * Rough single-thread training time on wasm for a full run of `epochs` (early stopping usually ends
 * sooner), for budgeting a search. From measured costs on a 2-core machine: ~12 GFLOP/s in the
 * matMuls (forward + backward ≈ 3× the forward FLOPs) plus ~1 ms fixed overhead per batch.
 * nFeatures = network input width (a categorical column counts embeddingDim, or its levels for one-hot).
 * Within ~30 % of measured CPU time on the bench sets.
 */
export function estimateFitSeconds(p: Pick<MlpParams, 'layers' | 'batchSize' | 'epochs'>, shape: { nRows: number; nFeatures: number }): number {
  const sizes = [Math.max(1, shape.nFeatures), ...p.layers, 1];
  let flopsPerRow = 0;
  for (let l = 0; l + 1 < sizes.length; l++) flopsPerRow += 2 * sizes[l] * sizes[l + 1];
  const stepsPerEpoch = Math.ceil(shape.nRows / Math.max(1, p.batchSize));
  const perEpoch = (3 * flopsPerRow * shape.nRows) / 12e9 + stepsPerEpoch * 1e-3;
  return perEpoch * p.epochs;
}
