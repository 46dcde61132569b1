import { afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { AugurBridge } from '../../shared/api.ts';
import { startHost } from '../../electron/host.ts';

// ensureBridge() as the renderer calls it at start-up, with the browser globals it reads stubbed.
const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.window;
  delete g.location;
  delete g.WebSocket;
  vi.resetModules();
});

describe('ensureBridge', () => {
  it('in Electron wraps window.augur so rejections are Error objects with the sentence and the code', async () => {
    const preload: AugurBridge = {
      invoke: (async (method: string) => {
        // What the preload rejects with: a plain ApiErrorShape (an Error would lose .code over contextBridge).
        if (method === 'importCsv') throw { code: 'file_not_found', message: 'Augur cannot find the file "a.csv". It may have been moved or deleted.' };
        throw new Error("Error invoking remote method 'augur:status': TypeError: x is undefined");
      }) as AugurBridge['invoke'],
      onEvent: () => () => {},
      fileRef: async () => ({ kind: 'path', path: '/tmp/a.csv' }),
    };
    g.window = { augur: preload };
    const { ensureBridge, BridgeError } = await import('../../renderer/src/bridge/index.ts');
    const bridge = await ensureBridge();
    const notFound = await bridge.invoke('importCsv', { file: { kind: 'path', path: '/tmp/a.csv' }, jobId: 'j' }).catch((e) => e);
    expect(notFound).toBeInstanceOf(BridgeError);
    expect(notFound).toBeInstanceOf(Error);
    expect(notFound.code).toBe('file_not_found');
    expect(notFound.message).toMatch(/^Augur cannot find the file/);
    const internal = await bridge.invoke('status', {}).catch((e) => e);
    expect(internal.code).toBe('internal');
    expect(internal.message).not.toMatch(/invoking remote method|TypeError/);
  });

  it('in a browser connects to the host it was served from and installs window.augur', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-bridge-'));
    const host = await startHost({ port: 0, rendererDir: dir, samplesDir: dir, log: () => {} });
    const origin = `http://127.0.0.1:${host.port}`;
    try {
      g.window = {};
      g.location = { protocol: 'http:', host: `127.0.0.1:${host.port}`, origin };
      // The browser sends its page's Origin itself; the ws client needs it spelled out.
      g.WebSocket = class extends WebSocket {
        constructor(url: string) {
          super(url, { origin });
        }
      };
      const { ensureBridge } = await import('../../renderer/src/bridge/index.ts');
      const bridge = await ensureBridge();
      expect((g.window as { augur?: unknown }).augur).toBe(bridge);
      expect(await ensureBridge()).toBe(bridge);
      const status = await bridge.invoke('status', {});
      expect(status.transport).toBe('browser');
      (bridge as unknown as { close(): void }).close();
    } finally {
      await host.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
