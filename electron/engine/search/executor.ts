// Where trials run: a worker pool (one worker per core) or, for one core / tests, this thread.
import os from 'node:os';
import type { FamilyLookup } from './ensemble.ts';
import { WorkerPool } from './pool.ts';
import { runTrial, type RunData, type TrialProgress, type TrialRequest, type TrialResult } from './trial.ts';

export interface TrialExecutor {
  /** Trials that can run at once. */
  readonly slots: number;
  readonly kind: 'workers' | 'in-process';
  run(req: TrialRequest, opts: { signal?: AbortSignal; onProgress?: (p: TrialProgress) => void }): Promise<TrialResult & { tensors?: number }>;
  close(): Promise<void>;
}

export function defaultWorkerCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 8));
}

export class InProcessExecutor implements TrialExecutor {
  readonly slots = 1;
  readonly kind = 'in-process';
  constructor(private readonly data: RunData, private readonly lookup: FamilyLookup) {}
  run(req: TrialRequest, opts: { signal?: AbortSignal; onProgress?: (p: TrialProgress) => void }) {
    return runTrial(this.data, req, this.lookup, opts);
  }
  async close(): Promise<void> {}
}

export class PoolExecutor implements TrialExecutor {
  readonly kind = 'workers';
  private constructor(private readonly pool: WorkerPool) {}
  get slots(): number {
    return this.pool.size;
  }
  /** Starts `size` workers and sends each the run's data once. */
  static async start(data: RunData, size: number, onLog?: (level: string, message: string) => void): Promise<PoolExecutor> {
    const pool = new WorkerPool({ size, onLog });
    try {
      await pool.init(data);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return new PoolExecutor(pool);
  }
  run(req: TrialRequest, opts: { signal?: AbortSignal; onProgress?: (p: TrialProgress) => void }) {
    return this.pool.call<TrialResult & { tensors?: number }>('trial', req, { signal: opts.signal, onProgress: opts.onProgress as (p: unknown) => void });
  }
  get workersStarted(): number {
    return this.pool.started;
  }
  get workersAlive(): number {
    return this.pool.alive;
  }
  close(): Promise<void> {
    return this.pool.close();
  }
}
