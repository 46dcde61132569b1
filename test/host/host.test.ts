import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import WebSocket from 'ws';
import { startHost, type RunningHost } from '../../electron/host.ts';
import { createWsBridge, type WsBridge } from '../../renderer/src/bridge/ws-client.ts';
import { BridgeError } from '../../renderer/src/bridge/errors.ts';

// The real host in-process on a free port, driven through the renderer's own WebSocket bridge.
let host: RunningHost;
let tmp: string;
let bridge: WsBridge;

function wsBridge(origin: string): WsBridge {
  return createWsBridge({
    url: host.url.replace('http', 'ws') + 'api',
    baseUrl: host.url,
    connect: (url) => new WebSocket(url, { origin }) as unknown as globalThis.WebSocket,
  });
}

/** A raw HTTP request, so paths are sent exactly as written (fetch would normalise "..") */
function raw(method: string, p: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method, path: p, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Node's fetch has no page origin; a browser adds Origin itself, so the test adds it the same way.
const realFetch = globalThis.fetch;
function fetchFromPage(origin: string): typeof fetch {
  return (input, init) => realFetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Origin: origin } });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-host-test-'));
  const renderer = path.join(tmp, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Augur test page</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'do not serve me');
  const samples = path.join(tmp, 'samples');
  fs.mkdirSync(samples);
  fs.writeFileSync(path.join(samples, 'tiny_churn.csv'), 'a,b,label\n1,x,yes\n2,y,no\n');
  fs.writeFileSync(path.join(samples, 'samples.json'), JSON.stringify({ 'tiny_churn.csv': 'Three customers, for a first try.' }));
  host = await startHost({ port: 0, rendererDir: renderer, samplesDir: samples, uploadLimitBytes: 10_000, log: () => {} });
  bridge = wsBridge(`http://127.0.0.1:${host.port}`);
  globalThis.fetch = fetchFromPage(`http://127.0.0.1:${host.port}`);
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  bridge?.close();
  await host?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('browser-mode host', () => {
  it('answers status over the WebSocket with the browser transport, tf backend and samples', async () => {
    const status = await bridge.invoke('status', {});
    expect(status.transport).toBe('browser');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(status.tfBackend);
    expect(status.samples).toEqual([{ name: 'tiny_churn.csv', description: 'Three customers, for a first try.' }]);
    expect(status.cores).toBeGreaterThan(0);
  });

  it('refuses WebSocket connections from another web page (foreign Origin) or with no Origin', async () => {
    const tryConnect = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(host.url.replace('http', 'ws') + 'api', { headers });
        ws.on('open', () => resolve('open'));
        ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.on('error', (e) => resolve(e.message));
      });
    expect(await tryConnect({ Origin: 'http://evil.example' })).toBe('403');
    expect(await tryConnect({ Origin: `http://127.0.0.1:${host.port + 1}` })).toBe('403');
    expect(await tryConnect({})).toBe('403');
    expect(await tryConnect({ Origin: `http://127.0.0.1:${host.port}` })).toBe('open');
  });

  it('turns refused requests into Error objects with a plain sentence and a code', async () => {
    const err = await bridge.invoke('importCsv', { file: { kind: 'path', path: '/etc/passwd' }, jobId: 'j-path' }).catch((e) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err.code).toBe('path_not_allowed');
    expect(err.message).toMatch(/drop the file/);
    const bad = await bridge.invoke('cancel', { jobId: 42 } as never).catch((e) => e);
    expect(bad).toBeInstanceOf(Error);
    expect(bad.code).toBe('bad_request');
    expect(await bridge.invoke('cancel', { jobId: 'nothing-running' })).toEqual({ cancelled: false });
  });

  it('serves the renderer with a strict CSP and security headers', async () => {
    const res = await raw('GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Augur test page');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await raw('GET', '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/%00']) {
      const res = await raw('GET', p);
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.body, p).not.toContain('do not serve me');
    }
  });

  it('survives malformed request targets and keeps answering', async () => {
    const net = await import('node:net');
    for (const target of ['http://[', '//%zz', '/%', '*']) {
      await new Promise<void>((resolve) => {
        const sock = net.connect(host.port, '127.0.0.1', () => sock.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`));
        sock.on('data', () => {});
        sock.on('close', () => resolve());
        sock.on('error', () => resolve());
      });
    }
    expect((await raw('GET', '/')).status).toBe(200);
    expect(await bridge.invoke('cancel', { jobId: 'still-alive' })).toEqual({ cancelled: false });
  });

  it('only answers GET/HEAD for files and only under its own Host name (DNS rebinding)', async () => {
    expect((await raw('POST', '/index.html')).status).toBe(405);
    expect((await raw('DELETE', '/')).status).toBe(405);
    expect((await raw('GET', '/', { Host: 'attacker.example:' + host.port })).status).toBe(421);
  });

  it('accepts an upload from its own page, refuses foreign ones and oversize files with a sentence', async () => {
    const file = new File(['a,b\n1,2\n'], 'my data.csv', { type: 'text/csv' });
    const ref = await bridge.fileRef(file);
    expect(ref).toMatchObject({ kind: 'upload', name: 'my data.csv' });
    const foreign = await raw('POST', '/upload', { Origin: 'http://evil.example', 'X-Augur-File-Name': 'x.csv' }, Buffer.from('a\n1\n'));
    expect(foreign.status).toBe(403);
    const big = await bridge.fileRef(new File(['x'.repeat(20_000)], 'big.csv')).catch((e) => e);
    expect(big).toBeInstanceOf(BridgeError);
    expect(big.code).toBe('file_too_large');
    expect(big.message).toMatch(/larger than/);
  });
});

describe('browser-mode jobs', () => {
  it('imports an uploaded file, and a closed tab does not leave its training running', async () => {
    const lines = ['visits,region,bought'];
    for (let i = 0; i < 200; i++) lines.push(`${(i * 37) % 50},${['n', 's', 'e'][i % 3]},${(i * 37) % 50 > 24 ? 'yes' : 'no'}`);
    const ref = await bridge.fileRef(new File([lines.join('\n')], 'visits.csv'));
    const summary = await bridge.invoke('importCsv', { file: ref, jobId: 'up-1' });
    expect(summary).toMatchObject({ fileName: 'visits.csv', rows: 200 });
    // The temporary upload is gone once read: the same reference cannot be read twice.
    const again = await bridge.invoke('importCsv', { file: ref, jobId: 'up-2' }).catch((e) => e);
    expect(again.code).toBe('upload_missing');

    const tab = wsBridge(`http://127.0.0.1:${host.port}`);
    const trials: string[] = [];
    tab.onEvent((e) => e.type === 'run.trial' && e.jobId === 'tab-run' && trials.push(e.row.family));
    void tab.invoke('train', { datasetId: summary.datasetId, target: 'bought', budgetS: 120, jobId: 'tab-run' }).catch(() => {});
    while (!trials.some((f) => f !== 'baseline')) await new Promise((r) => setTimeout(r, 20));
    tab.close(); // the user closed the tab mid-run
    // The host stops it: the one training slot is free again within seconds (and another
    // connection could not have stopped it).
    const t0 = Date.now();
    let next: unknown;
    for (;;) {
      next = await bridge.invoke('train', { datasetId: summary.datasetId, target: 'bought', budgetS: 1, jobId: 'after-tab' }).catch((e) => e);
      if (!(next instanceof BridgeError && next.code === 'busy_training')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(next).toMatchObject({ cancelled: false });
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

describe('when the host goes away', () => {
  it('rejects calls with a plain sentence instead of hanging', async () => {
    const tmpRenderer = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-host-gone-'));
    const h2 = await startHost({ port: 0, rendererDir: tmpRenderer, samplesDir: tmpRenderer, log: () => {} });
    const b = createWsBridge({
      url: `ws://127.0.0.1:${h2.port}/api`,
      baseUrl: h2.url,
      connect: (url) => new WebSocket(url, { origin: `http://127.0.0.1:${h2.port}` }) as unknown as globalThis.WebSocket,
    });
    expect(await b.connected()).toBe(true);
    await h2.close();
    const err = await b.invoke('cancel', { jobId: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err.code).toBe('host_gone');
    expect(err.message).toMatch(/npm run web/);
    b.close();
    fs.rmSync(tmpRenderer, { recursive: true, force: true });
  });

  it('reconnects once when the host comes back on the same port', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-host-back-'));
    const first = await startHost({ port: 0, rendererDir: dir, samplesDir: dir, log: () => {} });
    const port = first.port;
    const b = createWsBridge({
      url: `ws://127.0.0.1:${port}/api`,
      baseUrl: first.url,
      reconnectDelayMs: 300,
      connect: (url) => new WebSocket(url, { origin: `http://127.0.0.1:${port}` }) as unknown as globalThis.WebSocket,
    });
    expect(await b.connected()).toBe(true);
    await first.close();
    const second = await startHost({ port, rendererDir: dir, samplesDir: dir, log: () => {} });
    try {
      expect(await b.invoke('cancel', { jobId: 'after-restart' })).toEqual({ cancelled: false });
    } finally {
      b.close();
      await second.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
