// The finding for a category column with many different values: what training really does with it.
// The encoder (features.ts learnSource) gives a value its own level only when it is seen often enough
// (at least 3 times and 0.2 % of rows, the 200 most common at most) and puts the rest together as
// "(other)"; when no value is that common, the column gives a model nothing but, at most, whether it
// is filled in. A product code or a street address seen two or three times per value is such a
// column: nearly an identifier. The sentence is built from the encoder's own choice, so it cannot
// drift from what training does.
import type { Finding } from '../../../shared/api.ts';
import { FeatureEncoder, OTHER_LEVEL } from './features.ts';
import { isCoded, type Column } from './table.ts';

/** Above this many different values a category column gets a finding (the encoder's level cap). */
export const MANY_VALUES = 200;
/** Values seen this often or less, on the typical row, make a column nearly an identifier. */
const NEARLY_UNIQUE_COUNT = 3;

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${x >= 0.1 ? Math.round(x * 100) : Math.round(x * 1000) / 10}%`;

/** The finding for category column `col` (of `n` rows) with over MANY_VALUES different values, or null. */
export function manyValuesFinding(col: Column, n: number): Finding | null {
  if (col.type !== 'categorical' || !isCoded(col)) return null;
  const counts = new Float64Array(col.dictionary.length);
  let present = 0;
  for (let i = 0; i < n; i++) {
    const c = col.codes[i];
    if (c >= 0) {
      counts[c]++;
      present++;
    }
  }
  const used = counts.filter((k) => k > 0);
  if (used.length <= MANY_VALUES) return null;
  // The count of the value on the median row: rows, not values, so a few big values do not hide it.
  const sorted = used.sort();
  let acc = 0;
  let typical = 0;
  for (const k of sorted) {
    acc += k;
    if (acc >= present / 2) {
      typical = k;
      break;
    }
  }
  const name = col.name;
  const source = FeatureEncoder.fit({ nRows: n, columns: [col] }, {}).sources[0];
  const levels = source?.kind === 'categorical' ? source.levels.filter((l) => l !== OTHER_LEVEL) : [];
  const keptSet = new Set(levels);
  let keptRows = 0;
  col.dictionary.forEach((d, c) => {
    if (keptSet.has(d)) keptRows += counts[c];
  });
  const rest = used.length - levels.length;
  const use =
    levels.length === 0
      ? source?.kind === 'filled'
        ? 'Augur learns only from whether it is filled in, since no value is common enough to learn from on its own'
        : 'Augur leaves it out of training, since no value is common enough to learn from'
      : `Augur learns from the ${fmt(levels.length)} most common ${levels.length === 1 ? 'value' : 'values'} (${pct(keptRows / Math.max(1, present))} of the rows that have one) and counts the other ${fmt(rest)} as one value, "other"`;
  if (typical <= NEARLY_UNIQUE_COUNT) {
    return {
      code: 'nearly_identifier',
      severity: 'info',
      column: name,
      message: `"${name}" has ${fmt(used.length)} different values, most of them on only ${typical === 1 ? 'one row' : `${typical} rows or fewer`}, so it is nearly an identifier (like a product code or a street address). ${use}.`,
      suggestion: 'If part of it matters (a product group, a town), put that part in a column of its own; otherwise you can leave the column out.',
      actions: [{ kind: 'ignore_column', column: name, label: 'Leave this column out' }],
    };
  }
  return {
    code: 'many_categories',
    severity: 'info',
    column: name,
    message: `"${name}" has ${fmt(used.length)} different values; ${use}.`,
  };
}
