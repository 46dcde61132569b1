// The `.augur` file: the package folder as one zip (fflate). Reading is guarded against zip bombs and
// foreign archives: the entry count, every declared size and their total are checked before anything
// is inflated; each inflated entry must have exactly its declared size and CRC-32; entry names must be
// safe package paths (no '..', no absolute paths), and nothing is ever written to disk from a zip.
// Pure: no Node.
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { damaged } from './errors.ts';
import { MAX_AUGUR_BYTES, MAX_BINARY_BYTES, MAX_ENTRIES, MAX_TOTAL_BYTES } from './limits.ts';
import { isSafePackagePath } from './paths.ts';

export interface ZipEntryInfo {
  name: string;
  /** Uncompressed size as declared by the archive. */
  size: number;
}

/** Bytes as a zip; `mtime` fixes the entries' dates (the same package gives the same bytes). */
export function zipPackage(files: Map<string, Uint8Array>, mtime: Date): Uint8Array {
  const z: Zippable = {};
  // Level 3: 16.2 MB in 1.6 s for a 59 MB package (level 6: 15.5 MB in 3.4 s); float weights barely compress.
  for (const [name, data] of files) z[name] = [data, { level: name.endsWith('.bin') ? 1 : 3, mtime }];
  return zipSync(z);
}

/**
 * Lists a zip's entries without inflating anything; refuses an archive with too many entries, an
 * unsafe name, a method other than stored / deflate, or declared sizes over the limits.
 */
export function listZip(data: Uint8Array): ZipEntryInfo[] {
  if (data.byteLength > MAX_AUGUR_BYTES) damaged('the zip is too large');
  const out: ZipEntryInfo[] = [];
  let total = 0;
  try {
    unzipSync(data, {
      filter(f) {
        if (out.length >= MAX_ENTRIES) damaged('too many zip entries');
        if (f.name.endsWith('/') && f.originalSize === 0) return false; // a folder entry
        if (!isSafePackagePath(f.name)) damaged(`unsafe zip entry name "${String(f.name).slice(0, 80)}"`);
        if (f.compression !== 0 && f.compression !== 8) damaged('unknown zip compression');
        if (!(f.originalSize >= 0 && f.originalSize <= MAX_BINARY_BYTES)) damaged('a zip entry is too large');
        total += f.originalSize;
        if (total > MAX_TOTAL_BYTES) damaged('the zip holds too much data');
        if (out.some((e) => e.name === f.name)) damaged('a zip entry is repeated');
        out.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (err) {
    rethrow(err, 'not a readable zip');
  }
  return out;
}

/** Inflates the named entries (listed by listZip), checking each one's real size and CRC-32. */
export function readZipEntries(data: Uint8Array, wanted: Map<string, number>): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  const crcs = new Map<string, number>();
  try {
    files = unzipSync(data, {
      filter(f) {
        const size = wanted.get(f.name);
        if (size === undefined) return false;
        if (f.originalSize !== size) damaged(`zip entry ${f.name} has another size than listed`);
        return true;
      },
    });
    for (const e of centralDirectory(data)) crcs.set(e.name, e.crc);
  } catch (err) {
    rethrow(err, 'a zip entry cannot be read');
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, size] of wanted) {
    const bytes = files[name];
    if (!bytes) damaged(`zip entry ${name} is missing`);
    if (bytes.byteLength !== size) damaged(`zip entry ${name} inflates to another size than declared`);
    if (crc32(bytes) !== crcs.get(name)) damaged(`zip entry ${name} fails its checksum`);
    out.set(name, bytes);
  }
  return out;
}

function rethrow(err: unknown, detail: string): never {
  if (err instanceof Error && err.name === 'UserError') throw err;
  damaged(detail);
}

/** Names and CRC-32s from the central directory (fflate does not check CRCs while inflating). */
function centralDirectory(data: Uint8Array): { name: string; crc: number }[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let e = data.length - 22;
  while (e >= 0 && view.getUint32(e, true) !== 0x06054b50) {
    if (data.length - e > 65_558) damaged('no zip directory');
    e--;
  }
  if (e < 0) damaged('no zip directory');
  let count = view.getUint16(e + 10, true);
  let offset = view.getUint32(e + 16, true);
  // zip64 end of central directory (fflate writes it only for huge archives)
  if (offset === 0xffffffff || count === 0xffff) {
    const loc = e - 20;
    if (loc < 0 || view.getUint32(loc, true) !== 0x07064b50) damaged('bad zip64 locator');
    const z = Number(view.getBigUint64(loc + 8, true));
    if (!(z >= 0 && z + 56 <= data.length) || view.getUint32(z, true) !== 0x06064b50) damaged('bad zip64 directory');
    count = Number(view.getBigUint64(z + 32, true));
    offset = Number(view.getBigUint64(z + 48, true));
  }
  if (count > MAX_ENTRIES) damaged('too many zip entries');
  const out: { name: string; crc: number }[] = [];
  const dec = new TextDecoder();
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > data.length || view.getUint32(p, true) !== 0x02014b50) damaged('bad zip directory entry');
    const crc = view.getUint32(p + 16, true);
    const nameLen = view.getUint16(p + 28, true);
    const extra = view.getUint16(p + 30, true);
    const comment = view.getUint16(p + 32, true);
    if (p + 46 + nameLen > data.length) damaged('bad zip directory entry');
    out.push({ name: dec.decode(data.subarray(p + 46, p + 46 + nameLen)), crc });
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  return t;
})();

export function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
