// Pure checks (no 'electron' import, so they are unit-tested in plain Node): which URLs the
// Electron window may load, navigate to, open externally, and accept IPC from.

export const APP_SCHEME = 'app';
export const APP_HOST = 'augur';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** True only for pages served by our own app:// protocol. IPC from anything else is refused. */
export function isAppUrl(url: string | undefined): boolean {
  const u = url ? parse(url) : undefined;
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/** Links the user clicked that may open in the system browser: plain https only. */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url);
  return !!u && u.protocol === 'https:' && !u.username && !u.password;
}

/** Requests the window may make at all: its own protocol plus in-memory data; nothing remote. */
export function isAllowedRequestUrl(url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === `${APP_SCHEME}:`) return u.host === APP_HOST;
  return u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:';
}
