// Float32 weights <-> base64 strings for the model JSON (compact and exact). Plain JS (no Buffer), so
// the pure predict side can read them anywhere.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

export function bytesToBase64(b: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(b.length / 3) * 4);
  let o = 0;
  const whole = b.length - (b.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out[o++] = ENCODE[(n >> 18) & 63];
    out[o++] = ENCODE[(n >> 12) & 63];
    out[o++] = ENCODE[(n >> 6) & 63];
    out[o++] = ENCODE[n & 63];
  }
  if (whole < b.length) {
    const two = whole + 1 < b.length;
    const n = (b[whole] << 16) | (two ? b[whole + 1] << 8 : 0);
    out[o++] = ENCODE[(n >> 18) & 63];
    out[o++] = ENCODE[(n >> 12) & 63];
    out[o++] = two ? ENCODE[(n >> 6) & 63] : 61;
    out[o++] = 61;
  }
  return new TextDecoder('latin1').decode(out);
}

/** Undefined unless `s` is canonical padded base64. */
export function base64ToBytes(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length % 4 !== 0) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      const isPad = c === 61 && last && j >= 4 - pad;
      const v = isPad ? 0 : c < 128 ? DECODE[c] : -1;
      if (v < 0) return undefined;
      n = (n << 6) | v;
    }
    out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function f32ToBase64(v: Float32Array): string {
  return bytesToBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
}

/** Returns undefined when the text is not a whole number of float32 values. */
export function base64ToF32(s: string): Float32Array | undefined {
  const b = base64ToBytes(s);
  if (!b || b.byteLength % 4 !== 0) return undefined;
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
