// Type inference: first a storage plan from a sample of cells (number, date or text), then,
// once the whole column is read, the user-facing type (numeric, boolean, date, categorical, text, id).
import type { ColumnType } from '../../../shared/api.ts';
import type { ColumnPlan } from './column-builder.ts';
import {
  detectDateFormat,
  hasLeadingZeroCode,
  isInfinityWord,
  isMissing,
  isNotKnownWord,
  isNumericOnlyMissing,
  parseNumber,
  isBooleanVocabulary,
  splitUnit,
  type DecimalMark,
} from './values.ts';

/** Storage plan for one column from its sampled cells. */
export function planColumn(cells: string[], na: Set<string>, delimiter: string): ColumnPlan {
  const present = cells.filter((c) => !isMissing(c, na));
  if (present.length === 0) return { kind: 'str' };
  if (present.some(hasLeadingZeroCode)) return { kind: 'str' };
  const numberish = present.filter((c) => !isNumericOnlyMissing(c) && !isInfinityWord(c));
  if (numberish.length > 0) {
    const fits = (d: DecimalMark) => numberish.every((c) => !Number.isNaN(parseNumber(c, d)));
    const dot = fits('.');
    const comma = fits(',');
    // "1,5" in a ';' file is one and a half; "1,500" in a ',' file is fifteen hundred.
    const hasComma = numberish.some((c) => c.includes(','));
    const european = delimiter !== ',' && hasComma;
    if (comma && (european || !dot)) return { kind: 'num', decimal: ',' };
    if (dot) return { kind: 'num', decimal: '.' };
  }
  // "unknown" in a column of dates is an empty cell, as in a column of numbers
  const datish = present.filter((c) => !isNotKnownWord(c));
  if (datish.length > 0 && datish.every((c) => !isNumericOnlyMissing(c))) {
    // Only digits and separators with no date structure are not dates (e.g. "2021" is a number).
    const fmt = detectDateFormat(datish, delimiter === ';');
    if (fmt) return { kind: 'date', dateFormat: fmt };
  }
  return planWithUnit(numberish, delimiter) ?? { kind: 'str' };
}

/**
 * Amounts typed with their unit ("12 kg", "3 days"): numbers, when nearly every cell (UNIT_SHARE) has
 * the same unit and the rest are plain numbers. Mixed units ("500 g", "1.2 kg") stay text: adding them
 * up would need a conversion Augur cannot be sure of.
 */
function planWithUnit(cells: string[], delimiter: string): ColumnPlan | null {
  const units = new Map<string, number>();
  const numbers: string[] = [];
  for (const c of cells) {
    const u = splitUnit(c);
    if (u) {
      units.set(u.unit, (units.get(u.unit) ?? 0) + 1);
      numbers.push(u.number);
    } else numbers.push(c);
  }
  const [unit, n] = [...units].reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0]);
  if (n < Math.max(3, UNIT_SHARE * cells.length)) return null;
  const plan = planColumn(numbers, new Set(), delimiter);
  return plan.kind === 'num' ? { ...plan, unit } : null;
}
const UNIT_SHARE = 0.95;

const ID_NAME = /(^|[^a-z])(id|uuid|guid|key|nr|no|number|code|ref|reference)$|^id[^a-z]|id$/i;

export interface StrStats {
  nRows: number;
  missing: number;
  dictionary: string[];
  codes: Int32Array;
}

/** User-facing type of a dictionary-coded column. */
export function typeOfStrColumn(name: string, st: StrStats): 'boolean' | 'categorical' | 'text' | 'id' {
  const present = st.nRows - st.missing;
  const unique = st.dictionary.length;
  if (unique >= 2 && unique <= 8 && isBooleanVocabulary(st.dictionary)) return 'boolean';
  if (present === 0) return 'categorical';
  // Words per value, measured on the dictionary (cheap even for huge columns).
  const sample = st.dictionary.length > 2000 ? st.dictionary.slice(0, 2000) : st.dictionary;
  let words = 0;
  let chars = 0;
  for (const v of sample) {
    words += v.split(/\s+/).length;
    chars += v.length;
  }
  const avgWords = words / sample.length;
  const avgChars = chars / sample.length;
  if (present >= 20 && unique === present && unique >= 0.9 * st.nRows) return avgWords >= 2 ? 'text' : 'id';
  if (present >= 20 && unique > 50 && unique > 0.5 * present) return avgWords < 1.5 && avgChars <= 24 && ID_NAME.test(name) ? 'id' : 'text';
  if (avgWords >= 5 && unique > 20) return 'text';
  return 'categorical';
}

/** User-facing type of a numeric column: 0/1 flags are boolean, counters unique per row are ids. */
export function typeOfNumColumn(name: string, values: Float64Array, nRows: number): ColumnType {
  const idName = ID_NAME.test(name);
  let zeroOne = true;
  let sawZero = false;
  let sawOne = false;
  let integers = true;
  let present = 0;
  let increasing = true;
  let prev = -Infinity;
  for (let i = 0; i < nRows; i++) {
    const v = values[i];
    if (v !== v) continue;
    present++;
    if (v === 0) sawZero = true;
    else if (v === 1) sawOne = true;
    else zeroOne = false;
    if (integers && v !== Math.floor(v)) integers = false;
    if (v <= prev) increasing = false;
    prev = v;
    // Most columns are settled after a few values: plain numbers.
    if (!zeroOne && (!integers || (!increasing && !idName))) return 'numeric';
  }
  if (zeroOne && sawZero && sawOne) return 'boolean';
  if (integers && present === nRows && nRows >= 20) {
    if (increasing) return 'id';
    if (idName && countDistinct(values, nRows) === nRows) return 'id';
  }
  return 'numeric';
}

export function countDistinct(values: Float64Array, n: number): number {
  const s = new Set<number>();
  for (let i = 0; i < n; i++) if (values[i] === values[i]) s.add(values[i]);
  return s.size;
}
