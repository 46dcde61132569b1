import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { appPaths } from '../../electron/main/paths.ts';
import { isAllowedRequestUrl, isAppUrl, isSafeExternalUrl } from '../../electron/main/trust.ts';
import { resolveStaticPath } from '../../electron/api/static.ts';

describe('packaged app paths', () => {
  it('reads WebAssembly and the search worker from app.asar.unpacked, the rest from the asar', () => {
    const p = appPaths(path.join('/opt/Augur/resources', 'app.asar'));
    expect(p.wasmDir).toBe(path.join('/opt/Augur/resources/app.asar.unpacked/dist/electron/wasm') + path.sep);
    expect(p.searchWorker).toBe(path.join('/opt/Augur/resources/app.asar.unpacked/dist/electron/worker.cjs'));
    expect(p.rendererDir).toBe(path.join('/opt/Augur/resources/app.asar/dist/renderer'));
    expect(p.preload).toBe(path.join('/opt/Augur/resources/app.asar/dist/electron/preload.cjs'));
  });
  it('uses the checkout itself in development', () => {
    expect(appPaths('/home/me/augur').wasmDir).toBe(path.join('/home/me/augur/dist/electron/wasm') + path.sep);
  });
});

describe('what the Electron window may talk to', () => {
  it('IPC only from our own app:// page', () => {
    expect(isAppUrl('app://augur/index.html')).toBe(true);
    for (const u of ['app://evil/index.html', 'https://augur/index.html', 'file:///index.html', 'appx://augur/', '', undefined]) expect(isAppUrl(u)).toBe(false);
  });
  it('only plain https links open outside, never file: or javascript: or credentials', () => {
    expect(isSafeExternalUrl('https://example.com/help')).toBe(true);
    for (const u of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@example.com/', 'smb://host/share']) expect(isSafeExternalUrl(u)).toBe(false);
  });
  it('no remote requests from the window', () => {
    expect(isAllowedRequestUrl('app://augur/assets/index.js')).toBe(true);
    expect(isAllowedRequestUrl('data:image/png;base64,AA==')).toBe(true);
    for (const u of ['https://cdn.example.com/x.js', 'http://127.0.0.1:4317/api', 'ws://127.0.0.1:4317/api', 'app://other/x', 'file:///etc/passwd']) expect(isAllowedRequestUrl(u)).toBe(false);
  });
});

describe('static file paths', () => {
  const root = path.resolve('/srv/renderer');
  it('maps URL paths into the renderer folder', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(path.join(root, 'assets/index-abc.js'));
    expect(resolveStaticPath(root, '/my%20file.csv')).toBe(path.join(root, 'my file.csv'));
  });
  it('never leaves it, however the path is spelled', () => {
    for (const p of ['/../x', '/%2e%2e/x', '/..%2f..%2fetc/passwd', '/a/..%5c..%5c..%5cx', '/%00', '/%E0%A4%A']) {
      const f = resolveStaticPath(root, p);
      expect(f === undefined || f.startsWith(root + path.sep), p).toBe(true);
    }
    expect(resolveStaticPath(root, '/%00')).toBeUndefined();
  });
});
