import { describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../electron/api/dispatch.ts';
import type { ApiImpl } from '../../electron/api/handlers.ts';
import { BAD_REQUEST_MESSAGE, INTERNAL_MESSAGE, toApiError } from '../../electron/api/errors.ts';
import { CancelledError, UserError } from '../../electron/engine/util/errors.ts';
import { LruMap } from '../../electron/api/session.ts';

// A fake API that records what reached it: validation must stop bad input before any handler runs.
function recordingApi(impl: Partial<ApiImpl> = {}) {
  const calls: { method: string; args: unknown }[] = [];
  const api = new Proxy({} as ApiImpl, {
    get: (_t, method: string) => async (args: unknown) => {
      calls.push({ method, args });
      const f = (impl as Record<string, (a: unknown) => unknown>)[method];
      return f ? f(args) : { ok: method };
    },
  });
  return { api, calls };
}

describe('dispatch validates every request at the trust boundary', () => {
  const bad: [string, unknown, unknown][] = [
    ['unknown method', 'deleteEverything', {}],
    ['prototype method name', 'constructor', {}],
    ['args not an object', 'cancel', 'j1'],
    ['args is an array', 'cancel', ['j1']],
    ['missing jobId', 'importCsv', { file: { kind: 'sample', name: 'a.csv' } }],
    ['jobId with a slash', 'cancel', { jobId: '../x' }],
    ['huge jobId', 'cancel', { jobId: 'x'.repeat(500) }],
    ['unknown file kind', 'importCsv', { file: { kind: 'url', url: 'http://x' }, jobId: 'j' }],
    ['path with NUL', 'importCsv', { file: { kind: 'path', path: '/tmp/a\0b' }, jobId: 'j' }],
    ['budget not a number', 'train', { datasetId: 'd', target: 't', budgetS: '60', jobId: 'j' }],
    ['budget infinite', 'train', { datasetId: 'd', target: 't', budgetS: Infinity, jobId: 'j' }],
    ['budget zero', 'train', { datasetId: 'd', target: 't', budgetS: 0, jobId: 'j' }],
    ['unknown metric', 'train', { datasetId: 'd', target: 't', budgetS: 5, jobId: 'j', metric: 'eval' }],
    ['fractional seed', 'train', { datasetId: 'd', target: 't', budgetS: 5, jobId: 'j', seed: 1.5 }],
    ['bad task', 'checkData', { datasetId: 'd', task: 'clustering' }],
    ['ignore not an array', 'checkData', { datasetId: 'd', ignore: 'col' }],
    ['bad column type override', 'checkData', { datasetId: 'd', typeOverrides: { a: 'blob' } }],
  ];
  it.each(bad)('refuses %s with a plain sentence and never calls the handler', async (_label, method, args) => {
    const { api, calls } = recordingApi();
    const reply = await dispatch(api, method, args);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('bad_request');
    expect(reply.error.message).toBe(BAD_REQUEST_MESSAGE);
    expect(reply.error.detail).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it('passes a clean copy with only known fields', async () => {
    const { api, calls } = recordingApi();
    const reply = await dispatch(api, 'train', {
      datasetId: 'd1', target: 'Churn', budgetS: 30, jobId: 'job-1', seed: 7, metric: 'accuracy',
      ignore: ['customerID'], typeOverrides: { SeniorCitizen: 'categorical' }, evil: 'payload', __proto__: { polluted: true },
    });
    expect(reply.ok).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual({
      datasetId: 'd1', target: 'Churn', budgetS: 30, jobId: 'job-1', seed: 7, metric: 'accuracy',
      ignore: ['customerID'], typeOverrides: { SeniorCitizen: 'categorical' },
    });
    expect((calls[0].args as Record<string, unknown>).evil).toBeUndefined();
  });

  it('status accepts missing args', async () => {
    const { api, calls } = recordingApi();
    expect((await dispatch(api, 'status', undefined)).ok).toBe(true);
    expect(calls[0]).toEqual({ method: 'status', args: {} });
  });
});

describe('errors reach the user as one plain sentence', () => {
  it('a UserError keeps its code, message and suggestion', () => {
    expect(toApiError(new UserError('empty_file', 'The file is empty.', 'Choose a file with data rows.'))).toEqual({
      code: 'empty_file',
      message: 'The file is empty. Choose a file with data rows.',
    });
  });

  it('cancellation is "Stopped."', () => {
    expect(toApiError(new CancelledError())).toEqual({ code: 'cancelled', message: 'Stopped.' });
  });

  it('an unexpected error is logged for developers and shown as the generic sentence, never a stack', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { api } = recordingApi({
      status: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    });
    const reply = await dispatch(api, 'status', {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: INTERNAL_MESSAGE, detail: "Cannot read properties of undefined (reading 'x')" } });
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });
});

describe('session memory stays bounded', () => {
  it('forgets the least recently used entry and releases it', () => {
    const released: string[] = [];
    const m = new LruMap<string, string>(2, (v) => released.push(v));
    m.set('a', 'A');
    m.set('b', 'B');
    expect(m.get('a')).toBe('A'); // a is now the most recent
    m.set('c', 'C');
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe('A');
    expect(released).toEqual(['B']);
    expect(m.size).toBe(2);
  });
});
