// The streaming pass over (a byte range of) a CSV file: scan records, feed each cell to its column
// builder, count ragged rows and stray quotes. Used for the whole file, or for one half of it when
// two threads share the work (see parallel.ts).
import { CancelledError } from '../util/errors.ts';
import { F_ESCAPED, NEED_MORE, RecordScanner, UNTERMINATED } from './csv-scanner.ts';
import { ColumnBuilder, type ColumnPlan } from './column-builder.ts';
import path from 'node:path';
import { ByteReader, cellDecoder, countLines, firstBinaryBlock, isUtf16, isValidUtf8, notTextError, type SourceInfo } from './source.ts';
import { makeNaSet } from './values.ts';
import { mapWithTurns, type Yielder } from '../util/yielder.ts';

const CHUNK_BYTES = 1 << 20;
/** Cells stored between looks at the clock when the event loop must get turns. */
const CELLS_PER_TURN = 16_384;
/** A single record larger than this can only be a quote that never closes. */
export const MAX_RECORD_BYTES = 16 << 20;

/** Thrown when bytes that are not UTF-8 show up: the caller starts over as Windows-1252. */
export class NotUtf8Error extends Error {}

export interface RangeSpec {
  filePath: string;
  src: SourceInfo;
  delimiter: string;
  names: string[];
  plans: ColumnPlan[];
  naValues?: string[];
  /** File offset to start at (after the byte-order mark). */
  start: number;
  /** Records to skip first (the "sep=" line and the header). */
  skipRecords: number;
  /** Rows to reserve room for. */
  estRows: number;
  /** The header's cells as in the file (trimmed): a data row repeating them is skipped, not read as data. */
  headerCells: string[];
}

export class RangeParser {
  readonly builders: ColumnBuilder[];
  rows = 0;
  /** Physical line (1-based, relative to the range start) where the next record starts. */
  line = 1;
  shortRows = 0;
  longRows = 0;
  firstShort = 0;
  firstLong = 0;
  readonly unterminated: number[] = [];
  /** Rows that repeat the header (files pasted together, exports of several sheets), skipped. */
  headerRows = 0;
  firstHeaderRow = 0;
  /** File bytes read so far. */
  bytesRead = 0;
  private skip: number;
  private readonly scanner: RecordScanner;
  private readonly nCols: number;
  private readonly checkUtf8: boolean;
  private reader: ByteReader | null = null;
  private readonly headerBytes: Buffer[];

  /** Set when processRegion stopped after CELLS_PER_TURN cells rather than at the end of what it had. */
  private paused = false;

  constructor(
    private readonly spec: RangeSpec,
    builders?: ColumnBuilder[],
  ) {
    this.builders = builders ?? spec.names.map(builderMaker(spec));
    this.scanner = new RecordScanner(spec.delimiter.charCodeAt(0));
    this.nCols = spec.names.length;
    this.skip = spec.skipRecords;
    this.checkUtf8 = spec.src.encoding === 'utf-8' || spec.src.encoding === 'utf-8-bom';
    // the scanned bytes are UTF-8 (UTF-16 is converted on reading) or Windows-1252 (~Latin-1)
    this.headerBytes = spec.headerCells.map((h) => Buffer.from(h, spec.src.encoding === 'windows-1252' ? 'latin1' : 'utf8'));
  }

  /** The same parser, its column builders made with turns for the event loop (100,000 columns take a while). */
  static async create(spec: RangeSpec, y: Yielder): Promise<RangeParser> {
    return new RangeParser(spec, await mapWithTurns(spec.names, y, builderMaker(spec)));
  }

  /** Whether the record just scanned has the header's cells (spaces around them aside). Runs on every row: plain loops, no native calls. */
  private repeatsHeader(buf: Buffer): boolean {
    const { scanner, headerBytes } = this;
    if (scanner.n < headerBytes.length) return false;
    for (let k = 0; k < headerBytes.length; k++) {
      const h = headerBytes[k];
      let s = scanner.starts[k];
      let e = scanner.ends[k];
      if (e - s < h.length || scanner.flags[k] & F_ESCAPED) return false;
      while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
      while (e > s && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
      if (e - s !== h.length) return false;
      for (let i = 0; i < h.length; i++) if (buf[s + i] !== h[i]) return false;
    }
    return true;
  }

  /**
   * Reads on until the file ends, or until `limit` (a file offset) is reached. Returns true when
   * it stopped exactly on a record boundary at `limit` (or at the end of the file); false when a
   * record runs on past `limit` — call `run()` again without a limit to finish it.
   */
  async run(opts: { limit?: number; signal?: AbortSignal; onChunk?: () => void; yielder?: Yielder } = {}): Promise<boolean> {
    const y = opts.yielder;
    this.reader ??= await ByteReader.open(this.spec.filePath, { ...this.spec.src, skip: this.spec.start }, CHUNK_BYTES);
    const reader = this.reader;
    try {
      for (;;) {
        if (opts.signal?.aborted) throw new CancelledError();
        const before = reader.len;
        const got = await reader.fill(opts.limit);
        this.bytesRead += got;
        if (got === 0) break;
        const buf = reader.view();
        // Every block is judged, not only the first few kilobytes: text followed by megabytes of
        // random bytes is a damaged file, not rows of strange values. (Before the UTF-8 check, so
        // such a file is not read again as Windows-1252 first.)
        const bad = firstBinaryBlock(buf, before, buf.length, isUtf16(this.spec.src.encoding));
        if (bad >= 0) throw notTextError(path.basename(this.spec.filePath), this.line + countLines(buf, bad));
        if (this.checkUtf8) {
          const lastNl = buf.lastIndexOf(10);
          if (lastNl >= 0 && !isValidUtf8(buf.subarray(0, lastNl + 1))) throw new NotUtf8Error();
        }
        reader.consume(await this.processChunk(buf, false, y));
        opts.onChunk?.();
      }
      if (opts.limit !== undefined && !reader.eof) {
        if (reader.len === 0) return true;
        return false; // a record crosses the limit
      }
      if (reader.len > 0) {
        const rest = reader.view();
        if (this.checkUtf8 && !isValidUtf8(rest)) throw new NotUtf8Error();
        await this.processChunk(rest, true, y);
        reader.consume(reader.len);
      }
      return true;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const r = this.reader;
    this.reader = null;
    await r?.close();
  }

  /**
   * Scans and stores the records of buf; returns the bytes used. With a yielder, gives the event loop
   * a turn when one is due, looking at the clock every CELLS_PER_TURN cells: a 1 MB chunk of rows
   * 100,000 cells wide takes far longer than a turn should wait. (The hot loop itself stays
   * synchronous: inside an async function it ran ~10 % slower.)
   */
  private async processChunk(buf: Buffer, eof: boolean, y?: Yielder): Promise<number> {
    let p = this.processRegion(buf, 0, eof, y ? CELLS_PER_TURN : Infinity);
    while (this.paused) {
      if (y!.due()) await y!.pause();
      p = this.processRegion(buf, p, eof, CELLS_PER_TURN);
    }
    return p;
  }

  /** Records of buf from `start` until it needs more bytes, or until about `cells` cells are stored (then sets `paused`). */
  private processRegion(buf: Buffer, start: number, eof: boolean, cells: number): number {
    const { scanner, builders, nCols } = this;
    const end = buf.length;
    let p = start;
    let left = cells;
    this.paused = false;
    while (p < end) {
      if (left <= 0) {
        this.paused = true;
        return p;
      }
      let next = scanner.scan(buf, p, end, eof);
      if (next === NEED_MORE) {
        if (end - p > MAX_RECORD_BYTES) next = UNTERMINATED;
        else return p;
      }
      if (next === UNTERMINATED) {
        this.unterminated.push(this.line);
        next = scanner.scan(buf, p, end, true, false);
        if (next === NEED_MORE) return p;
      }
      const lineHere = this.line;
      this.line += scanner.lineBreaks;
      const n = scanner.n;
      // blank lines and lines of only delimiters are not rows (the first cell decides fast for data rows)
      if (isBlankField(buf, scanner.starts[0], scanner.ends[0]) && scanner.isEmptyRecord(buf)) {
        p = next;
        continue;
      }
      if (this.skip > 0) {
        this.skip--;
        p = next;
        continue;
      }
      if (this.repeatsHeader(buf)) {
        if (this.headerRows++ === 0) this.firstHeaderRow = lineHere;
        p = next;
        continue;
      }
      const row = this.rows;
      if (row === builders[0].capacity) {
        const cap = Math.ceil(row * 1.5) + 1024;
        for (const b of builders) b.grow(cap);
      }
      const m = n < nCols ? n : nCols;
      for (let k = 0; k < m; k++) builders[k].add(buf, scanner.starts[k], scanner.ends[k], scanner.flags[k], row);
      if (n < nCols) {
        for (let k = n; k < nCols; k++) builders[k].addMissing(row);
        if (this.shortRows++ === 0) this.firstShort = lineHere;
      } else if (n > nCols) {
        let extraData = false;
        for (let k = nCols; k < n; k++) if (!isBlankField(buf, scanner.starts[k], scanner.ends[k])) extraData = true;
        if (extraData && this.longRows++ === 0) this.firstLong = lineHere;
      }
      this.rows = row + 1;
      p = next;
      left -= n;
    }
    return p;
  }
}

function builderMaker(spec: RangeSpec): (name: string, k: number) => ColumnBuilder {
  const na = makeNaSet(spec.naValues);
  const decode = cellDecoder(spec.src.encoding);
  return (name, k) => new ColumnBuilder(name, spec.plans[k], Math.max(16, spec.estRows), na, decode);
}

export function isBlankField(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

