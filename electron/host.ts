// Browser mode: `npm run web` → serves the built renderer on 127.0.0.1 and answers the API
// (electron/api, the same handlers Electron's IPC uses) over a WebSocket at /api.
// Security: loopback only; Host header checked (DNS rebinding); WebSocket upgrades and uploads
// only from our own Origin, so another web page cannot drive the engine; strict CSP; static files
// are GET/HEAD only and cannot escape the renderer folder.
// Limits: uploads not imported are capped in count, total size and age, and what a killed host left
// is removed at the next start; a job belongs to the connection that started it (its events go
// only there, and only it can stop it); slow or idle connections are cut by the host's own timeouts.
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
import { dispatch, type ApiReply } from './api/dispatch.ts';
import { BAD_REQUEST_MESSAGE } from './api/errors.ts';
import { UploadStore, type UploadLimits } from './api/session.ts';
import { contentSecurityPolicy, mimeType, resolveStaticPath } from './api/static.ts';
import { sweepStaleTemps, tempPathFor } from './engine/util/atomic-file.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface HostOptions {
  /** 0 picks a free port. Default 4317. */
  port?: number;
  /** Open the system browser at the URL (default false here; the CLI defaults to true). */
  open?: boolean;
  rendererDir?: string;
  samplesDir?: string;
  uploadLimitBytes?: number;
  /** Limits on uploads not imported yet (see UploadStore); defaults in UPLOAD_LIMITS. */
  uploads?: Partial<UploadLimits>;
  /**
   * Where upload folders go: one per running host, `<root>/host.augur-tmp-<pid>-<n>/<uploadId>/<name>`,
   * so the next start removes what a killed host left. Default `<OS temp folder>/augur-uploads`.
   */
  uploadsRoot?: string;
  timeouts?: Partial<HostTimeouts>;
  /** Information lines (the URL). Default: stdout. */
  log?: (line: string) => void;
  /** Problem lines, one per problem, never a stack trace. Default: stderr. */
  warn?: (line: string) => void;
}

/** The host's own limits on slow connections (Node's defaults are 60 s for headers, 300 s for a request, no idle limit). */
export interface HostTimeouts {
  /** Until the request's headers are all there. */
  headersMs: number;
  /** Until the whole request (an upload's body too) is there. */
  requestMs: number;
  /** A connection with no traffic at all (WebSockets excepted: they wait for the user). */
  idleMs: number;
}

export interface RunningHost {
  url: string;
  port: number;
  /** This host's uploads folder (removed on close; swept at the next start if the host is killed). */
  uploadsDir: string;
  /** Uploads not imported yet (for tests and diagnostics). */
  uploads: UploadStore;
  close(): Promise<void>;
}

const DEFAULT_PORT = 4317;
const UPLOAD_LIMIT = 2 * 1024 ** 3;
/** Eight files, 4 GB in all, ten minutes each: the page imports a file the moment it is sent, so more is left behind. */
export const UPLOAD_LIMITS: UploadLimits = { maxCount: 8, maxBytes: 4 * 1024 ** 3, ttlMs: 10 * 60_000 };
/** A 2 GB upload over the loopback takes seconds; ten minutes leaves room for a slow disk. */
export const HOST_TIMEOUTS: HostTimeouts = { headersMs: 10_000, requestMs: 10 * 60_000, idleMs: 60_000 };
/** Upload folders of an older Augur (`augur-uploads-XXXXXX` in the temp folder) are removed after a day. */
const LEGACY_UPLOADS_RE = /^augur-uploads-[A-Za-z0-9]{6}$/;
const DAY_MS = 24 * 3600_000;
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

/**
 * This host's uploads folder, `<root>/host.augur-tmp-<pid>-<n>`, after removing what earlier hosts
 * left: the folders of hosts no longer running (a kill, a crash, a closed terminal) and, after a day,
 * the `augur-uploads-XXXXXX` folders of older Augur versions in the temp folder.
 */
export async function prepareUploadsDir(root: string): Promise<{ dir: string; removed: string[] }> {
  await fsp.mkdir(root, { recursive: true });
  const removed = (await sweepStaleTemps(root)).map((n) => path.join(root, n));
  const tmp = os.tmpdir();
  for (const name of await fsp.readdir(tmp).catch(() => [] as string[])) {
    if (!LEGACY_UPLOADS_RE.test(name)) continue;
    const full = path.join(tmp, name);
    const stat = await fsp.stat(full).catch(() => undefined);
    if (stat?.isDirectory() && Date.now() - stat.mtimeMs > DAY_MS) {
      await fsp.rm(full, { recursive: true, force: true });
      removed.push(full);
    }
  }
  const dir = tempPathFor(path.join(root, 'host'));
  await fsp.mkdir(dir);
  return { dir, removed };
}

/** Errors that only mean the browser went away mid-answer (a closed tab, a cancelled download). */
function isClientGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ERR_STREAM_DESTROYED';
}

/** One line for the console: the first line of an error's message, never its stack. */
function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.split('\n')[0].slice(0, 300);
}

interface HostParts {
  okOrigin: (o: string | undefined) => boolean;
  sendJson: (res: http.ServerResponse, status: number, body: unknown) => void;
  uploads: UploadStore;
  uploadLimit: number;
}

/** POST /upload: the file streams to `<uploads>/<uploadId>/<name>` within the per-file and store limits. */
function uploadReceiver(parts: HostParts): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const { okOrigin, sendJson, uploads, uploadLimit } = parts;
  const sendError = (res: http.ServerResponse, status: number, error: ApiErrorShape) => sendJson(res, status, { error });
  return async (req, res) => {
    if (req.method !== 'POST') return sendError(res, 405, { code: 'bad_request', message: 'Uploads must be sent with POST.' });
    // A custom header forces a CORS preflight (which we never answer), on top of the Origin check.
    const rawName = req.headers['x-augur-file-name'];
    if (!okOrigin(req.headers.origin) || typeof rawName !== 'string')
      return sendError(res, 403, { code: 'forbidden', message: 'Only the Augur page itself can send files here.' });
    const tooBig: ApiErrorShape = { code: 'file_too_large', message: `This file is larger than ${sizeWords(uploadLimit)}, the most Augur can read in the browser.` };
    // said when it happens: the other uploads held then
    const noRoom = (self?: string): ApiErrorShape => {
      const held = uploads.held(self);
      if (held.count === 0) return { code: 'uploads_full', message: `This file is larger than ${sizeWords(uploads.limits.maxBytes)}, the most Augur keeps for files waiting to be opened.` };
      return {
        code: 'uploads_full',
        message: `Augur is still holding ${held.count === 1 ? 'a file' : `${held.count} files`} (${sizeWords(held.bytes)}) that ${held.count === 1 ? 'was' : 'were'} sent but not opened yet, and has no room for this one. Wait until the files being opened are read, then drop this one again.`,
      };
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > uploadLimit) {
      sendError(res, 413, tooBig);
      req.resume();
      return;
    }
    if (!(await uploads.makeRoom(Number.isFinite(declared) ? declared : 0))) {
      res.setHeader('Connection', 'close');
      sendError(res, 507, noRoom());
      res.on('finish', () => req.destroy());
      return;
    }
    const uploadId = randomUUID();
    const dir = path.join(uploads.dir, uploadId);
    uploads.begin(uploadId);
    let bytes = 0;
    // Over a limit: answer at once, discard what still comes for a moment (so the browser reads the
    // answer before the connection closes), then stop reading the rest of a huge body.
    let over = false;
    const refuse = (status: number, error: ApiErrorShape) => {
      over = true;
      res.setHeader('Connection', 'close'); // a client must not send its next request on a connection we are about to cut
      sendError(res, status, error);
      res.on('finish', () => setTimeout(() => req.destroy(), 2000).unref());
    };
    const limiter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        if (over) return cb();
        bytes += chunk.length;
        if (bytes > uploadLimit) refuse(413, tooBig);
        else if (!uploads.grow(uploadId, chunk.length)) refuse(507, noRoom(uploadId));
        cb(null, over ? undefined : chunk);
      },
    });
    try {
      // recursive: a host idle for a day may have had its folder swept by another host's start
      await fsp.mkdir(dir, { recursive: true });
      await pipeline(req, limiter, fs.createWriteStream(path.join(dir, safeFileName(rawName))));
    } catch {
      await uploads.forget(uploadId);
      if (!over && !res.headersSent && !req.destroyed) sendError(res, 400, { code: 'upload_failed', message: 'The file upload was interrupted. Please drop the file again.' });
      return;
    }
    if (over) {
      await uploads.forget(uploadId);
      return;
    }
    uploads.received(uploadId);
    sendJson(res, 200, { uploadId, bytes });
  };
}

/**
 * One WebSocket connection: requests in, replies and the events of its own jobs out. A job belongs
 * to the connection that started it: its events go only there, a cancel from another connection
 * stops nothing, and another connection cannot take its jobId. A connection that goes away cancels
 * the jobs it was still waiting for.
 */
function socketHandler(api: ReturnType<typeof createApi>, owners: Map<string, WebSocket>, uploads: UploadStore): (ws: WebSocket) => void {
  return (ws) => {
    const pendingJobs = new Set<string>();
    let pending = 0;
    const reply = (id: unknown, body: ApiReply) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id, ...body }));
    };
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
        reply(id, { ok: false, error: { code: 'busy', message: 'Augur is busy with many requests; please wait a moment and try again.' } });
        return;
      }
      const args = msg.args as { jobId?: unknown; file?: { kind?: unknown; uploadId?: unknown } } | undefined;
      const jobId = typeof args?.jobId === 'string' ? args.jobId : undefined;
      const owner = jobId === undefined ? undefined : owners.get(jobId);
      if (msg.method === 'cancel' && owner && owner !== ws) {
        reply(id, { ok: true, result: { cancelled: false } }); // not this connection's job: nothing of it is stopped
        return;
      }
      const starts = msg.method !== 'cancel' && jobId !== undefined;
      if (starts && owner && owner !== ws) {
        reply(id, { ok: false, error: { code: 'bad_request', message: BAD_REQUEST_MESSAGE, detail: 'jobId is already running' } });
        return;
      }
      const uploadId = msg.method === 'importCsv' && args?.file?.kind === 'upload' && typeof args.file.uploadId === 'string' ? args.file.uploadId : undefined;
      const claimed = uploadId !== undefined && uploads.claim(uploadId);
      const mine = starts && !owner;
      if (mine) {
        owners.set(jobId!, ws);
        pendingJobs.add(jobId!);
      }
      pending++;
      try {
        reply(id, await dispatch(api, msg.method, msg.args));
      } finally {
        pending--;
        if (mine) {
          pendingJobs.delete(jobId!);
          owners.delete(jobId!);
        }
        // read or refused: an upload is not read twice (the handler has removed its folder already)
        if (claimed) await uploads.forget(uploadId!);
      }
    });
    ws.on('close', () => {
      for (const jobId of pendingJobs) void api.cancel({ jobId });
    });
    ws.on('error', () => ws.terminate());
  };
}

export async function startHost(opts: HostOptions = {}): Promise<RunningHost> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const warn = opts.warn ?? ((line: string) => console.error(line));
  const rendererDir = path.resolve(opts.rendererDir ?? path.join(ROOT, 'dist', 'renderer'));
  const samplesDir = opts.samplesDir ?? path.join(ROOT, 'assets', 'samples');
  const uploadLimit = opts.uploadLimitBytes ?? UPLOAD_LIMIT;
  const timeouts = { ...HOST_TIMEOUTS, ...opts.timeouts };
  const { dir: uploadsDir } = await prepareUploadsDir(opts.uploadsRoot ?? path.join(os.tmpdir(), 'augur-uploads'));
  const uploads = new UploadStore(uploadsDir, { ...UPLOAD_LIMITS, ...opts.uploads }, (id) => fsp.rm(path.join(uploadsDir, id), { recursive: true, force: true }));
  let port = opts.port ?? DEFAULT_PORT;

  const sockets = new Set<WebSocket>();
  // jobId -> the connection that started it; events of jobs nobody owns (any more) go nowhere
  const owners = new Map<string, WebSocket>();
  const route = (event: ApiEvent) => {
    const text = JSON.stringify({ event });
    const jobId = (event as { jobId?: unknown }).jobId;
    const targets = typeof jobId === 'string' ? [owners.get(jobId)] : sockets;
    for (const ws of targets) if (ws?.readyState === WebSocket.OPEN) ws.send(text);
  };
  const api = createApi({ emit: route, transport: 'browser', samplesDir, uploadsDir });

  const okHost = (h: string | undefined) => h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  const okOrigin = (o: string | undefined) => o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;

  function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { ...securityHeaders(port), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
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

  const receiveUpload = uploadReceiver({ okOrigin, sendJson, uploads, uploadLimit });
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // how often Node looks for connections over those limits (its default, 30 s, would let them run far over)
      connectionsCheckingInterval: Math.max(50, Math.min(1000, timeouts.headersMs / 4)),
    },
    (req, res) => {
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
        // One line per problem: a browser that stops a download is not an error worth a stack trace.
        if (isClientGone(err) || req.destroyed || res.destroyed) warn(`Augur host: the browser closed the connection before ${pathname.slice(0, 200)} was sent in full.`);
        else warn(`Augur host: ${req.method} ${pathname.slice(0, 200)} failed (${oneLine(err)}).`);
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Something went wrong inside Augur. Please reload the page.' } });
        else res.destroy();
      });
    },
  );
  // no traffic at all for this long: cut (an upload that stalled, a connection left open)
  server.setTimeout(timeouts.idleMs);

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE });
  const onSocket = socketHandler(api, owners, uploads);
  server.on('upgrade', (req, socket, head) => {
    if (urlPath(req.url) !== '/api' || !okHost(req.headers.host) || !okOrigin(req.headers.origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      onSocket(ws);
    });
  });

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
  // expired uploads go even while nobody sends new ones
  const expiry = setInterval(() => void uploads.expire().catch(() => {}), Math.min(60_000, Math.max(1000, uploads.limits.ttlMs / 2)));
  expiry.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    uploadsDir,
    uploads,
    close() {
      closing ??= (async () => {
        clearInterval(expiry);
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
