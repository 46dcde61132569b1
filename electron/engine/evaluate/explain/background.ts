// Background rows kept with a saved model: linear models and sampled explanations compare a row with
// them, so a loaded model can still explain itself. Encoded features (NaN = missing, null in JSON), a
// seeded sample of the training rows; read back as untrusted input.
import type { Dataset, FeatureSpec } from '../../models/types.ts';
import { UserError } from '../../util/errors.ts';
import { pickBackground } from './sampling.ts';

/** Rows kept by default: enough for sampling's 100 and for the linear means. */
export const BACKGROUND_ROWS = 200;

export interface BackgroundJSON {
  kind: 'augur-background';
  formatVersion: 1;
  /** One array per feature, nRows long; null = missing. */
  columns: (number | null)[][];
}

/** A seeded sample of the training rows (features only) in plain JSON. */
export function backgroundToJSON(train: Dataset, seed: number, rows = BACKGROUND_ROWS): BackgroundJSON {
  const bg = pickBackground(train, rows, seed);
  return { kind: 'augur-background', formatVersion: 1, columns: bg.columns.map((c) => Array.from(c, (v) => (Number.isFinite(v) ? v : null))) };
}

/** The background as a Dataset of the model's features; a damaged file is refused in one sentence. */
export function backgroundFromJSON(json: unknown, features: FeatureSpec[]): Dataset {
  const bad = () => new UserError('model_damaged', 'The saved model file is damaged or from an incompatible version.');
  const j = json as Partial<BackgroundJSON> | null;
  if (!j || j.kind !== 'augur-background' || j.formatVersion !== 1 || !Array.isArray(j.columns) || j.columns.length !== features.length) throw bad();
  const n = Array.isArray(j.columns[0]) ? j.columns[0].length : 0;
  const columns = j.columns.map((c) => {
    if (!Array.isArray(c) || c.length !== n) throw bad();
    return Float64Array.from(c, (v) => {
      if (v === null) return NaN;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
      return v;
    });
  });
  return { features, nRows: n, columns };
}
