// Fixed split files (`splits/<name>.test-rows.txt`): the CLI and benches read held-out rows from them.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../util/errors.ts';

/**
 * Reads a split file (`splits/<name>.test-rows.txt`): one 0-based data-row index per line.
 * Blank lines and a trailing newline are fine; anything else is refused with the line number.
 */
export function readRowIndexFile(filePath: string): Int32Array {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch {
    throw new UserError('file_not_found', `Augur could not open the row list "${path.basename(filePath)}".`);
  }
  const lines = text.split(/\r\n|\n|\r/);
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '') continue;
    if (!/^\d+$/.test(t)) {
      throw new UserError('bad_row_list', `Line ${i + 1} of "${path.basename(filePath)}" is "${t.slice(0, 40)}", but each line must be one row number (0, 1, 2, …).`);
    }
    out.push(Number(t));
  }
  return Int32Array.from(out);
}
