// Where the packaged (or development) app keeps its parts. app.getAppPath() is the folder with
// package.json: the repo in development, resources/app.asar when packaged. Files that worker threads
// and WebAssembly read directly are unpacked next to the asar (electron-builder asarUnpack).
import path from 'node:path';

export interface AppPaths {
  rendererDir: string;
  preload: string;
  samplesDir: string;
  wasmDir: string;
  searchWorker: string;
  importWorker: string;
}

export function appPaths(appPath: string): AppPaths {
  const unpacked = appPath.endsWith('.asar') ? appPath + '.unpacked' : appPath;
  return {
    rendererDir: path.join(appPath, 'dist', 'renderer'),
    preload: path.join(appPath, 'dist', 'electron', 'preload.cjs'),
    samplesDir: path.join(appPath, 'assets', 'samples'),
    wasmDir: path.join(unpacked, 'dist', 'electron', 'wasm') + path.sep,
    searchWorker: path.join(unpacked, 'dist', 'electron', 'worker.cjs'),
    importWorker: path.join(unpacked, 'dist', 'electron', 'import-worker.cjs'),
  };
}
