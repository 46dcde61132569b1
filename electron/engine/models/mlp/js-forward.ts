import { type Architecture, BN_EPSILON, type Grouped, groupWeights } from './arch.ts';

// The inference pass in plain JS, for a handful of rows (an app form, an API call). Each tfjs kernel
// call costs ~5–20 µs of fixed overhead, which for one row is more than the arithmetic itself:
// this path predicts one row of a 40→128→128→128→1 net in ~30 µs instead of ~55 µs. It computes
// the same function as network.forward (float64 accumulation, so results agree to ~1e-6).

export const JS_FORWARD_MAX_ROWS = 8;

interface W1 {
  shape: number[];
  values: Float32Array;
}

export class JsForward {
  private readonly g: Grouped<W1, W1>;
  private readonly bufs: Float64Array[];

  constructor(
    private readonly a: Architecture,
    weights: W1[],
  ) {
    this.g = groupWeights<W1, W1>(a, weights);
    const width = a.numericWidth + a.nCat * a.embeddingDim;
    this.bufs = [width, ...a.hidden, a.outputs].map((s) => new Float64Array(s));
  }

  /** Raw outputs [n × outputs], like network.rawOutputs. */
  run(input: { n: number; x: Float32Array; cats?: Int32Array }): Float32Array {
    const { a, g, bufs } = this;
    const out = new Float32Array(input.n * a.outputs);
    const W = a.numericWidth;
    const d = a.embeddingDim;
    for (let r = 0; r < input.n; r++) {
      const h0 = bufs[0];
      for (let j = 0; j < W; j++) h0[j] = input.x[r * W + j];
      if (g.embedding && input.cats) {
        const table = g.embedding.values;
        const rows = g.embedding.shape[0];
        for (let c = 0; c < a.nCat; c++) {
          const code = input.cats[r * a.nCat + c];
          const o = W + c * d;
          if (code < 0 || code >= rows) for (let j = 0; j < d; j++) h0[o + j] = 0;
          else for (let j = 0; j < d; j++) h0[o + j] = table[code * d + j];
        }
      }
      for (let l = 0; l < g.dense.length; l++) {
        const inp = bufs[l];
        const z = bufs[l + 1];
        const layer = g.dense[l];
        const K = layer.kernel.values;
        const nOut = z.length;
        z.set(layer.bias.values);
        for (let k = 0; k < inp.length; k++) {
          const v = inp[k];
          if (v === 0) continue; // ReLU zeros are common
          const o = k * nOut;
          for (let j = 0; j < nOut; j++) z[j] += v * K[o + j];
        }
        if (l === g.dense.length - 1) break;
        if (layer.bn) {
          const { gamma, beta, mean, variance } = layer.bn;
          for (let j = 0; j < nOut; j++) z[j] = ((z[j] - mean.values[j]) / Math.sqrt(variance.values[j] + BN_EPSILON)) * gamma.values[j] + beta.values[j];
        }
        activateInPlace(a.activation, z);
      }
      out.set(bufs[bufs.length - 1], r * a.outputs);
    }
    return out;
  }
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function activateInPlace(act: Architecture['activation'], z: Float64Array): void {
  for (let j = 0; j < z.length; j++) {
    const v = z[j];
    switch (act) {
      case 'relu':
        z[j] = v > 0 ? v : 0;
        break;
      case 'tanh':
        z[j] = Math.tanh(v);
        break;
      case 'selu':
        z[j] = SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
        break;
      case 'swish':
        z[j] = v / (1 + Math.exp(-v));
        break;
      case 'gelu':
        z[j] = 0.5 * v * (1 + erf(v / Math.SQRT2));
        break;
    }
  }
}

/** erf with |error| < 1.2e-7 (Numerical Recipes' Chebyshev fit of erfc). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}
