// Reading the file's bytes: refusing files that are not text, choosing the encoding, and
// streaming the content as UTF-8 (or single-byte Windows-1252) chunks without ever holding
// the whole file.
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { UserError } from '../util/errors.ts';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface SourceInfo {
  encoding: Encoding;
  /** Bytes to skip at the start (the byte-order mark). */
  skip: number;
}

const SAVE_AS_CSV = 'Open it in your spreadsheet program and use "Save As" with the type "CSV", then import that file.';

/** Looks at the first bytes of a file and says how to read it, or refuses it in one sentence. */
export function sniffSource(head: Buffer, fileName: string): SourceInfo {
  if (head.length === 0) throw new UserError('empty_file', `The file "${fileName}" is empty.`, 'Choose a CSV file that has a header row and data rows.');
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  if (starts(0xef, 0xbb, 0xbf)) return { encoding: 'utf-8-bom', skip: 3 };
  if (starts(0xff, 0xfe)) return { encoding: 'utf-16le', skip: 2 };
  if (starts(0xfe, 0xff)) return { encoding: 'utf-16be', skip: 2 };
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    const excel = head.includes('xl/') || /\.xls[xmb]?$/i.test(fileName);
    throw new UserError(
      excel ? 'excel_file' : 'zip_file',
      excel ? 'This looks like an Excel file, not a CSV file.' : 'This is a compressed (zip) file, not a CSV file.',
      excel ? SAVE_AS_CSV : 'Unzip it first and import the CSV file inside.',
    );
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) throw new UserError('excel_file', 'This looks like an old Excel file (.xls), not a CSV file.', SAVE_AS_CSV);
  if (starts(0x25, 0x50, 0x44, 0x46)) throw new UserError('binary_file', 'This is a PDF document, not a CSV file.', 'Export the table from the program that made it as CSV.');
  if (starts(0x1f, 0x8b)) throw new UserError('binary_file', 'This is a compressed (gzip) file, not a CSV file.', 'Decompress it first and import the CSV file inside.');

  // UTF-16 without a byte-order mark: zero bytes, all on one side of each pair. ASCII (the
  // delimiters, digits, line breaks) has a zero high byte; Cyrillic, Greek or Chinese letters have
  // none, so the zeros may be few, but they stay on one side, and the pairs read as text.
  const n = Math.min(head.length, 4096) & ~1;
  let zeroEven = 0;
  let zeroOdd = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) {
      if (i & 1) zeroOdd++;
      else zeroEven++;
    } else if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++;
  }
  // Line breaks must read as such too (or the text be mostly ASCII, as the first line of a very wide
  // file can be): two NUL bytes in a UTF-8 file must not make it Chinese.
  const asciiHeavy = (zeros: number) => zeros > n * 0.3;
  if (zeroOdd >= 2 && zeroEven * 8 <= zeroOdd && readsAsUtf16(head, n, true, asciiHeavy(zeroOdd))) return { encoding: 'utf-16le', skip: 0 };
  if (zeroEven >= 2 && zeroOdd * 8 <= zeroEven && readsAsUtf16(head, n, false, asciiHeavy(zeroEven))) return { encoding: 'utf-16be', skip: 0 };
  if (zeroEven + zeroOdd > 0 || control > n * 0.01) {
    throw new UserError('binary_file', `The file "${fileName}" is not a text file, so it cannot be a CSV file.`, 'Export your data as CSV (comma-separated values) and import that file.');
  }
  // Check UTF-8 up to the last line break, so a character cut by the sample's end is not an error.
  const lastNl = head.lastIndexOf(10);
  const checked = lastNl > 0 && head.length >= 65536 ? head.subarray(0, lastNl + 1) : head;
  return { encoding: isUtf8(checked) ? 'utf-8' : 'windows-1252', skip: 0 };
}

/**
 * Whether the first `n` bytes read as UTF-16 text: no control characters but tab and line breaks,
 * surrogates only in pairs, no non-characters (at most 1 % exceptions: a cut at the end, a stray
 * one), and at least one line break unless `withoutLineBreak`.
 */
function readsAsUtf16(head: Buffer, n: number, le: boolean, withoutLineBreak: boolean): boolean {
  const unit = (i: number) => (le ? head[i] | (head[i + 1] << 8) : (head[i] << 8) | head[i + 1]);
  let bad = 0;
  let lines = 0;
  for (let i = 0; i < n; i += 2) {
    const u = unit(i);
    if (u < 32) {
      if (u === 10 || u === 13) lines++;
      else if (u !== 9) bad++;
    } else if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 2 >= n) break; // the pair was cut by the end of the sample
      const v = unit(i + 2);
      if (v >= 0xdc00 && v <= 0xdfff) i += 2;
      else bad++;
    } else if ((u >= 0xdc00 && u <= 0xdfff) || u === 0xfffe || u === 0xffff) bad++;
  }
  return bad <= (n / 2) * 0.01 && (lines > 0 || withoutLineBreak);
}

/** Blocks of this size are judged on their own: a file is text in every one of them, or it is not a text file. */
export const TEXT_BLOCK_BYTES = 1 << 16;

/**
 * Where the first block of buf[from..to) that is not text starts being so (its first control byte),
 * or -1. Not text: over 1 % of its bytes (judged on every 4th) are control characters (other than tab, line breaks, form
 * feed and escape), or, with `decoded` (UTF-16 turned into UTF-8 here), replacement characters
 * (U+FFFD, what an unreadable UTF-16 sequence becomes; in a UTF-8 file they are the file's own text,
 * as after an earlier bad conversion, and stay). Random bytes have about 10 % control bytes; text
 * files, even with a stray control character here and there, far below 1 %.
 */
export function firstBinaryBlock(buf: Buffer, from = 0, to = buf.length, decoded = false): number {
  for (let s = from; s < to; s += TEXT_BLOCK_BYTES) {
    const e = Math.min(to, s + TEXT_BLOCK_BYTES);
    // The share is judged on every 4th byte, a table sum without branches: this runs over every
    // file, and a full pass cost ~8 % of an import. Random bytes give ~10 % there, text ~0.
    let bad = 0;
    for (let i = s; i < e; i += SAMPLE_STEP) bad += NOT_TEXT[buf[i]];
    bad *= SAMPLE_STEP;
    let firstFffd = -1;
    if (decoded) {
      for (let i = buf.indexOf(FFFD, s); i >= 0 && i < e; i = buf.indexOf(FFFD, i + 3)) {
        if (firstFffd < 0) firstFffd = i;
        bad++;
      }
    }
    if (bad <= Math.max(8 * SAMPLE_STEP, (e - s) * 0.01)) continue;
    let first = s;
    while (first < e && !NOT_TEXT[buf[first]]) first++;
    return firstFffd >= 0 && firstFffd < first ? firstFffd : first;
  }
  return -1;
}

/** 1 for the control bytes that are not text (all below 32 but tab, line breaks, form feed, escape). */
const NOT_TEXT = Uint8Array.from({ length: 256 }, (_, b) => (b < 9 || (b > 13 && b < 32 && b !== 27) ? 1 : 0));
const FFFD = Buffer.from([0xef, 0xbf, 0xbd]);
const SAMPLE_STEP = 4;

/** The sentence for a file that stops being text partway (see firstBinaryBlock). */
export function notTextError(fileName: string, line: number): UserError {
  return new UserError(
    'binary_file',
    `The file "${fileName}" is not all text: from about line ${line.toLocaleString('en-US')} on it holds binary data, so Augur cannot read it as a CSV file.`,
    'The file may be damaged or cut short, or not a CSV file at all; export it again from the program that made it.',
  );
}

export const isUtf16 = (e: Encoding): boolean => e === 'utf-16le' || e === 'utf-16be';

/** Line breaks (LF, or lone CR) in buf[0..end). */
export function countLines(buf: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const b = buf[i];
    if (b === 10 || (b === 13 && buf[i + 1] !== 10)) n++;
  }
  return n;
}

export async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  const fh = await fs.promises.open(filePath, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Reads the file into one reusable buffer: `fill()` appends the next chunk after the unread rest,
 * `consume(n)` drops what the scanner used. No per-chunk allocation, no giant string, and the
 * buffer only grows when a single record is larger than a chunk.
 */
export class ByteReader {
  private buf: Buffer;
  len = 0;
  eof = false;
  private pos: number;
  private readonly decoder: TextDecoder | null;
  private readonly raw: Buffer | null;

  private constructor(
    private readonly fh: fs.promises.FileHandle,
    src: SourceInfo,
    private readonly chunkBytes: number,
  ) {
    this.pos = src.skip;
    const utf16 = src.encoding === 'utf-16le' || src.encoding === 'utf-16be';
    this.decoder = utf16 ? new TextDecoder(src.encoding) : null;
    this.raw = utf16 ? Buffer.allocUnsafe(chunkBytes) : null;
    // UTF-16 -> UTF-8 can grow a chunk by half (3 bytes for 2).
    this.buf = Buffer.allocUnsafe(chunkBytes * 2 + 16);
  }

  static async open(filePath: string, src: SourceInfo, chunkBytes: number): Promise<ByteReader> {
    return new ByteReader(await fs.promises.open(filePath, 'r'), src, chunkBytes);
  }

  /** The unread bytes. */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + extra));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  /** Appends the next chunk (not past file offset `limit`); returns the file bytes read (0 at the end of the file, which sets eof, or at the limit). */
  async fill(limit?: number): Promise<number> {
    const want = limit === undefined ? this.chunkBytes : Math.min(this.chunkBytes, limit - this.pos);
    if (want <= 0) return 0;
    if (!this.decoder) {
      this.ensure(want);
      const { bytesRead } = await this.fh.read(this.buf, this.len, want, this.pos);
      this.pos += bytesRead;
      this.len += bytesRead;
      if (bytesRead === 0) this.eof = true;
      return bytesRead;
    }
    const { bytesRead } = await this.fh.read(this.raw!, 0, want, this.pos);
    this.pos += bytesRead;
    const text = bytesRead ? this.decoder.decode(this.raw!.subarray(0, bytesRead), { stream: true }) : this.decoder.decode();
    this.ensure(Buffer.byteLength(text, 'utf8'));
    this.len += this.buf.write(text, this.len, 'utf8');
    if (bytesRead === 0) this.eof = true;
    return bytesRead;
  }

  consume(n: number): void {
    if (n <= 0) return;
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

// Windows-1252 differs from Latin-1 only in 0x80-0x9F (€, curly quotes, dashes, ...). Node's own
// TextDecoder treats 'windows-1252' as Latin-1 without full ICU, so map those 32 bytes here.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(buf: Buffer, s: number, e: number): string {
  const t = buf.toString('latin1', s, e);
  return /[\u0080-\u009f]/.test(t) ? t.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : t;
}

/** Turns the bytes of one cell into a string for the file's encoding. */
export function cellDecoder(encoding: Encoding): (buf: Buffer, s: number, e: number) => string {
  if (encoding === 'windows-1252') return decodeWindows1252;
  return (buf, s, e) => buf.toString('utf8', s, e);
}

export function isValidUtf8(buf: Uint8Array): boolean {
  return isUtf8(buf);
}
