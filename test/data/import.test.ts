import { describe, expect, it } from 'vitest';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { UserError, CancelledError } from '../../electron/engine/util/errors.ts';
import { cells, col, fixture, importText } from './helpers.ts';

const types = (r: Awaited<ReturnType<typeof importCsvFile>>) => Object.fromEntries(r.summary.columns.map((c) => [c.name, c.type]));

async function refused(file: string): Promise<UserError> {
  try {
    await importCsvFile(fixture(file));
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error(`${file} was not refused`);
}

describe('importCsvFile: types', () => {
  it('infers numeric, categorical, boolean, date, text and id columns', async () => {
    const r = await importCsvFile(fixture('basic.csv'));
    expect(r.summary.rows).toBe(5);
    expect(r.summary.delimiter).toBe(',');
    expect(r.summary.encoding).toBe('utf-8');
    expect(types(r)).toMatchObject({ age: 'numeric', plan: 'categorical', active: 'boolean', signup: 'date' });
    expect(cells(r.table, 'age')).toEqual([34, 45, 29, 52, 38]);
    expect(cells(r.table, 'active')).toEqual(['yes', 'no', 'yes', 'yes', 'no']);
    expect(cells(r.table, 'signup')[0]).toBe(Date.UTC(2023, 0, 15));
    expect(r.summary.columns.find((c) => c.name === 'notes')!.missing).toBe(1);
    expect(r.summary.preview[0]).toEqual(['1', '34', 'basic', 'yes', '2023-01-15', 'likes the product']);
  });

  it('calls a counter that is unique per row an id, and free text text', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i + 1},C-${1000 + i},${['red', 'blue'][i % 2]},Some words here number ${i}`);
    const r = await importText(['n,code,color,comment', ...rows].join('\n'));
    expect(types(r)).toEqual({ n: 'id', code: 'id', color: 'categorical', comment: 'text' });
  });

  it('recognises yes/no, true/false, Y/N, 1/0 and t/f as boolean', async () => {
    const r = await importCsvFile(fixture('booleans.csv'));
    expect(Object.values(types(r))).toEqual(['boolean', 'boolean', 'boolean', 'boolean', 'boolean']);
    expect(cells(r.table, 'b')).toEqual(['TRUE', 'FALSE', 'TRUE']);
    const a = col(r.table, 'a');
    expect(a.type === 'boolean' && Array.from(a.codes)).toEqual([1, 0, 1]);
  });

  it('keeps codes with leading zeros as text', async () => {
    const r = await importCsvFile(fixture('codes.csv'));
    expect(types(r)).toMatchObject({ zip: 'categorical', product_code: 'categorical', qty: 'numeric' });
    expect(cells(r.table, 'zip')).toEqual(['02134', '10001', '90210']);
  });

  it('reads day-first dates when a day is above 12, and ISO date-times', async () => {
    const r = await importCsvFile(fixture('dates-dmy.csv'));
    expect(types(r).when).toBe('date');
    expect(cells(r.table, 'when')).toEqual([Date.UTC(2024, 0, 13), Date.UTC(2024, 1, 5), Date.UTC(2023, 11, 28)]);
    const m = await importCsvFile(fixture('dates-mixed-formats.csv'));
    expect(types(m).stamp).toBe('date');
    expect(cells(m.table, 'stamp')[0]).toBe(Date.UTC(2024, 0, 13, 10, 30));
  });

  it('turns a column that starts numeric and later has words into text, and says so', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i < 2500 ? i % 7 : ['a', 'b', 'c'][i % 3]}`);
    const r = await importText(['x,y', ...rows].join('\n'));
    expect(col(r.table, 'y').type).toBe('categorical');
    expect(cells(r.table, 'y').slice(0, 3)).toEqual(['0', '1', '2']);
    expect(cells(r.table, 'y')[2999]).toBe('c');
    expect(r.summary.findings.map((f) => f.code)).toContain('mixed_values');
  });

  it('keeps a numeric column numeric when only a few cells are unreadable, and reports them', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i === 2900 ? 'oops' : i / 2}`);
    const r = await importText(['x,y', ...rows].join('\n'));
    expect(col(r.table, 'y').type).toBe('numeric');
    expect(Number.isNaN(cells(r.table, 'y')[2900] as number)).toBe(true);
    const f = r.summary.findings.find((x) => x.code === 'unreadable_values');
    expect(f?.column).toBe('y');
    expect(f?.message).toContain('"oops"');
  });
});

describe('importCsvFile: encodings and line endings', () => {
  it('reads UTF-8 with a byte-order mark', async () => {
    const r = await importCsvFile(fixture('bom-utf8.csv'));
    expect(r.summary.encoding).toBe('utf-8-bom');
    expect(r.summary.columns[0].name).toBe('name');
    expect(cells(r.table, 'city')).toEqual(['Köln', 'São Paulo', 'Malmö']);
  });

  it.each(['utf16le.csv', 'utf16be.csv'])('reads %s', async (f) => {
    const r = await importCsvFile(fixture(f));
    expect(r.summary.encoding).toBe(f.includes('le') ? 'utf-16le' : 'utf-16be');
    expect(cells(r.table, 'name')).toEqual(['Zoë', 'José', 'Åsa']);
    expect(cells(r.table, 'score')).toEqual([1.5, 2.5, 3]);
  });

  it('recognises UTF-16 without a byte-order mark (Excel "Unicode text" exports)', async () => {
    const r = await importText(Buffer.from('name\tcity\nZoë\tKöln\nJosé\tLima\n', 'utf16le'));
    expect(r.summary.encoding).toBe('utf-16le');
    expect(r.summary.delimiter).toBe('\t');
    expect(cells(r.table, 'city')).toEqual(['Köln', 'Lima']);
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8', async () => {
    const r = await importCsvFile(fixture('windows1252.csv'));
    expect(r.summary.encoding).toBe('windows-1252');
    expect(cells(r.table, 'product')[0]).toBe('Café crème');
    expect(cells(r.table, 'price')).toEqual([3.5, 2.1, 1.9]);
    expect(r.summary.findings.map((f) => f.code)).toContain('encoding_fallback');
  });

  it('restarts as Windows-1252 when non-UTF-8 bytes appear only after the first megabyte', async () => {
    const head = 'a,b\n' + 'x,1\n'.repeat(300_000);
    const r = await importText(Buffer.concat([Buffer.from(head), Buffer.from('caf\xe9,2\n', 'latin1')]));
    expect(r.summary.encoding).toBe('windows-1252');
    expect(r.summary.rows).toBe(300_001);
    expect(cells(r.table, 'a')[300_000]).toBe('café');
  });

  it.each(['crlf.csv', 'cr-only.csv', 'trailing-blank-lines.csv'])('handles line endings and blank lines in %s', async (f) => {
    const r = await importCsvFile(fixture(f));
    expect(r.summary.rows).toBe(3);
    expect(cells(r.table, 'a')).toEqual([1, 2, 3]);
    expect(cells(r.table, 'b')).toEqual(['x', 'y', 'z']);
  });
});

describe('importCsvFile: delimiters and number formats', () => {
  it('detects tab and | delimiters', async () => {
    const t = await importCsvFile(fixture('tab.csv'));
    expect(t.summary.delimiter).toBe('\t');
    expect(cells(t.table, 'b')).toEqual(['hello world', 'foo, bar']);
    const p = await importCsvFile(fixture('pipe.csv'));
    expect(p.summary.delimiter).toBe('|');
    expect(cells(p.table, 'b')).toEqual(['x,y', 'z;w']);
  });

  it("follows Excel's sep=; line and reads decimal commas", async () => {
    const r = await importCsvFile(fixture('excel-sep.csv'));
    expect(r.summary.delimiter).toBe(';');
    expect(r.summary.rows).toBe(3);
    expect(cells(r.table, 'amount')).toEqual([1.5, 2.25, 1000.75]);
  });

  it('reads European exports: ; delimiter, decimal comma, thousands dots, €, % and day-first dates', async () => {
    const r = await importCsvFile(fixture('european.csv'));
    expect(r.summary.delimiter).toBe(';');
    expect(cells(r.table, 'Betrag')).toEqual([1234.56, -99.9, 12]);
    expect(cells(r.table, 'Anteil')).toEqual([12.5, 7, 100]);
    expect(cells(r.table, 'Datum')[0]).toBe(Date.UTC(2024, 0, 31));
  });

  it('reads currency symbols, thousands separators, percent signs and accounting negatives', async () => {
    const r = await importCsvFile(fixture('money.csv'));
    expect(cells(r.table, 'price')).toEqual([1234.5, 99, 0.99]);
    expect(cells(r.table, 'discount')).toEqual([10, 5, 0]);
    expect(cells(r.table, 'balance')).toEqual([-42, -7.25, 3]);
    expect(cells(r.table, 'big')).toEqual([1_000_000, 2500, 10]);
  });

  it('parses numbers the way spreadsheets and accounting systems write them', async () => {
    const { parseNumber } = await import('../../electron/engine/data/values.ts');
    expect(parseNumber('12.50-')).toBe(-12.5);
    expect(parseNumber('EUR 1,200')).toBe(1200);
    expect(parseNumber('1 234,56', ',')).toBe(1234.56);
    expect(parseNumber('-€3.50')).toBe(-3.5);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('12-3')).toBeNaN();
    expect(parseNumber('0x1F')).toBeNaN();
    expect(parseNumber('1,2,3')).toBeNaN();
  });

  it('handles quoted fields with delimiters, doubled quotes and line breaks inside', async () => {
    const r = await importCsvFile(fixture('quoted.csv'));
    expect(r.summary.rows).toBe(4);
    expect(cells(r.table, 'comment')).toEqual(['Hello, world', 'She said "hi"', 'line one\nline two', 'plain']);
    expect(cells(r.table, 'amount')).toEqual([10, 20, 30, 40]);
  });
});

describe('importCsvFile: missing values and header problems', () => {
  it('understands missing markers, "-" only in numeric columns, and reports infinity', async () => {
    const r = await importCsvFile(fixture('missing-markers.csv'));
    const a = cells(r.table, 'a');
    expect(col(r.table, 'a').type).toBe('numeric');
    expect(a.map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, 2, null, 4, 5, 6]);
    expect(cells(r.table, 'b')).toEqual(['x', null, null, null, 'y', '-']);
    expect(col(r.table, 'c').type).toBe('numeric');
    expect(r.summary.columns.find((c) => c.name === 'c')!.missing).toBe(4);
    expect(r.summary.columns.find((c) => c.name === 'd')!.missing).toBe(3);
    const inf = r.summary.findings.find((f) => f.code === 'infinite_values');
    expect(inf?.column).toBe('d');
    expect(inf?.message).toMatch(/^2 cells/);
  });

  it('reads "unknown" and "n.a." in a column of numbers or dates as empty and says so, but keeps "unknown" as a category value', async () => {
    const body = Array.from({ length: 200 }, (_, i) => {
      const income = i % 25 === 3 ? 'Unknown' : i % 40 === 7 ? 'n.a.' : String(30000 + i * 250);
      return `${income},${['admin', 'unknown', 'services'][i % 3]},${i % 50 === 9 ? 'unknown' : `2024-0${1 + (i % 9)}-1${i % 10}`}`;
    });
    const r = await importText(`income,job,signed\n${body.join('\n')}\n`);
    expect(col(r.table, 'income').type).toBe('numeric');
    expect(cells(r.table, 'income')[3]).toBeNaN();
    expect(cells(r.table, 'income')[4]).toBe(31000);
    expect(r.summary.columns.find((c) => c.name === 'income')!.missing).toBe(13);
    expect(r.summary.findings.find((f) => f.code === 'not_known_values')?.message).toBe(
      '13 cells in "income" say "Unknown" or "n.a." instead of a number; Augur treats them as empty.',
    );
    expect(r.summary.findings.find((f) => f.code === 'unreadable_values')).toBeUndefined();
    expect(cells(r.table, 'job').slice(0, 3)).toEqual(['admin', 'unknown', 'services']);
    // dates too
    expect(col(r.table, 'signed').type).toBe('date');
    expect(r.summary.columns.find((c) => c.name === 'signed')!.missing).toBe(4);
    expect(r.summary.findings.find((f) => f.code === 'not_known_values' && f.column === 'signed')?.message).toBe(
      '4 cells in "signed" say "unknown" instead of a date; Augur treats them as empty.',
    );
  });

  it('puts "-" and "unknown" back as written when a column of numbers turns out to be text', async () => {
    // the words come after the rows Augur samples to plan the column, so it starts as numbers
    const body = Array.from({ length: 3000 }, (_, i) => (i === 2 ? '-' : i === 5 ? 'unknown' : i < 2500 ? String(i % 9) : ['small', 'large'][i % 2]));
    const r = await importText(`size,x\n${body.map((v, i) => `${v},${i}`).join('\n')}\n`);
    expect(col(r.table, 'size').type).toBe('categorical');
    expect(cells(r.table, 'size').slice(0, 6)).toEqual(['0', '1', '-', '3', '4', 'unknown']);
    expect(r.summary.findings.map((f) => f.code)).toContain('mixed_values');
    expect(r.summary.findings.find((f) => f.code === 'not_known_values')).toBeUndefined();
  });

  it('skips a report title and export lines above the header, with or without trailing separators', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `K${i};${i % 9};${i % 2 ? 'Pro' : 'Basic'};${i % 3 ? 'No' : 'Yes'}`).join('\n');
    for (const top of ['Sales report Q1 2024\n\n', 'Sales report Q1 2024;;;\nExported 2024-04-02 by admin;;;\n;;;\n']) {
      const r = await importText(`${top}Customer;Visits;Plan;Churned\n${body}\n`);
      expect(r.summary.columns.map((c) => c.name)).toEqual(['Customer', 'Visits', 'Plan', 'Churned']);
      expect(r.summary.rows).toBe(30);
      expect(col(r.table, 'Visits').type).toBe('numeric');
      expect(r.summary.findings.find((f) => f.code === 'title_lines')?.message).toMatch(/^Augur skipped (the line|2 lines) above the column names \("Sales report Q1 2024"/);
    }
    // a first row of data is not a title: the file has no header, and the finding says so
    const numbers = Array.from({ length: 30 }, (_, i) => `${i};${i % 9};${(i * 2.5).toFixed(1)};${i % 3}`).join('\n');
    const r = await importText(`${numbers}\n`);
    expect(r.summary.rows).toBe(29);
    expect(r.summary.findings.map((f) => f.code)).toContain('no_header');
    expect(r.summary.findings.map((f) => f.code)).not.toContain('title_lines');
  });

  it('names the two sides of a yes/no column by their most common spelling', async () => {
    const r = await importText(`n,paid\n${Array.from({ length: 12 }, (_, i) => `${i},${i === 0 ? 'yes' : i % 3 ? 'Yes' : 'No'}`).join('\n')}\n`);
    const paid = col(r.table, 'paid');
    expect(paid.type).toBe('boolean');
    expect(paid.type === 'boolean' && 'labels' in paid ? paid.labels : null).toEqual(['No', 'Yes']);
  });

  it('counts a category\'s spellings that differ only in capitals or spaces as one value, as training will', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `${['North', 'north', 'NORTH ', 'South', 'East'][i % 5]},${i}`).join('\n');
    const r = await importText(`region,x\n${body}\n`);
    expect(r.summary.columns.find((c) => c.name === 'region')).toMatchObject({ type: 'categorical', unique: 3 });
  });

  it('reads amounts typed with their unit as numbers when the whole column shares the unit', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${(i * 7) % 23 + 1} kg,${i % 9 === 1 ? '1 day' : `${i % 9} days`},${((i * 37) % 41) * 10}km,${i % 2 ? `${i * 10} g` : `${i / 10} kg`}`);
    const r = await importText(`weight,delivery,distance,mixed\n${rows.join('\n')}\n`);
    expect(cells(r.table, 'weight').slice(0, 3)).toEqual([1, 8, 15]);
    expect(cells(r.table, 'delivery').slice(0, 3)).toEqual([0, 1, 2]);
    expect(cells(r.table, 'distance').slice(0, 3)).toEqual([0, 370, 330]);
    // grams and kilograms in one column: adding them up would need a conversion, so it stays as written
    expect(col(r.table, 'mixed').type).not.toBe('numeric');
    expect(r.summary.findings.find((f) => f.code === 'numbers_with_unit' && f.column === 'delivery')?.message).toBe(
      '"delivery" holds numbers followed by a unit (day); Augur reads them as plain numbers.',
    );
  });

  it('skips a row that repeats the header near the top, so the columns keep their types', async () => {
    const r = await importText('\ufeffClient,Revenue,Renewed\r\nC1,"€1,200",Yes\r\nClient,Revenue,Renewed\r\nC2,"€950",No\r\nC3,"€2,000",Yes\r\n');
    expect(r.summary.rows).toBe(3);
    expect(cells(r.table, 'Revenue')).toEqual([1200, 950, 2000]);
    expect(col(r.table, 'Renewed').type).toBe('boolean');
    expect(r.summary.findings.find((x) => x.code === 'repeated_header')?.message).toMatch(/^Line 3 repeats the column names/);
  });

  it('honours custom missing markers', async () => {
    const file = fixture('basic.csv');
    const r = await importCsvFile(file, { naValues: ['', 'basic'] });
    expect(cells(r.table, 'plan')).toEqual([null, 'pro', null, 'team', 'pro']);
  });

  it('makes duplicate and empty header names unique and says so; __proto__ is just a name', async () => {
    const r = await importCsvFile(fixture('header-problems.csv'));
    expect(r.summary.columns.map((c) => c.name)).toEqual(['name', 'name_2', 'column_3', '__proto__', 'constructor', 'toString']);
    const codes = r.summary.findings.map((f) => f.code);
    expect(codes).toContain('duplicate_header');
    expect(codes).toContain('empty_header');
    expect(cells(r.table, '__proto__')).toEqual([4, 10]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('warns when the first row looks like data rather than column names', async () => {
    const r = await importText('1,2.5,2024-01-01\n2,3.5,2024-01-02\n3,4.5,2024-01-03\n');
    expect(r.summary.rows).toBe(2);
    expect(r.summary.findings.find((f) => f.code === 'no_header')?.message).toContain('"1", "2.5", "2024-01-01"');
    const ok = await importCsvFile(fixture('basic.csv'));
    expect(ok.summary.findings.map((f) => f.code)).not.toContain('no_header');
  });

  it('keeps going on ragged rows, and counts short and long rows with their first line', async () => {
    const r = await importCsvFile(fixture('ragged.csv'));
    expect(r.summary.rows).toBe(5);
    expect(cells(r.table, 'a')).toEqual([1, 4, 6, 10, 13]);
    expect(cells(r.table, 'c').map((v) => (Number.isNaN(v) ? null : v))).toEqual([3, null, 8, 12, null]);
    const short = r.summary.findings.find((f) => f.code === 'ragged_rows_short')!;
    expect(short.message).toMatch(/^2 rows .* line 3/);
    const long = r.summary.findings.find((f) => f.code === 'ragged_rows_long')!;
    expect(long.message).toMatch(/^1 row .* line 4/);
  });

  it('reports the line of an unterminated quote and still reads the rest', async () => {
    const r = await importCsvFile(fixture('unterminated-quote.csv'));
    const f = r.summary.findings.find((x) => x.code === 'unterminated_quote')!;
    expect(f.message).toContain('Line 3');
    expect(r.summary.rows).toBe(4);
    expect(cells(r.table, 'a')).toEqual([1, 2, 3, 4]);
  });
});

describe('importCsvFile: refusals in one plain sentence', () => {
  it.each([
    ['empty.csv', 'empty_file', /empty/],
    ['whitespace-only.csv', 'empty_file', /no data/],
    ['header-only.csv', 'header_only', /header row but no data rows/],
    ['single-column.csv', 'single_column', /only one column/],
    ['spreadsheet.csv', 'excel_file', /Excel file/],
    ['binary.csv', 'binary_file', /not a text file/],
  ])('%s -> %s', async (file, code, msg) => {
    const err = await refused(file);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(msg);
    expect(err.message).not.toMatch(/\n|at .*\(/);
  });

  it('refuses a missing file clearly', async () => {
    await expect(importCsvFile(fixture('no-such-file.csv'))).rejects.toThrow(/could not open/);
  });
});

describe('importCsvFile: large input, progress and cancel', () => {
  const big = 'id,x,y,label\n' + Array.from({ length: 120_000 }, (_, i) => `${i},${(i * 7) % 1000},${i % 3 === 0 ? 'a' : 'b'},"q, ${i % 5}"`).join('\n') + '\n';

  it('reads a multi-megabyte file in chunks, reporting progress, with every row in place', async () => {
    const fractions: number[] = [];
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(os.tmpdir(), `augur-big-${process.pid}.csv`);
    fs.writeFileSync(file, big);
    try {
      const r = await importCsvFile(file, { onProgress: (f) => fractions.push(f) });
      expect(r.summary.rows).toBe(120_000);
      expect(cells(r.table, 'x')[119_999]).toBe((119_999 * 7) % 1000);
      expect(cells(r.table, 'label')[4]).toBe('q, 4');
      expect(fractions.at(-1)).toBe(1);
      expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('stops with CancelledError when the signal fires, before or during reading', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(importCsvFile(fixture('basic.csv'), { signal: ctl.signal })).rejects.toBeInstanceOf(CancelledError);
    // A signal that fires after a few checks: the read must stop part-way, not finish.
    let checks = 0;
    const late = { get aborted() { return ++checks > 3; } } as AbortSignal;
    await expect(importText(big.repeat(2), 'big.csv', { signal: late })).rejects.toBeInstanceOf(CancelledError);
  });
});
