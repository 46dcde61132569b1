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

/** What a job is, for the limits on how many run at once. */
export type JobKind = 'import' | 'train';

/**
 * How many jobs of each kind may run at once. A training already uses every core (one worker thread
 * per core) and hundreds of megabytes: two at once only make both slower (six took 814 MB), so there
 * is one. Imports mostly wait for the disk; a few may overlap (a second window, a file dropped again).
 */
export const JOB_LIMITS: Record<JobKind, number> = { train: 1, import: 3 };

/** Running jobs by the caller's jobId, each with its own AbortController. */
export class JobRegistry {
  private readonly jobs = new Map<string, { ctrl: AbortController; kind?: JobKind }>();

  constructor(private readonly limits: Record<JobKind, number> = JOB_LIMITS) {}

  /**
   * Runs `fn` as job `jobId`; a jobId may only run once at a time (`onDuplicate`), and a `kind` only
   * as many times at once as its limit (`onFull`, given the number running).
   */
  async run<T>(
    jobId: string,
    fn: (signal: AbortSignal) => Promise<T>,
    onDuplicate: () => Error,
    kind?: JobKind,
    onFull?: (running: number) => Error,
  ): Promise<T> {
    if (this.jobs.has(jobId)) throw onDuplicate();
    if (kind) {
      const running = this.count(kind);
      if (running >= this.limits[kind]) throw onFull ? onFull(running) : onDuplicate();
    }
    const ctrl = new AbortController();
    this.jobs.set(jobId, { ctrl, kind });
    try {
      return await fn(ctrl.signal);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.ctrl.signal.aborted) return false;
    job.ctrl.abort();
    return true;
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) job.ctrl.abort();
  }

  count(kind: JobKind): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.kind === kind) n++;
    return n;
  }

  get running(): number {
    return this.jobs.size;
  }
}

/** Limits on files sent to the browser host but not imported (yet). */
export interface UploadLimits {
  /** Uploads kept at once; beyond this the oldest unused one is removed. */
  maxCount: number;
  /** Their total size; beyond this the oldest unused ones are removed, or a new upload is refused. */
  maxBytes: number;
  /** An upload not imported within this time is removed. */
  ttlMs: number;
}

/**
 * The browser host's uploads, one folder each under `dir`: bounded in count, total size and age, so
 * uploads that are never imported (a tab closed mid-way, a script) cannot fill the disk. An upload
 * being received or being imported is in use and never removed by these limits.
 */
export class UploadStore {
  private readonly entries = new Map<string, { bytes: number; at: number; inUse: number }>();

  constructor(
    readonly dir: string,
    readonly limits: UploadLimits,
    private readonly remove: (id: string) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  get count(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.bytes;
    return n;
  }

  /** The uploads held, but for `except` (the one being refused). */
  held(except?: string): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (const [id, e] of this.entries) {
      if (id === except) continue;
      count++;
      bytes += e.bytes;
    }
    return { count, bytes };
  }

  /** Removes uploads older than the time limit that nobody is using. */
  async expire(): Promise<string[]> {
    const old = [...this.entries].filter(([, e]) => e.inUse === 0 && this.now() - e.at > this.limits.ttlMs).map(([id]) => id);
    for (const id of old) await this.forget(id);
    return old;
  }

  /**
   * Makes room for one more upload of `bytes` (0 when unknown): removes expired ones, then the oldest
   * unused ones while the count or the total size would be over the limit. False when that is not
   * enough (the rest are all in use, or `bytes` alone is over the total).
   */
  async makeRoom(bytes: number): Promise<boolean> {
    await this.expire();
    const fits = () => this.entries.size < this.limits.maxCount && this.totalBytes + bytes <= this.limits.maxBytes;
    // Remove nothing when removing every unused upload would not be enough.
    const inUse = [...this.entries.values()].filter((e) => e.inUse > 0);
    if (inUse.length >= this.limits.maxCount || inUse.reduce((n, e) => n + e.bytes, 0) + bytes > this.limits.maxBytes) return false;
    for (const [id, e] of [...this.entries]) {
      if (fits()) break;
      if (e.inUse === 0) await this.forget(id);
    }
    return fits();
  }

  /** A new upload, in use while it is being received. */
  begin(id: string): void {
    this.entries.set(id, { bytes: 0, at: this.now(), inUse: 1 });
  }

  /** Counts `n` more bytes received; false when the total would go over the limit. */
  grow(id: string, n: number): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    if (this.totalBytes + n > this.limits.maxBytes) return false;
    e.bytes += n;
    return true;
  }

  /** Received in full: kept, unused, until it is imported, removed or expires. */
  received(id: string): void {
    const e = this.entries.get(id);
    if (e) {
      e.inUse--;
      e.at = this.now();
    }
  }

  /** An import is reading it: not to be removed meanwhile. False when there is no such upload. */
  claim(id: string): boolean {
    const e = this.entries.get(id);
    if (e) e.inUse++;
    return !!e;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Removes an upload (its folder too) whatever its state. */
  async forget(id: string): Promise<void> {
    this.entries.delete(id);
    await this.remove(id);
  }
}
