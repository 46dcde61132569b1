import type { Tensor, Variable } from '@tensorflow/tfjs';
import type { TfModule } from '../../tf/backend.ts';

// Adam (+ decoupled weight decay) with its state in plain Float32Arrays.
// Why not tf.train.adam: it runs ~13 tiny tfjs kernels per variable per step, and on tabular-sized
// networks that dispatch overhead is ~30 % of a training step; here each variable costs one read of
// its gradient, one JS loop and one write. The master copy of every weight lives here too, so
// snapshots for early stopping are array copies, and there is no optimizer state to leak.

export class JsAdam {
  readonly values: Float32Array[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    private readonly tf: TfModule,
    private readonly vars: Variable[],
    initial: Float32Array[],
    /** Per variable: whether weight decay applies (dense kernels only). */
    private readonly decay: boolean[],
    /** Mutable: training lowers it when the validation loss stalls. */
    public lr: number,
    private readonly weightDecay = 0,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7, // tf.train.adam's default on every backend
  ) {
    this.values = initial.map((a) => a.slice());
    this.m = initial.map((a) => new Float32Array(a.length));
    this.v = initial.map((a) => new Float32Array(a.length));
  }

  /** One update from gradients given in the same order as the variables; writes the new values into the variables. */
  step(grads: Tensor[]): void {
    const { tf, beta1: b1, beta2: b2, epsilon: eps } = this;
    this.t++;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const stepSize = this.lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    const decayFactor = 1 - this.lr * this.weightDecay;
    for (let k = 0; k < this.vars.length; k++) {
      const g = grads[k].dataSync() as Float32Array;
      const p = this.values[k], m = this.m[k], v = this.v[k];
      const wd = this.decay[k] && this.weightDecay > 0;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
        let pi = p[i];
        if (wd) pi *= decayFactor;
        p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / sqrtC2 + eps);
      }
      const t = tf.tensor(p.slice(), this.vars[k].shape, 'float32'); // a copy: the cpu backend would keep a reference
      this.vars[k].assign(t);
      t.dispose();
    }
  }
}
