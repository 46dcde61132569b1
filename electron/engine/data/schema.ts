// The pinned column schema a model keeps: for every column of the training file, how the import read
// it (number with which decimal mark and unit, date in which order, or text) and the type the user
// confirmed (after type overrides). A later file (scoring, monitoring) is read with this schema instead
// of being re-inferred from its own sample, so a value that no longer fits is reported, not silently NaN.
import type { ColumnSettings, ColumnType } from '../../../shared/api.ts';
import { UserError } from '../util/errors.ts';
import type { ColumnPlan } from './column-builder.ts';
import type { DateOrder } from './values.ts';
import type { Table } from './table.ts';

export const SCHEMA_VERSION = 1;

export interface ColumnSchema {
  name: string;
  /** The type the import read (a later file is read as this; the saved settings' overrides then apply). */
  read: ColumnType;
  /** The type training used (the user's override when there was one). */
  type: ColumnType;
  /** How the cells were read from text. */
  storage: ColumnPlan;
  /** Boolean only: the file's own words for false and true. */
  labels?: [string, string];
  /** What the column was to the model. */
  role: 'feature' | 'target' | 'ignored';
}

export interface TableSchema {
  version: number;
  columns: ColumnSchema[];
}

const TYPES: ColumnType[] = ['numeric', 'categorical', 'boolean', 'date', 'text', 'id'];
const ORDERS: DateOrder[] = ['ymd', 'dmy', 'mdy', 'dMony', 'Mondy'];
const MAX_COLUMNS = 100_000;
const MAX_NAME = 1000;

/** Rebuilds a schema from saved JSON; the input is untrusted (a model file the user opened). */
export function tableSchemaFromJSON(json: unknown): TableSchema {
  const bad = () => new UserError('bad_model', 'The saved column list of this model is damaged, so it cannot be used.');
  if (!json || typeof json !== 'object') throw bad();
  const j = json as Record<string, unknown>;
  if (j.version !== SCHEMA_VERSION || !Array.isArray(j.columns) || j.columns.length > MAX_COLUMNS) throw bad();
  const seen = new Set<string>();
  const columns = j.columns.map((c: unknown): ColumnSchema => {
    if (!c || typeof c !== 'object') throw bad();
    const o = c as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name.length > MAX_NAME || seen.has(o.name)) throw bad();
    seen.add(o.name);
    if (!TYPES.includes(o.type as ColumnType) || !TYPES.includes(o.read as ColumnType)) throw bad();
    if (o.role !== 'feature' && o.role !== 'target' && o.role !== 'ignored') throw bad();
    const s = o.storage as Record<string, unknown> | undefined;
    if (!s || typeof s !== 'object' || !['num', 'date', 'str'].includes(s.kind as string)) throw bad();
    const storage: ColumnPlan = { kind: s.kind as ColumnPlan['kind'] };
    if (s.decimal !== undefined) {
      if (s.decimal !== '.' && s.decimal !== ',') throw bad();
      storage.decimal = s.decimal;
    }
    if (s.unit !== undefined) {
      if (typeof s.unit !== 'string' || s.unit.length > 40) throw bad();
      storage.unit = s.unit;
    }
    if (s.dateFormat !== undefined) {
      const f = s.dateFormat as Record<string, unknown>;
      if (!f || typeof f !== 'object' || !ORDERS.includes(f.order as DateOrder)) throw bad();
      storage.dateFormat = { order: f.order as DateOrder };
    }
    const out: ColumnSchema = { name: o.name, read: o.read as ColumnType, type: o.type as ColumnType, storage, role: o.role };
    if (o.labels !== undefined) {
      const l = o.labels;
      if (!Array.isArray(l) || l.length !== 2 || !l.every((x) => typeof x === 'string' && x.length <= MAX_NAME)) throw bad();
      out.labels = [l[0], l[1]];
    }
    return out;
  });
  return { version: SCHEMA_VERSION, columns };
}

/**
 * The schema of a training file: `imported` is the table as the import read it (before the settings),
 * `plans` how each of its columns was read, `used` the columns the model's features come from.
 */
export function buildSchema(imported: Table, plans: ColumnPlan[], settings: ColumnSettings, used: Set<string>): TableSchema {
  const columns = imported.columns.map((c, k): ColumnSchema => {
    const p = plans[k] ?? { kind: c.type === 'numeric' ? 'num' : c.type === 'date' ? 'date' : 'str' };
    const storage: ColumnPlan = { kind: p.kind };
    if (p.decimal) storage.decimal = p.decimal;
    if (p.dateFormat) storage.dateFormat = { order: p.dateFormat.order };
    if (p.unit) storage.unit = p.unit;
    const type = settings.typeOverrides?.[c.name] ?? c.type;
    const role = c.name === settings.target ? 'target' : used.has(c.name) ? 'feature' : 'ignored';
    const out: ColumnSchema = { name: c.name, read: c.type, type, storage, role };
    if (c.type === 'boolean' && 'labels' in c && c.labels?.length === 2) out.labels = [c.labels[0], c.labels[1]];
    return out;
  });
  return { version: SCHEMA_VERSION, columns };
}
