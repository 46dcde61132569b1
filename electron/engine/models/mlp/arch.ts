import { UserError } from '../../util/errors.ts';
import type { MlpActivation } from './params.ts';

// The network's shape and weight layout: shared by training (network.ts, tfjs), the plain-JS forward
// pass (js-forward.ts) and the saved-model checks (pure: no tfjs here).

export const BN_EPSILON = 1e-3; // = tf.layers.batchNormalization's default, so exports match exactly
export const BN_MOMENTUM = 0.99;

export interface Architecture {
  /** Width of the row-major numeric input x. */
  numericWidth: number;
  /** Categorical columns fed through the shared embedding table (0 = no embedding input). */
  nCat: number;
  tableRows: number;
  embeddingDim: number;
  hidden: number[];
  activation: MlpActivation;
  batchNorm: boolean;
  dropout: number;
  /** 1 for binary (logit) and regression, k for multiclass. */
  outputs: number;
}

/**
 * Weight order everywhere (initialWeights, the model JSON, training variables): the embedding table
 * (if any), then per dense layer kernel [in, out], bias [out] and, for hidden layers with batch norm,
 * gamma, beta, moving mean, moving variance. The output layer is the last dense layer.
 */
export interface Grouped<T2, T1> {
  embedding?: T2;
  dense: { kernel: T2; bias: T1; bn?: { gamma: T1; beta: T1; mean: T1; variance: T1 } }[];
}

export function inputWidth(a: Architecture): number {
  return a.numericWidth + a.nCat * a.embeddingDim;
}

/** Groups a flat list (the weight order above) into layers. */
export function groupWeights<T2, T1>(a: Architecture, flat: unknown[]): Grouped<T2, T1> {
  let i = 0;
  const next = () => flat[i++];
  const embedding = a.nCat > 0 ? (next() as T2) : undefined;
  const dense: Grouped<T2, T1>['dense'] = [];
  for (let l = 0; l <= a.hidden.length; l++) {
    const kernel = next() as T2;
    const bias = next() as T1;
    const isOut = l === a.hidden.length;
    const bn = !isOut && a.batchNorm ? { gamma: next() as T1, beta: next() as T1, mean: next() as T1, variance: next() as T1 } : undefined;
    dense.push({ kernel, bias, bn });
  }
  if (i !== flat.length) throw new UserError('model_damaged', 'The saved neural network is damaged and cannot be loaded.');
  return { embedding, dense };
}

export function weightShapes(a: Architecture): number[][] {
  const out: number[][] = [];
  if (a.nCat > 0) out.push([a.tableRows, a.embeddingDim]);
  const sizes = [inputWidth(a), ...a.hidden, a.outputs];
  for (let l = 0; l + 1 < sizes.length; l++) {
    out.push([sizes[l], sizes[l + 1]], [sizes[l + 1]]);
    if (l + 2 < sizes.length && a.batchNorm) out.push([sizes[l + 1]], [sizes[l + 1]], [sizes[l + 1]], [sizes[l + 1]]);
  }
  return out;
}
