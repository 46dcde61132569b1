// Small synthetic tables for the search tests (fast to fit, with a learnable signal).
import type { Table } from '../../electron/engine/data/table.ts';
import { Rng } from '../../electron/engine/search/rng.ts';

export function syntheticTable(n: number, seed = 1, task: 'binary' | 'regression' = 'binary'): Table {
  const rng = new Rng(seed);
  const x1 = new Float64Array(n), x2 = new Float64Array(n), codes = new Int32Array(n), ycodes = new Int32Array(n), yv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal();
    x2[i] = rng.normal();
    codes[i] = rng.int(3);
    if (i % 17 === 0) x2[i] = NaN;
    const z = 1.5 * x1[i] - (x2[i] === x2[i] ? x2[i] : 0) + (codes[i] === 2 ? 1 : 0) + 0.7 * rng.normal();
    ycodes[i] = z > 0.8 ? 1 : 0;
    yv[i] = 10 * z + 50;
  }
  return {
    nRows: n,
    columns: [
      { name: 'x1', type: 'numeric', values: x1 },
      { name: 'x2', type: 'numeric', values: x2 },
      { name: 'colour', type: 'categorical', codes, dictionary: ['red', 'green', 'blue'] },
      task === 'binary'
        ? { name: 'bought', type: 'categorical', codes: ycodes, dictionary: ['no', 'yes'] }
        : { name: 'bought', type: 'numeric', values: yv },
    ],
  };
}

export function tableToCsv(t: Table): string {
  const lines = [t.columns.map((c) => c.name).join(',')];
  for (let i = 0; i < t.nRows; i++) {
    lines.push(
      t.columns
        .map((c) => ('values' in c ? (c.values[i] === c.values[i] ? String(c.values[i]) : '') : c.codes[i] < 0 ? '' : c.dictionary[c.codes[i]]))
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
