import os from 'node:os';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Where the Electron binary would be, without triggering electron's lazy download
 * (requiring 'electron' in plain Node downloads it, which fails offline).
 */
export function electronBinaryStatus(): { installed: boolean; path?: string; reason?: string } {
  let pkgDir: string;
  try {
    pkgDir = require.resolve('electron/package.json').replace(/package\.json$/, '');
  } catch {
    return { installed: false, reason: 'the electron package is not installed' };
  }
  const pathFile = pkgDir + 'path.txt';
  if (!fs.existsSync(pathFile)) return { installed: false, reason: 'the Electron program has not been downloaded yet (it needs internet the first time)' };
  const exe = pkgDir + 'dist/' + fs.readFileSync(pathFile, 'utf8').trim();
  return fs.existsSync(exe) ? { installed: true, path: exe } : { installed: false, reason: 'the Electron program file is missing' };
}

export function machineFacts(): { node: string; cores: number; memoryGb: number; platform: string } {
  return {
    node: process.version,
    cores: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
  };
}
