import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRowIndexFile } from '../../electron/engine/data/row-list.ts';
import { complementRows, takeRows } from '../../electron/engine/data/table-ops.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { cells, tableOf, DATASETS } from './helpers.ts';

describe('takeRows', () => {
  it('picks rows in order from every column, sharing dictionaries', async () => {
    const t = await tableOf('a,b,c\n1,x,yes\n2,y,no\n3,x,no\n4,z,yes\n');
    const s = takeRows(t, [3, 0, 0]);
    expect(s.nRows).toBe(3);
    expect(cells(s, 'a')).toEqual([4, 1, 1]);
    expect(cells(s, 'b')).toEqual(['z', 'x', 'x']);
    expect(cells(s, 'c')).toEqual(['yes', 'yes', 'yes']);
    expect(cells(t, 'a')).toEqual([1, 2, 3, 4]); // original untouched
    expect(() => takeRows(t, [4])).toThrow(RangeError);
  });

  it('complementRows gives the other rows', () => {
    expect(Array.from(complementRows(6, [1, 4]))).toEqual([0, 2, 3, 5]);
  });
});

describe('readRowIndexFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'augur-rows-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const f = path.join(dir, `${Math.random()}.txt`);
    fs.writeFileSync(f, text);
    return f;
  };

  it('reads one row index per line (CRLF, trailing newline and blank lines are fine)', () => {
    expect(Array.from(readRowIndexFile(write('0\r\n8\r\n18\r\n\r\n')))).toEqual([0, 8, 18]);
  });

  it('refuses a malformed line with its number', () => {
    const f = write('0\n8\nabc\n');
    expect(() => readRowIndexFile(f)).toThrow(UserError);
    expect(() => readRowIndexFile(f)).toThrow(/Line 3 .* "abc"/);
    expect(() => readRowIndexFile(write('1\n-2\n'))).toThrow(/Line 2/);
  });

  it.skipIf(!fs.existsSync(`${DATASETS}/splits/titanic.test-rows.txt`))('reads the shared titanic split', () => {
    const rows = readRowIndexFile(`${DATASETS}/splits/titanic.test-rows.txt`);
    expect(rows.length).toBe(179);
    expect(Array.from(rows.slice(0, 3))).toEqual([0, 8, 18]);
  });
});
