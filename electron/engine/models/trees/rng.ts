/** Small seeded PRNG (sfc32): same seed -> same trees on every machine. */
export type Rng = () => number;

export function makeRng(seed: number): Rng {
  let a = 0x9e3779b9 ^ (seed | 0);
  let b = 0x243f6a88 ^ Math.imul(seed | 0, 0x85ebca6b);
  let c = 0xb7e15162;
  let d = 1;
  const next = (): number => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // mix the seed in
  return next;
}

/** Derive an independent child seed (one per tree / round) from a parent stream. */
export function childSeed(rng: Rng): number {
  return Math.floor(rng() * 2147483647);
}

/** The first k entries of a uniformly shuffled copy of `items` (partial Fisher-Yates). */
export function sampleWithoutReplacement(items: Int32Array, k: number, rng: Rng): Int32Array {
  const a = Int32Array.from(items);
  const m = Math.min(k, a.length);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng() * (a.length - i));
    const t = a[i]; a[i] = a[j]; a[j] = t;
  }
  return a;
}
