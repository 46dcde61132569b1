// One way to write a file for the whole engine: a temp file in the same folder, fsync, rename over the
// target, then fsync the folder (POSIX), so a crash or a kill at any moment leaves either the old file
// or the new one, never a torn one. Temp names carry a marker that `sweepStaleTemps` recognises, so
// what a killed process left behind is removed on the next start (or the next open of a project).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { UserError } from './errors.ts';

/** Temp files are `<name>.augur-tmp-<pid>-<n>`; nothing else in a folder of ours may match. */
const TEMP_MARK = '.augur-tmp-';
const TEMP_RE = /\.augur-tmp-(\d+)-\d+$/;
/** Windows reports a file another program holds open (an antivirus scan, the indexer) as these. */
const SHARING_CODES = new Set(['EPERM', 'EBUSY', 'EACCES']);
const RENAME_TRIES = 10;
let counter = 0;

export function tempPathFor(file: string): string {
  return `${file}${TEMP_MARK}${process.pid}-${++counter}`;
}

export function isTempName(name: string): boolean {
  return TEMP_RE.test(name);
}

/** Writes `data` to `file` atomically (see the top of this file). Throws a UserError in words on failure. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await renameWithRetry(tmp, file);
    await syncDir(path.dirname(file));
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(err, file);
  }
}

/** The same, synchronously, for the few callers that cannot await (process exit paths). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(file);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    renameWithRetrySync(tmp, file);
    syncDirSync(path.dirname(file));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw writeError(err, file);
  }
}

/**
 * Renames `from` over `to`, retrying for about a second while Windows says another program holds
 * the file (POSIX renames never fail that way). Folders are renamed the same way.
 */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await fsp.rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (process.platform !== 'win32' || !SHARING_CODES.has(code) || i >= RENAME_TRIES) throw err;
      await new Promise((r) => setTimeout(r, 20 * (i + 1)));
    }
  }
}

function renameWithRetrySync(from: string, to: string): void {
  for (let i = 0; ; i++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (process.platform !== 'win32' || !SHARING_CODES.has(code) || i >= RENAME_TRIES) throw err;
      const until = Date.now() + 20 * (i + 1);
      while (Date.now() < until) { /* short busy wait: there is no sync sleep */ }
    }
  }
}

/** Makes a rename or a new entry in `dir` durable (POSIX); Windows cannot open folders, and needs no such step. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some file systems (network shares) refuse fsync on a folder; the rename itself has happened.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'ENOTSUP') throw err;
  } finally {
    await fh.close();
  }
}

function syncDirSync(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'ENOTSUP') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/** Is the process that made a temp file still running? (Its own files are never swept.) */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files (and temp folders) that a killed process left in `dir`: those of processes no
 * longer running, or older than `olderThanMs` whatever their process (a reused pid). Returns the
 * names removed. A missing folder is not an error.
 */
export async function sweepStaleTemps(dir: string, { olderThanMs = 24 * 3600_000, recursive = false } = {}): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
  const removed: string[] = [];
  const now = Date.now();
  for (const e of entries) {
    const full = path.join(dir, e.name);
    const m = TEMP_RE.exec(e.name);
    if (m) {
      const stat = await fsp.lstat(full).catch(() => undefined);
      if (!stat) continue;
      if (processAlive(Number(m[1])) && now - stat.mtimeMs < olderThanMs) continue;
      await fsp.rm(full, { recursive: true, force: true });
      removed.push(e.name);
    } else if (recursive && e.isDirectory()) {
      removed.push(...(await sweepStaleTemps(full, { olderThanMs, recursive })).map((n) => path.join(e.name, n)));
    }
  }
  return removed;
}

/** A write failure in one sentence: a full disk and a read-only folder are named as such. */
export function writeError(err: unknown, file: string): Error {
  if (err instanceof UserError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = `"${path.basename(path.dirname(file)) || path.dirname(file)}"`;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new UserError('disk_full', `The disk is full, so Augur could not save "${path.basename(file)}". Nothing that was saved before has changed.`, 'Free some space and try again.');
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new UserError('read_only', `Augur is not allowed to write in the folder ${where}. Nothing that was saved before has changed.`, 'Choose a folder you can write to.');
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new UserError('folder_missing', `The folder ${where} no longer exists, so Augur could not save "${path.basename(file)}".`);
  }
  return new UserError('cannot_save', `Augur could not save "${path.basename(file)}" (${code ?? 'write failed'}). Nothing that was saved before has changed.`);
}

/**
 * A folder written whole at `tmp` takes the place of `target`: an older folder there moves aside
 * first and is removed only once the new one is in place, so a kill at any moment leaves one of them.
 */
export async function swapFolderIntoPlace(tmp: string, target: string): Promise<void> {
  const exists = await fsp.lstat(target).then(() => true, () => false);
  if (!exists) {
    await renameWithRetry(tmp, target);
    await syncDir(path.dirname(target));
    return;
  }
  const old = tempPathFor(target);
  await renameWithRetry(target, old);
  await renameWithRetry(tmp, target);
  await syncDir(path.dirname(target));
  await fsp.rm(old, { recursive: true, force: true });
}
