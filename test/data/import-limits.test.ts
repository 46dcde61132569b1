import { describe, expect, it } from 'vitest';
import { cleanHeader } from '../../electron/engine/data/import.ts';
import { checkData } from '../../electron/engine/data/checks.ts';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { CancelledError, UserError } from '../../electron/engine/util/errors.ts';
import { cells, col, importText } from './helpers.ts';

// Files a careless or hostile user can drop: each must import (or be refused in a sentence) quickly,
// without holding the process that also answers the window.

/** The longest time the event loop went without a turn while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number; ms: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  try {
    const result = await work();
    stallMs = Math.max(stallMs, performance.now() - last);
    return { result, stallMs, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof UserError)) throw new Error(`expected a UserError, got ${String(err)}`);
  return err;
}

/** Deterministic pseudo-random bytes. */
function noise(bytes: number, seed = 7): Buffer {
  const out = Buffer.alloc(bytes);
  let s = seed >>> 0;
  for (let i = 0; i < bytes; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('a header that repeats one name', () => {
  it('renames 100,000 copies in about a second, and the event loop keeps turning', async () => {
    const n = 100_000;
    const header = new Array(n).fill('amount').join(',');
    const row = Array.from({ length: n }, (_, i) => String(i % 10)).join(',');
    const { result, stallMs, ms } = await longestStall(() => importText(`${header}\n${row}\n${row}\n`));
    expect(result.summary.columns).toHaveLength(n);
    expect(result.summary.columns[1].name).toBe('amount_2');
    expect(result.summary.columns[n - 1].name).toBe(`amount_${n}`);
    expect(result.summary.rows).toBe(2);
    const dup = result.summary.findings.find((f) => f.code === 'duplicate_header')!;
    expect(dup.message).toMatch(/renamed the copies: "amount" → "amount_2", .*, …\.$/);
    expect(dup.message.length).toBeLessThan(300);
    // Was 3 s for 10,000 copies and minutes for 100,000, all of it without a turn for anything else.
    // About a second on an idle machine; the bounds leave room for a busy one.
    expect(ms).toBeLessThan(6000);
    expect(stallMs).toBeLessThan(500);
  });

  it('gives the same names as a search from _2 would, whatever order the copies come in', async () => {
    expect((await cleanHeader(['a', 'a', 'a_2', 'a', 'a_3', '', 'a'])).names).toEqual(['a', 'a_2', 'a_2_2', 'a_3', 'a_3_2', 'column_6', 'a_4']);
    const empty = await cleanHeader(new Array(5000).fill(''));
    expect(empty.names[4999]).toBe('column_5000');
    expect(empty.findings[0].message.length).toBeLessThan(300);
    expect(empty.findings[0].message).toMatch(/^Columns 1, 2, .*, 10 and 4,990 more had no name/);
  });

  it('stops at once when cancelled, however wide the file', async () => {
    const n = 100_000;
    const header = new Array(n).fill('x').join(',');
    const ctrl = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ctrl.abort(), 50);
    const err = await importText(`${header}\n${header.replace(/x/g, '1')}\n`, 'wide.csv', { signal: ctrl.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('a very wide file', () => {
  it('imports when the header and the first row are longer than the first megabyte', async () => {
    const n = 120_000;
    const header = Array.from({ length: n }, (_, i) => `feature_${i}`).join(',');
    expect(header.length).toBeGreaterThan(1 << 20);
    const rows = [0, 1, 2].map((r) => Array.from({ length: n }, (_, i) => String((i + r) % 7)).join(','));
    const r = await importText(`${header}\n${rows.join('\n')}\n`);
    expect(r.summary.columns).toHaveLength(n);
    expect(r.summary.rows).toBe(3);
    expect(r.summary.columns[n - 1].name).toBe(`feature_${n - 1}`);
    expect(cells(r.table, `feature_${n - 1}`)).toEqual([(n - 1) % 7, n % 7, (n + 1) % 7]);
  });

  it('refuses in a sentence when no whole row is there within the cap', async () => {
    // One line of 34 MB and no line break: a first row longer than any table's.
    const err = await refusal(importText(Buffer.alloc(34 << 20, 'a'), 'one-line.csv'));
    expect(err.code).toBe('rows_too_long');
    expect(err.message).toMatch(/^The first lines of ".*one-line.csv" are longer than 16 MB each/);
  });
});

describe('a file that stops being text', () => {
  it('refuses text followed by megabytes of random bytes, saying where', async () => {
    const lines = ['id,plan,amount'];
    for (let i = 0; lines.join('\n').length < 4096; i++) lines.push(`${i},basic,${i * 3}`);
    const text = lines.join('\n') + '\n';
    const err = await refusal(importText(Buffer.concat([Buffer.from(text), noise(3 << 20)]), 'damaged.csv'));
    expect(err.code).toBe('binary_file');
    expect(err.message).toMatch(/^The file ".*damaged.csv" is not all text: from about line \d+ on it holds binary data/);
    // the same, far past the first megabyte (judged while streaming, not only in the first bytes read)
    const big: string[] = ['id,plan,amount'];
    for (let i = 0; i < 120_000; i++) big.push(`${i},basic,${i * 3}`);
    const late = await refusal(importText(Buffer.concat([Buffer.from(big.join('\n') + '\n'), noise(1 << 20)]), 'late.csv'));
    expect(late.code).toBe('binary_file');
    expect(late.message).toMatch(/from about line 120,00\d on/);
  });

  it('refuses UTF-16 text followed by bytes that are not UTF-16', async () => {
    const lines = ['имя,сумма'];
    for (let i = 0; i < 400; i++) lines.push(`Иван${i},${i}`);
    const err = await refusal(importText(Buffer.concat([Buffer.from(lines.join('\n') + '\n', 'utf16le'), noise(1 << 20)]), 'utf16-damaged.csv'));
    expect(err.code).toBe('binary_file');
  });

  it('still imports a UTF-8 file full of replacement characters (an earlier bad conversion) as text', async () => {
    const lines = ['name,city'];
    for (let i = 0; i < 3000; i++) lines.push(`Fran\ufffdois ${i},Qu\ufffdbec`);
    const r = await importText(lines.join('\n') + '\n');
    expect(r.summary.rows).toBe(3000);
    expect(cells(r.table, 'city')[0]).toBe('Qu\ufffdbec');
  });

  it('still imports text with a stray control character here and there', async () => {
    const lines = ['id,note'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},${i % 500 === 0 ? 'bell\u0007here' : 'fine'}`);
    const r = await importText(lines.join('\n') + '\n');
    expect(r.summary.rows).toBe(5000);
  });
});

describe('UTF-16 without a byte-order mark', () => {
  const utf16 = (text: string, be: boolean) => {
    const le = Buffer.from(text, 'utf16le');
    return be ? le.swap16() : le;
  };

  it.each([
    ['Cyrillic', 'имя,город,сумма\nИван,Москва,100\nОльга,Казань,250\nПётр,Тверь,75\n', 'город', ['Москва', 'Казань', 'Тверь']],
    ['Greek', 'όνομα,πόλη,ποσό\nΓιάννης,Αθήνα,100\nΜαρία,Πάτρα,250\nΝίκος,Βόλος,75\n', 'πόλη', ['Αθήνα', 'Πάτρα', 'Βόλος']],
    ['Chinese', '名字,城市,金额\n张伟,北京,100\n王芳,上海,250\n李娜,广州,75\n', '城市', ['北京', '上海', '广州']],
  ])('reads %s text, little- and big-endian', async (_label, text, column, values) => {
    for (const be of [false, true]) {
      const r = await importText(utf16(text, be));
      expect(r.summary.encoding).toBe(be ? 'utf-16be' : 'utf-16le');
      expect(r.summary.rows).toBe(3);
      expect(cells(r.table, column)).toEqual(values);
    }
  });

  it('still refuses a binary file and a UTF-8 file with stray NUL bytes', async () => {
    expect((await refusal(importText(noise(8192)))).code).toBe('binary_file');
    expect((await refusal(importText(Buffer.from('a,b\n1,\u00002\n3,\u00004\n')))).code).toBe('binary_file');
  });
});

describe('lines of only delimiters', () => {
  it('are empty lines, in the middle and at the end of a file, not rows of missing values', async () => {
    const body: string[] = [];
    for (let i = 0; i < 40; i++) body.push(`${i},${i % 2 ? 'a' : 'b'},${(i % 7) * 2.5}`, i % 10 === 3 ? ',,' : '');
    const r = await importText(`id,kind,amount\n,,\n${body.filter(Boolean).join('\n')}\n,,\n , ,\n,,\n`);
    expect(r.summary.rows).toBe(40);
    expect(col(r.table, 'amount').type).toBe('numeric');
    expect(r.summary.columns.find((c) => c.name === 'kind')!.missing).toBe(0);
    expect(r.summary.findings.map((f) => f.code)).not.toContain('ragged_rows_short');
  });
});

describe('a category column of values seen two or three times each', () => {
  it('is called nearly an identifier, saying what training does with it', async () => {
    const lines = ['product,price,bought'];
    // 3,000 product codes, each on two or three rows; a price that decides the outcome
    for (let p = 0; p < 3000; p++) for (let k = 0; k < 2 + (p % 2); k++) lines.push(`P-${String(p).padStart(5, '0')},${(p * 37 + k) % 100},${(p * 37 + k) % 100 > 50 ? 'yes' : 'no'}`);
    const { table, summary } = await importText(lines.join('\n') + '\n');
    expect(col(table, 'product').type).toBe('categorical');
    const report = checkData(table, { target: 'bought' }, summary.findings);
    const f = report.findings.find((x) => x.column === 'product')!;
    expect(f.code).toBe('nearly_identifier');
    expect(f.message).toMatch(/^"product" has 3,000 different values, most of them on only 3 rows or fewer, so it is nearly an identifier/);
    expect(f.message).toMatch(/Augur leaves it out of training/);
    // ...which is what training does
    const prepared = prepareTraining(table, { target: 'bought' });
    expect(prepared.encoder.features.map((x) => x.name)).toEqual(['price']);
  });

  it('says which values are kept when some are common', async () => {
    const lines = ['shop,amount'];
    // 20 big shops with 40 rows each, then 2,000 small ones with 2 rows each
    for (let s = 0; s < 20; s++) for (let k = 0; k < 40; k++) lines.push(`big-${s},${k}`);
    for (let s = 0; s < 2000; s++) for (let k = 0; k < 2; k++) lines.push(`small-${s},${k}`);
    const { table } = await importText(lines.join('\n') + '\n');
    const f = checkData(table, {}).findings.find((x) => x.column === 'shop')!;
    expect(f.code).toBe('nearly_identifier');
    expect(f.message).toMatch(/Augur learns from the 20 most common values \(17% of the rows that have one\) and counts the other 2,000 as one value, "other"\.$/);
  });
});
