// The preload exposes exactly one object, window.augur (the AugurBridge contract), and nothing else:
// no ipcRenderer, no Node. Sandboxed, so it is bundled to one CommonJS file (dist/electron/preload.cjs).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { EVENT_CHANNEL, PICK_FILE_CHANNEL, methodChannel } from './main/channels.ts';
import { API_METHODS, type ApiEvent, type ApiMethod, type AugurBridge, type FileRef } from '../shared/api.ts';


type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; detail?: string } };

const bridge: AugurBridge = {
  async invoke(method, args) {
    if (!(API_METHODS as readonly string[]).includes(method as string))
      throw { code: 'bad_request', message: 'Augur received a request it does not understand. Please reload the window and try again.' };
    const reply = (await ipcRenderer.invoke(methodChannel(method as ApiMethod), args)) as Reply;
    // A plain {code, message} object crosses contextBridge intact; an Error would lose its code.
    if (!reply.ok) throw reply.error;
    return reply.result as never;
  },
  onEvent(listener) {
    const handler = (_e: unknown, event: ApiEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  async fileRef(file): Promise<FileRef> {
    // Only a File the operating system gave the page (a drop, the file picker) has a path; main hands
    // out an id for it, and importCsv takes only such ids (main/picked-files.ts).
    const filePath = webUtils.getPathForFile(file);
    if (!filePath) throw { code: 'not_a_file', message: 'Augur cannot read this item. Please drop a CSV file saved on this computer.' };
    const reply = (await ipcRenderer.invoke(PICK_FILE_CHANNEL, filePath)) as Reply;
    if (!reply.ok) throw reply.error;
    return reply.result as FileRef;
  },
};

contextBridge.exposeInMainWorld('augur', bridge);
