import type { FeatureSpec } from '../types.ts';

/** Reads the feature list back from a model file; null if it is malformed. */
export function parseFeatures(json: unknown): FeatureSpec[] | null {
  if (!Array.isArray(json) || json.length === 0) return null;
  const out: FeatureSpec[] = [];
  for (const f of json) {
    const o = f as Record<string, unknown>;
    if (!o || typeof o.name !== 'string' || (o.kind !== 'numeric' && o.kind !== 'categorical')) return null;
    const spec: FeatureSpec = { name: o.name, kind: o.kind };
    if (o.categories !== undefined) {
      if (!Array.isArray(o.categories) || !o.categories.every((c) => typeof c === 'string')) return null;
      spec.categories = o.categories as string[];
    }
    if (o.indicator === true) spec.indicator = true;
    out.push(spec);
  }
  return out;
}
