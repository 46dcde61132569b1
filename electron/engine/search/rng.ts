// Seeded pseudo-random numbers: every random choice in a run flows from the run's seed,
// so the same file + seed + work-unit budget gives the same leaderboard.

/** mulberry32: tiny, fast, good enough for sampling hyper-parameters and shuffling rows. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** A derived seed for a sub-task (a trial, a fold), stable for the same (seed, key). */
  fork(key: number): number {
    return hashSeed(this.state ^ Math.imul(key + 1, 0x85ebca6b));
  }
  shuffle<T>(arr: T[] | Int32Array): void {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
  }
}

/** Mix two integers into a 31-bit seed (murmur3 finaliser). */
export function hashSeed(a: number, b = 0): number {
  let h = (a ^ Math.imul(b, 0xcc9e2d51)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x7fffffff;
}
