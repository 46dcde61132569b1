// The apply side of conformal ranges: a recipe of a few numbers, fitted on held-out predictions by
// evaluate/conformal.ts, that turns a new row's prediction into a range (amounts) or a set of answers
// (categories) holding the real outcome at the stated rate. Pure (no Node imports) so the future
// scorer can bundle it; recipes come from model files, which are untrusted, so the reader is strict.
import { UserError } from '../util/errors.ts';
import type { ConformalRecipe } from '../../../shared/evaluation.ts';
export type { ConformalRecipe } from '../../../shared/evaluation.ts';

const MAX_KNOTS = 1000;
const MAX_CLASSES = 10_000;

/** σ(ŷ) of a scaled recipe at one prediction. */
export function scaleAt(x: readonly number[], s: readonly number[], v: number): number {
  const m = x.length;
  if (!(v > x[0])) return s[0];
  if (v >= x[m - 1]) return s[m - 1];
  let lo = 0, hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] < v) lo = mid; else hi = mid;
  }
  return s[lo] + ((v - x[lo]) / (x[hi] - x[lo])) * (s[hi] - s[lo]);
}

/** Range of each prediction (amounts). */
export function applyInterval(r: ConformalRecipe, pred: Float64Array): { lo: Float64Array; hi: Float64Array } {
  if (r.kind !== 'interval') throw new Error('This recipe makes sets of answers, not ranges.');
  const lo = new Float64Array(pred.length), hi = new Float64Array(pred.length);
  for (let i = 0; i < pred.length; i++) {
    const half = r.method === 'absolute' ? r.q : r.q * scaleAt(r.x, r.s, pred[i]);
    lo[i] = pred[i] - half;
    hi[i] = pred[i] + half;
  }
  return { lo, hi };
}

/** Set membership, n × k row-major (binary: k = 2, from P(class 1)). */
export function applySet(r: ConformalRecipe, pred: Float64Array): Uint8Array {
  if (r.kind !== 'set') throw new Error('This recipe makes ranges, not sets of answers.');
  const k = r.classes;
  const n = k === 2 ? pred.length : pred.length / k;
  const out = new Uint8Array(n * k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      const p = k === 2 ? (c === 1 ? pred[i] : 1 - pred[i]) : pred[i * k + c];
      const pb = k === 2 ? (best === 1 ? pred[i] : 1 - pred[i]) : pred[i * k + best];
      if (p > pb) best = c;
      if (p >= r.threshold) out[i * k + c] = 1;
    }
    out[i * k + best] = 1;
  }
  return out;
}

function damaged(): UserError {
  return new UserError('damaged_model', 'This model file is damaged: its recipe for prediction ranges cannot be read.', 'Train the model again.');
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Rebuilds a recipe from untrusted JSON; anything but the exact shapes above is refused in one sentence. */
export function conformalFromJSON(json: unknown): ConformalRecipe {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw damaged();
  const o = json as Record<string, unknown>;
  const keys = (allowed: string[]) => { for (const k of Object.keys(o)) if (!allowed.includes(k)) throw damaged(); };
  if (o.formatVersion !== 1 || !finite(o.coverage) || !(o.coverage > 0 && o.coverage < 1)) throw damaged();
  const coverage = o.coverage;
  if (o.kind === 'interval' && o.method === 'absolute') {
    keys(['kind', 'formatVersion', 'coverage', 'method', 'q']);
    if (!finite(o.q) || o.q < 0) throw damaged();
    return { kind: 'interval', formatVersion: 1, coverage, method: 'absolute', q: o.q };
  }
  if (o.kind === 'interval' && o.method === 'scaled') {
    keys(['kind', 'formatVersion', 'coverage', 'method', 'q', 'x', 's']);
    if (!finite(o.q) || o.q < 0) throw damaged();
    const x = o.x, s = o.s;
    if (!Array.isArray(x) || !Array.isArray(s) || x.length < 1 || x.length > MAX_KNOTS || x.length !== s.length) throw damaged();
    if (!x.every(finite) || !s.every((v) => finite(v) && v > 0)) throw damaged();
    for (let i = 1; i < x.length; i++) if (!((x[i] as number) > (x[i - 1] as number))) throw damaged();
    return { kind: 'interval', formatVersion: 1, coverage, method: 'scaled', q: o.q, x: x as number[], s: s as number[] };
  }
  if (o.kind === 'set' && o.method === 'lac') {
    keys(['kind', 'formatVersion', 'coverage', 'method', 'threshold', 'classes']);
    if (!finite(o.threshold) || o.threshold < 0 || o.threshold > 1) throw damaged();
    if (!Number.isInteger(o.classes) || (o.classes as number) < 2 || (o.classes as number) > MAX_CLASSES) throw damaged();
    return { kind: 'set', formatVersion: 1, coverage, method: 'lac', threshold: o.threshold, classes: o.classes as number };
  }
  throw damaged();
}
