// The package's typed-array section: named arrays (a run's out-of-fold predictions, outcomes, row
// numbers...) in one arrays.bin, described in the manifest as {name, dtype, offset, length}. Offsets
// are 8-byte aligned; every entry is checked against the file's byte count before anything is
// allocated. Pure: no Node.
import { damaged } from './errors.ts';
import { MAX_ARRAYS } from './limits.ts';

export type ArrayDtype = 'float64' | 'float32' | 'int32' | 'uint8';
export type PackageArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export interface ArrayEntry {
  name: string;
  dtype: ArrayDtype;
  /** Byte offset in arrays.bin. */
  offset: number;
  /** Elements. */
  length: number;
}

export const ARRAY_DTYPES: readonly ArrayDtype[] = ['float64', 'float32', 'int32', 'uint8'];
const BYTES: Record<ArrayDtype, number> = { float64: 8, float32: 4, int32: 4, uint8: 1 };
/** Names of arrays: what the manifest's schema accepts too. */
export const ARRAY_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

function dtypeOf(a: PackageArray): ArrayDtype {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'uint8';
  throw new TypeError('unsupported array type');
}

/** arrays.bin and its manifest entries (arrays in name order, so the same arrays give the same bytes). */
export function encodeArrays(arrays: Record<string, PackageArray>): { bytes: Uint8Array; entries: ArrayEntry[] } {
  const names = Object.keys(arrays).sort();
  if (names.length > MAX_ARRAYS) throw new RangeError('too many arrays');
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const name of names) {
    if (!ARRAY_NAME.test(name)) throw new RangeError(`bad array name ${name}`);
    const a = arrays[name];
    entries.push({ name, dtype: dtypeOf(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const bytes = new Uint8Array(offset);
  names.forEach((name, i) => {
    const a = arrays[name];
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), entries[i].offset);
  });
  return { bytes, entries };
}

/** The arrays back from arrays.bin; entries are checked (names, dtypes, alignment, bounds, no overlap) first. */
export function decodeArrays(bytes: Uint8Array, entries: ArrayEntry[]): Record<string, PackageArray> {
  if (entries.length > MAX_ARRAYS) damaged('too many arrays');
  const seen = new Set<string>();
  let end = 0;
  for (const e of entries) {
    if (!ARRAY_NAME.test(e.name) || seen.has(e.name) || !ARRAY_DTYPES.includes(e.dtype)) damaged('bad array entry');
    if (!Number.isInteger(e.offset) || !Number.isInteger(e.length) || e.offset < end || e.offset % 8 !== 0 || e.length < 0) damaged('bad array entry');
    const size = e.length * BYTES[e.dtype];
    if (e.offset + size > bytes.byteLength) damaged(`array ${e.name} runs past the end of arrays.bin`);
    seen.add(e.name);
    end = e.offset + size;
  }
  const out: Record<string, PackageArray> = Object.create(null);
  for (const e of entries) {
    const size = e.length * BYTES[e.dtype];
    // a copy: aligned, and independent of the file's buffer
    const buf = new ArrayBuffer(size);
    new Uint8Array(buf).set(bytes.subarray(e.offset, e.offset + size));
    out[e.name] = e.dtype === 'float64' ? new Float64Array(buf) : e.dtype === 'float32' ? new Float32Array(buf) : e.dtype === 'int32' ? new Int32Array(buf) : new Uint8Array(buf);
  }
  return out;
}
