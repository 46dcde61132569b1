import { describe, expect, it } from 'vitest';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { loadTf } from '../../electron/engine/tf/backend.ts';
import { batchNormTrain, BN_EPSILON, denseOps } from '../../electron/engine/models/mlp/network.ts';
import { lossOp } from '../../electron/engine/models/mlp/train.ts';

// The MLP trains through hand-written gradients (for wasm speed). Each one must equal what tfjs'
// own autodiff gives for the textbook formula, or the network would silently learn the wrong thing.

function maxDiff(a: Tensor, b: Tensor): number {
  const x = a.dataSync(), y = b.dataSync();
  expect(x.length).toBe(y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

describe('mlp custom gradients equal autodiff', () => {
  it('dense layers (linear and fused relu, with and without the input gradient)', async () => {
    const { tf } = await loadTf();
    const ops = denseOps(tf);
    tf.tidy(() => {
      const x = tf.randomNormal([33, 7], 0, 1, 'float32', 1) as Tensor2D;
      const w = tf.randomNormal([7, 5], 0, 1, 'float32', 2) as Tensor2D;
      const b = tf.randomNormal([5], 0, 1, 'float32', 3) as Tensor1D;
      const up = tf.randomNormal([33, 5], 0, 1, 'float32', 4);
      const cases: [string, typeof ops.linear, (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor, boolean][] = [
        ['linear', ops.linear, (x, w, b) => tf.add(tf.matMul(x, w), b), true],
        ['relu', ops.relu, (x, w, b) => tf.relu(tf.add(tf.matMul(x, w), b)), true],
        ['linearNoDx', ops.linearNoDx, (x, w, b) => tf.add(tf.matMul(x, w), b), false],
        ['reluNoDx', ops.reluNoDx, (x, w, b) => tf.relu(tf.add(tf.matMul(x, w), b)), false],
      ];
      for (const [, mine, ref, hasDx] of cases) {
        const f = (fn: (x: Tensor2D, w: Tensor2D, b: Tensor1D) => Tensor) => (x: Tensor, w: Tensor, b: Tensor) => tf.sum(tf.mul(fn(x as Tensor2D, w as Tensor2D, b as Tensor1D), up));
        const g1 = tf.grads(f(mine))([x, w, b]);
        const g2 = tf.grads(f(ref))([x, w, b]);
        expect(maxDiff(mine(x, w, b), ref(x, w, b))).toBeLessThan(1e-5);
        if (hasDx) expect(maxDiff(g1[0], g2[0])).toBeLessThan(1e-4);
        expect(maxDiff(g1[1], g2[1])).toBeLessThan(1e-4);
        expect(maxDiff(g1[2], g2[2])).toBeLessThan(1e-4);
      }
    });
  });

  it('batch normalisation in training mode, and it reports the batch statistics', async () => {
    const { tf } = await loadTf();
    tf.tidy(() => {
      const z = tf.add(tf.mul(tf.randomNormal([40, 6], 0, 1, 'float32', 5), 3), 2) as Tensor2D;
      const gamma = tf.randomNormal([6], 1, 0.2, 'float32', 6) as Tensor1D;
      const beta = tf.randomNormal([6], 0, 1, 'float32', 7) as Tensor1D;
      const up = tf.randomNormal([40, 6], 0, 1, 'float32', 8);
      const ref = (z: Tensor, g: Tensor, b: Tensor) => {
        const m = tf.moments(z, 0);
        return tf.batchNorm(z as Tensor2D, m.mean, m.variance, b as Tensor1D, g as Tensor1D, BN_EPSILON);
      };
      const moments: { mean: Tensor1D; variance: Tensor1D }[] = [];
      const mine = (z: Tensor, g: Tensor, b: Tensor) => batchNormTrain(tf, z as Tensor2D, g as Tensor1D, b as Tensor1D, moments);
      expect(maxDiff(mine(z, gamma, beta), ref(z, gamma, beta))).toBeLessThan(1e-4);
      const wrap = (fn: typeof ref) => (z: Tensor, g: Tensor, b: Tensor) => tf.sum(tf.mul(fn(z, g, b), up));
      const g1 = tf.grads(wrap(mine))([z, gamma, beta]);
      const g2 = tf.grads(wrap(ref))([z, gamma, beta]);
      for (let i = 0; i < 3; i++) expect(maxDiff(g1[i], g2[i])).toBeLessThan(1e-3);
      const m = tf.moments(z, 0);
      expect(maxDiff(moments[0].mean, m.mean)).toBeLessThan(1e-4);
      expect(maxDiff(moments[0].variance, m.variance)).toBeLessThan(1e-3);
      for (const mo of moments) tf.dispose([mo.mean, mo.variance]);
    });
  });

  it('losses (binary, multiclass, regression; with row weights)', async () => {
    const { tf } = await loadTf();
    tf.tidy(() => {
      const n = 12;
      const yb = Float32Array.from({ length: n }, (_, i) => i % 2);
      const yc = Float32Array.from({ length: n }, (_, i) => i % 3);
      const yr = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
      const w = Float32Array.from({ length: n }, (_, i) => 1 + (i % 4));
      const cases = [
        { task: 'binary' as const, k: 1, y: yb, ref: (z: Tensor) => tf.add(tf.sub(tf.relu(z), tf.mul(z, tf.tensor2d(yb, [n, 1]))), tf.log1p(tf.exp(tf.neg(tf.abs(z))))) },
        { task: 'multiclass' as const, k: 3, y: yc, ref: (z: Tensor) => tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(yc, 'int32'), 3), tf.logSoftmax(z)), 1, true)) },
        { task: 'regression' as const, k: 1, y: yr, ref: (z: Tensor) => tf.square(tf.sub(z, tf.tensor2d(yr, [n, 1]))) },
      ];
      for (const c of cases) {
        const z = tf.randomNormal([n, c.k], 0, 2, 'float32', 9) as Tensor2D;
        for (const weights of [undefined, w]) {
          const wt = tf.tensor2d(weights ?? new Float32Array(n).fill(1), [n, 1]);
          const ref = (z: Tensor) => tf.div(tf.sum(tf.mul(c.ref(z), wt)), tf.sum(wt));
          const mine = (z: Tensor) => lossOp(tf, c.task, c.k, z as Tensor2D, c.y, weights);
          expect(Math.abs(mine(z).dataSync()[0] - ref(z).dataSync()[0])).toBeLessThan(1e-5);
          expect(maxDiff(tf.grad(mine)(z), tf.grad(ref)(z))).toBeLessThan(1e-5);
        }
      }
    });
  });
});
