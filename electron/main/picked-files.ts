// Files the user dropped on the window or chose in a file dialog, by an id the main process hands out.
// The renderer never names a path: script injected into the page could otherwise ask to read any
// CSV-like file on the computer. The only way to get an id is window.augur.fileRef(file) with a File
// the operating system gave the page (a drop or the file picker): the preload reads its path with
// webUtils.getPathForFile, which is empty for a File made by script, and hands it straight to main.
// Pure (no 'electron' import), so it is unit-tested in plain Node.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ApiErrorShape, FileRef } from '../../shared/api.ts';

/** Ids kept per window; the oldest is forgotten beyond this (a long session of drops stays bounded). */
const MAX_PICKED = 64;

export const PATH_NOT_ALLOWED: ApiErrorShape = {
  code: 'path_not_allowed',
  message: 'Augur only opens files you drop on its window or choose with its file picker. Please drop the file or choose it again.',
};
export const PICKED_GONE: ApiErrorShape = {
  code: 'file_gone',
  message: 'Augur no longer knows that file. Please drop the file or choose it again.',
};

export class PickedFiles {
  private readonly byId = new Map<string, { owner: number; filePath: string }>();

  /** An id for `filePath`, valid only for requests from the web contents `owner`. */
  register(owner: number, filePath: string): FileRef & { kind: 'picked' } {
    const fileId = randomUUID();
    this.byId.set(fileId, { owner, filePath });
    while (this.byId.size > MAX_PICKED) this.byId.delete(this.byId.keys().next().value as string);
    return { kind: 'picked', fileId, name: path.basename(filePath) };
  }

  /** The path behind `fileId`, when `owner` was given it. */
  resolve(owner: number, fileId: string): string | undefined {
    const e = this.byId.get(fileId);
    return e && e.owner === owner ? e.filePath : undefined;
  }

  /** Forgets every id of a window that closed. */
  forgetOwner(owner: number): void {
    for (const [id, e] of this.byId) if (e.owner === owner) this.byId.delete(id);
  }
}

/**
 * importCsv args from the renderer, with a picked file turned into its path for the engine; or the
 * refusal when they name a path themselves, or an id this window was not given. Anything else passes
 * unchanged (samples; malformed args are refused by the validation that follows).
 */
export function resolvePickedFile(args: unknown, owner: number, picked: PickedFiles): { args: unknown } | { error: ApiErrorShape } {
  const file = (args as { file?: unknown } | null)?.file as { kind?: unknown; fileId?: unknown } | undefined;
  if (typeof file !== 'object' || file === null) return { args };
  if (file.kind === 'path') return { error: PATH_NOT_ALLOWED };
  if (file.kind !== 'picked') return { args };
  const filePath = typeof file.fileId === 'string' ? picked.resolve(owner, file.fileId) : undefined;
  if (!filePath) return { error: PICKED_GONE };
  return { args: { ...(args as object), file: { kind: 'path', path: filePath } } };
}
