import type { Design } from './design.ts';
import type { Objective } from './lbfgs.ts';

/**
 * Penalised mean loss of a linear model over a Design, with its gradient.
 *   F(x) = (1/W) * sum_i w_i * loss_i  +  (l2 / (2W)) * ||coefficients||^2
 * (W = sum of row weights; intercepts unpenalised). With l2 = 1 the minimiser equals scikit-learn's
 * LogisticRegression(C=1) and Ridge(alpha=1) (the latter on the standardised target, see index.ts).
 *
 * Parameters: K blocks of (p coefficients + 1 intercept); K = 1 for binary/regression, k for softmax.
 * Linear predictors are stored class-major: eta[c * n + i].
 */
export type LossKind = 'logistic' | 'softmax' | 'squared';

export class LinearObjective implements Objective {
  readonly eta: Float64Array;
  private readonly resid: Float64Array;
  private readonly wSum: number;

  constructor(
    private readonly design: Design,
    private readonly loss: LossKind,
    private readonly K: number,
    private readonly y: Float64Array,
    private readonly rowWeights: Float64Array | undefined,
    private readonly l2: number,
  ) {
    this.eta = new Float64Array(design.n * K);
    this.resid = new Float64Array(design.n * K);
    let w = design.n;
    if (rowWeights) { w = 0; for (let i = 0; i < rowWeights.length; i++) w += rowWeights[i]; }
    this.wSum = w > 0 ? w : 1;
  }

  get nParams(): number { return this.K * (this.design.p + 1); }

  valueAndGradient(x: Float64Array, grad: Float64Array): number {
    const { design, K, y, eta, resid } = this;
    const n = design.n;
    const stride = design.p + 1;
    computeEta(design, x, K, eta);

    // Loss and d(loss)/d(eta) per row.
    const rw = this.rowWeights;
    let total = 0;
    if (this.loss === 'logistic') {
      // loss = softplus(e) - y*e = max(e, 0) + log(1 + t) - y*e and sigmoid(e), from one t = exp(-|e|).
      if (rw) {
        for (let i = 0; i < n; i++) {
          const e = eta[i], w = rw[i];
          const t = Math.exp(-Math.abs(e));
          total += w * ((e > 0 ? e : 0) + Math.log1p(t) - y[i] * e);
          resid[i] = w * ((e >= 0 ? 1 : t) / (1 + t) - y[i]);
        }
      } else {
        // Unweighted: sum the logs as the log of products of 32 factors in [1, 2] (one log per 32 rows; exact to ~1e-14).
        let prod = 1, k = 0;
        for (let i = 0; i < n; i++) {
          const e = eta[i];
          const t = Math.exp(-Math.abs(e));
          total += (e > 0 ? e : 0) - y[i] * e;
          prod *= 1 + t;
          if (++k === 32) { total += Math.log(prod); prod = 1; k = 0; }
          resid[i] = (e >= 0 ? 1 : t) / (1 + t) - y[i];
        }
        total += Math.log(prod);
      }
    } else if (this.loss === 'squared') {
      for (let i = 0; i < n; i++) {
        const w = rw ? rw[i] : 1;
        const r = eta[i] - y[i];
        total += 0.5 * w * r * r;
        resid[i] = w * r;
      }
    } else {
      for (let i = 0; i < n; i++) {
        let mx = -Infinity;
        for (let c = 0; c < K; c++) { const e = eta[c * n + i]; if (e > mx) mx = e; }
        // exp(eta - max) once per class, kept in resid until normalised into probabilities.
        let z = 0;
        for (let c = 0; c < K; c++) { const e = Math.exp(eta[c * n + i] - mx); resid[c * n + i] = e; z += e; }
        const w = rw ? rw[i] : 1;
        const yi = y[i];
        total += w * (mx + Math.log(z) - eta[yi * n + i]);
        const scale = w / z;
        for (let c = 0; c < K; c++) resid[c * n + i] *= scale;
        resid[yi * n + i] -= w;
      }
    }

    const invW = 1 / this.wSum;
    grad.fill(0);
    let penalty = 0;
    for (let c = 0; c < K; c++) {
      const r = resid.subarray(c * n, (c + 1) * n);
      const base = c * stride;
      let sr = 0;
      for (let i = 0; i < n; i++) sr += r[i];
      // d/dw_j of sum_i r_i * (scale_j * x_ij + shift_j)
      for (let j = 0; j < design.dense.length; j++) {
        grad[base + j] = design.denseScale[j] * dot4(design.dense[j], r, n) + design.denseShift[j] * sr;
      }
      for (const cat of design.cats) {
        const codes = cat.codes, off = base + cat.offset;
        for (let i = 0; i < n; i++) { const l = codes[i]; if (l >= 0) grad[off + l] += r[i]; }
      }
      grad[base + design.p] = sr;
      for (let j = 0; j < design.p; j++) {
        const v = x[base + j];
        penalty += v * v;
        grad[base + j] += this.l2 * v;
      }
    }
    for (let i = 0; i < grad.length; i++) grad[i] *= invW;
    return (total + 0.5 * this.l2 * penalty) * invW;
  }
}

/** eta[c*n + i] = intercept_c + sum_j x_cj * design_ij, for every output c. */
export function computeEta(design: Design, x: Float64Array, K: number, eta: Float64Array): void {
  const n = design.n;
  const stride = design.p + 1;
  for (let c = 0; c < K; c++) {
    const base = c * stride;
    const e = eta.subarray(c * n, (c + 1) * n);
    const dense = design.dense, scale = design.denseScale, shift = design.denseShift;
    // Fold each column's scale into its weight and its shift into the intercept.
    let b = x[base + design.p];
    for (let j = 0; j < dense.length; j++) b += x[base + j] * shift[j];
    e.fill(b);
    // Four columns per pass over eta: a quarter of the read-modify-write traffic.
    let j = 0;
    for (; j + 3 < dense.length; j += 4) {
      const c0 = dense[j], c1 = dense[j + 1], c2 = dense[j + 2], c3 = dense[j + 3];
      const w0 = x[base + j] * scale[j], w1 = x[base + j + 1] * scale[j + 1];
      const w2 = x[base + j + 2] * scale[j + 2], w3 = x[base + j + 3] * scale[j + 3];
      for (let i = 0; i < n; i++) e[i] += c0[i] * w0 + c1[i] * w1 + c2[i] * w2 + c3[i] * w3;
    }
    for (; j < dense.length; j++) {
      const w = x[base + j] * scale[j];
      if (w === 0) continue;
      const col = dense[j];
      for (let i = 0; i < n; i++) e[i] += col[i] * w;
    }
    for (const cat of design.cats) {
      const codes = cat.codes, off = base + cat.offset;
      for (let i = 0; i < n; i++) { const l = codes[i]; if (l >= 0) e[i] += x[off + l]; }
    }
  }
}

/** Dot product with four independent accumulators (lets the CPU overlap the adds). */
function dot4(a: Float64Array, b: Float64Array, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}
