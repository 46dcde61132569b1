// Long synchronous work in the main process (an import of 100,000 columns, a header of 100,000
// names) holds everything else there: the browser host's requests, Electron's IPC, a press of Stop.
// A Yielder lets such a loop give the event loop a turn every few milliseconds, and checks for a
// stop at each turn, so the host keeps answering and Stop works at any moment.
import { throwIfAborted } from './errors.ts';

/** How long a loop may run between turns. Requests then wait at most about this long. */
export const SLICE_MS = 10;

export class Yielder {
  private last = performance.now();
  /** Turns given so far (for tests and benchmarks). */
  turns = 0;

  constructor(
    private readonly signal?: AbortSignal,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** True when the loop has run for a slice since the last turn. Cheap: call it every iteration or every few. */
  due(): boolean {
    return performance.now() - this.last >= this.sliceMs;
  }

  /**
   * Gives the event loop a turn (setImmediate: after pending I/O, so a waiting request is answered),
   * then throws CancelledError if the job was stopped meanwhile.
   */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.turns++;
    this.last = performance.now();
    throwIfAborted(this.signal);
  }
}

/** `fn(item, index)` over `items`, with a turn whenever one is due. */
export async function mapWithTurns<T, R>(items: readonly T[], y: Yielder, fn: (item: T, index: number) => R): Promise<R[]> {
  const out: R[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i], i);
    if (y.due()) await y.pause();
  }
  return out;
}
