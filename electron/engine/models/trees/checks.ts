import { CancelledError, UserError } from '../../util/errors.ts';
import type { Dataset, TaskInfo } from '../types.ts';
import { assertTrainable } from '../validate.ts';

/** Validates a training set (shared checks plus the trees' own); every problem ends in one plain sentence. */
export function checkTrainData(train: Dataset, task: TaskInfo): Float64Array {
  if (!train || !Array.isArray(train.columns) || !Array.isArray(train.features)) {
    throw new UserError('no_rows', 'There are no rows to learn from.');
  }
  assertTrainable(train, task);
  if (train.columns.length === 0) {
    throw new UserError('no_features', 'There are no columns to learn from besides the target.', 'Include at least one other column.');
  }
  return train.y!;
}

/** Regression targets are divided by their largest magnitude so sums of squares never overflow (1e300 inputs). */
export function targetScale(y: Float64Array): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) { const a = Math.abs(y[i]); if (a > m) m = a; }
  return m > 0 && Number.isFinite(m) ? m : 1;
}

/** Lets the event loop run (so an AbortSignal can fire) at most every `everyMs`, and honours it. */
export class Yielder {
  private last = performance.now();
  constructor(private signal?: AbortSignal, private everyMs = 40) {}
  async tick(): Promise<void> {
    if (this.signal?.aborted) throw new CancelledError();
    const now = performance.now();
    if (now - this.last < this.everyMs) return;
    await new Promise<void>((r) => setImmediate(r));
    this.last = performance.now();
    if (this.signal?.aborted) throw new CancelledError();
  }
}
