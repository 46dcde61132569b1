// One ipcMain.handle per API method. Each checks that the message comes from our own window's
// top frame on app://, then hands the untrusted args to dispatch (validation + handler + plain errors).
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, type ApiEvent } from '../../shared/api.ts';
import type { ApiImpl } from '../api/handlers.ts';
import { dispatch, type ApiReply } from '../api/dispatch.ts';
import { isAppUrl } from './trust.ts';
import { EVENT_CHANNEL, methodChannel } from './channels.ts';


const FORBIDDEN: ApiReply = { ok: false, error: { code: 'forbidden', message: 'This request did not come from the Augur window.' } };

export function registerIpc(api: ApiImpl, mainWindow: () => BrowserWindow | undefined): void {
  const trusted = (event: IpcMainInvokeEvent) => {
    const win = mainWindow();
    const frame = event.senderFrame;
    // Our window, its top frame (no parent), showing our own app:// page.
    return !!win && !!frame && event.sender.id === win.webContents.id && frame.parent === null && isAppUrl(frame.url);
  };
  for (const method of API_METHODS) {
    ipcMain.handle(methodChannel(method), (event, args: unknown) => (trusted(event) ? dispatch(api, method, args) : FORBIDDEN));
  }
}

/** Engine events go only to the app window. */
export function eventSender(mainWindow: () => BrowserWindow | undefined): (e: ApiEvent) => void {
  return (e) => {
    const win = mainWindow();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, e);
  };
}
