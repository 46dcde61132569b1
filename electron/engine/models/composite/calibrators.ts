// The apply side of post-hoc probability calibration: a fitted correction (fitted by
// evaluate/calibration.ts on held-out predictions) that maps a model's probabilities to ones that
// match how often things happen. Pure (no Node imports): the web scorer bundles it. Model files are
// untrusted, so calibratorFromJSON accepts exactly the shapes written here and nothing else.
import { UserError } from '../../util/errors.ts';
import type { CalibratorJSON, CalibratorKind } from '../../../../shared/evaluation.ts';
export type { CalibratorJSON, CalibratorKind } from '../../../../shared/evaluation.ts';

export interface Calibrator {
  readonly kind: CalibratorKind;
  /** Binary: P(class 1) per row in and out; temperature: n × k row-major probabilities. */
  apply(pred: Float64Array): Float64Array;
  toJSON(): CalibratorJSON;
}

/** Probabilities are kept inside [P_MIN, 1 − P_MIN] before taking logs. */
const P_MIN = 1e-12;
const MAX_KNOTS = 10_000;
const MAX_CLASSES = 10_000;

export const logit = (p: number): number => {
  const q = p < P_MIN ? P_MIN : p > 1 - P_MIN ? 1 - P_MIN : p;
  return Math.log(q / (1 - q));
};
export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function plattCalibrator(a: number, b: number): Calibrator {
  return {
    kind: 'platt',
    apply(pred) {
      const out = new Float64Array(pred.length);
      for (let i = 0; i < pred.length; i++) out[i] = sigmoid(a * logit(pred[i]) + b);
      return out;
    },
    toJSON: () => ({ kind: 'platt', formatVersion: 1, a, b }),
  };
}

export function isotonicCalibrator(x: readonly number[], y: readonly number[]): Calibrator {
  const xs = Float64Array.from(x), ys = Float64Array.from(y);
  const m = xs.length;
  const at = (p: number): number => {
    if (!(p > xs[0])) return ys[0];
    if (p >= xs[m - 1]) return ys[m - 1];
    let lo = 0, hi = m - 1; // xs[lo] < p <= xs[hi]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < p) lo = mid; else hi = mid;
    }
    const w = (p - xs[lo]) / (xs[hi] - xs[lo]);
    return ys[lo] + w * (ys[hi] - ys[lo]);
  };
  return {
    kind: 'isotonic',
    apply(pred) {
      const out = new Float64Array(pred.length);
      for (let i = 0; i < pred.length; i++) out[i] = pred[i] !== pred[i] ? NaN : at(pred[i]);
      return out;
    },
    toJSON: () => ({ kind: 'isotonic', formatVersion: 1, x: Array.from(xs), y: Array.from(ys) }),
  };
}

export function temperatureCalibrator(t: number, classes: number): Calibrator {
  return {
    kind: 'temperature',
    apply(pred) {
      const k = classes;
      if (pred.length % k !== 0) throw new Error(`Prediction length ${pred.length} is not a multiple of ${k} classes`);
      const out = new Float64Array(pred.length);
      const z = new Float64Array(k);
      for (let i = 0; i < pred.length / k; i++) {
        let max = -Infinity;
        for (let c = 0; c < k; c++) {
          const p = pred[i * k + c];
          z[c] = Math.log(p < P_MIN ? P_MIN : p) / t;
          if (z[c] > max) max = z[c];
        }
        let sum = 0;
        for (let c = 0; c < k; c++) { z[c] = Math.exp(z[c] - max); sum += z[c]; }
        for (let c = 0; c < k; c++) out[i * k + c] = z[c] / sum;
      }
      return out;
    },
    toJSON: () => ({ kind: 'temperature', formatVersion: 1, t, classes }),
  };
}

function damaged(): UserError {
  return new UserError(
    'damaged_model',
    'This model file is damaged: its correction of the predicted chances cannot be read.',
    'Train the model again, or use a copy of the model folder that was not changed by hand.',
  );
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function onlyKeys(o: Record<string, unknown>, keys: string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw damaged();
}

function numbers(v: unknown, lo: number, hi: number): number[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > MAX_KNOTS) throw damaged();
  return v.map((x) => {
    if (!finite(x) || x < lo || x > hi) throw damaged();
    return x;
  });
}

/** Rebuilds a calibrator from untrusted JSON; anything but the exact shapes above is refused in one sentence. */
export function calibratorFromJSON(json: unknown): Calibrator {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw damaged();
  const o = json as Record<string, unknown>;
  if (o.formatVersion !== 1) throw damaged();
  switch (o.kind) {
    case 'platt':
      onlyKeys(o, ['kind', 'formatVersion', 'a', 'b']);
      if (!finite(o.a) || !finite(o.b) || Math.abs(o.a) > 1e6 || Math.abs(o.b) > 1e6) throw damaged();
      return plattCalibrator(o.a, o.b);
    case 'isotonic': {
      onlyKeys(o, ['kind', 'formatVersion', 'x', 'y']);
      const x = numbers(o.x, 0, 1), y = numbers(o.y, 0, 1);
      if (x.length !== y.length) throw damaged();
      for (let i = 1; i < x.length; i++) if (!(x[i] > x[i - 1]) || y[i] < y[i - 1]) throw damaged();
      return isotonicCalibrator(x, y);
    }
    case 'temperature':
      onlyKeys(o, ['kind', 'formatVersion', 't', 'classes']);
      if (!finite(o.t) || o.t <= 0 || o.t > 1e6) throw damaged();
      if (!Number.isInteger(o.classes) || (o.classes as number) < 3 || (o.classes as number) > MAX_CLASSES) throw damaged();
      return temperatureCalibrator(o.t, o.classes as number);
    default:
      throw damaged();
  }
}
