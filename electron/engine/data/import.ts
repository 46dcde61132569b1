// CSV file -> columnar Table, streaming: the file is read in chunks, scanned at byte level and each
// cell goes straight into its column's typed array. Types come from a sample of the first rows;
// a column that later turns out not to fit changes to text on the spot.
import path from 'node:path';
import fs from 'node:fs';
import type { ColumnSummary, Finding, ImportSummary } from '../../../shared/api.ts';
import { UserError, throwIfAborted } from '../util/errors.ts';
import type { Column, Table } from './table.ts';
import { NEED_MORE, RecordScanner, UNTERMINATED, F_ESCAPED } from './csv-scanner.ts';
import { MAX_RECORD_BYTES, NotUtf8Error, RangeParser, type RangeSpec } from './parse-range.ts';
import { canParallelize, parseWithTwoThreads, type ParseResult } from './parallel.ts';
import type { ColumnBuilder, ColumnPlan } from './column-builder.ts';
import type { ColumnSchema, TableSchema } from './schema.ts';
import { cellDecoder, countLines, firstBinaryBlock, isUtf16, notTextError, readHead, sniffSource, type Encoding, type SourceInfo } from './source.ts';
import { planColumn, typeOfNumColumn, typeOfStrColumn } from './infer.ts';
import { isNotKnownWord, makeNaSet, parseBoolean, parseDateAny, parseNumber } from './values.ts';
import { summarizeColumn } from './summary.ts';
import { mapWithTurns, Yielder } from '../util/yielder.ts';

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  naValues?: string[];
  /**
   * A saved model's column schema: the columns it names are read as they were for training (the same
   * decimal mark, date order and unit, the same type), not inferred again from this file's sample.
   */
  schema?: TableSchema;
  /** File column name → the name to use (a saved model's name for a renamed column, from the mapping step). */
  rename?: Record<string, string>;
}
export interface ImportResult {
  table: Table;
  summary: Omit<ImportSummary, 'datasetId'>;
  /** How each column's cells were read, in table order (what a schema pins for later files). */
  plans: ColumnPlan[];
}

/** Bytes read first to find the layout; more (up to MAX_HEAD_BYTES) when the header and a data row are longer. */
const HEAD_BYTES = 1 << 20;
const MAX_HEAD_BYTES = 2 * MAX_RECORD_BYTES + (1 << 20);
const SAMPLE_ROWS = 2000;
const PREVIEW_ROWS = 20;
const DELIMITERS = [',', ';', '\t', '|'];

class RestartAsWindows1252 extends Error {}
/** The bytes read so far end before the header and a first data row do. */
class NeedMoreBytes extends Error {}

export async function importCsvFile(filePath: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const t0 = performance.now();
  const fileName = path.basename(filePath);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(filePath);
  } catch {
    throw new UserError('file_not_found', `Augur could not open "${fileName}".`, 'Check that the file still exists and that you may read it.');
  }
  if (stat.isDirectory()) throw new UserError('not_a_file', `"${fileName}" is a folder, not a CSV file.`);
  try {
    const head = await readHead(filePath, HEAD_BYTES);
    let src = sniffSource(head, fileName);
    try {
      return await importWith(filePath, fileName, stat.size, src, head, opts, t0);
    } catch (err) {
      if (!(err instanceof RestartAsWindows1252)) throw err;
      src = { encoding: 'windows-1252', skip: 0 };
      return await importWith(filePath, fileName, stat.size, src, head, opts, t0);
    }
  } catch (err) {
    // Operating-system read errors (no permission, file locked, drive gone) in one sentence.
    const code = (err as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw new UserError(
        'cannot_read',
        `Augur could not read "${fileName}" (${code === 'EACCES' || code === 'EPERM' ? 'no permission to read it' : code === 'EBUSY' ? 'it is in use by another program' : 'the computer reported a read error'}).`,
        'Close other programs that use the file, check that you may read it, and try again.',
      );
    }
    throw err;
  }
}

/** What the first megabyte says about the file. */
interface Layout {
  delimiter: string;
  /** Records to skip before data: the optional "sep=" line and the header. */
  skipRecords: number;
  header: string[];
  /** The header row's cells as in the file, trimmed (before names were cleaned). */
  headerCells: string[];
  headerFindings: Finding[];
  sample: string[][]; // per data row, without rows that repeat the header
  avgRowBytes: number;
}

function headAsScanBytes(head: Buffer, src: SourceInfo): Buffer {
  const body = head.subarray(src.skip);
  if (src.encoding === 'utf-16le' || src.encoding === 'utf-16be') return Buffer.from(new TextDecoder(src.encoding).decode(body), 'utf8');
  return body;
}

/**
 * The layout from the first bytes of the file, reading more while the header and a first data row do
 * not fit (a file of 120,000 columns has a header of over a megabyte), up to MAX_HEAD_BYTES.
 */
async function layoutOf(filePath: string, fileBytes: number, head: Buffer, src: SourceInfo, fileName: string, y: Yielder): Promise<Layout> {
  for (let bytes = head.length; ; ) {
    const scanBytes = headAsScanBytes(head, src);
    const bad = firstBinaryBlock(scanBytes, 0, scanBytes.length, isUtf16(src.encoding));
    if (bad >= 0) throw notTextError(fileName, countLines(scanBytes, bad) + 1);
    try {
      return await readLayout(scanBytes, head.length >= fileBytes, src.encoding, fileName, y);
    } catch (err) {
      if (!(err instanceof NeedMoreBytes)) throw err;
    }
    if (bytes >= MAX_HEAD_BYTES) {
      throw new UserError(
        'rows_too_long',
        `The first lines of "${fileName}" are longer than ${MAX_RECORD_BYTES >> 20} MB each, more than Augur can read as rows of a table.`,
        'Check that the file is a table with one row per line: a quote mark (") that is never closed makes the rest of a file look like one long line.',
      );
    }
    bytes = Math.min(MAX_HEAD_BYTES, bytes * 4);
    head = await readHead(filePath, bytes);
    await y.pause();
  }
}

async function readLayout(bytes: Buffer, isWholeFile: boolean, encoding: Encoding, fileName: string, y: Yielder): Promise<Layout> {
  const decode = cellDecoder(encoding);
  let pos = 0;
  let skipRecords = 0;
  let forced: string | null = null;
  // Excel's "sep=;" first line names the delimiter.
  const first = bytes.subarray(0, Math.min(bytes.length, 16)).toString('latin1');
  const sep = first.match(/^"?sep=(.)"?\s*?(\r\n|\n|\r)/i);
  if (sep) {
    forced = sep[1];
    pos = sep[0].length;
    skipRecords = 1;
  }
  // Lines the scanner sees: cut at the last line break unless this is the whole file.
  let end = bytes.length;
  if (!isWholeFile) {
    const nl = bytes.lastIndexOf(10);
    end = nl > 0 ? nl + 1 : bytes.length;
  }
  let scannedTo = pos;
  // Before the whole file is read, a quote still open at `end` may close further on: read more then.
  const eof = isWholeFile;
  const recordsFor = async (delim: string, limit: number): Promise<string[][]> => {
    const sc = new RecordScanner(delim.charCodeAt(0));
    const out: string[][] = [];
    let p = pos;
    while (p < end && out.length < limit) {
      let next = sc.scan(bytes, p, end, eof);
      if (next === UNTERMINATED) next = sc.scan(bytes, p, end, true, false);
      if (next === NEED_MORE) break;
      // the same empty lines the streaming pass skips: blank, or only delimiters
      if (!sc.isEmptyRecord(bytes)) {
        const rec: string[] = new Array(sc.n);
        for (let k = 0; k < sc.n; k++) {
          const t = decode(bytes, sc.starts[k], sc.ends[k]);
          rec[k] = sc.flags[k] & F_ESCAPED ? t.replace(/""/g, '"') : t;
          if ((k & 4095) === 4095 && y.due()) await y.pause(); // a record can hold 100,000 cells
        }
        out.push(rec);
      }
      p = next;
      if (y.due()) await y.pause();
    }
    scannedTo = p;
    return out;
  };

  let delimiter = forced ?? ',';
  if (!forced) {
    let best = -1;
    for (const d of DELIMITERS) {
      const recs = await recordsFor(d, 50);
      if (recs.length === 0) continue;
      const counts = recs.map((r) => r.length);
      // the most common field count, not the first row's: a report's title line above the header has one
      const width = modeOf(counts);
      if (width < 2) continue;
      const agree = counts.filter((c) => c === width).length / counts.length;
      // Consistent rows matter most; more columns breaks ties.
      const score = agree * 1000 + Math.min(width, 999);
      if (agree >= 0.6 && score > best) {
        best = score;
        delimiter = d;
      }
    }
  }
  const scanned = await recordsFor(delimiter, SAMPLE_ROWS + 1 + MAX_TITLE_LINES);
  if (scanned.length < 2 && !isWholeFile) throw new NeedMoreBytes();
  if (scanned.length === 0) throw new UserError('empty_file', `The file "${fileName}" has no data in it.`, 'Choose a CSV file that has a header row and data rows.');
  await y.pause();
  const titleLines = linesAboveHeader(scanned);
  const records = scanned.slice(titleLines, titleLines + SAMPLE_ROWS + 1);
  if (records.length < 2 && !isWholeFile) throw new NeedMoreBytes();
  await y.pause();
  const rawHeader = records[0];
  if (rawHeader.length < 2) {
    throw new UserError(
      'single_column',
      `Augur found only one column in "${fileName}", so there is nothing to learn a prediction from.`,
      'A CSV file needs at least two columns separated by commas, semicolons or tabs: one to predict and at least one to predict it from.',
    );
  }
  if (records.length === 1) throw new UserError('header_only', `The file "${fileName}" has a header row but no data rows.`, 'Add the data rows below the header and import it again.');
  const { names, findings } = await cleanHeader(rawHeader, y);
  if (titleLines) {
    const first = scanned[0].find((c) => c.trim() !== '')?.trim() ?? '';
    findings.push({
      code: 'title_lines',
      severity: 'info',
      message: `Augur skipped ${titleLines === 1 ? 'the line' : `${titleLines} lines`} above the column names${first ? ` ("${first.length > 60 ? `${first.slice(0, 57)}…` : first}"${titleLines > 1 ? ', …' : ''})` : ''}, such as a report's title.`,
    });
  }
  // A first row of numbers or dates is data, not names: the file probably has no header row.
  const looksLikeData = (h: string) => {
    const t = h.trim();
    return t !== '' && (!Number.isNaN(parseNumber(t)) || !Number.isNaN(parseDateAny(t)));
  };
  if ((await mapWithTurns(rawHeader, y, looksLikeData)).filter(Boolean).length >= Math.max(2, Math.ceil(rawHeader.length / 2))) {
    findings.push({
      code: 'no_header',
      severity: 'warning',
      message: `The first row (${rawHeader.slice(0, 4).map((h) => `"${h.trim()}"`).join(', ')}${rawHeader.length > 4 ? ', …' : ''}) looks like data rather than column names.`,
      suggestion: 'Augur uses the first row as column names. If your file has no header row, add one with a name for each column.',
    });
  }
  const sampleBytes = scannedTo - pos;
  const headerCells = rawHeader.map((h) => h.trim());
  const repeatsHeader = (r: string[]) => r.length >= headerCells.length && headerCells.every((h, k) => r[k].trim() === h);
  return {
    delimiter,
    skipRecords: skipRecords + titleLines + 1,
    header: names,
    headerCells,
    headerFindings: findings,
    sample: records.slice(1).filter((r) => !repeatsHeader(r)),
    avgRowBytes: Math.max(1, sampleBytes / records.length),
  };
}

/** Applies the mapping step's renames; a rename that would give two columns one name is not applied. */
function renameColumns(header: string[], rename: Record<string, string>): void {
  const wanted = header.map((h) => (Object.hasOwn(rename, h) ? rename[h] : h));
  const count = new Map<string, number>();
  for (const w of wanted) count.set(w, (count.get(w) ?? 0) + 1);
  header.forEach((h, k) => {
    if (count.get(wanted[k]) === 1) header[k] = wanted[k];
  });
}

/** Lines at the top that are not the header: a report's title, an export date (at most MAX_TITLE_LINES). */
const MAX_TITLE_LINES = 10;

function modeOf(values: number[]): number {
  const count = new Map<number, number>();
  let best = 0;
  let bestN = 0;
  for (const v of values) {
    const n = (count.get(v) ?? 0) + 1;
    count.set(v, n);
    if (n > bestN || (n === bestN && v > best)) { best = v; bestN = n; }
  }
  return best;
}

/**
 * How many leading records are title lines: lines with fewer than half as many filled cells as the
 * table has columns, above a line that names at least half of them. None when that line looks like
 * data (numbers, dates): then the file has no header and the findings say so.
 */
function linesAboveHeader(records: string[][]): number {
  const filled = (r: string[]) => r.reduce((n, c) => n + (c.trim() === '' ? 0 : 1), 0);
  const width = modeOf(records.slice(0, 200).map(filled));
  let h = 0;
  while (h < Math.min(MAX_TITLE_LINES, records.length - 2) && filled(records[h]) < Math.max(2, width / 2)) h++;
  if (h === 0 || filled(records[h]) < Math.max(2, width / 2)) return 0;
  const dataLike = records[h].filter((c) => c.trim() !== '' && (!Number.isNaN(parseNumber(c.trim())) || !Number.isNaN(parseDateAny(c.trim()))));
  return dataLike.length >= filled(records[h]) / 2 ? 0 : h;
}

/** Unique, non-empty, trimmed column names; says what it changed. Gives the event loop turns through `y` (260,000 names take ~170 ms). */
export async function cleanHeader(raw: string[], y: Yielder = new Yielder()): Promise<{ names: string[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const names: string[] = [];
  const seen = new Set<string>();
  // Per name, the suffix to try next: a name repeated 100,000 times costs 100,000 steps, not 5 billion
  // (restarting at _2 for each copy took 110 s for 40,000 copies). Every suffix below it is taken, so
  // the names are the same as a search from _2 would give.
  const nextSuffix = new Map<string, number>();
  const empty: number[] = [];
  const renamed: string[] = [];
  let renames = 0;
  for (let i = 0; i < raw.length; i++) {
    if ((i & 1023) === 1023 && y.due()) await y.pause();
    let name = raw[i].trim();
    if (name === '') {
      name = `column_${i + 1}`;
      empty.push(i + 1);
    }
    if (seen.has(name)) {
      let k = nextSuffix.get(name) ?? 2;
      while (seen.has(`${name}_${k}`)) k++;
      nextSuffix.set(name, k + 1);
      if (renames++ < 5) renamed.push(`"${name}" → "${name}_${k}"`);
      name = `${name}_${k}`;
    }
    seen.add(name);
    names.push(name);
  }
  if (empty.length) {
    const shown = empty.slice(0, 10);
    findings.push({
      code: 'empty_header',
      severity: 'info',
      // at most ten named: a header of 100,000 empty cells must not make a sentence of a megabyte
      message: `${empty.length === 1 ? 'Column' : 'Columns'} ${shown.join(', ')}${empty.length > 10 ? ` and ${(empty.length - 10).toLocaleString('en-US')} more` : ''} had no name in the header, so Augur named ${empty.length === 1 ? 'it' : 'them'} ${shown.map((i) => `"column_${i}"`).join(', ')}${empty.length > 10 ? ', …' : ''}.`,
      suggestion: 'Give every column a name in the first row of the file.',
    });
  }
  if (renamed.length) {
    findings.push({
      code: 'duplicate_header',
      severity: 'warning',
      message: `Some column names appear more than once, so Augur renamed the copies: ${renamed.join(', ')}${renames > 5 ? ', …' : ''}.`,
      suggestion: 'Give every column its own name in the first row of the file.',
    });
  }
  return { names, findings };
}

async function importWith(
  filePath: string,
  fileName: string,
  fileBytes: number,
  src: SourceInfo,
  head: Buffer,
  opts: ImportOptions,
  t0: number,
): Promise<ImportResult> {
  const { signal, onProgress } = opts;
  throwIfAborted(signal);
  const na = makeNaSet(opts.naValues);
  // Every step below works per column or per chunk and gives the event loop a turn every few
  // milliseconds, so the window (or the browser host) keeps answering and Stop works throughout.
  const y = new Yielder(signal);
  const layout = await layoutOf(filePath, fileBytes, head, src, fileName, y);
  if (opts.rename) renameColumns(layout.header, opts.rename);
  const pinned = new Map((opts.schema?.columns ?? []).map((c) => [c.name, c]));
  const plans: ColumnPlan[] = await mapWithTurns(layout.header, y, (name, k) => {
    const saved = pinned.get(name);
    return saved ? { ...saved.storage, pinned: true } : planColumn(layout.sample.map((r) => r[k] ?? ''), na, layout.delimiter);
  });
  const estRows = Math.ceil((fileBytes / layout.avgRowBytes) * 1.05) + 16;
  const spec: RangeSpec = {
    filePath,
    src,
    delimiter: layout.delimiter,
    names: layout.header,
    plans,
    naValues: opts.naValues,
    start: src.skip,
    skipRecords: layout.skipRecords,
    estRows,
    headerCells: layout.headerCells,
  };
  let lastReport = performance.now();
  const report = (bytesRead: number, rowsSoFar: number) => {
    const now = performance.now();
    if (onProgress && now - lastReport >= 100) {
      lastReport = now;
      onProgress(Math.min(0.99, bytesRead / fileBytes), `Reading ${fileName}: ${rowsSoFar.toLocaleString('en-US')} rows`);
    }
  };
  let parsed: ParseResult;
  try {
    if (await canParallelize(fileBytes, src.encoding)) parsed = await parseWithTwoThreads(spec, fileBytes, { signal, onProgress: report, yielder: y });
    else {
      const parser = await RangeParser.create(spec, y);
      try {
        await parser.run({ signal, yielder: y, onChunk: () => report(parser.bytesRead, parser.rows) });
      } finally {
        await parser.close();
      }
      parsed = parser;
    }
  } catch (err) {
    if (err instanceof NotUtf8Error) throw new RestartAsWindows1252();
    throw err;
  }
  throwIfAborted(signal);
  const { rows, builders, shortRows, longRows, firstShort, firstLong, unterminated, headerRows, firstHeaderRow } = parsed;
  if (rows === 0) throw new UserError('header_only', `The file "${fileName}" has a header row but no data rows.`, 'Add the data rows below the header and import it again.');

  const findings: Finding[] = [...layout.headerFindings];
  if (src.encoding === 'windows-1252') {
    findings.push({
      code: 'encoding_fallback',
      severity: 'info',
      message: 'This file is not in Unicode (UTF-8), so Augur read it as a Western European Windows file (Windows-1252).',
      suggestion: 'If accented letters look wrong, save the file again as "CSV UTF-8" and import that.',
    });
  }
  if (headerRows) {
    findings.push({
      code: 'repeated_header',
      severity: 'info',
      message: `${headerRows === 1 ? `Line ${firstHeaderRow} repeats` : `${headerRows.toLocaleString('en-US')} lines repeat`} the column names${headerRows === 1 ? '' : ` (the first is line ${firstHeaderRow})`}, as when files or sheets are pasted together; Augur skipped ${headerRows === 1 ? 'it' : 'them'}.`,
    });
  }
  if (shortRows) {
    findings.push({
      code: 'ragged_rows_short',
      severity: 'warning',
      message: `${shortRows.toLocaleString('en-US')} ${shortRows === 1 ? 'row has' : 'rows have'} fewer values than there are columns (the first is on line ${firstShort}); the missing values were left empty.`,
      suggestion: 'Check those lines in the file: a value or a separator may have been lost.',
    });
  }
  if (longRows) {
    findings.push({
      code: 'ragged_rows_long',
      severity: 'warning',
      message: `${longRows.toLocaleString('en-US')} ${longRows === 1 ? 'row has' : 'rows have'} more values than there are columns (the first is on line ${firstLong}); the extra values were ignored.`,
      suggestion: 'A value may contain the separator without quotes around it; check those lines in the file.',
    });
  }
  for (const l of unterminated.slice(0, 3)) {
    findings.push({
      code: 'unterminated_quote',
      severity: 'warning',
      message: `Line ${l} opens a quote (") that is never closed, so Augur read that line as plain text.`,
      suggestion: `Check line ${l} in the file and remove the stray quote mark or add the closing one.`,
    });
  }

  const columns: Column[] = await mapWithTurns(builders, y, (b) => finishColumn(b, rows, pinned.get(b.name)));
  const table: Table = { nRows: rows, columns };
  for (const f of await mapWithTurns(builders, y, builderFindings)) findings.push(...f);

  const summaries: ColumnSummary[] = await mapWithTurns(columns, y, (c, k) => summarizeColumn(c, layout.sample.map((r) => r[k] ?? ''), na));
  const preview = layout.sample.slice(0, PREVIEW_ROWS).map((r) => layout.header.map((_, k) => r[k] ?? ''));
  onProgress?.(1, `Read ${rows.toLocaleString('en-US')} rows`);
  return {
    table,
    plans: builders.map((b) => readPlan(b)),
    summary: {
      fileName,
      fileBytes,
      rows,
      delimiter: layout.delimiter,
      encoding: src.encoding,
      columns: summaries,
      preview,
      findings,
      elapsedS: (performance.now() - t0) / 1000,
    },
  };
}

function fit<T extends Float64Array | Int32Array>(a: T, n: number): T {
  // Keep the big buffer only when the estimate was close; otherwise copy to release memory.
  return (a.length > n * 1.25 + 1024 ? a.slice(0, n) : a.subarray(0, n)) as T;
}

/** The plan a column was finally read with (a number column that turned to text is text). */
function readPlan(b: ColumnBuilder): ColumnPlan {
  const p = b.plan;
  if (b.kind === 'str') return { kind: 'str' };
  return { kind: b.kind, ...(p.decimal ? { decimal: p.decimal } : {}), ...(p.dateFormat ? { dateFormat: p.dateFormat } : {}), ...(p.unit ? { unit: p.unit } : {}) };
}

/** Typed storage -> a Table column with its user-facing type (the schema's, when one pins it). */
function finishColumn(b: ColumnBuilder, rows: number, pinned?: ColumnSchema): Column {
  if (b.kind === 'date') return { name: b.name, type: 'date', values: fit(b.values!, rows) };
  if (b.kind === 'num') {
    const values = fit(b.values!, rows);
    const type = pinned ? pinned.read : typeOfNumColumn(b.name, values, rows);
    if (type === 'boolean') {
      const codes = new Int32Array(rows);
      // (a pinned 0/1 column of a later file may hold other numbers: those are not a yes or a no)
      for (let i = 0; i < rows; i++) codes[i] = values[i] === 0 || values[i] === 1 ? values[i] : -1;
      return { name: b.name, type: 'boolean', codes, dictionary: ['false', 'true'], labels: ['0', '1'] };
    }
    if (type === 'id') {
      const dict = new Map<number, number>();
      const dictionary: string[] = [];
      const codes = new Int32Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        let c = dict.get(v);
        if (c === undefined) {
          c = dictionary.length;
          dictionary.push(String(v));
          dict.set(v, c);
        }
        codes[i] = c;
      }
      return { name: b.name, type: 'id', codes, dictionary };
    }
    return { name: b.name, type: 'numeric', values };
  }
  const codes = fit(b.codes!, rows);
  const inferred = pinned ? pinned.read : typeOfStrColumn(b.name, { nRows: rows, missing: b.missing, dictionary: b.dictionary, codes });
  if (inferred === 'boolean') return toBoolean(b.name, codes, b.dictionary);
  // A schema can only pin what text can be: numbers and dates were pinned by the plan above.
  const type = inferred === 'numeric' || inferred === 'date' ? 'categorical' : inferred;
  return { name: b.name, type, codes, dictionary: b.dictionary };
}

/** Recodes a yes/no style column to the boolean layout, keeping the file's own words as labels. */
export function toBoolean(name: string, codes: Int32Array, dictionary: string[]): Column {
  const map = dictionary.map((v) => parseBoolean(v));
  // The most common spelling ("Yes" over a few "yes") names each side; ties go to the first seen.
  const count = new Float64Array(dictionary.length);
  for (const c of codes) if (c >= 0) count[c]++;
  const labels: string[] = [];
  const best = [-1, -1];
  dictionary.forEach((v, i) => {
    const side = map[i];
    if ((side === 0 || side === 1) && count[i] > best[side]) { labels[side] = v; best[side] = count[i]; }
  });
  labels[0] ??= 'false';
  labels[1] ??= 'true';
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    // A word that is neither side (a pinned yes/no column in a later file) is missing, not "false".
    out[i] = c < 0 || !(map[c] === 0 || map[c] === 1) ? -1 : map[c];
  }
  return { name, type: 'boolean', codes: out, dictionary: ['false', 'true'], labels };
}

function builderFindings(b: ColumnBuilder): Finding[] {
  const out: Finding[] = [];
  if (b.unit && b.kind === 'num') {
    out.push({
      code: 'numbers_with_unit',
      severity: 'info',
      column: b.name,
      message: `"${b.name}" holds numbers followed by a unit (${b.unit}); Augur reads them as plain numbers.`,
    });
  }
  if (b.infinities > 0) {
    out.push({
      code: 'infinite_values',
      severity: 'warning',
      column: b.name,
      message: `${b.infinities.toLocaleString('en-US')} ${b.infinities === 1 ? 'cell' : 'cells'} in "${b.name}" hold an infinite value (such as "#DIV/0!", "inf" or "∞"), which is not a usable number; Augur treats ${b.infinities === 1 ? 'it' : 'them'} as missing.`,
      suggestion: 'Often this comes from a division by zero in a spreadsheet formula; fix the formula if the value matters.',
    });
  }
  if (b.kind !== 'str' && b.markers.words > 0) {
    const said = b.markers.texts.filter(isNotKnownWord).slice(0, 3).map((t) => `"${t}"`).join(' or ');
    const n = b.markers.words;
    out.push({
      code: 'not_known_values',
      severity: 'info',
      column: b.name,
      message: `${n.toLocaleString('en-US')} ${n === 1 ? 'cell' : 'cells'} in "${b.name}" ${n === 1 ? 'says' : 'say'} ${said} instead of ${b.kind === 'date' ? 'a date' : 'a number'}; Augur treats ${n === 1 ? 'it' : 'them'} as empty.`,
    });
  }
  if (b.badCount > 0) {
    const ex = [...new Set(b.bad.map((x) => x.text))].slice(0, 3).map((t) => `"${t}"`).join(', ');
    out.push({
      code: 'unreadable_values',
      severity: 'warning',
      column: b.name,
      message: `${b.badCount.toLocaleString('en-US')} ${b.badCount === 1 ? 'cell' : 'cells'} in "${b.name}" could not be read as ${b.kind === 'date' ? 'a date' : 'a number'} (${ex}) and ${b.badCount === 1 ? 'is' : 'are'} treated as missing.`,
      suggestion: 'Correct those cells in the file if they hold real values.',
    });
  }
  if (b.demotedFrom) {
    out.push({
      code: 'mixed_values',
      severity: 'info',
      column: b.name,
      message: `"${b.name}" starts with ${b.demotedFrom === 'date' ? 'dates' : 'numbers'} but later has other text, so Augur treats it as text.`,
      suggestion: `If it should be ${b.demotedFrom === 'date' ? 'dates' : 'numbers'}, fix the cells that are not.`,
    });
  }
  return out;
}
