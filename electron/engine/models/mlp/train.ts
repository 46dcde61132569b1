import type { Scalar, Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { TfModule } from '../../tf/backend.ts';
import type { Task } from '../../../../shared/api.ts';
import type { FitProgress } from '../types.ts';
import { throwIfAborted } from '../../util/errors.ts';
import type { MlpParams } from './params.ts';
import { type Architecture, type Weights, BN_MOMENTUM, forward, groupWeights, initialWeights, rawOutputs } from './network.ts';
import { mulberry32, shuffleInPlace } from '../../util/random.ts';
import { JsAdam } from './adam.ts';

/** Rows as the network eats them; y is 0/1 (binary), the class index (multiclass) or the standardised value (regression). */
export interface TrainRows {
  n: number;
  x: Float32Array;
  cats?: Int32Array;
  y: Float32Array;
  w?: Float32Array;
}

export interface TrainOutcome {
  /** Final weights in the weight order (network.ts), as plain tensors the caller owns. */
  weights: Tensor[];
  epochsRun: number;
  bestEpoch: number;
  bestValidLoss?: number;
  /** Epochs after which reduce-on-plateau lowered the learning rate, up to bestEpoch. */
  lrDrops: number[];
  /** Training loss turned NaN/Infinity; the last good weights were kept. */
  diverged: boolean;
}

interface TrainCtx {
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

const LR_PLATEAU_FACTOR = 0.3;
const YIELD_EVERY_MS = 50; // so an abort from the UI is seen within a fraction of a second

/**
 * Mini-batch Adam (JS, see adam.ts) with seeded shuffling and dropout, early stopping on the validation rows with
 * the best weights restored, and no tensor left behind whatever happens (cancel, error, divergence).
 */
export async function trainNetwork(
  tf: TfModule,
  arch: Architecture,
  task: Task,
  params: MlpParams,
  train: TrainRows,
  valid: TrainRows | undefined,
  ctx: TrainCtx,
): Promise<TrainOutcome> {
  const init = initialWeights(arch, ctx.seed);
  // tf.variable copies its initial value, so the temporary tensor is disposed right away.
  const vars: Variable[] = init.map((w) => tf.tidy(() => tf.variable(tf.tensor(w.values, w.shape, 'float32'))));
  const w = groupWeights<Variable, Variable>(arch, vars) as unknown as Weights;
  const bnStats = new Set<Tensor>(w.dense.flatMap((d) => (d.bn ? [d.bn.mean, d.bn.variance] : [])));
  const trainIdx = vars.map((v, i) => (bnStats.has(v) ? -1 : i)).filter((i) => i >= 0);
  const trainable = trainIdx.map((i) => vars[i]);
  const kernels = new Set<Tensor>(w.dense.map((d) => d.kernel));
  const adam = new JsAdam(
    tf,
    trainable,
    trainIdx.map((i) => init[i].values),
    trainable.map((v) => kernels.has(v)),
    params.learningRate,
    params.weightDecay,
  );
  // Best weights so far, as arrays (all variables, BN statistics included); starts at the initial
  // weights, the fallback if training diverges at once.
  const readAll = (): Float32Array[] => vars.map((v) => (v.dataSync() as Float32Array).slice());
  let best: Float32Array[] = init.map((x) => x.values.slice());
  try {
    const rnd = mulberry32(ctx.seed ^ 0x9e3779b9);
    const n = train.n;
    const B = Math.max(1, Math.min(params.batchSize, n));
    const W = arch.numericWidth;
    const K = arch.nCat;
    const xb = new Float32Array(B * W);
    const cb = K > 0 ? new Int32Array(B * K) : undefined;
    const yb = new Float32Array(B);
    const wb = train.w ? new Float32Array(B) : undefined;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;

    let bestLoss = Infinity;
    let bestEpoch = 0;
    let wait = 0;
    let diverged = false;
    let epochsRun = 0;
    let step = 0;
    let lastYield = performance.now();
    const lrDrops: number[] = [];
    const replayDrops = valid && valid.n > 0 ? undefined : params.lrDrops;

    for (let epoch = 0; epoch < params.epochs && !diverged; epoch++) {
      shuffleInPlace(order, rnd);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < n; start += B) {
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((r) => setImmediate(r));
          lastYield = performance.now();
        }
        throwIfAborted(ctx.signal);
        const m = Math.min(B, n - start);
        for (let r = 0; r < m; r++) {
          const k = order[start + r];
          if (W > 0) xb.set(train.x.subarray(k * W, k * W + W), r * W);
          if (cb) cb.set(train.cats!.subarray(k * K, k * K + K), r * K);
          yb[r] = train.y[k];
          if (wb) wb[r] = train.w![k];
        }
        const moments: { mean: Tensor1D; variance: Tensor1D }[] = [];
        const seed = (ctx.seed * 1000003 + step++) >>> 0;
        let loss = NaN;
        tf.tidy(() => {
          const x = tf.tensor2d(m === B ? xb : xb.subarray(0, m * W), [m, W]);
          const c = cb ? (m === B ? cb : cb.subarray(0, m * K)) : undefined;
          const y = m === B ? yb : yb.subarray(0, m);
          const sw = wb ? (m === B ? wb : wb.subarray(0, m)) : undefined;
          const { value, grads } = tf.variableGrads(
            () => lossOp(tf, task, arch.outputs, forward(tf, arch, w, x, c, { training: true, dropoutSeed: seed, batchMoments: moments }), y, sw),
            trainable,
          );
          loss = value.dataSync()[0];
          if (Number.isFinite(loss)) adam.step(trainable.map((v) => grads[v.name]));
        });
        if (moments.length) {
          tf.tidy(() => {
            let i = 0;
            for (const d of w.dense) {
              if (!d.bn) continue;
              const mo = moments[i++];
              (d.bn.mean as unknown as Variable).assign(tf.add(tf.mul(d.bn.mean, BN_MOMENTUM), tf.mul(mo.mean, 1 - BN_MOMENTUM)));
              (d.bn.variance as unknown as Variable).assign(tf.add(tf.mul(d.bn.variance, BN_MOMENTUM), tf.mul(mo.variance, 1 - BN_MOMENTUM)));
            }
          });
          for (const mo of moments) tf.dispose([mo.mean, mo.variance]);
        }
        if (!Number.isFinite(loss)) {
          diverged = true;
          break;
        }
        lossSum += loss;
        batches++;
      }
      if (diverged) break;
      epochsRun = epoch + 1;

      let validLoss: number | undefined;
      let improved: boolean;
      if (valid && valid.n > 0) {
        validLoss = meanLoss(task, arch.outputs, rawOutputs(tf, arch, w, valid), valid);
        improved = Number.isFinite(validLoss) && (bestLoss === Infinity || validLoss < bestLoss - 1e-9 * Math.abs(bestLoss));
        if (improved) bestLoss = validLoss;
      } else {
        improved = true; // no validation rows: the latest finite epoch is the one to keep
        if (replayDrops?.includes(epochsRun)) adam.lr *= LR_PLATEAU_FACTOR;
      }
      if (improved) {
        bestEpoch = epochsRun;
        wait = 0;
        best = readAll();
      } else {
        wait++;
        // Reduce-on-plateau: a stalled validation loss often improves again with a smaller step.
        if (wait % Math.max(1, Math.ceil(params.patience / 2)) === 0) {
          adam.lr *= LR_PLATEAU_FACTOR;
          lrDrops.push(epochsRun);
        }
      }
      ctx.onProgress?.({
        fraction: epochsRun / params.epochs,
        message: `Epoch ${epochsRun} of ${params.epochs}, training loss ${(lossSum / Math.max(1, batches)).toFixed(4)}`,
        validLoss,
      });
      if (wait >= params.patience) break;
    }
    const weights = best.map((values, i) => tf.tensor(values, init[i].shape, 'float32'));
    return { weights, epochsRun, bestEpoch, bestValidLoss: Number.isFinite(bestLoss) ? bestLoss : undefined, diverged, lrDrops: lrDrops.filter((e) => e < bestEpoch) };
  } finally {
    tf.dispose(vars);
  }
}

/**
 * Mean (or weighted mean) training loss of raw outputs z [m × k], as a custom-gradient op whose value
 * and gradient are computed in JS: one read of z and two small tensors, instead of ~30 tiny tfjs
 * kernels (forward + autodiff) per step. Losses: sigmoid cross-entropy from logits (binary), softmax
 * cross-entropy (multiclass), squared error on the standardised target (regression).
 */
export function lossOp(tf: TfModule, task: Task, k: number, z: Tensor2D, y: Float32Array, w: Float32Array | undefined): Scalar {
  const m = z.shape[0];
  const op = tf.customGrad(((zt: Tensor) => {
    const zv = zt.dataSync() as Float32Array;
    let wsum = 0;
    for (let i = 0; i < m; i++) wsum += w ? w[i] : 1;
    const inv = wsum > 0 ? 1 / wsum : 0;
    const g = new Float32Array(m * k);
    let loss = 0;
    for (let i = 0; i < m; i++) {
      const c = (w ? w[i] : 1) * inv;
      if (task === 'binary') {
        const v = zv[i];
        loss += c * (Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v))));
        g[i] = c * (1 / (1 + Math.exp(-v)) - y[i]);
      } else if (task === 'multiclass') {
        let mx = -Infinity;
        for (let j = 0; j < k; j++) mx = Math.max(mx, zv[i * k + j]);
        let se = 0;
        for (let j = 0; j < k; j++) se += Math.exp(zv[i * k + j] - mx);
        const yi = y[i];
        loss += c * (mx + Math.log(se) - zv[i * k + yi]);
        for (let j = 0; j < k; j++) g[i * k + j] = c * (Math.exp(zv[i * k + j] - mx) / se - (j === yi ? 1 : 0));
      } else {
        const d = zv[i] - y[i];
        loss += c * d * d;
        g[i] = c * 2 * d;
      }
    }
    return { value: tf.scalar(loss), gradFunc: (dy: Tensor) => [tf.mul(tf.tensor2d(g, [m, k]), dy)] };
  }) as unknown as Parameters<TfModule['customGrad']>[0]) as unknown as (z: Tensor) => Scalar;
  return op(z);
}

/** The same loss as lossOp, on raw outputs (float64), for early stopping on the validation rows. */
export function meanLoss(task: Task, k: number, z: Float32Array, rows: TrainRows): number {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < rows.n; i++) {
    let l: number;
    const y = rows.y[i];
    if (task === 'binary') {
      const v = z[i];
      l = Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
    } else if (task === 'multiclass') {
      let mx = -Infinity;
      for (let j = 0; j < k; j++) mx = Math.max(mx, z[i * k + j]);
      let se = 0;
      for (let j = 0; j < k; j++) se += Math.exp(z[i * k + j] - mx);
      l = mx + Math.log(se) - z[i * k + y];
    } else {
      l = (z[i] - y) ** 2;
    }
    const wi = rows.w ? rows.w[i] : 1;
    s += wi * l;
    ws += wi;
  }
  return ws > 0 ? s / ws : NaN;
}
