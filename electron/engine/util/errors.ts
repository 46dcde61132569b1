/**
 * An error the user caused (bad file, wrong column, tiny data, damaged model).
 * `message` is one plain sentence shown as-is in the UI and the CLI; never a stack trace.
 */
export class UserError extends Error {
  readonly code: string;
  readonly suggestion?: string;
  constructor(code: string, message: string, suggestion?: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.suggestion = suggestion;
  }
}

/** Thrown when an AbortSignal fires; callers treat it as "stopped by the user", not a failure. */
export class CancelledError extends Error {
  constructor(message = 'Stopped.') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

export function isCancelled(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'CancelledError');
}
