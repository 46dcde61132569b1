// Growing typed storage for one column during import. Numbers and dates go straight into a
// Float64Array; everything else into dictionary codes. A numeric or date column that meets too many
// cells it cannot read turns itself into a text column (keeping the values read so far as text).
import { F_ESCAPED } from './csv-scanner.ts';
import { ByteDict, NOT_FOUND } from './byte-dict.ts';
import { isInfinityWord, isMissing, isNotKnownWord, isNumericOnlyMissing, parseDate, parseNumber, splitUnit, type DateFormat, type DecimalMark } from './values.ts';

export type StorageKind = 'num' | 'date' | 'str';

export interface BuilderState {
  kind: StorageKind;
  values: Float64Array | null;
  codes: Int32Array | null;
  dictionary: string[];
  missing: number;
  nonMissing: number;
  infinities: number;
  bad: { row: number; text: string }[];
  badCount: number;
  markers: MarkerCells;
  demotedFrom: StorageKind | null;
}

/**
 * Cells of a number or date column that hold a marker meaning "no value" there but a value in text ("-",
 * "unknown"): missing while the column holds numbers or dates, put back as written if it turns to text.
 */
export interface MarkerCells {
  rows: number[];
  /** Index into `texts` per row. */
  which: number[];
  texts: string[];
  /** Cells that hold a word ("unknown", "n.a."), which the import reports; dashes and dots go unsaid. */
  words: number;
}

export interface ColumnPlan {
  kind: StorageKind;
  decimal?: DecimalMark;
  dateFormat?: DateFormat;
  /** Numbers typed with this unit after them ("12 kg"), in splitUnit's form; read without it. */
  unit?: string;
  /**
   * Read this way whatever the cells say (a saved model's schema): cells that do not fit stay missing
   * and are counted, instead of turning the column into text.
   */
  pinned?: boolean;
}

type Decode = (buf: Buffer, s: number, e: number) => string;

const MAX_BAD_KEPT = 50;

export class ColumnBuilder {
  kind: StorageKind;
  values: Float64Array | null = null;
  codes: Int32Array | null = null;
  /** raw cell bytes -> code (-1 = missing), so repeated values never become strings; made on first use (text columns only). */
  private bytes: ByteDict | null = null;
  /** canonical (trimmed) value -> code. */
  private dict = new Map<string, number>();
  dictionary: string[] = [];
  missing = 0;
  infinities = 0;
  /** Cells a numeric/date column could not read (kept as missing while few). */
  bad: { row: number; text: string }[] = [];
  badCount = 0;
  markers: MarkerCells = { rows: [], which: [], texts: [], words: 0 };
  demotedFrom: StorageKind | null = null;
  nonMissing = 0;
  private readonly decimal: DecimalMark;
  readonly unit?: string;
  private readonly dateFormat?: DateFormat;
  private readonly isoDates: boolean;
  private readonly pinned: boolean;

  constructor(
    readonly name: string,
    readonly plan: ColumnPlan,
    capacity: number,
    private readonly na: Set<string>,
    private readonly decode: Decode,
  ) {
    this.kind = plan.kind;
    this.decimal = plan.decimal ?? '.';
    this.unit = plan.unit;
    this.dateFormat = plan.dateFormat;
    this.isoDates = plan.dateFormat?.order === 'ymd';
    this.pinned = plan.pinned === true;
    if (this.kind === 'str') this.codes = new Int32Array(capacity);
    else this.values = new Float64Array(capacity);
  }

  get capacity(): number {
    return (this.values ?? this.codes)!.length;
  }

  grow(capacity: number): void {
    if (this.values) {
      const v = new Float64Array(capacity);
      v.set(this.values);
      this.values = v;
    } else {
      const c = new Int32Array(capacity);
      c.set(this.codes!);
      this.codes = c;
    }
  }

  private text(buf: Buffer, s: number, e: number, flags: number): string {
    const t = this.decode(buf, s, e);
    return flags & F_ESCAPED ? t.replace(/""/g, '"') : t;
  }

  /** Stores the cell buf[s..e) at `row`. */
  add(buf: Buffer, s: number, e: number, flags: number, row: number): void {
    if (this.kind === 'num') {
      const v = fastNumber(buf, s, e, this.decimal);
      if (v === v) {
        this.values![row] = v;
        this.nonMissing++;
        return;
      }
      this.addNumberText(this.text(buf, s, e, flags), row);
    } else if (this.kind === 'str') {
      const h = ByteDict.hash(buf, s, e);
      const bytes = (this.bytes ??= new ByteDict());
      let c = bytes.get(buf, s, e, h);
      if (c === NOT_FOUND) {
        c = this.code(this.text(buf, s, e, flags));
        bytes.set(buf, s, e, h, c);
      } else if (c < 0) this.missing++;
      this.codes![row] = c;
    } else {
      const v = this.isoDates ? fastIsoDate(buf, s, e) : NaN;
      if (v === v) {
        this.values![row] = v;
        this.nonMissing++;
        return;
      }
      this.addDateText(this.text(buf, s, e, flags), row);
    }
  }

  /** A row that ended before this column. */
  addMissing(row: number): void {
    if (this.kind === 'str') this.codes![row] = -1;
    else this.values![row] = NaN;
    this.missing++;
  }

  addText(t: string, row: number): void {
    if (this.kind === 'num') this.addNumberText(t, row);
    else if (this.kind === 'date') this.addDateText(t, row);
    else this.codes![row] = this.code(t);
  }

  private addNumberText(t: string, row: number): void {
    if (isMissing(t, this.na)) {
      this.values![row] = NaN;
      this.missing++;
      return;
    }
    if (isNumericOnlyMissing(t)) {
      this.values![row] = NaN;
      this.missing++;
      addMarker(this.markers, row, t.trim());
      return;
    }
    if (isInfinityWord(t)) {
      this.values![row] = NaN;
      this.missing++;
      this.infinities++;
      return;
    }
    let v = parseNumber(t, this.decimal);
    if (v !== v && this.unit) {
      const u = splitUnit(t);
      if (u?.unit === this.unit) v = parseNumber(u.number, this.decimal);
    }
    if (v === v) {
      this.values![row] = v;
      this.nonMissing++;
      return;
    }
    this.badValue(t, row);
  }

  private addDateText(t: string, row: number): void {
    if (isMissing(t, this.na)) {
      this.values![row] = NaN;
      this.missing++;
      return;
    }
    if (isNotKnownWord(t)) {
      this.values![row] = NaN;
      this.missing++;
      addMarker(this.markers, row, t.trim());
      return;
    }
    const v = parseDate(t, this.dateFormat!);
    if (v === v) {
      this.values![row] = v;
      this.nonMissing++;
      return;
    }
    this.badValue(t, row);
  }

  private badValue(t: string, row: number): void {
    this.values![row] = NaN;
    this.badCount++;
    if (this.bad.length < MAX_BAD_KEPT) this.bad.push({ row, text: t });
    // A handful of unreadable cells stay missing (and get reported); more means the column is text.
    if (!this.pinned && (this.bad.length >= MAX_BAD_KEPT || this.badCount > 2 + this.nonMissing * 0.005)) this.demote(row + 1);
    else this.missing++;
  }

  /** Turns this column into a text column, keeping rows [0, rows) as text. */
  demote(rows: number): void {
    if (this.kind === 'str') return;
    const old = this.values!;
    const wasDate = this.kind === 'date';
    this.demotedFrom = this.kind;
    this.kind = 'str';
    this.values = null;
    this.codes = new Int32Array(old.length);
    const badAt = new Map(this.bad.map((b) => [b.row, b.text]));
    const m = this.markers;
    m.rows.forEach((r, k) => badAt.set(r, m.texts[m.which[k]]));
    this.missing = 0;
    for (let r = 0; r < rows; r++) {
      const v = old[r];
      const b = badAt.get(r);
      if (b !== undefined) this.codes[r] = this.code(b);
      else if (v !== v) {
        this.codes[r] = -1;
        this.missing++;
      } else this.codes[r] = this.code(wasDate ? new Date(v).toISOString().slice(0, 10) : String(v));
    }
    this.bad = [];
    this.badCount = 0;
    this.infinities = 0;
    this.markers = { rows: [], which: [], texts: [], words: 0 };
  }

  /** Plain data (typed arrays can be transferred) for sending a builder's result between threads. */
  exportState(): BuilderState {
    return {
      kind: this.kind,
      values: this.values,
      codes: this.codes,
      dictionary: this.dictionary,
      missing: this.missing,
      nonMissing: this.nonMissing,
      infinities: this.infinities,
      bad: this.bad,
      badCount: this.badCount,
      markers: this.markers,
      demotedFrom: this.demotedFrom,
    };
  }

  /**
   * Appends the `rowsB` rows another thread read (the part of the file after this builder's
   * `rowsA` rows), reconciling types: if either side turned to text, both are text.
   */
  append(b: BuilderState, rowsA: number, rowsB: number): void {
    if (this.capacity < rowsA + rowsB) this.grow(rowsA + rowsB);
    if (b.kind === 'str' && this.kind !== 'str') {
      this.demote(rowsA);
      this.demotedFrom = b.demotedFrom ?? this.demotedFrom;
    }
    if (b.demotedFrom && !this.demotedFrom) this.demotedFrom = b.demotedFrom;
    if (this.kind === 'str') {
      const codes = this.codes!;
      if (b.kind === 'str') {
        const map = Int32Array.from(b.dictionary, (d) => this.code(d));
        const bc = b.codes!;
        for (let i = 0; i < rowsB; i++) codes[rowsA + i] = bc[i] < 0 ? -1 : map[bc[i]];
        this.missing += b.missing;
      } else {
        // The other side kept numbers or dates: write them as text, and its unreadable and marker cells as they were.
        const badAt = new Map(b.bad.map((x) => [x.row, x.text]));
        b.markers.rows.forEach((r, k) => badAt.set(r, b.markers.texts[b.markers.which[k]]));
        const v = b.values!;
        for (let i = 0; i < rowsB; i++) {
          const t = badAt.get(i);
          const x = v[i];
          codes[rowsA + i] = t !== undefined ? this.code(t) : x !== x ? (this.missing++, -1) : this.code(b.kind === 'date' ? new Date(x).toISOString().slice(0, 10) : String(x));
        }
      }
      return;
    }
    this.values!.set(b.values!.subarray(0, rowsB), rowsA);
    this.missing += b.missing;
    this.nonMissing += b.nonMissing;
    this.infinities += b.infinities;
    this.badCount += b.badCount;
    // Each side kept all its unreadable cells (fewer than MAX_BAD_KEPT), so demoting stays exact.
    for (const x of b.bad) this.bad.push({ row: x.row + rowsA, text: x.text });
    b.markers.rows.forEach((r, k) => addMarker(this.markers, r + rowsA, b.markers.texts[b.markers.which[k]]));
    // The same rule as while reading: many unreadable cells make the column text.
    if (this.bad.length >= MAX_BAD_KEPT || this.badCount > 2 + this.nonMissing * 0.005) this.demote(rowsA + rowsB);
  }

  /** Code of a cell's text (trimmed; missing markers -> -1), counting missing cells. */
  private code(raw: string): number {
    const t = raw.trim();
    if (t === '' || this.na.has(t.toLowerCase())) {
      this.missing++;
      return -1;
    }
    let code = this.dict.get(t);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(t);
      this.dict.set(t, code);
    }
    return code;
  }
}

function addMarker(m: MarkerCells, row: number, text: string): void {
  let k = m.texts.indexOf(text);
  if (k < 0) k = m.texts.push(text) - 1;
  m.rows.push(row);
  m.which.push(k);
  if (isNotKnownWord(text)) m.words++;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];

/**
 * Plain decimal numbers ("-12.5", "42") straight from bytes, NaN for anything else (the caller then
 * takes the slow, general path). Up to 15 significant digits, so mantissa and power of ten are exact
 * and the single division rounds correctly.
 */
export function fastNumber(b: Uint8Array, s: number, e: number, decimal: DecimalMark): number {
  if (s >= e) return NaN;
  let i = s;
  let neg = false;
  const c0 = b[i];
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  let m = 0;
  let digits = 0;
  let scale = 0;
  const dot = decimal === '.' ? 46 : 44;
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
  }
  if (i < e && b[i] === dot) {
    i++;
    for (; i < e; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      scale++;
    }
  }
  if (i !== e || digits === 0 || digits > 15) return NaN;
  const v = scale === 0 ? m : m / POW10[scale];
  return neg ? -v : v;
}

const CUM_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** "YYYY-MM-DD" straight from bytes to epoch milliseconds; NaN for anything else (slow path decides). */
export function fastIsoDate(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return NaN;
  let y = 0;
  for (let i = s; i < s + 4; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return NaN;
    y = y * 10 + d;
  }
  const m1 = b[s + 5] - 48;
  const m2 = b[s + 6] - 48;
  const d1 = b[s + 8] - 48;
  const d2 = b[s + 9] - 48;
  if (m1 < 0 || m1 > 1 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 3 || d2 < 0 || d2 > 9) return NaN;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthLen = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (m < 1 || m > 12 || d < 1 || d > monthLen) return NaN;
  // Days since 1970-01-01 (proleptic Gregorian).
  const yy = y - 1;
  const days = 365 * (y - 1970) + (Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) - 477) + CUM_DAYS[m - 1] + (m > 2 && leap ? 1 : 0) + d - 1;
  return days * 86_400_000;
}
