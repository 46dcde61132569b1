// A finished run becomes a model the user can keep: the bundle (schema, settings, fingerprint), the run
// record (a retrain warm-starts from it), the evaluation's calibration / threshold / conformal ranges,
// background rows for explanations and the reference statistics drift monitoring compares new files
// with. The CLI (`train --out`, `--project`) and the API both call this, so a model saved from either
// carries the same things.
import type { ColumnSettings, Finding } from '../../../shared/api.ts';
import type { FastEvaluation } from '../../../shared/evaluation.ts';
import type { ColumnPlan } from '../data/column-builder.ts';
import type { PreparedData } from '../data/prepare.ts';
import type { Table } from '../data/table.ts';
import { evaluateAndKeep, evidenceOf, type ModelEvidence } from '../evaluate/understand.ts';
import type { Dataset } from '../models/types.ts';
import { buildReference } from '../monitor/reference.ts';
import type { RunResult } from '../search/run.ts';
import { completeBundle, type ModelBundle, type ModelMetrics } from './bundle.ts';

export interface RunModelParts {
  bundle: ModelBundle;
  evidence: ModelEvidence;
  /** The fast evaluation; absent when it was stopped (the model is kept as the run left it). */
  evaluation?: FastEvaluation;
  /** Why the evaluation failed (not set when it was stopped). */
  evaluationError?: unknown;
}

export interface FromRunOptions {
  /** How the import read each column (ImportResult.plans), pinned in the schema. */
  plans?: ColumnPlan[];
  /** The data check's findings for these settings (leaks, personal data), for the verdict. */
  findings?: Finding[];
  seed?: number;
  test?: ModelMetrics['test'];
  signal?: AbortSignal;
}

/**
 * `table` is the table the run learned from as imported (before type overrides); `prepared` is what
 * prepareTraining made of it for the run.
 */
export async function bundleFromRun(
  prepared: PreparedData,
  result: RunResult,
  table: Table,
  settings: ColumnSettings & { target: string },
  opts: FromRunOptions = {},
): Promise<RunModelParts> {
  const bundle = completeBundle(result.model, table, settings, { plans: opts.plans, test: opts.test });
  bundle.run = result.record as unknown as Record<string, unknown>;
  const evidence = evidenceOf(prepared, result, opts.findings ?? [], opts.seed ?? 0);
  bundle.arrays = { ...(bundle.arrays ?? {}), 'explain.background': backgroundArray(evidence.background) };
  // Plain JSON (numbers, strings, arrays): the manifest's reference slot.
  bundle.reference = buildReference(prepared.table, { target: settings.target, ignore: settings.ignore, seed: opts.seed ?? 0 }) as unknown as Record<string, unknown>;
  // A stop (or a failure) during the evaluation keeps the model as the run left it: still a usable model,
  // without calibration or ranges; the caller says so or logs it.
  let evaluationError: unknown;
  const evaluation = await evaluateAndKeep(bundle, evidence, { signal: opts.signal }).catch((e: unknown) => {
    if (!opts.signal?.aborted) evaluationError = e;
    return undefined;
  });
  return { bundle, evidence, ...(evaluation ? { evaluation } : {}), ...(evaluationError !== undefined ? { evaluationError } : {}) };
}

/** Background rows as the package keeps them: `explain.background`, features column-major. */
export function backgroundArray(bg: Dataset): Float64Array {
  const out = new Float64Array(bg.nRows * bg.columns.length);
  bg.columns.forEach((c, f) => out.set(c, f * bg.nRows));
  return out;
}
