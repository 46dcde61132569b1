// The packages of the small versions: the original's bundle with another model in it, and what stays
// true of it. The quantised version is the same model to within rounding, so it keeps everything (the
// run's evidence, the evaluation, the calibration note). A distilled student is a new model: it keeps the
// schema, settings, encoder, the decision threshold (its chances copy the original's) and the drift
// reference (about the data, not the model); the original's out-of-fold evidence, evaluation, run record
// and calibration note describe another model and are left out; conformal ranges are fitted again on
// the student's own misses on the held-out rows, with the original's method and coverage.
import { metricsForTask } from '../../evaluate/metrics.ts';
import { conformalFromJSON } from '../../evaluate/conformal-recipe.ts';
import { fitIntervalRecipe, fitSetRecipe } from '../../evaluate/conformal.ts';
import type { Fitted } from '../../models/types.ts';
import type { ModelBundle, PostprocessSlot, SmallVersionSlot } from '../bundle.ts';
import { computeMetric } from '../../evaluate/metrics.ts';

/** Held-out rows: the original's and this version's predictions on them, and the outcomes. */
export interface HeldOut {
  y: Float64Array;
  pred: Float64Array;
}

export function quantisedBundle(original: ModelBundle, fitted: Fitted, slot?: SmallVersionSlot): ModelBundle {
  const b: ModelBundle = { ...original, fitted };
  delete b.made;
  if (slot) b.smallVersion = slot;
  return b;
}

export function distilledBundle(original: ModelBundle, fitted: Fitted, held: HeldOut, slot?: SmallVersionSlot): ModelBundle {
  const task = original.taskInfo;
  const test: Record<string, number> = {};
  for (const m of metricsForTask(task)) {
    const v = computeMetric(m, task, held.y, held.pred);
    if (Number.isFinite(v)) test[m] = v;
  }
  const metric = original.metrics.metric;
  const b: ModelBundle = {
    encoder: original.encoder,
    fitted,
    taskInfo: original.taskInfo,
    target: original.target,
    metrics: { metric, valid: Number.isFinite(test[metric]) ? { [metric]: test[metric] } : {}, test: { ...test, rows: held.y.length } },
    schema: original.schema,
    settings: original.settings,
    fingerprint: original.fingerprint,
  };
  const pp = studentPostprocess(original.postprocess, held, task.nClasses);
  if (pp) b.postprocess = pp;
  if (original.reference) b.reference = original.reference;
  if (slot) b.smallVersion = slot;
  return b;
}

function studentPostprocess(pp: PostprocessSlot | undefined, held: HeldOut, classes: number): PostprocessSlot | undefined {
  if (!pp) return undefined;
  const out: PostprocessSlot = {};
  if (pp.threshold !== undefined) out.threshold = pp.threshold;
  if (pp.conformal) {
    const old = conformalFromJSON(pp.conformal);
    const again = old.kind === 'interval'
      ? fitIntervalRecipe(held.pred, held.y, old.coverage, old.method)
      : fitSetRecipe(held.pred, held.y, classes, old.coverage);
    if (again) out.conformal = again as unknown as Record<string, unknown>;
  }
  return Object.keys(out).length ? out : undefined;
}
