// Electron main process: one hardened window showing the renderer from app://, the API over IPC.
// The engine runs here (and in its worker threads) through the same electron/api handlers that
// browser mode uses.
import { app, BrowserWindow, dialog } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { createApi, type Api } from '../api/handlers.ts';
import { appPaths } from './paths.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { hardenAllWebContents, hardenSession } from './security.ts';
import { eventSender, registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { APP_ENTRY } from './trust.ts';
import { PickedFiles } from './picked-files.ts';
import { sweepStaleTemps } from '../engine/util/atomic-file.ts';

const paths = appPaths(app.getAppPath());
// The engine reads these: the bundled tfjs .wasm files and the worker entries, unpacked from the asar.
process.env.AUGUR_WASM_DIR ??= paths.wasmDir;
if (fs.existsSync(paths.searchWorker)) process.env.AUGUR_WORKER_PATH ??= paths.searchWorker;
if (fs.existsSync(paths.importWorker)) process.env.AUGUR_IMPORT_WORKER_PATH ??= paths.importWorker;

let mainWindow: BrowserWindow | undefined;
let api: Api | undefined;
const picked = new PickedFiles();

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Augur',
    backgroundColor: '#f3f5f4',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  win.once('ready-to-show', () => win.show());
  const contentsId = win.webContents.id;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
    picked.forgetOwner(contentsId);
    api?.cancelAll();
  });
  void win.loadURL(APP_ENTRY);
  return win;
}

async function start(): Promise<void> {
  if (!fs.existsSync(path.join(paths.rendererDir, 'index.html'))) {
    dialog.showErrorBox('Augur cannot open', 'Augur\'s window has not been built. Run "npm run build" and start Augur again.');
    app.quit();
    return;
  }
  hardenSession();
  serveRenderer(paths.rendererDir);
  installMenu();
  // Temp files a killed Augur left where it saves (atomic writes: util/atomic-file.ts); never fatal.
  void sweepStaleTemps(app.getPath('userData')).catch(() => undefined);
  api = createApi({ emit: eventSender(() => mainWindow), transport: 'electron', samplesDir: paths.samplesDir });
  registerIpc(api, () => mainWindow, picked);
  mainWindow = createWindow();
}

registerAppScheme();
app.enableSandbox();
hardenAllWebContents();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && !mainWindow && api) mainWindow = createWindow();
  });
  app.on('before-quit', () => api?.cancelAll());
  app.whenReady().then(start, (err: unknown) => {
    console.error(err);
    app.quit();
  });
}
