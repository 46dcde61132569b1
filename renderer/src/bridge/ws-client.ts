// Browser mode transport: the AugurBridge over one WebSocket to electron/host.ts.
// Requests {id, method, args} → replies {id, ok, result | error}; pushed events {event}.
// A dropped connection rejects every pending call with a plain sentence, then reconnects once.
import type { ApiEvent, ApiMethod, ApiMethods, AugurBridge, FileRef } from '../../../shared/api.ts';
import { BridgeError, HOST_GONE, toBridgeError } from './errors.ts';
import { uploadFile } from './upload.ts';

export interface WsBridgeOptions {
  /** ws://127.0.0.1:PORT/api */
  url: string;
  /** http://127.0.0.1:PORT, for uploads */
  baseUrl: string;
  /** Tests in Node pass a factory for the `ws` package (the browser's WebSocket is the default). */
  connect?: (url: string) => WebSocket;
  /** Pause before the one reconnect after a dropped connection (default 1 s). */
  reconnectDelayMs?: number;
}

export interface WsBridge extends AugurBridge {
  fileRef(file: File, onProgress?: (fraction: number) => void): Promise<FileRef>;
  /** Resolves once connected, or false when the host could not be reached. */
  connected(): Promise<boolean>;
  close(): void;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export function createWsBridge(opts: WsBridgeOptions): WsBridge {
  const connect = opts.connect ?? ((url: string) => new WebSocket(url));
  const listeners = new Set<(e: ApiEvent) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closedByUs = false;
  let reconnectsLeft = 1;
  let socket: Promise<WebSocket | undefined>;

  function open(): Promise<WebSocket | undefined> {
    return new Promise((resolve) => {
      let ws: WebSocket;
      try {
        ws = connect(opts.url);
      } catch {
        resolve(undefined);
        return;
      }
      let opened = false;
      ws.onopen = () => {
        opened = true;
        reconnectsLeft = 1; // a good connection earns a fresh reconnect
        resolve(ws);
      };
      ws.onmessage = (m) => onMessage(String(m.data));
      ws.onerror = () => {}; // onclose follows and does the work
      ws.onclose = () => {
        if (!opened) resolve(undefined);
        for (const p of pending.values()) p.reject(new BridgeError(HOST_GONE));
        pending.clear();
        if (opened && !closedByUs && reconnectsLeft > 0) {
          // One retry, after a pause: long enough for a restarted host to be listening again.
          reconnectsLeft--;
          socket = new Promise((r) => setTimeout(r, opts.reconnectDelayMs ?? 1000)).then(() => (closedByUs ? undefined : open()));
        }
      };
    });
  }

  function onMessage(text: string): void {
    let msg: { id?: number; ok?: boolean; result?: unknown; error?: unknown; event?: ApiEvent };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.event) {
      for (const l of listeners) {
        try {
          l(msg.event);
        } catch (err) {
          console.error('Augur event listener failed:', err);
        }
      }
      return;
    }
    const p = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
    if (!p) return;
    pending.delete(msg.id!);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(toBridgeError(msg.error));
  }

  socket = open();

  return {
    async invoke<M extends ApiMethod>(method: M, args: ApiMethods[M]['args']): Promise<ApiMethods[M]['result']> {
      let ws = await socket;
      if (ws && ws.readyState > 1 /* CLOSING or CLOSED */) {
        // The drop is known to the socket but its close event (which schedules the reconnect) may not have run yet.
        await new Promise((r) => setTimeout(r, 50));
        ws = await socket;
      }
      if (!ws || ws.readyState !== 1 /* OPEN */) throw new BridgeError(HOST_GONE);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, args }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fileRef(file, onProgress) {
      return uploadFile(opts.baseUrl, file, onProgress);
    },
    async connected() {
      return (await socket) !== undefined;
    },
    close() {
      closedByUs = true;
      void socket.then((ws) => ws?.close());
    },
  };
}
