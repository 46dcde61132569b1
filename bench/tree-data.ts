// Bench-only loader: CSV -> model Dataset for the tree benchmarks, without the app's FeatureEncoder
// (written by the data area; switch to prepareTraining once it lands). Numeric columns pass through,
// coded columns become categorical codes (NaN missing); the target becomes class index / value.
import { importCsvFile } from '../electron/engine/data/import.ts';
import { isCoded, type Table } from '../electron/engine/data/table.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../electron/engine/models/types.ts';

export interface LoadOptions {
  target: string;
  task?: 'binary' | 'multiclass' | 'regression';
  positiveClass?: string | null;
  naValues?: string[];
  drop?: string[];
}

export interface Loaded {
  table: Table;
  dataset: Dataset;
  task: TaskInfo;
}

export async function loadCsvDataset(file: string, o: LoadOptions): Promise<Loaded> {
  const { table } = await importCsvFile(file, o.naValues ? { naValues: o.naValues } : {});
  return { table, ...tableToDataset(table, o) };
}

export function tableToDataset(table: Table, o: LoadOptions): { dataset: Dataset; task: TaskInfo } {
  const n = table.nRows;
  const tcol = table.columns.find((c) => c.name === o.target);
  if (!tcol) throw new Error(`no column ${o.target}`);
  let y: Float64Array;
  let task: TaskInfo;
  // class labels as strings, sorted, positive class last (index 1 for binary)
  const labelsOf = (): string[] => {
    if (isCoded(tcol)) return tcol.dictionary.slice();
    return [...new Set(Array.from(tcol.values).filter((v) => v === v).map(String))];
  };
  const raw = (i: number): string | null => {
    if (isCoded(tcol)) return tcol.codes[i] < 0 ? null : tcol.dictionary[tcol.codes[i]];
    const v = tcol.values[i];
    return v === v ? String(v) : null;
  };
  const kind = o.task ?? (isCoded(tcol) ? 'binary' : 'regression');
  if (kind === 'regression') {
    if (isCoded(tcol)) throw new Error('regression target must be numeric');
    y = Float64Array.from(tcol.values);
    task = { task: 'regression', nClasses: 1 };
  } else {
    let labels = labelsOf().sort();
    if (o.positiveClass != null) labels = [...labels.filter((l) => l !== String(o.positiveClass)), String(o.positiveClass)];
    const index = new Map(labels.map((l, i) => [l, i]));
    y = new Float64Array(n);
    for (let i = 0; i < n; i++) { const r = raw(i); y[i] = r === null ? NaN : index.get(r) ?? NaN; }
    task = { task: labels.length > 2 ? 'multiclass' : 'binary', nClasses: Math.max(2, labels.length) };
  }
  const features: FeatureSpec[] = [];
  const columns: Float64Array[] = [];
  for (const c of table.columns) {
    if (c.name === o.target || o.drop?.includes(c.name)) continue;
    if (isCoded(c)) {
      features.push({ name: c.name, kind: 'categorical', categories: c.dictionary.slice() });
      columns.push(Float64Array.from(c.codes, (v) => (v < 0 ? NaN : v)));
    } else {
      features.push({ name: c.name, kind: 'numeric' });
      columns.push(Float64Array.from(c.values));
    }
  }
  return { dataset: { features, nRows: n, columns, y }, task };
}

export function subsetDataset(d: Dataset, rows: ArrayLike<number>): Dataset {
  const idx = Array.from(rows);
  return {
    features: d.features,
    nRows: idx.length,
    columns: d.columns.map((c) => Float64Array.from(idx, (i) => c[i])),
    y: d.y ? Float64Array.from(idx, (i) => d.y![i]) : undefined,
  };
}
