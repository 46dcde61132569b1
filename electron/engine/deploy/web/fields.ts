// The web page's form fields: each input column with its real range or categories and a typical value.
// Best from the training rows (whatIfFields: the app's what-if form); a saved package does not keep
// them, so otherwise from the encoded rows kept with the model for explanations (a sample), and
// otherwise from the model alone (categories and yes/no words, no ranges).
import { type FeatureEncoder, type FeatureSource, OTHER_LEVEL } from '../../data/features.ts';
import { prepareTable } from '../../data/prepare.ts';
import type { Table } from '../../data/table.ts';
import { sourceWidth } from '../../evaluate/explain/columns.ts';
import { whatIfFields } from '../../evaluate/explain/what-if.ts';
import type { Dataset } from '../../models/types.ts';
import type { ModelSettings } from '../bundle.ts';
import type { WebField, WebModelInfo } from './runtime/web-model.ts';

const DAY_MS = 86_400_000;
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export interface FieldsSource {
  /** The training table as imported (before the settings' type overrides), when the caller has it. */
  training?: Table;
  /** Encoded training rows kept with the model (a sample), when there are some. */
  background?: Dataset;
}

export function webFields(encoder: FeatureEncoder, settings: ModelSettings, src: FieldsSource): { fields: WebField[]; from: WebModelInfo['fieldsFrom'] } {
  if (src.training && src.training.nRows > 0) {
    const prepared = prepareTable(src.training, { typeOverrides: settings.typeOverrides, ignore: settings.ignore }).table;
    const fields = whatIfFields(encoder, prepared).map((f): WebField =>
      f.kind === 'number' ? { ...f, min: finite(f.min), max: finite(f.max), typical: finite(f.typical) } : f,
    );
    return { fields, from: 'training' };
  }
  const bg = src.background && src.background.nRows > 0 && src.background.columns.length === encoder.features.length ? src.background : undefined;
  return { fields: fieldsFromModel(encoder, bg), from: bg ? 'background' : 'model' };
}

/** One field per input column (the first source of a column decides its kind, as in whatIfFields). */
function fieldsFromModel(encoder: FeatureEncoder, bg: Dataset | undefined): WebField[] {
  const first = new Map<string, { src: FeatureSource; feature: number; all: FeatureSource[] }>();
  let f = 0;
  for (const s of encoder.sources) {
    const hit = first.get(s.column);
    if (hit) hit.all.push(s);
    else first.set(s.column, { src: s, feature: f, all: [s] });
    f += sourceWidth(s);
  }
  return [...first.values()].map(({ src, feature, all }): WebField => {
    const col = bg?.columns[feature];
    if (src.kind === 'numeric') {
      const v = col ? sortedFinite(col) : new Float64Array(0);
      return { column: src.column, kind: 'number', min: v.length ? v[0] : null, max: v.length ? v[v.length - 1] : null, typical: median(v), integer: v.length > 0 && v.every(Number.isInteger) };
    }
    if (src.kind === 'date') {
      // 'days since 1970' is the only part that gives back a date
      const k = src.parts.indexOf('days since 1970');
      const v = bg && k >= 0 ? sortedFinite(bg.columns[feature + k]) : new Float64Array(0);
      const iso = (d: number | undefined): string => (d === undefined ? '' : new Date(Math.round(d) * DAY_MS).toISOString().slice(0, 10));
      return { column: src.column, kind: 'date', min: iso(v[0]), max: iso(v[v.length - 1]), typical: iso(v.length ? v[(v.length - 1) >> 1] : undefined) };
    }
    if (src.kind === 'boolean' || src.kind === 'categorical') {
      const names = src.kind === 'boolean' ? src.labels : src.levels;
      const best = col ? mostCommon(col, names.length, (c) => names[c] !== OTHER_LEVEL) : -1;
      return { column: src.column, kind: 'choice', options: names.filter((l) => l !== OTHER_LEVEL), typical: best >= 0 ? names[best] : null };
    }
    // free text: the values several training rows share are the examples
    const groups = all.find((s): s is Extract<FeatureSource, { kind: 'groups' }> => s.kind === 'groups');
    return { column: src.column, kind: 'text', typical: null, examples: groups ? groups.levels.slice(0, 3) : [] };
  });
}

function sortedFinite(a: Float64Array): Float64Array {
  return a.filter((x) => Number.isFinite(x)).sort();
}

function median(v: Float64Array): number | null {
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function mostCommon(codes: Float64Array, k: number, ok: (c: number) => boolean): number {
  const counts = new Float64Array(k);
  for (const c of codes) if (c >= 0 && c < k && Number.isInteger(c)) counts[c]++;
  let best = -1;
  counts.forEach((n, c) => { if (n > 0 && ok(c) && (best < 0 || n > counts[best])) best = c; });
  return best;
}
