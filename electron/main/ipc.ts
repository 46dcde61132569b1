// One ipcMain.handle per API method. Each checks that the message comes from our own window's
// top frame on app://, then hands the untrusted args to dispatch (validation + handler + plain errors).
// importCsv names a file by the id main handed out for a drop or a pick (picked-files.ts), never a path.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, type ApiEvent } from '../../shared/api.ts';
import type { ApiImpl } from '../api/handlers.ts';
import { dispatch, type ApiReply } from '../api/dispatch.ts';
import { BAD_REQUEST_MESSAGE } from '../api/errors.ts';
import { isAppUrl } from './trust.ts';
import { EVENT_CHANNEL, PICK_FILE_CHANNEL, methodChannel } from './channels.ts';
import { resolvePickedFile, type PickedFiles } from './picked-files.ts';

const FORBIDDEN: ApiReply = { ok: false, error: { code: 'forbidden', message: 'This request did not come from the Augur window.' } };
const MAX_PATH_CHARS = 4096;

export function registerIpc(api: ApiImpl, mainWindow: () => BrowserWindow | undefined, picked: PickedFiles): void {
  const trusted = (event: IpcMainInvokeEvent) => {
    const win = mainWindow();
    const frame = event.senderFrame;
    // Our window, its top frame (no parent), showing our own app:// page.
    return !!win && !!frame && event.sender.id === win.webContents.id && frame.parent === null && isAppUrl(frame.url);
  };
  for (const method of API_METHODS) {
    ipcMain.handle(methodChannel(method), (event, args: unknown) => {
      if (!trusted(event)) return FORBIDDEN;
      if (method !== 'importCsv') return dispatch(api, method, args);
      const r = resolvePickedFile(args, event.sender.id, picked);
      return 'error' in r ? ({ ok: false, error: r.error } satisfies ApiReply) : dispatch(api, method, r.args);
    });
  }
  ipcMain.handle(PICK_FILE_CHANNEL, async (event, filePath: unknown): Promise<ApiReply> => {
    if (!trusted(event)) return FORBIDDEN;
    if (typeof filePath !== 'string' || !path.isAbsolute(filePath) || filePath.length > MAX_PATH_CHARS || filePath.includes('\0'))
      return { ok: false, error: { code: 'bad_request', message: BAD_REQUEST_MESSAGE, detail: 'the file path must be absolute' } };
    const stat = await fs.stat(filePath).catch(() => undefined);
    if (!stat) return { ok: false, error: { code: 'file_not_found', message: `Augur cannot find the file "${path.basename(filePath)}". It may have been moved or deleted.` } };
    if (!stat.isFile()) return { ok: false, error: { code: 'not_a_file', message: `"${path.basename(filePath)}" is a folder, not a file. Please choose a CSV file.` } };
    return { ok: true, result: picked.register(event.sender.id, filePath) };
  });
}

/** Engine events go only to the app window. */
export function eventSender(mainWindow: () => BrowserWindow | undefined): (e: ApiEvent) => void {
  return (e) => {
    const win = mainWindow();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, e);
  };
}
