// Long evaluation loops are synchronous; this lets them stop on an AbortSignal and report progress
// by yielding to the event loop every few milliseconds (a signal cannot fire inside a sync loop).
import { CancelledError } from '../util/errors.ts';

export interface EvalProgress {
  /** 0..1 of the part being computed. */
  fraction: number;
  message: string;
}

export interface PaceOptions {
  signal?: AbortSignal;
  onProgress?: (p: EvalProgress) => void;
}

const SLICE_MS = 20;

const nextTurn = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

export class Pacer {
  private last = performance.now();
  constructor(private readonly opts: PaceOptions = {}, private readonly from = 0, private readonly to = 1) {}

  /** A pacer for the sub-range [a, b] of this one's progress. */
  part(a: number, b: number): Pacer {
    const span = this.to - this.from;
    return new Pacer(this.opts, this.from + a * span, this.from + b * span);
  }

  /** Throws CancelledError when stopped; yields (and reports) when a time slice is used up. */
  async tick(fraction: number, message: string): Promise<void> {
    if (this.opts.signal?.aborted) throw new CancelledError();
    const now = performance.now();
    if (now - this.last < SLICE_MS) return;
    this.last = now;
    this.opts.onProgress?.({ fraction: this.from + Math.max(0, Math.min(1, fraction)) * (this.to - this.from), message });
    await nextTurn();
    if (this.opts.signal?.aborted) throw new CancelledError();
  }
}
