// The model package: one format for everything Augur saves and exports, a folder or the same folder as
// one `.augur` file (zip.ts). savePackage / loadPackage / writeAugurFile are the only way in and out;
// the CLI and the API call them.
//
// Writing is atomic: the whole package goes into a temp folder beside the target, every file is
// fsynced, the result is read back through the same untrusted-input checks as any package (so Augur
// never leaves a package it would refuse), and only then renamed into place, replacing an older
// package. A crash leaves the old package, the new one, or a temp folder that sweepPackageTemps puts
// back (when the target is gone) or removes.
//
// Reading treats the package as untrusted (see the checks in each step below and in manifest.ts,
// model-files.ts, zip.ts, safe-json.ts, arrays.ts and each family's fromJSON): one sentence for
// anything damaged or foreign, "update Augur" for a newer format, nothing else breaks.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { loadModel } from '../models/app-loader.ts';
import { loadPureModel } from '../models/loaders.ts';
import type { Dataset, Fitted, FittedJSON } from '../models/types.ts';
import { isTempName, processAlive, renameWithRetry, syncDir, tempPathFor, writeError, writeFileAtomic, swapFolderIntoPlace } from '../util/atomic-file.ts';
import { UserError } from '../util/errors.ts';
import { decodeArrays, encodeArrays } from './arrays.ts';
import type { ModelBundle } from './bundle.ts';
import { damaged, PackageDamagedError, tooLargeToSave } from './errors.ts';
import { MAX_AUGUR_BYTES, MAX_BINARY_BYTES, MAX_JSON_BYTES, MAX_MANIFEST_BYTES, MAX_README_BYTES, MAX_TOTAL_BYTES } from './limits.ts';
import { buildManifest, type FileEntry, type Manifest, manifestParts, readManifest } from './manifest.ts';
import { describeModel, modelCard } from './model-card.ts';
import { readModelTree, writeModelFiles } from './model-files.ts';
import { dirOf, isSafePackagePath } from './paths.ts';
import { toJsonBytes } from './safe-json.ts';
import { APP_VERSION } from './version.ts';
import { listZip, readZipEntries, zipPackage } from './zip.ts';

export const MANIFEST = 'manifest.json';
export const README = 'README.md';

export interface SaveOptions {
  /** The package's creation time (default now); fixed in tests for byte-identical packages. */
  created?: Date;
}

export interface LoadOptions {
  /**
   * 'app' (default): networks as tfjs tensors (fast batches, the same numbers as in training).
   * 'pure': the pure loaders only (no tfjs), as the web scorer will predict.
   */
  loader?: 'app' | 'pure';
  /** Tests only: skip the sha256 of each file, to reach the parsers behind it with damaged bytes. */
  skipDigests?: boolean;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// ---- building ----

/** Every file of the package for `bundle` (path -> bytes), manifest and model card included. */
export async function packageFiles(bundle: ModelBundle, opts: SaveOptions = {}): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const recipe = await writeModelFiles(bundle.fitted, files);
  const { bytes: arraysBin, entries } = encodeArrays(bundle.arrays ?? {});
  if (entries.length) {
    if (arraysBin.byteLength > MAX_BINARY_BYTES) throw tooLargeToSave('the kept predictions are over 1 GB');
    files.set('arrays.bin', arraysBin);
  }
  const list: FileEntry[] = [...files].map(([p, b]) => ({ path: p, bytes: b.byteLength, sha256: sha256(b) })).sort((a, b) => (a.path < b.path ? -1 : 1));
  const total = list.reduce((s, f) => s + f.bytes, 0);
  if (total > MAX_TOTAL_BYTES) throw tooLargeToSave('over 2 GB in all');
  const created = (opts.created ?? new Date()).toISOString();
  const manifest = buildManifest(bundle, { recipe, family: bundle.fitted.family, description: describeModel(bundle.fitted) }, list, entries, { appVersion: APP_VERSION, created });
  let manifestBytes: Uint8Array;
  try {
    manifestBytes = toJsonBytes(manifest, MANIFEST, MAX_MANIFEST_BYTES);
  } catch (err) {
    if (err instanceof RangeError) throw tooLargeToSave('its description of the columns is over 64 MB');
    throw err;
  }
  files.set(MANIFEST, manifestBytes);
  files.set(README, new TextEncoder().encode(modelCard(manifest).slice(0, MAX_README_BYTES / 4)));
  return files;
}

// ---- saving ----

/** Writes `bundle` as a package folder at `dir` (atomically, replacing an older package there). */
export async function savePackage(dir: string, bundle: ModelBundle, opts: SaveOptions = {}): Promise<{ dir: string; bytes: number; files: number }> {
  const files = await packageFiles(bundle, opts);
  return writePackageFolder(dir, files);
}

async function writePackageFolder(dir: string, files: Map<string, Uint8Array>): Promise<{ dir: string; bytes: number; files: number }> {
  const target = path.resolve(dir);
  await assertReplaceable(target);
  const tmp = tempPathFor(target);
  try {
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.mkdir(tmp);
    const dirs = new Set<string>([tmp]);
    for (const [p, bytes] of files) {
      const file = path.join(tmp, ...p.split('/'));
      const folder = path.dirname(file);
      if (!dirs.has(folder)) {
        await fsp.mkdir(folder, { recursive: true });
        dirs.add(folder);
      }
      const fh = await fsp.open(file, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) await syncDir(d);
    // Read it back as any package is read: a package Augur cannot open is never put in place.
    await loadPackage(tmp, { loader: 'pure' }).then((b) => b.fitted.dispose?.());
    await swapFolderIntoPlace(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof PackageDamagedError) throw new UserError('cannot_save', `Augur could not save the model in "${path.basename(target)}": the saved copy did not read back.`);
    throw writeError(err, path.join(target, MANIFEST));
  }
  let bytes = 0;
  for (const b of files.values()) bytes += b.byteLength;
  return { dir: target, bytes, files: files.size };
}

/** A target that exists must be an older package or an empty folder: never replace someone's other files. */
async function assertReplaceable(target: string): Promise<void> {
  const st = await fsp.lstat(target).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) throw new UserError('not_a_package_folder', `"${path.basename(target)}" is a file, so Augur cannot save a model folder there.`, 'Choose a new folder name.');
  const entries = await fsp.readdir(target);
  if (entries.length === 0) return;
  const isPackage = entries.includes(MANIFEST) && (await startsLikeManifest(path.join(target, MANIFEST)));
  if (!isPackage) {
    throw new UserError('folder_not_empty', `The folder "${path.basename(target)}" already holds other files, so Augur will not save a model over it.`, 'Choose an empty folder or a new name.');
  }
}

/** Our manifests begin with their format (JSON keeps key order), so 64 bytes tell an Augur package. */
async function startsLikeManifest(file: string): Promise<boolean> {
  const fh = await fsp.open(file, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead).toString('utf8').startsWith('{"format":"augur-model"');
  } finally {
    await fh.close();
  }
}

/**
 * Tidies temp folders that a killed save left in `parent`: a complete package whose target is gone is
 * put back in place (the newest, by its manifest's date), everything else stale is removed. Returns
 * what was done, for the log.
 */
export async function sweepPackageTemps(parent: string): Promise<{ restored: string[]; removed: string[] }> {
  const entries = await fsp.readdir(parent, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
  const restored: string[] = [];
  const removed: string[] = [];
  const byTarget = new Map<string, { name: string; created: string }[]>();
  for (const e of entries) {
    const m = /^(.*)\.augur-tmp-(\d+)-\d+$/.exec(e.name);
    if (!m || !isTempName(e.name) || processAlive(Number(m[2]))) continue;
    const created = e.isDirectory() ? await fsp.readFile(path.join(parent, e.name, MANIFEST)).then((b) => manifestCreated(b), () => undefined) : undefined;
    const targetGone = !(await fsp.lstat(path.join(parent, m[1])).then(() => true, () => false));
    if (created && targetGone) byTarget.set(m[1], [...(byTarget.get(m[1]) ?? []), { name: e.name, created }]);
    else {
      await fsp.rm(path.join(parent, e.name), { recursive: true, force: true });
      removed.push(e.name);
    }
  }
  for (const [t, list] of byTarget) {
    list.sort((a, b) => (a.created < b.created ? 1 : -1));
    await renameWithRetry(path.join(parent, list[0].name), path.join(parent, t));
    restored.push(t);
    for (const x of list.slice(1)) {
      await fsp.rm(path.join(parent, x.name), { recursive: true, force: true });
      removed.push(x.name);
    }
  }
  if (restored.length) await syncDir(parent);
  return { restored, removed };
}

function manifestCreated(b: Uint8Array): string | undefined {
  try {
    return readManifest(b).created;
  } catch {
    return undefined;
  }
}

// ---- one file ----

/** Writes a package as one `.augur` file (atomically): from a bundle, or from a package folder (read and checked first). */
export async function writeAugurFile(source: ModelBundle | string, file: string, opts: SaveOptions = {}): Promise<{ file: string; bytes: number }> {
  const files = typeof source === 'string' ? await readFolderFiles(source) : await packageFiles(source, opts);
  const manifest = readManifest(files.get(MANIFEST)!);
  const zip = zipPackage(files, new Date(manifest.created));
  if (zip.byteLength > MAX_AUGUR_BYTES) throw tooLargeToSave('the file would be over 1 GB');
  // The file reads back before it is written.
  const back = await loadFromSource(zipSource(zip), { loader: 'pure' }).catch((err) => {
    throw err instanceof PackageDamagedError ? new UserError('cannot_save', `Augur could not save "${path.basename(file)}": the saved copy did not read back.`) : err;
  });
  back.fitted.dispose?.();
  await writeFileAtomic(path.resolve(file), zip);
  return { file: path.resolve(file), bytes: zip.byteLength };
}

/** The files of a package folder, after it loaded as any package does. */
async function readFolderFiles(dir: string): Promise<Map<string, Uint8Array>> {
  const src = await openSource(dir);
  const b = await loadFromSource(src, { loader: 'pure' });
  b.fitted.dispose?.();
  const manifest = readManifest(src.read(MANIFEST, MAX_MANIFEST_BYTES));
  const files = new Map<string, Uint8Array>([[MANIFEST, src.read(MANIFEST, MAX_MANIFEST_BYTES)]]);
  for (const f of manifest.files) files.set(f.path, src.read(f.path, f.bytes, f.bytes));
  const readme = src.tryRead?.(README, MAX_README_BYTES);
  if (readme) files.set(README, readme);
  return files;
}

// ---- loading ----

interface Source {
  /** The bytes of a package file; refuses more than `max` bytes, or another size than `expected`. */
  read(p: string, max: number, expected?: number): Uint8Array;
  tryRead?(p: string, max: number): Uint8Array | undefined;
  /** Reads these files ahead (a zip inflates them in one pass). */
  prefetch?(sizes: Map<string, number>): void;
}

/** Loads a package folder or `.augur` file: the bundle, with `made` set from its manifest. */
export async function loadPackage(p: string, opts: LoadOptions = {}): Promise<ModelBundle> {
  return loadFromSource(await openSource(p), opts);
}

async function openSource(p: string): Promise<Source> {
  const full = path.resolve(p);
  const st = await fsp.lstat(full).catch(() => undefined);
  if (!st) throw new UserError('file_not_found', `Augur could not find "${path.basename(full)}".`, 'Check that the file or folder still exists.');
  if (st.isSymbolicLink()) damaged('the package is a link');
  if (st.isDirectory()) return folderSource(full);
  if (!st.isFile()) damaged('not a file or folder');
  if (st.size > MAX_AUGUR_BYTES) damaged('the file is too large');
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(full);
  } catch {
    throw new UserError('cannot_read', `Augur could not read "${path.basename(full)}".`, 'Check that you may read it and try again.');
  }
  return zipSource(bytes);
}

function folderSource(root: string): Source {
  const open = (p: string, max: number, expected: number | undefined, optional: boolean): Uint8Array | undefined => {
    if (!isSafePackagePath(p)) damaged(`unsafe file name ${p}`);
    const parts = p.split('/');
    // No link anywhere on the way: every folder and the file itself must be what they seem.
    let at = root;
    for (let i = 0; i < parts.length; i++) {
      at = path.join(at, parts[i]);
      const st = fs.lstatSync(at, { throwIfNoEntry: false });
      if (!st) {
        if (optional) return undefined;
        damaged(`${p} is missing`);
      }
      if (st.isSymbolicLink() || (i < parts.length - 1 ? !st.isDirectory() : !st.isFile())) damaged(`${p} is not a plain file`);
    }
    const fd = fs.openSync(at, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.size > max || (expected !== undefined && st.size !== expected)) damaged(`${p} has the wrong size`);
      const out = new Uint8Array(st.size);
      let off = 0;
      while (off < out.length) {
        const n = fs.readSync(fd, out, off, out.length - off, off);
        if (n <= 0) damaged(`${p} is shorter than it says`);
        off += n;
      }
      return out;
    } finally {
      fs.closeSync(fd);
    }
  };
  return {
    read: (p, max, expected) => open(p, max, expected, false)!,
    tryRead: (p, max) => {
      try {
        return open(p, max, undefined, true);
      } catch {
        return undefined;
      }
    },
  };
}

function zipSource(bytes: Uint8Array): Source {
  const entries = new Map(listZip(bytes).map((e) => [e.name, e.size]));
  const cache = new Map<string, Uint8Array>();
  const get = (p: string, max: number, expected?: number): Uint8Array | undefined => {
    const size = entries.get(p);
    if (size === undefined) return undefined;
    if (size > max || (expected !== undefined && size !== expected)) damaged(`${p} has the wrong size`);
    if (!cache.has(p)) for (const [k, v] of readZipEntries(bytes, new Map([[p, size]]))) cache.set(k, v);
    return cache.get(p)!;
  };
  return {
    read: (p, max, expected) => get(p, max, expected) ?? damaged(`${p} is missing`),
    tryRead: (p, max) => {
      try {
        return get(p, max);
      } catch {
        return undefined;
      }
    },
    prefetch: (sizes) => {
      const want = new Map([...sizes].filter(([p, s]) => entries.get(p) === s && !cache.has(p)));
      if (want.size) for (const [k, v] of readZipEntries(bytes, want)) cache.set(k, v);
    },
  };
}

/** Codes of UserErrors a load may end in as they are; anything else becomes the one "damaged" sentence. */
const PASS_THROUGH = new Set(['package_newer', 'file_not_found', 'cannot_read', 'package_damaged']);

async function loadFromSource(src: Source, opts: LoadOptions): Promise<ModelBundle> {
  let fitted: Fitted | undefined;
  try {
    const manifest = readManifest(src.read(MANIFEST, MAX_MANIFEST_BYTES));
    const parts = manifestParts(manifest);
    const sizes = checkSizes(manifest);
    src.prefetch?.(sizes);
    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    const read = (p: string): Uint8Array => {
      const f = listed.get(p);
      if (!f) damaged(`${p} is not in the file list`);
      const b = src.read(p, f.bytes, f.bytes);
      if (!opts.skipDigests && sha256(b) !== f.sha256) damaged(`${p} fails its checksum`);
      return b;
    };
    const { json, used } = readModelTree(read(manifest.model.recipe), read);
    used.add(manifest.model.recipe);
    const arrays = manifest.arrays.length ? decodeArrays(read('arrays.bin'), manifest.arrays) : undefined;
    if (arrays) used.add('arrays.bin');
    for (const f of manifest.files) if (!used.has(f.path)) damaged(`${f.path} is listed but not used`);
    fitted = await (opts.loader === 'pure' ? loadPureModel : loadModel)(json as FittedJSON);
    if (fitted.family !== manifest.model.family || fitted.taskInfo.task !== parts.taskInfo.task || fitted.taskInfo.nClasses !== parts.taskInfo.nClasses) {
      damaged('the model and the manifest disagree');
    }
    smokeTest(fitted, parts.encoder.features);
    const bundle: ModelBundle = {
      ...parts,
      fitted,
      made: { appVersion: manifest.appVersion, created: manifest.created, formatVersion: manifest.formatVersion },
    };
    copySlots(manifest, bundle);
    if (arrays) bundle.arrays = arrays;
    return bundle;
  } catch (err) {
    fitted?.dispose?.();
    if (err instanceof UserError && PASS_THROUGH.has(err.code)) throw err;
    const why = err instanceof UserError && err.suggestion ? ` (${err.suggestion})` : '';
    throw new PackageDamagedError(err instanceof Error ? `${err.name}: ${err.message}${why}` : String(err));
  }
}

/** Declared sizes against the limits, before any file is read. */
function checkSizes(m: Manifest): Map<string, number> {
  let total = 0;
  const sizes = new Map<string, number>();
  for (const f of m.files) {
    const max = f.path.endsWith('.bin') ? MAX_BINARY_BYTES : MAX_JSON_BYTES;
    if (f.bytes > max) damaged(`${f.path} is larger than allowed`);
    if (!f.path.endsWith('.bin') && !f.path.endsWith('.json')) damaged(`${f.path} is not a package file`);
    if (f.path.endsWith('.bin') && !(f.path === 'arrays.bin' || f.path.endsWith('/weights.bin'))) damaged(`${f.path} is not a package file`);
    total += f.bytes;
    sizes.set(f.path, f.bytes);
  }
  if (total > MAX_TOTAL_BYTES) damaged('the package holds too much data');
  for (const p of sizes.keys()) if (dirOf(p) !== '' && !p.startsWith('model/')) damaged(`${p} is outside the model folder`);
  return sizes;
}

function copySlots(m: Manifest, b: ModelBundle): void {
  if (m.postprocess) b.postprocess = m.postprocess;
  if (m.reference) b.reference = m.reference;
  if (m.evaluation) b.evaluation = m.evaluation;
  if (m.run) b.run = m.run;
  if (m.smallVersion) b.smallVersion = m.smallVersion;
}

/**
 * A loaded model must predict on its own inputs: rows of zeros, of missing values and of the first
 * category, each giving finite numbers in the right layout (probabilities in [0, 1] summing to 1).
 * Catches models that are well-formed piece by piece but not as a whole (a member with other columns,
 * leaves that add up to infinity).
 */
function smokeTest(f: Fitted, features: ModelBundle['encoder']['features']): void {
  const n = 3;
  const columns = features.map((spec) => Float64Array.from([0, NaN, spec.kind === 'categorical' ? 0 : 1]));
  const data: Dataset = { features, nRows: n, columns };
  const out = f.predict(data);
  const k = f.taskInfo.task === 'multiclass' ? f.taskInfo.nClasses : 1;
  if (out.length !== n * k) damaged('the model predicts the wrong number of values');
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) damaged('the model predicts a number out of range');
  if (f.taskInfo.task === 'regression') return;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const p = out[i * k + c];
      if (!(p >= 0 && p <= 1)) damaged('the model predicts a probability out of range');
      s += p;
    }
    if (k > 1 && Math.abs(s - 1) > 1e-6) damaged('the model predicts probabilities that do not add up');
  }
}
