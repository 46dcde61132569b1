// The main <-> worker message protocol: seq-numbered requests and replies, errors serialised as
// name/message/stack (+ code for UserError), progress and logs forwarded to main, cancel by seq.
import { CancelledError, UserError } from '../util/errors.ts';

export type ToWorker =
  | { type: 'request'; seq: number; method: string; payload: unknown }
  | { type: 'cancel'; seq: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'reply'; seq: number; ok: true; result: unknown }
  | { type: 'reply'; seq: number; ok: false; error: SerializedError }
  | { type: 'progress'; seq: number; payload: unknown }
  | { type: 'log'; seq?: number; level: 'info' | 'warn' | 'error'; message: string };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  suggestion?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; suggestion?: unknown };
    return {
      name: e.name,
      message: e.message,
      stack: e.stack,
      code: typeof e.code === 'string' ? e.code : undefined,
      suggestion: typeof e.suggestion === 'string' ? e.suggestion : undefined,
    };
  }
  return { name: 'Error', message: String(err) };
}

/** Rebuild an error thrown in a worker, keeping its class for UserError / CancelledError. */
export function deserializeError(s: SerializedError): Error {
  let err: Error;
  if (s.name === 'UserError') err = new UserError(s.code ?? 'user_error', s.message, s.suggestion);
  else if (s.name === 'CancelledError') err = new CancelledError(s.message);
  else {
    err = new Error(s.message);
    err.name = s.name;
  }
  if (s.stack) err.stack = s.stack;
  return err;
}
