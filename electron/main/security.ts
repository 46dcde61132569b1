// The Electron security checklist, applied to every web contents the app ever creates:
// no navigation away from the app, no new windows, no webviews, no permissions, no remote requests.
import { app, session, shell, type WebContents } from 'electron';
import { isAllowedRequestUrl, isAppUrl, isSafeExternalUrl } from './trust.ts';

export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Offline by design: the window can only reach its own app:// files.
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
}

function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // A help link may open in the user's browser; the app itself never opens windows.
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => harden(contents));
}
