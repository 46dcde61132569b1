import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { CancelledError } from '../../electron/engine/util/errors.ts';
import { parallelPolicy, parallelStats } from '../../electron/engine/data/parallel.ts';
import { isCoded, type Table } from '../../electron/engine/data/table.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-par-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function values(t: Table): unknown[][] {
  return t.columns.map((c) => (isCoded(c) ? Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k])) : Array.from(c.values, (v) => (Number.isNaN(v) ? null : v))));
}

/** Imports with one thread and with two, and checks that the results are identical. */
async function both(file: string, expectMode: typeof parallelStats.last) {
  const saved = { ...parallelPolicy };
  try {
    parallelPolicy.minBytes = Number.MAX_SAFE_INTEGER;
    const one = await importCsvFile(file);
    parallelPolicy.minBytes = 0;
    parallelPolicy.ignoreLoad = true;
    parallelStats.last = 'none';
    const two = await importCsvFile(file);
    expect(parallelStats.last).toBe(expectMode);
    expect(two.summary.rows).toBe(one.summary.rows);
    expect(two.summary.columns).toEqual(one.summary.columns);
    expect(two.summary.findings).toEqual(one.summary.findings);
    expect(values(two.table)).toEqual(values(one.table));
    return two;
  } finally {
    Object.assign(parallelPolicy, saved);
  }
}

describe('two-thread import gives exactly the one-thread result', () => {
  it('on a file whose second half has ragged rows, a column turning to text and unreadable numbers', async () => {
    const n = 6000;
    const rows = Array.from({ length: n }, (_, i) => {
      const late = i > n * 0.75;
      const cat = late && i % 3 === 0 ? 'word' : String(i % 7); // numbers, then words: becomes text
      const amount = i === n - 10 ? 'n/a?' : (i * 1.5).toFixed(1); // one unreadable cell late
      const row = [i, cat, amount, ['x', 'y', 'z'][i % 3]];
      if (late && i % 500 === 1) row.pop(); // short rows only in the second half
      return row.join(',');
    });
    const f = path.join(dir, 'mixed.csv');
    fs.writeFileSync(f, 'id,cat,amount,label\n' + rows.join('\n') + '\n');
    const r = await both(f, 'two-threads');
    expect(r.summary.rows).toBe(n);
    expect(r.table.columns[1].type).toBe('categorical');
    expect(r.summary.findings.map((x) => x.code)).toEqual(expect.arrayContaining(['ragged_rows_short', 'unreadable_values', 'mixed_values']));
  });

  it('with "unknown" in a column of numbers in both halves, and in one that turns to text only in the second', async () => {
    const n = 6000;
    const rows = Array.from({ length: n }, (_, i) => {
      const amount = i % 300 === 11 ? 'unknown' : i % 500 === 13 ? '-' : (i * 2.5).toFixed(1);
      const size = i % 700 === 5 ? 'Unknown' : i > n * 0.8 && i % 4 === 0 ? 'large' : String(i % 5);
      return [i, amount, size].join(',');
    });
    const f = path.join(dir, 'unknown.csv');
    fs.writeFileSync(f, 'id,amount,size\n' + rows.join('\n') + '\n');
    const r = await both(f, 'two-threads');
    expect(r.table.columns[1].type).toBe('numeric');
    expect(r.summary.findings.find((x) => x.code === 'not_known_values')?.message).toMatch(/^20 cells in "amount" say "unknown"/);
    // the first half read "Unknown" as an empty number; the text column keeps it as written
    expect(r.table.columns[2].type).toBe('categorical');
    const size = values(r.table)[2];
    expect([size[5], size[705], size[5605]]).toEqual(['Unknown', 'Unknown', 'Unknown']);
  });

  it('when the middle of the file falls inside a quoted value with line breaks', async () => {
    // Every record is one long quoted note full of line breaks, so the split guess lands inside quotes.
    const note = '"' + Array.from({ length: 40 }, (_, k) => `line ${k}, more text`).join('\n') + '"';
    const rows = Array.from({ length: 400 }, (_, i) => `${i},${note},${i % 2 ? 'yes' : 'no'}`);
    const f = path.join(dir, 'quoted.csv');
    fs.writeFileSync(f, 'n,note,flag\n' + rows.join('\n') + '\n');
    const r = await both(f, 'read-on');
    expect(r.summary.rows).toBe(400);
  });

  it('reports line numbers of the second half counted from the top of the file', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => (i === 2500 ? `${i},1,2,3` : `${i},1,2`));
    const f = path.join(dir, 'long.csv');
    fs.writeFileSync(f, 'a,b,c\n' + rows.join('\n') + '\n');
    const r = await both(f, 'two-threads');
    expect(r.summary.findings.find((x) => x.code === 'ragged_rows_long')?.message).toContain('line 2502');
  });

  it('skips rows that repeat the header in either half, and says where the first one is', async () => {
    // two exports pasted together: the second one's header sits in the second half, a third one's later
    const rows = Array.from({ length: 4000 }, (_, i) => (i === 2600 || i === 3500 ? 'day, amount ,label' : `${i % 28 + 1},${(i * 0.5).toFixed(1)},${i % 2 ? 'yes' : 'no'}`));
    const f = path.join(dir, 'pasted.csv');
    fs.writeFileSync(f, 'day,amount,label\n' + rows.join('\n') + '\n');
    const r = await both(f, 'two-threads');
    expect(r.summary.rows).toBe(3998);
    expect(r.table.columns.map((c) => c.type)).toEqual(['numeric', 'numeric', 'boolean']);
    expect(r.summary.findings.find((x) => x.code === 'repeated_header')?.message).toBe(
      '2 lines repeat the column names (the first is line 2602), as when files or sheets are pasted together; Augur skipped them.',
    );
  });

  it('stops both threads when cancelled', async () => {
    const f = path.join(dir, 'cancel.csv');
    fs.writeFileSync(f, 'a,b\n' + Array.from({ length: 400_000 }, (_, i) => `${i},v${i % 13}`).join('\n') + '\n');
    const saved = { ...parallelPolicy };
    Object.assign(parallelPolicy, { minBytes: 0, ignoreLoad: true });
    try {
      let checks = 0;
      const late = { get aborted() { return ++checks > 2; }, addEventListener() {} } as unknown as AbortSignal;
      await expect(importCsvFile(f, { signal: late })).rejects.toBeInstanceOf(CancelledError);
    } finally {
      Object.assign(parallelPolicy, saved);
    }
  });
});
