// Worker-thread entry: runs trials for the pool (electron/engine/search/pool.ts). One per core,
// each with its own tfjs engine. The run's data arrives once ('init'); each 'trial' request then
// names only rows. Bundled builds ship this file as worker.cjs next to the main bundle.
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.ts';
import { serializeError } from './protocol.ts';
import { runTrial, type RunData, type TrialRequest } from './trial.ts';
import { CancelledError } from '../util/errors.ts';

if (!parentPort) throw new Error('worker.ts must run in a worker thread.');
const port = parentPort;
const controllers = new Map<number, AbortController>();
let data: RunData | undefined;

function send(msg: FromWorker): void {
  port.postMessage(msg);
}

type Handler = (payload: unknown, ctx: { signal: AbortSignal; progress: (p: unknown) => void; log: (m: string) => void }) => Promise<unknown>;

const handlers: Record<string, Handler> = {
  async init(payload) {
    data = payload as RunData;
    return { rows: data.dataset.nRows };
  },
  async trial(payload, ctx) {
    if (!data) throw new Error('The worker got a trial before its data.');
    const { familyByName } = await import('../models/registry.ts');
    const result = await runTrial(data, payload as TrialRequest, familyByName, { signal: ctx.signal, onProgress: ctx.progress });
    return { ...result, tensors: await tensorCount() };
  },
  // Diagnostics used by the pool's tests: echo, a thrown error, and a cancellable wait.
  async echo(payload) {
    return payload;
  },
  async fail(payload) {
    const p = payload as { name?: string; message: string };
    const err = new Error(p.message);
    if (p.name) err.name = p.name;
    throw err;
  },
  async sleep(payload, ctx) {
    const { ms, busy } = payload as { ms: number; busy?: boolean };
    if (busy) {
      // Ignores cancel (a stuck fit): the pool must terminate this worker.
      const end = Date.now() + ms;
      while (Date.now() < end) { /* spin */ }
      return 'woke';
    }
    const steps = Math.ceil(ms / 20);
    for (let i = 0; i < steps; i++) {
      if (ctx.signal.aborted) throw new CancelledError();
      ctx.progress({ fraction: i / steps });
      await new Promise((r) => setTimeout(r, 20));
    }
    ctx.log('slept');
    return 'woke';
  },
};

/** Live tfjs tensors in this worker, if tfjs was loaded here (leak checks). */
async function tensorCount(): Promise<number | undefined> {
  const g = globalThis as { _tfengine?: { state?: { numTensors?: number } } };
  return g._tfengine?.state?.numTensors;
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    controllers.get(msg.seq)?.abort();
    return;
  }
  const { seq, method, payload } = msg;
  const handler = handlers[method];
  const controller = new AbortController();
  controllers.set(seq, controller);
  const ctx = {
    signal: controller.signal,
    progress: (p: unknown) => send({ type: 'progress', seq, payload: p }),
    log: (m: string) => send({ type: 'log', seq, level: 'info', message: m }),
  };
  (handler ? handler(payload, ctx) : Promise.reject(new Error(`Unknown worker method "${method}".`))).then(
    (result) => send({ type: 'reply', seq, ok: true, result }),
    (err) => send({ type: 'reply', seq, ok: false, error: serializeError(err) }),
  ).finally(() => controllers.delete(seq));
});

send({ type: 'ready' });
