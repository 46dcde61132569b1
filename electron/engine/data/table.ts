import type { ColumnType } from '../../../shared/api.ts';

/**
 * The columnar table every import produces. Never one object per row.
 * - numeric / date: Float64Array, NaN = missing (dates are epoch milliseconds, UTC)
 * - categorical / boolean / text / id: Int32Array codes into `dictionary`, -1 = missing
 *   (boolean dictionaries are always ['false', 'true'] in that order)
 */
export interface NumericColumn {
  name: string;
  type: 'numeric' | 'date';
  values: Float64Array;
}

export interface CodedColumn {
  name: string;
  type: 'categorical' | 'boolean' | 'text' | 'id';
  codes: Int32Array;
  dictionary: string[];
  /** Boolean only: the file's own words for false and true (e.g. ['No', 'Yes']); absent = ['false', 'true']. */
  labels?: string[];
}

export type Column = NumericColumn | CodedColumn;

export interface Table {
  nRows: number;
  columns: Column[];
}

export function isCoded(col: Column): col is CodedColumn {
  return col.type !== 'numeric' && col.type !== 'date';
}

export function columnByName(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export type { ColumnType };
