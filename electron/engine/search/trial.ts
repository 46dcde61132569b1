// One trial = one configuration of one family, fitted on every validation fold. Runs inside a
// worker thread (or in-process); returns the out-of-fold validation predictions and, when asked,
// the fold models as JSON (the main thread rebuilds only the models it keeps).
import { computeMetric, type MetricName } from '../evaluate/metrics.ts';
import type { Dataset, FittedJSON, TaskInfo } from '../models/types.ts';
import { throwIfAborted } from '../util/errors.ts';
import type { FamilyLookup } from './ensemble.ts';
import { hashSeed } from './rng.ts';
import { balancedWeights, subsetDataset, type Fold } from './validation.ts';

/** Sent once per run to each worker. */
export interface RunData {
  dataset: Dataset;
  taskInfo: TaskInfo;
  folds: Fold[];
  /** Rows with out-of-fold predictions (ascending), as in ValidationPlan. */
  validRows: Int32Array;
}

export interface TrialRequest {
  trialId: number;
  family: string;
  params: Record<string, unknown>;
  seed: number;
  /** Train with class-balancing row weights. */
  balance?: boolean;
  /** Return the fold models' JSON (false for trials the main thread will not keep). */
  keepModels: boolean;
  /**
   * Return the models only when the trial's validation score reaches `threshold` (the main thread's
   * worst kept trial), so big models of poor trials never cross the thread boundary.
   */
  keepIf?: { metric: MetricName; lowerIsBetter: boolean; threshold: number };
}

export interface TrialProgress {
  /** 0..1 over all folds. */
  fraction: number;
  /** Validation loss reported by the model on the first fold (drives pruning). */
  validLoss?: number;
}

export interface TrialResult {
  trialId: number;
  /** Out-of-fold predictions for RunData.validRows, in Fitted.predict layout. */
  oof: Float64Array;
  models?: FittedJSON[];
  fitS: number;
}

export async function runTrial(
  data: RunData,
  req: TrialRequest,
  lookup: FamilyLookup,
  ctx: { signal?: AbortSignal; onProgress?: (p: TrialProgress) => void } = {},
): Promise<TrialResult> {
  const family = lookup(req.family);
  const { dataset, taskInfo, folds, validRows } = data;
  const k = taskInfo.task === 'multiclass' ? taskInfo.nClasses : 1;
  const oof = new Float64Array(validRows.length * k);
  const position = new Map<number, number>();
  validRows.forEach((r, i) => position.set(r, i));
  const models: FittedJSON[] = [];
  const t0 = performance.now();
  /** Folds after the first train as long as the first did, without looking at their validation rows. */
  let replay: Record<string, unknown> | undefined;
  for (let f = 0; f < folds.length; f++) {
    throwIfAborted(ctx.signal);
    const fold = folds[f];
    const train = subsetDataset(dataset, fold.train);
    const valid = subsetDataset(dataset, fold.valid);
    if (req.balance && taskInfo.task !== 'regression') train.weights = balancedWeights(train.y!, taskInfo.nClasses);
    const fitted = await family.fit(train, taskInfo, (replay ?? req.params) as never, {
      seed: hashSeed(req.seed, f),
      signal: ctx.signal,
      valid: replay ? undefined : valid,
      onProgress: (p) => ctx.onProgress?.({ fraction: (f + Math.min(1, Math.max(0, p.fraction))) / folds.length, validLoss: f === 0 ? p.validLoss : undefined }),
    });
    try {
      throwIfAborted(ctx.signal);
      const pred = fitted.predict(stripTarget(valid));
      if (pred.length !== valid.nRows * k) throw new Error(`${req.family} returned ${pred.length} predictions for ${valid.nRows} rows.`);
      for (let i = 0; i < fold.valid.length; i++) {
        const at = position.get(fold.valid[i])!;
        for (let c = 0; c < k; c++) oof[at * k + c] = pred[i * k + c];
      }
      if (req.keepModels) models.push(fitted.toJSON());
      if (f === 0 && folds.length > 1) replay = family.replayLength?.(req.params as never, fitted) as Record<string, unknown> | undefined;
    } finally {
      fitted.dispose?.();
    }
    ctx.onProgress?.({ fraction: (f + 1) / folds.length });
  }
  let keep = req.keepModels;
  if (keep && req.keepIf && dataset.y) {
    const { metric, lowerIsBetter, threshold } = req.keepIf;
    const yv = Float64Array.from(validRows, (r) => dataset.y![r]);
    const s = computeMetric(metric, taskInfo, yv, oof);
    keep = lowerIsBetter ? s <= threshold : s >= threshold;
  }
  return { trialId: req.trialId, oof, models: keep ? models : undefined, fitS: (performance.now() - t0) / 1000 };
}

function stripTarget(ds: Dataset): Dataset {
  return { features: ds.features, nRows: ds.nRows, columns: ds.columns };
}
