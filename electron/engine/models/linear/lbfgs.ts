/**
 * L-BFGS with OWL-QN (Andrew & Gao 2007) for an optional L1 term, on plain Float64Arrays.
 *
 * Minimises F(x) = f(x) + l1 * sum_{i in l1Mask} |x_i|, where f is smooth and supplied with its gradient.
 * With l1 = 0 this is ordinary L-BFGS with a backtracking Armijo line search.
 */

export interface Objective {
  /** Writes the gradient of the smooth part into `grad` and returns its value. */
  valueAndGradient(x: Float64Array, grad: Float64Array): number;
}

export interface LbfgsOptions {
  maxIter: number;
  /** Stop when max |(pseudo-)gradient| <= gradTol. */
  gradTol: number;
  /** Stop when the relative decrease of F over one iteration is below this. */
  relTol: number;
  memory?: number;
  l1?: number;
  /** 1 = coordinate gets the L1 penalty (intercepts do not). */
  l1Mask?: Uint8Array;
  /** Called after every iteration; may be async (to yield to the event loop); throw from it to abort. */
  onIteration?: (iter: number, value: number) => void | Promise<void>;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

export async function minimizeLbfgs(obj: Objective, x0: Float64Array, opts: LbfgsOptions): Promise<LbfgsResult> {
  const dim = x0.length;
  const m = opts.memory ?? 10;
  const l1 = opts.l1 ?? 0;
  const mask = opts.l1Mask;
  const penalised = (i: number) => l1 > 0 && (!mask || mask[i] === 1);

  let x = Float64Array.from(x0);
  let g = new Float64Array(dim);
  let fSmooth = obj.valueAndGradient(x, g);
  let F = fSmooth + l1Term(x);

  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const pg = new Float64Array(dim), d = new Float64Array(dim), alphaBuf = new Float64Array(m);
  let xNew = new Float64Array(dim), gNew = new Float64Array(dim);

  function l1Term(v: Float64Array): number {
    if (l1 === 0) return 0;
    let s = 0;
    for (let i = 0; i < dim; i++) if (penalised(i)) s += Math.abs(v[i]);
    return l1 * s;
  }

  function pseudoGradient(): number {
    let maxAbs = 0;
    for (let i = 0; i < dim; i++) {
      let v = g[i];
      if (penalised(i)) {
        if (x[i] > 0) v += l1;
        else if (x[i] < 0) v -= l1;
        else if (v + l1 < 0) v += l1;
        else if (v - l1 > 0) v -= l1;
        else v = 0;
      }
      pg[i] = v;
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
    }
    return maxAbs;
  }

  let iter = 0;
  let converged = pseudoGradient() <= opts.gradTol;
  while (!converged && iter < opts.maxIter) {
    // Two-loop recursion: d = -H * pg.
    for (let i = 0; i < dim; i++) d[i] = -pg[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j] * dot(S[j], d);
      alphaBuf[j] = a;
      axpy(-a, Y[j], d);
    }
    if (k > 0) {
      const yy = dot(Y[k - 1], Y[k - 1]);
      const gamma = yy > 0 ? 1 / (rho[k - 1] * yy) : 1;
      for (let i = 0; i < dim; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dot(Y[j], d);
      axpy(alphaBuf[j] - b, S[j], d);
    }
    if (l1 > 0) for (let i = 0; i < dim; i++) if (penalised(i) && d[i] * pg[i] >= 0) d[i] = 0;

    let dirDeriv = dot(d, pg);
    if (!(dirDeriv < 0)) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let i = 0; i < dim; i++) d[i] = -pg[i];
      dirDeriv = -dot(pg, pg);
      if (!(dirDeriv < 0)) break;
    }

    // Backtracking Armijo line search (projected onto the current orthant for OWL-QN).
    let step = iter === 0 && k === 0 ? Math.min(1, 1 / Math.sqrt(-dirDeriv)) : 1;
    let accepted = false, fNewSmooth = 0, FNew = 0;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < dim; i++) {
        let v = x[i] + step * d[i];
        if (penalised(i)) {
          const orthant = x[i] !== 0 ? Math.sign(x[i]) : -Math.sign(pg[i]);
          if (Math.sign(v) !== orthant) v = 0;
        }
        xNew[i] = v;
      }
      fNewSmooth = obj.valueAndGradient(xNew, gNew);
      FNew = fNewSmooth + l1Term(xNew);
      let decrease = 0;
      for (let i = 0; i < dim; i++) decrease += pg[i] * (xNew[i] - x[i]);
      if (Number.isFinite(FNew) && FNew <= F + 1e-4 * decrease) { accepted = true; break; }
      step *= 0.5;
    }
    iter++;
    if (!accepted) break; // no progress possible at this precision: keep the current point

    const s = new Float64Array(dim), yv = new Float64Array(dim);
    for (let i = 0; i < dim; i++) { s[i] = xNew[i] - x[i]; yv[i] = gNew[i] - g[i]; }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(yv, yv) * dot(s, s))) {
      if (S.length === m) { S.shift(); Y.shift(); rho.shift(); }
      S.push(s); Y.push(yv); rho.push(1 / sy);
    }

    const FPrev = F;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fSmooth = fNewSmooth;
    F = FNew;
    await opts.onIteration?.(iter, F);
    if (pseudoGradient() <= opts.gradTol) { converged = true; break; }
    if (FPrev - F <= opts.relTol * Math.max(Math.abs(F), Math.abs(FPrev), 1)) { converged = true; break; }
  }
  return { x, value: F, iterations: iter, converged };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, xv: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * xv[i];
}
