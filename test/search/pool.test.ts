import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { WorkerPool } from '../../electron/engine/search/pool.ts';
import { UserError, isCancelled } from '../../electron/engine/util/errors.ts';

const workerPath = path.resolve('electron/engine/search/worker.ts');
let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function makePool(size = 2, grace = 300) {
  pool = new WorkerPool({ size, workerPath, cancelGraceMs: grace });
  return pool;
}

describe('worker pool', () => {
  it('runs seq-numbered requests in parallel and forwards progress', async () => {
    const p = makePool(2);
    const progress: number[] = [];
    const t0 = Date.now();
    await p.call('echo', null); // warm both workers' startup out of the timing
    await Promise.all([p.call('echo', 1), p.call('echo', 2)]);
    const t1 = Date.now();
    const [a, b] = await Promise.all([
      p.call('sleep', { ms: 300 }, { onProgress: (x) => progress.push((x as { fraction: number }).fraction) }),
      p.call('sleep', { ms: 300 }),
    ]);
    expect([a, b]).toEqual(['woke', 'woke']);
    expect(Date.now() - t1).toBeLessThan(560); // both at once, not one after the other
    expect(progress.length).toBeGreaterThan(5);
    expect(await p.call('echo', { x: [1, 2] })).toEqual({ x: [1, 2] });
    expect(t0).toBeGreaterThan(0);
  });

  it('rebuilds errors thrown in a worker with their name, message and stack', async () => {
    const p = makePool(1);
    const err: any = await p.call('fail', { name: 'UserError', message: 'That column is empty.' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('That column is empty.');
    expect(err.stack).toContain('worker.ts');
    const err2: any = await p.call('nope', {}).catch((e: Error) => e);
    expect(err2.message).toMatch(/Unknown worker method/);
    expect(await p.call('echo', 'still alive')).toBe('still alive');
  });

  it('cancel rejects at once; a worker that ignores cancel is replaced within a second and keeps its data', async () => {
    const p = makePool(1, 300);
    await p.init({ dataset: { nRows: 3, features: [], columns: [] }, taskInfo: { task: 'binary', nClasses: 2 }, folds: [], validRows: new Int32Array(0) });
    const ac = new AbortController();
    const cooperative = p.call('sleep', { ms: 5000 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const e1 = await cooperative.catch((e: Error) => e);
    expect(isCancelled(e1)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(p.started).toBe(1);

    const ac2 = new AbortController();
    const stuck = p.call('sleep', { ms: 4000, busy: true }, { signal: ac2.signal });
    setTimeout(() => ac2.abort(), 200);
    expect(isCancelled(await stuck.catch((e) => e))).toBe(true);
    const t1 = Date.now();
    expect(await p.call('echo', 'after')).toBe('after'); // served by the replacement worker
    expect(Date.now() - t1).toBeLessThan(3000);
    expect(p.started).toBe(2);
    expect(p.alive).toBe(1);
  });

  it('close terminates every worker (no leak)', async () => {
    const p = makePool(2);
    await Promise.all([p.call('echo', 1), p.call('echo', 2)]);
    const pending = p.call('sleep', { ms: 5000 }).catch((e: Error) => e);
    await p.close();
    expect(isCancelled(await pending)).toBe(true);
    expect(p.alive).toBe(0);
    await expect(p.call('echo', 1)).rejects.toThrow(/closed/);
  });
});
