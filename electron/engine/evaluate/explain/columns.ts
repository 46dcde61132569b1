// Models see encoded features; people see the columns of their file. A date column gives several parts,
// a text column "filled in" + word indicators + shared values: explanations and importance are reported
// per original column, summing (or permuting together) a column's features.
import type { FeatureEncoder, FeatureSource } from '../../data/features.ts';

/** Number of model features one encoder source gives (the same order as FeatureEncoder.features). */
export function sourceWidth(s: FeatureSource): number {
  if (s.kind === 'date') return s.parts.length;
  if (s.kind === 'words') return s.words.length;
  return 1;
}

/** The original column of each model feature: featureColumns(encoder)[f] is feature f's column name. */
export function featureColumns(encoder: Pick<FeatureEncoder, 'sources'>): string[] {
  return encoder.sources.flatMap((s) => Array.from({ length: sourceWidth(s) }, () => s.column));
}

export interface ColumnGroup {
  column: string;
  /** Model feature indices of this column, ascending. */
  features: number[];
}

/** The encoder's columns in order of first use, each with its model features. */
export function columnGroups(encoder: Pick<FeatureEncoder, 'sources'>): ColumnGroup[] {
  return groupsOf(featureColumns(encoder));
}

/** Groups feature indices by name (one group per distinct name, in order of first appearance). */
export function groupsOf(names: string[]): ColumnGroup[] {
  const byName = new Map<string, ColumnGroup>();
  names.forEach((column, f) => {
    let g = byName.get(column);
    if (!g) byName.set(column, (g = { column, features: [] }));
    g.features.push(f);
  });
  return [...byName.values()];
}

/**
 * Sums per-feature values into per-column values: perFeature is nFeatures x stride (row-major), the result
 * nGroups x stride.
 */
export function sumByColumn(perFeature: Float64Array, groups: ColumnGroup[], stride = 1): Float64Array {
  const out = new Float64Array(groups.length * stride);
  groups.forEach((g, j) => {
    for (const f of g.features) for (let k = 0; k < stride; k++) out[j * stride + k] += perFeature[f * stride + k];
  });
  return out;
}
