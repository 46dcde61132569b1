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

describe('files the renderer may name (ids main handed out for drops and picks)', () => {
  it('turns an id into its path only for the window it was given to, and refuses paths', async () => {
    const { PickedFiles, resolvePickedFile } = await import('../../electron/main/picked-files.ts');
    const picked = new PickedFiles();
    const ref = picked.register(1, '/home/me/shop.csv');
    expect(ref).toMatchObject({ kind: 'picked', name: 'shop.csv' });
    expect(resolvePickedFile({ file: ref, jobId: 'j' }, 1, picked)).toEqual({ args: { file: { kind: 'path', path: '/home/me/shop.csv' }, jobId: 'j' } });
    expect(resolvePickedFile({ file: ref, jobId: 'j' }, 2, picked)).toMatchObject({ error: { code: 'file_gone' } });
    expect(resolvePickedFile({ file: { kind: 'path', path: '/etc/passwd' }, jobId: 'j' }, 1, picked)).toMatchObject({ error: { code: 'path_not_allowed' } });
    expect(resolvePickedFile({ file: { kind: 'picked', fileId: { toString: () => ref.fileId } }, jobId: 'j' }, 1, picked)).toMatchObject({ error: { code: 'file_gone' } });
    const sample = { file: { kind: 'sample', name: 'a.csv' }, jobId: 'j' };
    expect(resolvePickedFile(sample, 1, picked)).toEqual({ args: sample });
    picked.forgetOwner(1);
    expect(resolvePickedFile({ file: ref, jobId: 'j' }, 1, picked)).toMatchObject({ error: { code: 'file_gone' } });
    // bounded: a long session of drops keeps only the latest ids
    const refs = Array.from({ length: 100 }, (_, i) => picked.register(3, `/f${i}.csv`));
    expect(picked.resolve(3, refs[0].fileId)).toBeUndefined();
    expect(picked.resolve(3, refs[99].fileId)).toBe('/f99.csv');
  });
});
