// The renderer's one way to the engine. In Electron the preload has already put `window.augur` there;
// in a browser we connect to the local host over a WebSocket and install the same interface as
// `window.augur`. The rest of the renderer never knows which transport it has.
import type { AugurBridge } from '../../../shared/api.ts';
import { toBridgeError } from './errors.ts';
import { createWsBridge } from './ws-client.ts';

export { BridgeError } from './errors.ts';

let bridge: Promise<AugurBridge> | undefined;

/** Rejections become BridgeError (Error + .code), whatever the transport rejected with. */
function withErrorObjects(raw: AugurBridge): AugurBridge {
  return {
    invoke: (method, args) => raw.invoke(method, args).catch((e: unknown) => Promise.reject(toBridgeError(e))),
    onEvent: (listener) => raw.onEvent(listener),
    fileRef: (file, onProgress) => raw.fileRef(file, onProgress).catch((e: unknown) => Promise.reject(toBridgeError(e))),
  };
}

export function ensureBridge(): Promise<AugurBridge> {
  bridge ??= (async () => {
    // Electron: the preload's object (read-only, from contextBridge).
    if (typeof window.augur === 'object' && window.augur) return withErrorObjects(window.augur);
    const ws = createWsBridge({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`,
      baseUrl: location.origin,
    });
    await ws.connected(); // if the host is down, calls reject with a plain sentence; no need to fail here
    window.augur = ws;
    return ws;
  })();
  return bridge;
}
