// Browser mode: `npm run web` → serves the built renderer on 127.0.0.1 and answers the API
// (electron/api, the same handlers Electron's IPC uses) over a WebSocket at /api.
// Security: loopback only; Host header checked (DNS rebinding); WebSocket upgrades and uploads
// only from our own Origin, so another web page cannot drive the engine; strict CSP; static files
// are GET/HEAD only and cannot escape the renderer folder.
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer, WebSocket } from 'ws';
import type { ApiEvent, ApiErrorShape } from '../shared/api.ts';
import { createApi } from './api/handlers.ts';
import { dispatch } from './api/dispatch.ts';
import { contentSecurityPolicy, mimeType, resolveStaticPath } from './api/static.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface HostOptions {
  /** 0 picks a free port. Default 4317. */
  port?: number;
  /** Open the system browser at the URL (default false here; the CLI defaults to true). */
  open?: boolean;
  rendererDir?: string;
  samplesDir?: string;
  uploadLimitBytes?: number;
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_PORT = 4317;
const UPLOAD_LIMIT = 2 * 1024 ** 3;
const WS_MAX_MESSAGE = 1024 * 1024;
const MAX_PENDING_PER_SOCKET = 64;

export const NOT_BUILT_MESSAGE = "Augur's window has not been built yet: run npm run build:renderer first (npm run web does it for you), then reload this page.";

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

/** A display-safe file name: no folders, no control or reserved characters. */
export function safeFileName(raw: string): string {
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    /* keep raw */
  }
  name = name.replace(/\\/g, '/').split('/').pop() ?? '';
  name = name.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').trim().replace(/^\.+/, '');
  return name.slice(0, 200) || 'upload.csv';
}

function sizeWords(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${bytes} bytes`;
}

/** The raw path of a request target, or undefined when it is not a URL at all. */
function urlPath(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return undefined;
  }
}

export async function startHost(opts: HostOptions = {}): Promise<RunningHost> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const rendererDir = path.resolve(opts.rendererDir ?? path.join(ROOT, 'dist', 'renderer'));
  const samplesDir = opts.samplesDir ?? path.join(ROOT, 'assets', 'samples');
  const uploadLimit = opts.uploadLimitBytes ?? UPLOAD_LIMIT;
  const uploadsDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'augur-uploads-'));
  let port = opts.port ?? DEFAULT_PORT;

  const sockets = new Set<WebSocket>();
  const broadcast = (event: ApiEvent) => {
    const text = JSON.stringify({ event });
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  };
  const api = createApi({ emit: broadcast, transport: 'browser', samplesDir, uploadsDir });

  const okHost = (h: string | undefined) => h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  const okOrigin = (o: string | undefined) => o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;

  function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { ...securityHeaders(port), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  }
  function sendError(res: http.ServerResponse, status: number, error: ApiErrorShape): void {
    sendJson(res, status, { error });
  }

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...securityHeaders(port), Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
      res.writeHead(503, { ...securityHeaders(port), 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><meta charset="utf-8"><title>Augur</title><p>${NOT_BUILT_MESSAGE}</p>`);
      return;
    }
    const file = resolveStaticPath(rendererDir, pathname);
    const stat = file ? await fsp.stat(file).catch(() => undefined) : undefined;
    if (!file || !stat?.isFile()) {
      res.writeHead(404, { ...securityHeaders(port), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found.');
      return;
    }
    const ext = path.extname(file).toLowerCase();
    res.writeHead(200, {
      ...securityHeaders(port),
      'Content-Type': mimeType(file),
      'Content-Length': String(stat.size),
      // Vite fingerprints assets; index.html must always be fresh.
      'Cache-Control': ext === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') res.end();
    else await pipeline(fs.createReadStream(file), res);
  }

  async function receiveUpload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendError(res, 405, { code: 'bad_request', message: 'Uploads must be sent with POST.' });
    // A custom header forces a CORS preflight (which we never answer), on top of the Origin check.
    const rawName = req.headers['x-augur-file-name'];
    if (!okOrigin(req.headers.origin) || typeof rawName !== 'string')
      return sendError(res, 403, { code: 'forbidden', message: 'Only the Augur page itself can send files here.' });
    const tooBig: ApiErrorShape = { code: 'file_too_large', message: `This file is larger than ${sizeWords(uploadLimit)}, the most Augur can read in the browser.` };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > uploadLimit) {
      sendError(res, 413, tooBig);
      req.resume();
      return;
    }
    const uploadId = randomUUID();
    const dir = path.join(uploadsDir, uploadId);
    await fsp.mkdir(dir);
    let bytes = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb(bytes > uploadLimit ? Object.assign(new Error('too large'), { code: 'TOO_LARGE' }) : null, chunk);
      },
    });
    try {
      await pipeline(req, limiter, fs.createWriteStream(path.join(dir, safeFileName(rawName))));
    } catch (err) {
      await fsp.rm(dir, { recursive: true, force: true });
      if ((err as { code?: string }).code === 'TOO_LARGE') {
        sendError(res, 413, tooBig);
        // Stop reading the rest of a huge body once the answer has been sent.
        res.on('finish', () => req.destroy());
      } else if (!res.headersSent && !req.destroyed) {
        sendError(res, 400, { code: 'upload_failed', message: 'The file upload was interrupted. Please drop the file again.' });
      }
      return;
    }
    sendJson(res, 200, { uploadId, bytes });
  }

  const server = http.createServer((req, res) => {
    if (!okHost(req.headers.host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Augur only answers on 127.0.0.1.');
      return;
    }
    // Still percent-encoded: resolveStaticPath decodes exactly once, then confines the result.
    const pathname = urlPath(req.url);
    if (pathname === undefined) {
      res.writeHead(400, securityHeaders(port));
      res.end();
      return;
    }
    const handler = pathname === '/upload' ? receiveUpload(req, res) : serveStatic(req, res, pathname);
    handler.catch((err: unknown) => {
      console.error('Augur host error:', err);
      if (!res.headersSent) sendError(res, 500, { code: 'internal', message: 'Something went wrong inside Augur. Please reload the page.' });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    if (urlPath(req.url) !== '/api' || !okHost(req.headers.host) || !okOrigin(req.headers.origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  function onSocket(ws: WebSocket): void {
    sockets.add(ws);
    // Jobs this socket started and is still waiting for: cancelled when it goes away.
    const pendingJobs = new Set<string>();
    let pending = 0;
    ws.on('message', async (data, isBinary) => {
      let msg: { id?: unknown; method?: unknown; args?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(String(data));
        if (typeof msg !== 'object' || msg === null) throw new Error('not an object');
      } catch {
        ws.close(1003, 'JSON text messages only');
        return;
      }
      const id = typeof msg.id === 'string' || typeof msg.id === 'number' ? msg.id : null;
      if (pending >= MAX_PENDING_PER_SOCKET) {
        ws.send(JSON.stringify({ id, ok: false, error: { code: 'busy', message: 'Augur is busy with many requests; please wait a moment and try again.' } }));
        return;
      }
      const jobId = (msg.args as { jobId?: unknown } | undefined)?.jobId;
      const tracked = msg.method !== 'cancel' && typeof jobId === 'string' ? jobId : undefined;
      if (tracked) pendingJobs.add(tracked);
      pending++;
      try {
        const reply = await dispatch(api, msg.method, msg.args);
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id, ...reply }));
      } finally {
        pending--;
        if (tracked) pendingJobs.delete(tracked);
      }
    });
    ws.on('close', () => {
      sockets.delete(ws);
      for (const jobId of pendingJobs) void api.cancel({ jobId });
    });
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: NodeJS.ErrnoException) => {
    await fsp.rm(uploadsDir, { recursive: true, force: true });
    if (err.code === 'EADDRINUSE')
      throw new Error(`Port ${port} is already in use (is Augur already running?). Open http://127.0.0.1:${port}/ or start with --port ${port + 1}.`);
    throw err;
  });
  port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/`;
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) log(NOT_BUILT_MESSAGE);
  log(`Augur is running at ${url}`);
  if (opts.open) openBrowser(url);

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        api.cancelAll();
        for (const ws of sockets) ws.close(1001, 'Augur is shutting down');
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await fsp.rm(uploadsDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no browser opener: the printed URL is enough
    child.unref();
  } catch {
    /* same */
  }
}

async function main(argv: string[]): Promise<void> {
  const portArg = argv.includes('--port') ? argv[argv.indexOf('--port') + 1] : undefined;
  const port = portArg === undefined ? DEFAULT_PORT : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`"${portArg}" is not a port number; use for example --port ${DEFAULT_PORT}.`);
    process.exitCode = 2;
    return;
  }
  let host: RunningHost;
  try {
    host = await startHost({ port, open: !argv.includes('--no-open') });
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
    return;
  }
  const stop = () => {
    console.log('Augur is stopping.');
    host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) void main(process.argv.slice(2));
