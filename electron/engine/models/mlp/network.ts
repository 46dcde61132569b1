import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { TfModule } from '../../tf/backend.ts';
import type { MlpActivation } from './params.ts';
import { type Architecture, BN_EPSILON, type Grouped, inputWidth } from './arch.ts';
import { mulberry32, gaussian } from '../../util/random.ts';

// The network as plain tensors, with our own forward pass and hand-written gradients.
// Why not tf.layers + model.fit: on the wasm backend, tf.matMul with transposeA/transposeB (what the
// built-in dense gradient uses) runs ~10x slower than a plain matMul of an explicitly transposed
// tensor, so dense layers carry a custom gradient with explicit transposes; batch norm and the
// embedding lookup get closed-form gradients for similar reasons (see each function). Together with
// the JS loss (train.ts) and JS Adam (adam.ts) this trains ~5x faster than model.fit on wasm.
// test/models/mlp-gradients.test.ts checks every custom gradient against tfjs autodiff, and
// export.ts rebuilds the same network from standard tfjs layers.

/** Seeded initial weights as plain arrays (deterministic on every backend). */
export function initialWeights(a: Architecture, seed: number): { shape: number[]; values: Float32Array }[] {
  const rnd = mulberry32(seed);
  const out: { shape: number[]; values: Float32Array }[] = [];
  if (a.nCat > 0) {
    const v = new Float32Array(a.tableRows * a.embeddingDim);
    // N(0, 0.3²): large enough that an all-categorical input trains quickly (±0.05, the Keras default, stalled),
    // small enough not to drown the standardised numerics in random directions at the start.
    for (let i = 0; i < v.length; i++) v[i] = gaussian(rnd) * 0.3;
    out.push({ shape: [a.tableRows, a.embeddingDim], values: v });
  }
  const sizes = [inputWidth(a), ...a.hidden, a.outputs];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = Math.max(1, sizes[l]);
    const fanOut = sizes[l + 1];
    const isOut = l + 1 === sizes.length - 1;
    const k = new Float32Array(sizes[l] * fanOut);
    if (!isOut && a.activation === 'selu') {
      const sd = Math.sqrt(1 / fanIn); // LeCun normal keeps SELU self-normalising
      for (let i = 0; i < k.length; i++) k[i] = gaussian(rnd) * sd;
    } else {
      // He uniform for the ReLU family, Glorot uniform for tanh and the output layer.
      const lim = !isOut && a.activation !== 'tanh' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < k.length; i++) k[i] = (rnd() * 2 - 1) * lim;
    }
    out.push({ shape: [sizes[l], fanOut], values: k });
    out.push({ shape: [fanOut], values: new Float32Array(fanOut) });
    if (!isOut && a.batchNorm) {
      out.push({ shape: [fanOut], values: new Float32Array(fanOut).fill(1) }); // gamma
      out.push({ shape: [fanOut], values: new Float32Array(fanOut) }); // beta
      out.push({ shape: [fanOut], values: new Float32Array(fanOut) }); // moving mean
      out.push({ shape: [fanOut], values: new Float32Array(fanOut).fill(1) }); // moving variance
    }
  }
  return out;
}

export interface ForwardOptions {
  training: boolean;
  /** Training only: seed for this step's dropout masks. */
  dropoutSeed?: number;
  /** Training with batch norm: receives each BN layer's batch mean/variance (kept, caller disposes). */
  batchMoments?: { mean: Tensor1D; variance: Tensor1D }[];
}

type DenseFn = (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor2D;

/** Dense ops with explicit-transpose gradients, built once per tf module. */
export interface DenseOps {
  /** x·W + b, gradient for x, W and b. */
  linear: DenseFn;
  /** Same, but x is a constant input: its gradient is skipped (returned as zeros). */
  linearNoDx: DenseFn;
  /** relu(x·W + b) as one fused forward kernel. */
  relu: DenseFn;
  reluNoDx: DenseFn;
}

const opsCache = new WeakMap<object, DenseOps>();

export function denseOps(tf: TfModule): DenseOps {
  const cached = opsCache.get(tf);
  if (cached) return cached;
  const make = (act: 'linear' | 'relu', needDx: boolean): DenseFn =>
    tf.customGrad(((x: Tensor, w: Tensor, b: Tensor, save: (ts: Tensor[]) => void) => {
      const xx = x as Tensor2D;
      const ww = w as Tensor2D;
      const value =
        act === 'relu' ? tf.fused.matMul({ a: xx, b: ww, bias: b as Tensor1D, activation: 'relu' }) : tf.add(tf.matMul(xx, ww), b as Tensor1D);
      save(act === 'relu' ? [xx, ww, value] : [xx, ww]);
      return {
        value,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [xs, ws, ys] = saved as Tensor2D[];
          const g = act === 'relu' ? tf.mul(dy, tf.step(ys)) : (dy as Tensor2D);
          const dx = needDx ? tf.matMul(g, tf.transpose(ws)) : tf.zerosLike(xs);
          // Bias gradient as ones·g: a tiny matMul beats the wasm Sum over axis 0 (which transposes first).
          const db = tf.reshape(tf.matMul(tf.ones([1, g.shape[0]]), g), [-1]);
          return [dx, tf.matMul(tf.transpose(xs), g), db];
        },
      };
    }) as unknown as Parameters<TfModule['customGrad']>[0]) as unknown as DenseFn;
  const ops: DenseOps = { linear: make('linear', true), linearNoDx: make('linear', false), relu: make('relu', true), reluNoDx: make('relu', false) };
  opsCache.set(tf, ops);
  return ops;
}

/**
 * Embedding lookup done in JS with a JS segment-sum gradient: the codes are already in JS, and
 * tf.gather on wasm costs ~0.2 ms per call in bounds checks alone (plus its gradient, which
 * needs the UnsortedSegmentSum kernel wasm lacks). Output [n, nCat·dim], rows of the shared table.
 */
function embed(tf: TfModule, table: Tensor2D, codes: Int32Array, n: number, k: number, d: number, training: boolean): Tensor2D {
  const rows = table.shape[0];
  const tv = table.dataSync() as Float32Array;
  const out = new Float32Array(n * k * d);
  for (let i = 0; i < n * k; i++) {
    const src = codes[i] * d;
    if (src < 0 || src >= rows * d) continue; // cannot happen with preprocessor output; zeros are a safe answer
    for (let j = 0; j < d; j++) out[i * d + j] = tv[src + j];
  }
  if (!training) return tf.tensor2d(out, [n, k * d]);
  const op = tf.customGrad(((_table: Tensor) => ({
    value: tf.tensor2d(out, [n, k * d]),
    gradFunc: (dy: Tensor) => {
      const g = dy.dataSync() as Float32Array;
      const gt = new Float32Array(rows * d);
      for (let i = 0; i < n * k; i++) {
        const dst = codes[i] * d;
        if (dst < 0 || dst >= rows * d) continue;
        for (let j = 0; j < d; j++) gt[dst + j] += g[i * d + j];
      }
      return [tf.tensor2d(gt, [rows, d])];
    },
  })) as unknown as Parameters<TfModule['customGrad']>[0]) as unknown as (t: Tensor) => Tensor2D;
  return op(table);
}

/**
 * Training-mode batch normalisation with a closed-form custom gradient. The column sums are
 * ones·X matMuls: tfjs' moments/batchNorm gradient reduce over axis 0, which wasm does by
 * transposing first, and made a BN layer cost ~3x a dense layer. The batch mean/variance are
 * handed out (kept) for the running statistics.
 */
export function batchNormTrain(tf: TfModule, z: Tensor2D, gamma: Tensor1D, beta: Tensor1D, moments?: { mean: Tensor1D; variance: Tensor1D }[]): Tensor2D {
  const m = z.shape[0];
  const colSum = (t: Tensor2D) => tf.reshape(tf.matMul(tf.ones([1, m]), t), [-1]) as Tensor1D;
  const op = tf.customGrad(((zt: Tensor, g: Tensor, b: Tensor, save: (ts: Tensor[]) => void) => {
    const x = zt as Tensor2D;
    const mean = tf.div(colSum(x), m) as Tensor1D;
    const xc = tf.sub(x, mean) as Tensor2D;
    const variance = tf.div(colSum(tf.square(xc)), m) as Tensor1D;
    const rstd = tf.rsqrt(tf.add(variance, BN_EPSILON));
    const xhat = tf.mul(xc, rstd) as Tensor2D;
    moments?.push({ mean: tf.keep(mean), variance: tf.keep(variance) });
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xh, rs, gm] = saved as [Tensor2D, Tensor1D, Tensor1D];
        const dyy = dy as Tensor2D;
        const dxhat = tf.mul(dyy, gm) as Tensor2D;
        const s1 = colSum(dxhat);
        const s2 = colSum(tf.mul(dxhat, xh) as Tensor2D);
        const dz = tf.mul(tf.div(rs, m), tf.sub(tf.sub(tf.mul(dxhat, m), s1), tf.mul(xh, s2)));
        return [dz, colSum(tf.mul(dyy, xh) as Tensor2D), colSum(dyy)];
      },
    };
  }) as unknown as Parameters<TfModule['customGrad']>[0]) as unknown as (z: Tensor, g: Tensor, b: Tensor) => Tensor2D;
  return op(z, gamma, beta);
}

function inferenceOps(tf: TfModule): DenseOps {
  const linear: DenseFn = (x, w, b) => tf.fused.matMul({ a: x, b: w, bias: b }) as Tensor2D;
  const relu: DenseFn = (x, w, b) => tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' }) as Tensor2D;
  return { linear, linearNoDx: linear, relu, reluNoDx: relu };
}

export function activate(tf: TfModule, act: MlpActivation, z: Tensor2D): Tensor2D {
  switch (act) {
    case 'relu':
      return tf.relu(z);
    case 'selu':
      return tf.selu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'swish':
      return tf.mul(tf.sigmoid(z), z); // = tf.layers 'swish'
    case 'gelu':
      return tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2))))); // = tf.layers 'gelu'
  }
}

/** Raw network output (logits / standardised regression value), shape [n, outputs]. */
export function forward(
  tf: TfModule,
  a: Architecture,
  w: Weights,
  x: Tensor2D,
  /** Row-major [n × nCat] embedding-table rows, from the preprocessor. */
  cats: Int32Array | undefined,
  opt: ForwardOptions,
): Tensor2D {
  // Inference needs no gradients: plain fused kernels, without the custom-gradient bookkeeping.
  const ops: DenseOps = opt.training ? denseOps(tf) : inferenceOps(tf);
  const n = x.shape[0];
  let h: Tensor2D = x;
  let inputIsConst = true;
  if (a.nCat > 0 && w.embedding && cats) {
    const e = embed(tf, w.embedding, cats, n, a.nCat, a.embeddingDim, opt.training);
    h = a.numericWidth > 0 ? (tf.concat([x, e], 1) as Tensor2D) : e;
    inputIsConst = false;
  }
  const last = w.dense.length - 1;
  w.dense.forEach((d, l) => {
    const noDx = inputIsConst && l === 0;
    if (l === last) {
      h = (noDx ? ops.linearNoDx : ops.linear)(h, d.kernel, d.bias);
      return;
    }
    if (d.bn) {
      let z = (noDx ? ops.linearNoDx : ops.linear)(h, d.kernel, d.bias);
      if (opt.training) {
        z = batchNormTrain(tf, z, d.bn.gamma, d.bn.beta, opt.batchMoments);
      } else {
        z = tf.batchNorm(z, d.bn.mean, d.bn.variance, d.bn.beta, d.bn.gamma, BN_EPSILON) as Tensor2D;
      }
      h = activate(tf, a.activation, z);
    } else if (a.activation === 'relu') {
      h = (noDx ? ops.reluNoDx : ops.relu)(h, d.kernel, d.bias);
    } else {
      h = activate(tf, a.activation, (noDx ? ops.linearNoDx : ops.linear)(h, d.kernel, d.bias));
    }
    if (opt.training && a.dropout > 0) h = tf.dropout(h, a.dropout, undefined, (opt.dropoutSeed ?? 0) + l) as Tensor2D;
  });
  return h;
}

/** Inference over many rows in chunks (bounded memory); returns row-major [n × outputs] raw outputs. */
export function rawOutputs(
  tf: TfModule,
  a: Architecture,
  w: Weights,
  input: { n: number; x: Float32Array; cats?: Int32Array },
  chunk = 8192,
): Float32Array {
  const out = new Float32Array(input.n * a.outputs);
  for (let from = 0; from < input.n; from += chunk) {
    const m = Math.min(chunk, input.n - from);
    // tidy must return the tensor, not its typed array (tidy walks returned containers element by element).
    const t = tf.tidy(() => {
      const x = tf.tensor2d(input.x.subarray(from * a.numericWidth, (from + m) * a.numericWidth), [m, a.numericWidth]);
      const c = input.cats ? input.cats.subarray(from * a.nCat, (from + m) * a.nCat) : undefined;
      return forward(tf, a, w, x, c, { training: false });
    });
    try {
      out.set(t.dataSync() as Float32Array, from * a.outputs);
    } finally {
      t.dispose();
    }
  }
  return out;
}

/** Shapes of all weights, in the weight order. */

export { type Architecture, BN_EPSILON, BN_MOMENTUM, type Grouped, groupWeights, inputWidth, weightShapes } from './arch.ts';
export type Weights = Grouped<Tensor2D, Tensor1D>;
