// One request from an untrusted transport (IPC or WebSocket) → one reply envelope. Never throws:
// errors become ApiErrorShape with a plain sentence, so no transport ever leaks a stack trace.
import type { ApiErrorShape } from '../../shared/api.ts';
import type { ApiImpl } from './handlers.ts';
import { toApiError } from './errors.ts';
import { validateRequest } from './validate.ts';

export type ApiReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

export async function dispatch(api: ApiImpl, method: unknown, args: unknown): Promise<ApiReply> {
  try {
    const clean = validateRequest(method, args);
    const fn = api[method as keyof ApiImpl] as (a: unknown) => Promise<unknown>;
    return { ok: true, result: await fn(clean) };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
