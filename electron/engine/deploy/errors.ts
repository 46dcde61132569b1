// The few sentences a model package can end in. Reading treats every package as untrusted: anything
// malformed, however it is malformed, is the one "damaged" sentence (the detail goes to the log via
// `cause`, never to the user); a newer format says to update Augur.
import { UserError } from '../util/errors.ts';

export const DAMAGED_MESSAGE = 'This file is damaged or was not made by Augur.';

export class PackageDamagedError extends UserError {
  constructor(readonly detail: string) {
    super('package_damaged', DAMAGED_MESSAGE, 'Save the model again in Augur, or ask whoever sent it for a new copy.');
  }
}

export function damaged(detail: string): never {
  throw new PackageDamagedError(detail);
}

export function newerFormat(): UserError {
  return new UserError('package_newer', 'This model was saved by a newer version of Augur; update Augur to open it.');
}

export function tooLargeToSave(what: string): UserError {
  return new UserError('package_too_large', `This model is too large to save (${what}).`, 'Train with a smaller time budget or fewer columns.');
}
