// The pinned column schema of a model, built from the training table and the user's settings: each
// column's confirmed type (the user's override when there was one), how its cells were read, and its
// role. A Table does not say which decimal mark or date order the importer used, so `storage` gives
// the kind only (num / date / str), plus a boolean column's own words; when the importer reports its
// plans, its TableSchema is passed to completeBundle instead (data/schema.ts).
import type { ColumnType } from '../../../shared/api.ts';
import type { FeatureEncoder } from '../data/features.ts';
import { SCHEMA_VERSION, type ColumnSchema, type TableSchema } from '../data/schema.ts';
import { isCoded, type Table } from '../data/table.ts';
import type { ModelSettings } from './bundle.ts';

export function schemaFromTable(table: Table, settings: ModelSettings, encoder: FeatureEncoder): TableSchema {
  const used = new Set(encoder.sources.map((s) => s.column));
  const overrides = settings.typeOverrides ?? {};
  const columns = table.columns.map((col): ColumnSchema => {
    const type: ColumnType = Object.hasOwn(overrides, col.name) ? overrides[col.name] : col.type;
    const out: ColumnSchema = {
      name: col.name,
      type,
      storage: { kind: col.type === 'numeric' ? 'num' : col.type === 'date' ? 'date' : 'str' },
      role: col.name === settings.target ? 'target' : used.has(col.name) ? 'feature' : 'ignored',
    };
    if (isCoded(col) && col.type === 'boolean' && col.labels?.length === 2) out.labels = [col.labels[0], col.labels[1]];
    return out;
  });
  return { version: SCHEMA_VERSION, columns };
}
