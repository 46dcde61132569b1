import { Worker } from 'node:worker_threads';

/**
 * Starts one helper thread per entry of `data` from JavaScript source text (`eval: true`: no worker file to
 * ship or find under tsx, vitest or the bundled app) and resolves once each has posted 'ready'. Helpers post
 * it after building their kernels, so one that cannot even build them fails here, not in the middle of a
 * tree. If any fails to start, all are terminated and the promise rejects; `onError` hears of later failures.
 */
export async function startHelpers(source: string, data: object[], onError: (err: Error) => void): Promise<Worker[]> {
  const workers = data.map((workerData) => new Worker(source, { eval: true, workerData, execArgv: [] }));
  for (const w of workers) w.on('error', onError);
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    })));
  } catch (err) {
    for (const w of workers) void w.terminate();
    throw err;
  }
  return workers;
}
