// The quantised version of a model: every network's weights moved to their 8-bit grid (models/mlp/
// quantize.ts; the package then stores them in one byte each, in tfjs's own format) and every tree
// model's leaf values rounded to 7 significant digits (about float32's precision: tree JSON is mostly
// leaf values written with 17 digits; measured on adult_income's GBDT files, 10% smaller as JSON and
// 20% smaller zipped). Split thresholds stay exact: rounding one could send a row down the other branch.
// Works on the saved form (FittedJSON) and rebuilds the model through a loader, so composites of any
// depth (bags, blends, a calibrated wrapper) come back with the same structure.
import { loadModel } from '../../models/app-loader.ts';
import { base64ToF32, f32ToBase64 } from '../../models/mlp/codec.ts';
import { roundToUint8 } from '../../models/mlp/quantize.ts';
import type { Fitted, FittedJSON } from '../../models/types.ts';

/** Significant digits kept of a tree leaf value. */
export const LEAF_DIGITS = 7;
const TREE_FAMILIES = new Set(['gbdt', 'random_forest', 'extra_trees']);

export interface QuantiseReport {
  /** Networks whose weights went to 8 bits, and how many weights they hold. */
  networks: number;
  weights: number;
  /** Tree models whose leaf values were rounded, and how many values. */
  treeModels: number;
  leaves: number;
}

const roundLeaf = (v: number): number => (v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(LEAF_DIGITS)));

/** The saved form of `json` with networks in 8 bits and leaf values rounded (a new object; `json` is unchanged). */
export function quantiseJSON(json: FittedJSON, report: QuantiseReport = { networks: 0, weights: 0, treeModels: 0, leaves: 0 }): { json: FittedJSON; report: QuantiseReport } {
  const walk = (j: FittedJSON): FittedJSON => {
    if (Array.isArray(j.members)) return { ...j, members: (j.members as FittedJSON[]).map(walk) };
    if (j.family === 'mlp' && Array.isArray(j.weights)) {
      report.networks++;
      const weights = (j.weights as { shape: number[]; data?: string; values?: Float32Array }[]).map((w) => {
        const values = w.values instanceof Float32Array ? w.values : typeof w.data === 'string' ? base64ToF32(w.data) : undefined;
        if (!values) return w;
        report.weights += values.length;
        return { shape: w.shape.slice(), data: f32ToBase64(roundToUint8(values)) };
      });
      return { ...j, weights };
    }
    const trees = j.trees as { value?: unknown } | undefined;
    if (TREE_FAMILIES.has(j.family) && trees && Array.isArray(trees.value)) {
      report.treeModels++;
      report.leaves += trees.value.length;
      return { ...j, trees: { ...trees, value: (trees.value as number[]).map(roundLeaf) } };
    }
    return j;
  };
  return { json: walk(json), report };
}

/** `fitted` quantised, rebuilt through `load` (the app's loader by default: networks as tfjs tensors). */
export async function quantiseModel(fitted: Fitted, load: (json: FittedJSON) => Promise<Fitted> = loadModel): Promise<{ fitted: Fitted; report: QuantiseReport }> {
  const { json, report } = quantiseJSON(fitted.toJSON());
  return { fitted: await load(json), report };
}

/** True when quantising changes anything in this model (it has a network or a tree model). */
export function canQuantise(report: QuantiseReport): boolean {
  return report.networks > 0 || report.treeModels > 0;
}
