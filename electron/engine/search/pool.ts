// A pool of worker threads running requests by seq number. Requests queue until a worker is free;
// cancelling a request asks its worker to stop and, if it has not replied within the grace
// period, terminates it and starts a replacement (re-sent the pool's init payload).
import v8 from 'node:v8';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { CancelledError } from '../util/errors.ts';
import { findWorkerFile, workerEntry } from '../util/worker-entry.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { deserializeError } from './protocol.ts';

export interface PoolOptions {
  size: number;
  /** Worker entry; default resolveWorkerPath(). */
  workerPath?: string;
  /** Node flags for the workers (default: inherited). */
  execArgv?: string[];
  /** How long a cancelled request may take to wind down before its worker is terminated. */
  cancelGraceMs?: number;
  onLog?: (level: string, message: string) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (payload: unknown) => void;
}

/** The search worker's entry file (AUGUR_WORKER_PATH overrides; see findWorkerFile). */
export function resolveWorkerPath(): string {
  const f = findWorkerFile('worker', (import.meta as { url?: string }).url, 'AUGUR_WORKER_PATH');
  if (!f) throw new Error('Cannot find the search worker file; set AUGUR_WORKER_PATH.');
  return f;
}

interface Pending {
  seq: number;
  method: string;
  payload: unknown;
  transfer?: TransferListItem[];
  opts: CallOptions;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  slot?: Slot;
  settled: boolean;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Request running on this worker (one at a time), or undefined when idle. */
  current?: Pending;
  /** True while a cancelled request winds down; the slot takes no new work. */
  draining: boolean;
  killTimer?: NodeJS.Timeout;
  dead: boolean;
}

/**
 * Trial workers compile their hot functions on their own thread instead of V8's background compiler
 * threads. With one worker per core those background threads compete with the workers themselves, and
 * they cost more than the compilations they take off them: on 2 cores, per-thread CPU over 16 trials,
 * background threads 0.84 -> 0.25 s, workers unchanged; 2 workers vs 1 went from ~1.72x to ~1.83x.
 * V8 reads the flag when an isolate is created, so it affects the workers started from now on.
 */
let compileFlagSet = false;
function compileOnWorkerThreads(): void {
  if (compileFlagSet) return;
  compileFlagSet = true;
  try {
    v8.setFlagsFromString('--no-concurrent-recompilation');
  } catch {
    // an embedder without the flag only loses the speed-up
  }
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly bySeq = new Map<number, Pending>();
  private seq = 0;
  private initPayload: unknown;
  private closed = false;
  private readonly workerPath: string;
  private readonly execArgv: string[] | undefined;
  private readonly grace: number;
  /** Workers started over the pool's life (replacements included); for leak checks. */
  started = 0;

  constructor(private readonly opts: PoolOptions) {
    this.workerPath = opts.workerPath ?? resolveWorkerPath();
    this.grace = opts.cancelGraceMs ?? 700;
    this.execArgv = opts.execArgv;
    compileOnWorkerThreads();
    for (let i = 0; i < Math.max(1, opts.size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers currently alive (terminated ones excluded). */
  get alive(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /** Send the run's data to every worker (and to any replacement started later). */
  async init(payload: unknown): Promise<void> {
    this.initPayload = payload;
    await Promise.all(this.slots.map((s) => this.sendInit(s)));
  }

  call<T>(method: string, payload: unknown, opts: CallOptions = {}, transfer?: TransferListItem[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The worker pool is closed.'));
    if (opts.signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { seq: ++this.seq, method, payload, transfer, opts, resolve: resolve as (v: unknown) => void, reject, settled: false };
      if (opts.signal) {
        p.onAbort = () => this.cancel(p);
        opts.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.queue.push(p);
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new CancelledError());
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.current) this.settle(s.current, new CancelledError());
        clearTimeout(s.killTimer);
        if (!s.dead) {
          s.dead = true;
          await s.worker.terminate();
        }
      }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry(this.workerPath), { execArgv: this.execArgv });
    this.started++;
    const slot: Slot = { worker, ready: Promise.resolve(), draining: false, dead: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: FromWorker) => {
        if (m.type === 'ready') { worker.off('message', onMsg); resolve(); }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    slot.ready.catch(() => undefined);
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!slot.dead) this.onCrash(slot, new Error(`A search worker stopped unexpectedly (exit code ${code}).`));
    });
    return slot;
  }

  private async sendInit(slot: Slot): Promise<void> {
    await slot.ready;
    await new Promise<void>((resolve, reject) => {
      const seq = ++this.seq;
      const p: Pending = { seq, method: 'init', payload: this.initPayload, opts: {}, resolve: () => resolve(), reject, settled: false, slot };
      this.bySeq.set(seq, p);
      slot.worker.postMessage({ type: 'request', seq, method: 'init', payload: this.initPayload } satisfies ToWorker);
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (slot.current || slot.draining || slot.dead) continue;
      const p = this.queue.shift()!;
      this.start(slot, p);
    }
  }

  private start(slot: Slot, p: Pending): void {
    slot.current = p;
    p.slot = slot;
    this.bySeq.set(p.seq, p);
    slot.ready.then(
      () => {
        if (p.settled || slot.dead) return;
        slot.worker.postMessage({ type: 'request', seq: p.seq, method: p.method, payload: p.payload } satisfies ToWorker, p.transfer);
      },
      (err) => this.settle(p, err),
    );
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready') return;
    if (m.type === 'log') {
      this.opts.onLog?.(m.level, m.message);
      return;
    }
    const p = this.bySeq.get(m.seq);
    if (!p) return;
    if (m.type === 'progress') {
      if (!p.settled) p.opts.onProgress?.(m.payload);
      return;
    }
    this.bySeq.delete(m.seq);
    if (m.ok) this.settle(p, undefined, m.result);
    else this.settle(p, deserializeError(m.error));
    if (slot.current === p) {
      slot.current = undefined;
      slot.draining = false;
      clearTimeout(slot.killTimer);
      this.pump();
    }
  }

  /** The caller gave up: reject now, ask the worker to stop, terminate it if it ignores us. */
  private cancel(p: Pending): void {
    if (p.settled) return;
    const slot = p.slot;
    this.settle(p, new CancelledError());
    if (!slot) {
      const i = this.queue.indexOf(p);
      if (i >= 0) this.queue.splice(i, 1);
      return;
    }
    slot.draining = true;
    slot.worker.postMessage({ type: 'cancel', seq: p.seq } satisfies ToWorker);
    slot.killTimer = setTimeout(() => this.replace(slot), this.grace);
  }

  private replace(slot: Slot): void {
    if (slot.dead || this.closed) return;
    slot.dead = true;
    if (slot.current) this.bySeq.delete(slot.current.seq);
    void slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    const fresh = this.spawn();
    this.slots[i] = fresh;
    if (this.initPayload !== undefined) this.sendInit(fresh).catch(() => undefined);
    this.pump();
  }

  private onCrash(slot: Slot, err: Error): void {
    if (slot.dead) return;
    if (slot.current) this.settle(slot.current, err);
    slot.current = undefined;
    if (!this.closed) this.replace(slot);
  }

  private settle(p: Pending, err?: unknown, result?: unknown): void {
    if (p.settled) return;
    p.settled = true;
    if (p.onAbort) p.opts.signal?.removeEventListener('abort', p.onAbort);
    if (err) p.reject(err);
    else p.resolve(result);
  }
}
