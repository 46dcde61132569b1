// Every failure crosses the bridge as ApiErrorShape: `message` is one sentence a user can act on.
// Stacks stay in the host's console; the user never sees one.
import type { ApiErrorShape } from '../../shared/api.ts';
import { UserError, isCancelled } from '../engine/util/errors.ts';

export const INTERNAL_MESSAGE = 'Something went wrong inside Augur. Your data is unchanged; please try again.';
export const BAD_REQUEST_MESSAGE = 'Augur received a request it does not understand. Please reload the window and try again.';

/** A request that did not match the contract: a client bug or something hostile. `detail` says which field. */
export class BadRequestError extends Error {
  readonly code = 'bad_request';
  constructor(readonly detail: string) {
    super(BAD_REQUEST_MESSAGE);
    this.name = 'BadRequestError';
  }
}

function isUserError(err: unknown): err is UserError {
  // `instanceof` fails when two copies of the module are loaded (bundles, workers), so also accept the shape.
  return err instanceof UserError || (err instanceof Error && err.name === 'UserError' && typeof (err as UserError).code === 'string');
}

export function toApiError(err: unknown, log: (msg: string, err: unknown) => void = defaultLog): ApiErrorShape {
  if (isCancelled(err)) return { code: 'cancelled', message: 'Stopped.' };
  if (err instanceof BadRequestError) return { code: err.code, message: err.message, detail: err.detail };
  if (isUserError(err)) return { code: err.code, message: err.suggestion ? `${err.message} ${err.suggestion}` : err.message };
  log('Augur internal error:', err);
  return { code: 'internal', message: INTERNAL_MESSAGE, detail: err instanceof Error ? err.message : String(err) };
}

function defaultLog(msg: string, err: unknown): void {
  console.error(msg, err);
}
