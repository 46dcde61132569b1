// Samplers for the study: uniform random, and TPE (Bergstra et al. 2011, as in Optuna's
// TPESampler): split finished trials into the best γ share ("good") and the rest ("bad"), fit a
// Parzen estimator to each, and pick the candidate drawn from "good" that maximises good/bad.
import { Rng } from './rng.ts';
import type { Distribution, ParamValue, Sampler, Study, Trial } from './study.ts';

export class RandomSampler implements Sampler {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  sample(_study: Study, _trial: Trial, _name: string, dist: Distribution): ParamValue {
    return sampleUniform(this.rng, dist);
  }
}

export function sampleUniform(rng: Rng, dist: Distribution): ParamValue {
  if (dist.kind === 'categorical') return dist.choices[rng.int(dist.choices.length)];
  const [lo, hi] = bounds(dist);
  const x = rng.uniform(lo, hi);
  return fromInternal(dist, x);
}

export interface TpeOptions {
  seed: number;
  /** Random trials (per parameter) before TPE takes over. Enqueued portfolio trials count. */
  nStartup?: number;
  /** Candidates drawn from the good model per suggestion. */
  nCandidates?: number;
}

export class TpeSampler implements Sampler {
  private readonly rng: Rng;
  private readonly nStartup: number;
  private readonly nCandidates: number;

  constructor(opts: TpeOptions) {
    this.rng = new Rng(opts.seed);
    this.nStartup = opts.nStartup ?? 8;
    this.nCandidates = opts.nCandidates ?? 24;
  }

  sample(study: Study, _trial: Trial, name: string, dist: Distribution): ParamValue {
    // Observations of this parameter, best first; pruned trials rank after every completed one.
    const obs: { v: ParamValue; loss: number; pruned: boolean }[] = [];
    for (const t of study.trials) {
      if (!(name in t.params) || !sameKind(t.distributions[name], dist)) continue;
      if (t.state === 'complete') obs.push({ v: t.params[name], loss: study.loss(t.value!), pruned: false });
      else if (t.state === 'pruned') obs.push({ v: t.params[name], loss: lastLoss(study, t), pruned: true });
    }
    if (obs.length < this.nStartup) return sampleUniform(this.rng, dist);
    obs.sort((a, b) => (a.pruned === b.pruned ? a.loss - b.loss : a.pruned ? 1 : -1));
    const nGood = Math.min(25, Math.max(1, Math.ceil(0.15 * obs.length)));
    const good = obs.slice(0, nGood).map((o) => o.v);
    const bad = obs.slice(nGood).map((o) => o.v);
    if (dist.kind === 'categorical') return this.sampleCategorical(dist.choices, good, bad);
    const [lo, hi] = bounds(dist);
    const l = parzen(good.map((v) => toInternal(dist, v as number)), lo, hi);
    const g = parzen(bad.map((v) => toInternal(dist, v as number)), lo, hi);
    let bestX = NaN;
    let bestScore = -Infinity;
    for (let c = 0; c < this.nCandidates; c++) {
      const x = sampleParzen(this.rng, l, lo, hi);
      const s = logDensity(l, x, lo, hi) - logDensity(g, x, lo, hi);
      if (s > bestScore) {
        bestScore = s;
        bestX = x;
      }
    }
    return fromInternal(dist, bestX);
  }

  private sampleCategorical(choices: readonly ParamValue[], good: ParamValue[], bad: ParamValue[]): ParamValue {
    const k = choices.length;
    const pg = new Float64Array(k).fill(1);
    const pb = new Float64Array(k).fill(1);
    for (const v of good) pg[choices.indexOf(v)]++;
    for (const v of bad) pb[choices.indexOf(v)]++;
    const sg = pg.reduce((a, b) => a + b, 0);
    const sb = pb.reduce((a, b) => a + b, 0);
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < this.nCandidates; c++) {
      let u = this.rng.next() * sg;
      let i = 0;
      while (i < k - 1 && u >= pg[i]) u -= pg[i++];
      const s = Math.log(pg[i] / sg) - Math.log(pb[i] / sb);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return choices[best];
  }
}

function lastLoss(study: Study, t: Trial): number {
  let step = -Infinity;
  let v = Infinity;
  for (const [s, val] of t.intermediate) if (s > step) { step = s; v = val; }
  return study.loss(v);
}

function sameKind(a: Distribution | undefined, b: Distribution): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'categorical' && b.kind === 'categorical') return a.choices.length === b.choices.length && a.choices.every((c, i) => c === b.choices[i]);
  return true;
}

/** Sampling space: log-scaled where asked; integers get half a step either side so both ends are reachable. */
function bounds(dist: Exclude<Distribution, { kind: 'categorical' }>): [number, number] {
  const pad = dist.kind === 'int' ? 0.5 : 0;
  if (dist.log) return [Math.log(Math.max(dist.low - pad, 1e-12)), Math.log(dist.high + pad)];
  return [dist.low - pad, dist.high + pad];
}
function toInternal(dist: Exclude<Distribution, { kind: 'categorical' }>, v: number): number {
  return dist.log ? Math.log(v) : v;
}
function fromInternal(dist: Exclude<Distribution, { kind: 'categorical' }>, x: number): number {
  let v = dist.log ? Math.exp(x) : x;
  if (dist.kind === 'int') v = Math.round(v);
  return Math.min(dist.high, Math.max(dist.low, v));
}

interface Mixture {
  mus: number[];
  sigmas: number[];
  weights: number[];
}

/** Parzen estimator plus one wide prior component; bandwidth = distance to the farther neighbour (Hyperopt's rule). */
function parzen(xs: number[], lo: number, hi: number): Mixture {
  const range = hi - lo;
  const pts = [...xs].sort((a, b) => a - b);
  const n = pts.length;
  const minSigma = range / Math.min(100, n + 2);
  const mus: number[] = [];
  const sigmas: number[] = [];
  for (let i = 0; i < n; i++) {
    const left = i > 0 ? pts[i] - pts[i - 1] : pts[i] - lo;
    const right = i < n - 1 ? pts[i + 1] - pts[i] : hi - pts[i];
    mus.push(pts[i]);
    sigmas.push(Math.min(range, Math.max(minSigma, left, right)));
  }
  mus.push((lo + hi) / 2);
  sigmas.push(range);
  return { mus, sigmas, weights: mus.map(() => 1 / mus.length) };
}

function sampleParzen(rng: Rng, m: Mixture, lo: number, hi: number): number {
  let u = rng.next();
  let i = 0;
  while (i < m.weights.length - 1 && u >= m.weights[i]) u -= m.weights[i++];
  for (let tries = 0; tries < 20; tries++) {
    const x = m.mus[i] + m.sigmas[i] * rng.normal();
    if (x >= lo && x <= hi) return x;
  }
  return Math.min(hi, Math.max(lo, m.mus[i]));
}

function logDensity(m: Mixture, x: number, lo: number, hi: number): number {
  let p = 0;
  for (let i = 0; i < m.mus.length; i++) {
    const s = m.sigmas[i];
    const z = (x - m.mus[i]) / s;
    const mass = normCdf((hi - m.mus[i]) / s) - normCdf((lo - m.mus[i]) / s);
    p += (m.weights[i] * Math.exp(-0.5 * z * z)) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  }
  return Math.log(Math.max(p, 1e-300));
}

function normCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}
function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: plenty for density ratios.
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
