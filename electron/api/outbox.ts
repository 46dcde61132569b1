// Files the engine makes for the user to keep (a saved model, predictions, a web page): written into
// a private folder and handed over by id, so the renderer never needs a path. Electron's main process
// copies one to where the user chose in a save dialog; the browser host sends it as a download. Old
// ones expire, the folder is capped, and a new session clears what an earlier one left.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Artifact } from '../../shared/api.ts';
import { UserError } from '../engine/util/errors.ts';

const ID_RE = /^[0-9a-f-]{36}$/;
/** An artifact not saved within this time is removed. */
const EXPIRE_MS = 2 * 3600_000;
const MAX_ARTIFACTS = 20;

interface Entry extends Artifact {
  path: string;
  created: number;
}

export class Outbox {
  private readonly entries = new Map<string, Entry>();
  private ready: Promise<void> | undefined;

  /** `dir` is private to this app instance (e.g. under the OS temp folder, named with the pid). */
  constructor(readonly dir = path.join(os.tmpdir(), `augur-outbox-${process.pid}`)) {}

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.rm(this.dir, { recursive: true, force: true });
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    })();
    return this.ready;
  }

  /** Makes a new artifact: `write` fills the path it is given (a file, or a folder for kind 'folder'). */
  async put(fileName: string, kind: Artifact['kind'], write: (target: string) => Promise<void>): Promise<Artifact> {
    await this.init();
    await this.expire();
    const artifactId = randomUUID();
    const holder = path.join(this.dir, artifactId);
    await fs.mkdir(holder);
    const target = path.join(holder, safeName(fileName));
    try {
      await write(target);
    } catch (err) {
      await fs.rm(holder, { recursive: true, force: true });
      throw err;
    }
    const bytes = await sizeOf(target);
    const e: Entry = { artifactId, fileName: path.basename(target), kind, bytes, path: target, created: Date.now() };
    this.entries.set(artifactId, e);
    return { artifactId, fileName: e.fileName, kind, bytes };
  }

  /** The artifact's file or folder on disk (for the transport that hands it to the user). */
  path(artifactId: string): { path: string; artifact: Artifact } {
    const e = ID_RE.test(artifactId) ? this.entries.get(artifactId) : undefined;
    if (!e) throw new UserError('artifact_gone', 'That file is no longer ready to save.', 'Please export it again.');
    const { path: p, created: _c, ...artifact } = e;
    return { path: p, artifact };
  }

  async clear(): Promise<void> {
    this.entries.clear();
    await fs.rm(this.dir, { recursive: true, force: true });
    this.ready = undefined;
  }

  private async expire(): Promise<void> {
    const now = Date.now();
    const old = [...this.entries.values()].sort((a, b) => a.created - b.created);
    for (const [i, e] of old.entries()) {
      if (now - e.created < EXPIRE_MS && old.length - i < MAX_ARTIFACTS) continue;
      this.entries.delete(e.artifactId);
      await fs.rm(path.dirname(e.path), { recursive: true, force: true });
    }
  }
}

/** A file name that stays one name in one folder on every system. */
export function safeName(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  return (cleaned || 'augur-export').slice(0, 120);
}

async function sizeOf(p: string): Promise<number> {
  const st = await fs.stat(p);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await fs.readdir(p)) total += await sizeOf(path.join(p, e));
  return total;
}
