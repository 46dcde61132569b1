// Float32 weights <-> base64 strings for the model JSON (compact and exact).

export function f32ToBase64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

/** Returns undefined when the text is not a whole number of float32 values. */
export function base64ToF32(s: string): Float32Array | undefined {
  if (typeof s !== 'string') return undefined;
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % 4 !== 0) return undefined;
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
