import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { importCsvFile, type ImportOptions, type ImportResult } from '../../electron/engine/data/import.ts';
import { isCoded, type Column, type Table } from '../../electron/engine/data/table.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/csv/', import.meta.url));
export const fixture = (name: string) => path.join(FIXTURES, name);
export const DATASETS = '/work/shared/datasets';

let tmpDir: string | null = null;
afterAll(() => {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = null;
});
/** Writes `text` to a temporary CSV file and imports it. */
export async function importText(text: string | Buffer, name = 'data.csv', opts?: ImportOptions): Promise<ImportResult> {
  tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'augur-data-test-'));
  const file = path.join(tmpDir, `${Math.random().toString(36).slice(2)}-${name}`);
  fs.writeFileSync(file, text);
  try {
    return await importCsvFile(file, opts);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export async function tableOf(text: string): Promise<Table> {
  return (await importText(text)).table;
}

export function col(table: Table, name: string): Column {
  const c = table.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

/** Cell values as JS values: numbers (NaN missing) or strings (null missing); booleans as their labels. */
export function cells(table: Table, name: string): (string | number | null)[] {
  const c = col(table, name);
  if (isCoded(c)) {
    const labels = c.type === 'boolean' && c.labels ? c.labels : c.dictionary;
    return Array.from(c.codes, (k) => (k < 0 ? null : labels[k]));
  }
  return Array.from(c.values);
}
