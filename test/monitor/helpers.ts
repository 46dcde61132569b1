import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Column, Table } from '../../electron/engine/data/table.ts';
import { importCsvFile } from '../../electron/engine/data/import.ts';
import { complementRows, takeRows } from '../../electron/engine/data/table-ops.ts';
import { readRowIndexFile } from '../../electron/engine/data/row-list.ts';

export const FIXTURES = JSON.parse(fs.readFileSync(fileURLToPath(new URL('./fixtures/stats.json', import.meta.url)), 'utf8'));

/** The fixture script's LCG (Numerical Recipes' constants), so big samples need not be stored. */
export function lcg(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x / 2 ** 32;
  }
  return out;
}

export interface GenSpec {
  n: number;
  seed: number;
  shift: number;
  scale: number;
  round?: number;
}

export function gen(s: GenSpec): Float64Array {
  return lcg(s.n, s.seed).map((u) => {
    const v = s.shift + s.scale * u;
    return s.round ? roundHalfEven(v * s.round) / s.round : v;
  });
}

/** numpy's np.round: halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function sorted(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a).sort();
}

/** |a − b| within an absolute or relative tolerance. */
export function close(a: number, b: number, rel = 1e-9, abs = 1e-12): boolean {
  return Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b));
}


export const num = (name: string, values: ArrayLike<number>, type: 'numeric' | 'date' = 'numeric'): Column => ({ name, type, values: Float64Array.from(values) });

/** A coded column from values (null = missing); booleans get the ['false', 'true'] dictionary with `labels`. */
export function coded(name: string, values: (string | null)[], type: 'categorical' | 'boolean' | 'text' | 'id' = 'categorical', labels?: string[]): Column {
  if (type === 'boolean') {
    const l = labels ?? ['false', 'true'];
    return { name, type, codes: Int32Array.from(values, (v) => (v === null ? -1 : l.indexOf(v))), dictionary: ['false', 'true'], labels: l };
  }
  const dictionary: string[] = [];
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    let k = dictionary.indexOf(v);
    if (k < 0) k = dictionary.push(v) - 1;
    return k;
  });
  return { name, type, codes, dictionary };
}

export function table(...columns: Column[]): Table {
  const c = columns[0];
  const n = 'values' in c ? c.values.length : c.codes.length;
  return { nRows: n, columns };
}

/** A shared dataset split into its fixed training and test rows (imported once per test file). */
export async function datasetSplit(name: string, naValues: string[]): Promise<{ train: Table; test: Table }> {
  const { table: t } = await importCsvFile(`/work/shared/datasets/${name}.csv`, { naValues });
  const testRows = readRowIndexFile(`/work/shared/datasets/splits/${name}.test-rows.txt`);
  return { train: takeRows(t, complementRows(t.nRows, testRows)), test: takeRows(t, testRows) };
}
