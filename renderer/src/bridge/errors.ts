// Errors that reach the UI: real Error objects whose .message is the plain sentence and .code the reason.
import type { ApiErrorShape } from '../../../shared/api.ts';

export class BridgeError extends Error {
  readonly code: string;
  readonly detail?: string;
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'BridgeError';
    this.code = shape.code;
    if (shape.detail !== undefined) this.detail = shape.detail;
  }
}

export const HOST_GONE: ApiErrorShape = {
  code: 'host_gone',
  message: 'Augur stopped answering. If you closed the window that runs "npm run web", start it again, then reload this page.',
};

const GENERIC = 'Something went wrong inside Augur. Your data is unchanged; please try again.';

/** Anything a transport rejected with → BridgeError (an ApiErrorShape keeps its sentence and code). */
export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  const e = err as Partial<ApiErrorShape> | null;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string')
    return new BridgeError({ code: e.code, message: e.message, ...(typeof e.detail === 'string' ? { detail: e.detail } : {}) });
  // e.g. Electron's "Error invoking remote method …": not a sentence for users.
  return new BridgeError({ code: 'internal', message: GENERIC, detail: err instanceof Error ? err.message : String(err) });
}
