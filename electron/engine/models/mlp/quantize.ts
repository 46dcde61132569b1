// 8-bit network weights in TensorFlow.js's own format: a weight's manifest entry carries
// `quantization: { dtype: 'uint8', min, scale }` and weights.bin one byte per value, read back as
// value = code * scale + min (tfjs-core io_utils, tensorflowjs/quantization.py). Pure: no Node, no tfjs.
//
// The grid differs from the converter's in one way: the step is a power of two and `min` a multiple of
// it, so every dequantised value is exactly a float32 (code + m) * 2^e. That makes 8 bits a property of
// the values themselves: a network whose every weight lies on such a grid is written in 8 bits, anything
// else in float32, and loading and saving again gives the same bytes (no flag to carry, no drift). The
// price is at most one bit of resolution against the converter's (max - min) / 255 step. Zero lies on
// the grid whenever the range covers it (as the converter's "nudged" range guarantees).

export interface Uint8Quantization {
  dtype: 'uint8';
  min: number;
  scale: number;
}

/** Values whose integer multiple of the step must stay exactly representable in float32. */
const F32_EXACT = 2 ** 24;

/** The 8-bit codes of `values` (finite) and how to read them back. */
export function quantizeUint8(values: Float32Array): { codes: Uint8Array; q: Uint8Quantization } {
  const codes = new Uint8Array(values.length);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo < hi)) return { codes, q: { dtype: 'uint8', min: values.length ? lo : 0, scale: 1 } };
  let e = Math.ceil(Math.log2((hi - lo) / 255));
  for (;;) {
    const s = 2 ** e;
    const base = Math.floor(lo / s);
    if (Math.round(hi / s) - base <= 255 && Math.abs(base) + 255 < F32_EXACT) {
      for (let i = 0; i < values.length; i++) codes[i] = Math.round(values[i] / s) - base;
      return { codes, q: { dtype: 'uint8', min: base * s, scale: s } };
    }
    e++;
  }
}

/** What tfjs's loader computes: code * scale + min, stored as float32. */
export function dequantizeUint8(codes: Uint8Array, q: Pick<Uint8Quantization, 'min' | 'scale'>): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] * q.scale + q.min;
  return out;
}

/** `values` moved to their 8-bit grid (what a network keeps after quantisation). */
export function roundToUint8(values: Float32Array): Float32Array {
  const { codes, q } = quantizeUint8(values);
  return dequantizeUint8(codes, q);
}

/** The codes when `values` already lie exactly on their 8-bit grid (nothing is lost by storing them so). */
export function exactUint8(values: Float32Array): { codes: Uint8Array; q: Uint8Quantization } | undefined {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return undefined;
  const r = quantizeUint8(values);
  const back = dequantizeUint8(r.codes, r.q);
  for (let i = 0; i < values.length; i++) if (!Object.is(back[i], values[i]) && !(back[i] === 0 && values[i] === 0)) return undefined;
  return r;
}
