// app://augur/… serves the built renderer. A privileged standard scheme instead of file:// gives the
// page a real origin (module scripts load; file:// would be origin 'null'), and every response
// carries the CSP header.
import { protocol } from 'electron';
import fs from 'node:fs/promises';
import { APP_HOST, APP_SCHEME } from './trust.ts';
import { contentSecurityPolicy, mimeType, resolveStaticPath } from '../api/static.ts';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const headers = { 'Content-Security-Policy': contentSecurityPolicy(), 'X-Content-Type-Options': 'nosniff' };
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST && request.method === 'GET' ? resolveStaticPath(rendererDir, url.pathname) : undefined;
    const body = file ? await fs.readFile(file).catch(() => undefined) : undefined;
    if (!file || !body) return new Response('Not found.', { status: 404, headers });
    return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': mimeType(file) } });
  });
}
