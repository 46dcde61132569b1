// In-memory state of one API instance: imported tables and trained models by id, and running jobs.
// Bounded, so a long session of repeated imports cannot grow memory without limit.

/** A Map that forgets its least recently used entry beyond `capacity`. */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    private readonly capacity: number,
    private readonly onEvict?: (value: V) => void,
  ) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as K;
      const value = this.map.get(oldest) as V;
      this.map.delete(oldest);
      this.onEvict?.(value);
    }
  }
  get size(): number {
    return this.map.size;
  }
}

/** Running jobs by the caller's jobId, each with its own AbortController. */
export class JobRegistry {
  private readonly jobs = new Map<string, AbortController>();

  /** Runs `fn` as job `jobId`; a jobId may only run once at a time. */
  async run<T>(jobId: string, fn: (signal: AbortSignal) => Promise<T>, onDuplicate: () => Error): Promise<T> {
    if (this.jobs.has(jobId)) throw onDuplicate();
    const ctrl = new AbortController();
    this.jobs.set(jobId, ctrl);
    try {
      return await fn(ctrl.signal);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  cancel(jobId: string): boolean {
    const ctrl = this.jobs.get(jobId);
    if (!ctrl || ctrl.signal.aborted) return false;
    ctrl.abort();
    return true;
  }

  cancelAll(): void {
    for (const ctrl of this.jobs.values()) ctrl.abort();
  }

  get running(): number {
    return this.jobs.size;
  }
}
