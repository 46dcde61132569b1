// Byte-level CSV record scanner. Works on UTF-8 (or single-byte) buffers because every byte it
// looks at (delimiter, quote, CR, LF) is ASCII. It only finds field boundaries; the caller turns
// bytes into values, so no string is made for a cell nobody needs as a string.

export const NEED_MORE = -1;
export const UNTERMINATED = -2;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Field flags. */
export const F_QUOTED = 1;
export const F_ESCAPED = 2; // contains "" that must become "

export class RecordScanner {
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  flags = new Uint8Array(256);
  /** Fields in the last scanned record. */
  n = 0;
  /** Line breaks inside the last record, including the one that ends it. */
  lineBreaks = 0;

  constructor(readonly delim: number) {}

  private push(s: number, e: number, f: number): void {
    if (this.n === this.starts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      const fl = new Uint8Array(this.flags.length * 2);
      fl.set(this.flags);
      this.flags = fl;
    }
    this.starts[this.n] = s;
    this.ends[this.n] = e;
    this.flags[this.n] = f;
    this.n++;
  }

  /**
   * Scans one record starting at `pos` in buf[0..end). Returns the position after its line break,
   * NEED_MORE when the record may continue past `end` (and !eof), or UNTERMINATED when a quoted
   * field never closes before the end of the file. With quotes=false, quote marks are plain text.
   */
  scan(buf: Uint8Array, pos: number, end: number, eof: boolean, quotes = true): number {
    const delim = this.delim;
    this.n = 0;
    this.lineBreaks = 0;
    let i = pos;
    for (;;) {
      if (i >= end) {
        if (!eof) return NEED_MORE;
        this.push(i, i, 0);
        return end;
      }
      if (quotes && buf[i] === QUOTE) {
        let j = i + 1;
        let f = F_QUOTED;
        for (;;) {
          j = buf.indexOf(QUOTE, j);
          if (j < 0 || j >= end) return eof ? UNTERMINATED : NEED_MORE;
          if (j + 1 >= end && !eof) return NEED_MORE;
          if (buf[j + 1] === QUOTE) {
            f |= F_ESCAPED;
            j += 2;
            continue;
          }
          break;
        }
        for (let k = i + 1; k < j; k++) if (buf[k] === LF) this.lineBreaks++;
        let e = j + 1;
        const c = e < end ? buf[e] : -1;
        if (c === delim || c === LF || c === CR || c === -1) {
          this.push(i + 1, j, f);
          i = e;
        } else {
          // Text after the closing quote ("ab"cd): keep the whole cell as written.
          while (e < end && buf[e] !== delim && buf[e] !== LF && buf[e] !== CR) e++;
          if (e >= end && !eof) return NEED_MORE;
          this.push(i, e, 0);
          i = e;
        }
      } else {
        let j = i;
        while (j < end) {
          const c = buf[j];
          if (c === delim || c === LF || c === CR) break;
          j++;
        }
        if (j >= end && !eof) return NEED_MORE;
        this.push(i, j, 0);
        i = j;
      }
      if (i >= end) {
        if (!eof) return NEED_MORE;
        return end;
      }
      const c = buf[i];
      if (c === delim) {
        i++;
        continue;
      }
      this.lineBreaks++;
      if (c === LF) return i + 1;
      // CR: CRLF or a lone CR (old Mac files).
      if (i + 1 >= end && !eof) return NEED_MORE;
      return buf[i + 1] === LF ? i + 2 : i + 1;
    }
  }

  /** True when the last record is a blank line. */
  isBlank(): boolean {
    return this.n === 1 && this.starts[0] === this.ends[0] && this.flags[0] === 0;
  }

  /**
   * True when every cell of the last record is empty or spaces (",,,,", a spreadsheet's empty row
   * exported): an empty line to a user, not a row of missing values.
   */
  isEmptyRecord(buf: Uint8Array): boolean {
    for (let k = 0; k < this.n; k++) {
      for (let i = this.starts[k], e = this.ends[k]; i < e; i++) {
        const c = buf[i];
        if (c !== 32 && c !== 9) return false;
      }
    }
    return true;
  }
}
