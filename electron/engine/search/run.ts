// The AutoML run: baseline first, then the portfolio, then TPE over all families (ASHA-pruned
// NAS for the networks), trials spread over worker threads, and a Caruana ensemble of the best
// trials at the end. Stops on the wall-clock budget (or after a fixed number of work units, which
// makes the leaderboard reproducible on any machine) and on cancel, keeping the best so far.
// The pieces: scheduler.ts (ask → run → tell, the deadline), budget.ts (each family's limits),
// trial-book.ts (leaderboard and record), select.ts (ensemble), finalize.ts (the final model),
// record.ts (what a project stores; a retrain warm-starts from it).
import type { LeaderboardRow, RunSummary } from '../../../shared/api.ts';
import { RARE_SHARE_FOR_WEIGHT_SEARCH, type PreparedData } from '../data/prepare.ts';
import type { RunModel } from '../deploy/bundle.ts';
import { computeMetric, defaultMetric, metricInfo, metricsForTask, tieBreakMetric, type MetricName } from '../evaluate/metrics.ts';
import { allFamilies, familyByName } from '../models/registry.ts';
import type { ModelFamily, TaskInfo } from '../models/types.ts';
import { UserError } from '../util/errors.ts';
import { applyTrialBudget, FamilyBudgets } from './budget.ts';
import { defaultWorkerCount, InProcessExecutor, PoolExecutor, type TrialExecutor } from './executor.ts';
import { finalModel, orderedLeaderboard, runNote } from './finalize.ts';
import { SuccessiveHalvingPruner } from './pruners.ts';
import { bestConfigurations, RUN_RECORD_VERSION, type RunRecord } from './record.ts';
import { hashSeed } from './rng.ts';
import { TpeSampler } from './samplers.ts';
import { runSchedule, type PlannedTrial, type TrialOutcome } from './scheduler.ts';
import { selectFinal } from './select.ts';
import { FAMILY_ORDER, portfolioOrder, SPACES, type Shape } from './spaces.ts';
import { Study, type ParamValue } from './study.ts';
import { describeQuality } from './summary.ts';
import { TrialBook, round2 } from './trial-book.ts';
import type { RunData } from './trial.ts';
import { kfoldRowLimit, planValidation, type PlanOptions, type ValidationPlan } from './validation.ts';

export type RunEvent =
  | { type: 'trial'; row: LeaderboardRow }
  | { type: 'progress'; elapsedS: number; budgetS: number; trialsDone: number; bestScore?: number; bestModel?: string };

export interface RunOptions {
  budgetS: number;
  seed?: number;
  metric?: MetricName;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Worker threads for trials; default one per core; 0 or 1 runs trials in this thread. */
  workers?: number;
  /**
   * Deterministic budget: run exactly this many search trials (baseline not counted) instead of
   * stopping on the clock. Same data + seed + workUnits ⇒ the same leaderboard on any machine.
   */
  workUnits?: number;
  /** Restrict the search to these families (default: every registered family with a search space). */
  families?: string[];
  validation?: PlanOptions;
  /** A previous run of the same task: its best configurations are tried first (a retrain). */
  warmStart?: RunRecord;
  onLog?: (message: string) => void;
}

/**
 * The run's model and what it measured, the part of a ModelBundle (deploy/bundle.ts) the run knows:
 * the caller adds the table and settings (completeBundle) and saves it (deploy/package.ts).
 */
export type TrainedModel = RunModel;

/**
 * What the run measured, kept for the evaluation and the saved model: the chosen model's predictions
 * on rows it did not learn from, with the outcomes and how the rows were split.
 */
export interface RunEvidence {
  /** Outcome per dataset row (class index or value). */
  y: Float64Array;
  /** Dataset rows with an out-of-fold prediction (ascending; all rows in k-fold). */
  validRows: Int32Array;
  /** The chosen model's predictions for `validRows`, in Fitted.predict layout. */
  oof: Float64Array;
  /** Fold of each dataset row's validation (-1: a training row only, in a holdout plan). */
  foldOf: Int32Array;
  plan: { kind: ValidationPlan['kind']; folds: number; description: string };
}

export interface RunResult {
  summary: Omit<RunSummary, 'runId' | 'modelId' | 'evaluation'>;
  model: TrainedModel;
  evidence: RunEvidence;
  record: RunRecord;
}

/** Trials per synchronous batch in work-unit mode (fixed, so results do not depend on core count). */
const BATCH = 2;
/** Configurations of a previous run tried first on a retrain. */
const WARM_START_CONFIGS = 5;

export async function runAutoML(prepared: PreparedData, opts: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const { taskInfo, target } = prepared;
  const data = prepared.dataset;
  if (!data.y || data.y.length !== data.nRows) throw new Error('runAutoML needs a dataset with its target.');
  if (data.nRows < 2) throw new UserError('too_few_rows', 'There are too few rows to train a model; at least a handful are needed.');
  const seed = opts.seed ?? 0;
  const metric = opts.metric ?? defaultMetric(taskInfo);
  if (!metricsForTask(taskInfo).includes(metric)) {
    throw new UserError('bad_metric', `The score "${metric}" does not fit a ${taskInfo.task} task; choose one of ${metricsForTask(taskInfo).join(', ')}.`);
  }
  const { lowerIsBetter, label: metricLabel } = metricInfo(metric);
  const budgetS = Math.max(1, opts.budgetS);
  const workMode = opts.workUnits !== undefined;
  const log = (m: string) => opts.onLog?.(m);

  // Validation plan (k-fold while the data is small for the budget, else one holdout) and the rows every trial is scored on.
  const planSeed = hashSeed(seed, 1);
  const planOptions: PlanOptions = { kfoldMaxRows: kfoldRowLimit(budgetS, taskInfo), ...opts.validation };
  const plan: ValidationPlan = planValidation(data.y, taskInfo, planSeed, planOptions);
  const yValid = Float64Array.from(plan.validRows, (r) => data.y![r]);
  const score = (pred: Float64Array) => computeMetric(metric, taskInfo, yValid, pred);
  const tieMetric = tieBreakMetric(metric);
  const tieBreak = tieMetric ? (pred: Float64Array) => computeMetric(tieMetric, taskInfo, yValid, pred) : undefined;
  const shape: Shape = { nRows: plan.folds[0].train.length, nFeatures: data.features.length };
  // prepared.dataset.weights (class balancing) are left out on purpose: balancing is a searched
  // choice per trial (below), because it often costs ROC AUC / log loss rather than helping.
  const runData: RunData = { dataset: { features: data.features, nRows: data.nRows, columns: data.columns, y: data.y }, taskInfo, folds: plan.folds, validRows: plan.validRows };

  // Class imbalance: search over balancing weights when the metric rewards finding rare classes.
  const shares = classShares(taskInfo, data.y);
  const minShare = shares ? Math.min(...shares.filter((s) => s > 0)) : 1;
  const imbalanced = minShare < RARE_SHARE_FOR_WEIGHT_SEARCH && (metric === 'roc_auc' || metric === 'f1_macro');

  const registered = allFamilies().map((f) => f.name);
  const families = FAMILY_ORDER.filter((f) => registered.includes(f) && SPACES[f] && (!opts.families || opts.families.includes(f)));
  const study = new Study({
    direction: lowerIsBetter ? 'minimize' : 'maximize',
    sampler: new TpeSampler({ seed: hashSeed(seed, 2), nStartup: 6 }),
    pruner: new SuccessiveHalvingPruner({ minResource: 3, reductionFactor: 3, minCompetitors: 2 }),
  });
  // A retrain starts from the previous run's best configurations, then the usual portfolio.
  const warm = opts.warmStart && opts.warmStart.metric === metric ? bestConfigurations(opts.warmStart, WARM_START_CONFIGS, lowerIsBetter) : [];
  for (const t of warm) if (families.includes(t.family)) study.enqueue({ ...t.space });
  for (const p of portfolioOrder(families, taskInfo, shape)) study.enqueue(imbalanced ? { ...p, balance: false } : p);

  const book = new TrialBook({ metric, lowerIsBetter, score, tieBreak, onRow: (row) => opts.onEvent?.({ type: 'trial', row }) });
  const budgets = new FamilyBudgets(!workMode);
  const emitProgress = () =>
    opts.onEvent?.({ type: 'progress', elapsedS: round2(elapsed()), budgetS, trialsDone: book.rows.length, bestScore: book.best?.score, bestModel: book.best?.row.model });

  // 1. Baseline, in this thread: a model always exists, even if everything else fails or is cancelled.
  const baselineReq = { trialId: -1, family: 'baseline', params: {}, seed, keepModels: true };
  const baselineRes = await new InProcessExecutor(runData, familyByName).run(baselineReq, {});
  book.record(-1, 'baseline', baselineRes, 'done', { space: { family: 'baseline' }, params: {}, seed, balance: false });
  emitProgress();
  const baselineDone = book.done[0];

  // 2. Executor: workers when there is more than one core to use. While they start (a second or
  // two), trials run in this thread so the portfolio is not kept waiting.
  const wantWorkers = opts.workers ?? defaultWorkerCount();
  let executor: TrialExecutor = new InProcessExecutor(runData, familyByName);
  let pool: PoolExecutor | undefined;
  let stopped = false;
  let poolStart: Promise<PoolExecutor | undefined> | undefined;
  let poolPending = false;
  if (wantWorkers > 1 && families.length > 0 && !opts.signal?.aborted) {
    poolPending = true;
    poolStart = PoolExecutor.start(runData, wantWorkers, (_l, m) => log(m)).then(
      (p) => {
        pool = p;
        poolPending = false;
        if (!stopped) executor = p;
        log(`${p.slots} worker threads ready after ${elapsed().toFixed(1)} s.`);
        return p;
      },
      (err) => {
        poolPending = false;
        log(`Workers could not start (${(err as Error).message}); trials run in the main thread.`);
        return undefined;
      },
    );
    if (workMode) await poolStart;
  }

  // 3. Search. Time is reserved after it for the ensemble and for rebuilding the chosen models.
  const deadline = t0 + budgetS * 1000 * 0.97 - Math.min(3000, budgetS * 70);
  const stopAll = new AbortController();
  const onCancel = () => stopAll.abort();
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  if (opts.signal?.aborted) stopAll.abort(); // a Stop pressed while the baseline or workers were starting
  const setups = new Map<number, { space: Record<string, ParamValue>; params: Record<string, unknown>; seed: number; balance: boolean }>();

  const nextTrial = (): PlannedTrial | undefined => {
    // Families that keep failing on this data, or are too slow for the time left, are left out.
    const allowed = budgets.allowed(families, (deadline - performance.now()) / 1000);
    if (allowed.length === 0) return undefined;
    let trial = study.ask();
    let family = trial.suggestCategorical('family', families);
    if (!allowed.includes(family)) {
      // Give the slot to the best allowed family so far, with the sampler choosing its parameters.
      study.tell(trial, { state: 'failed' });
      const pick = allowed.reduce((a, b) => (Number.isNaN(book.bestOf(a)) || (!Number.isNaN(book.bestOf(b)) && book.better(book.bestOf(b), book.bestOf(a))) ? b : a));
      trial = study.ask({ family: pick });
      family = trial.suggestCategorical('family', families);
    }
    const fam: ModelFamily = familyByName(family);
    trial.group = family;
    const suggested = { ...(fam.defaults(taskInfo, shape) as Record<string, unknown>), ...SPACES[family].suggest(trial, taskInfo, shape) };
    const params = applyTrialBudget(family, suggested, { shape, budgetS, folds: plan.folds.length });
    const balance = imbalanced ? Boolean(trial.suggestCategorical('balance', [false, true] as ParamValue[])) : false;
    const trialSeed = hashSeed(seed, 1000 + trial.number);
    setups.set(trial.number, { space: { ...trial.params }, params, seed: trialSeed, balance });
    return {
      trial,
      family,
      fidelity: SPACES[family].fidelity?.(params),
      req: { trialId: trial.number, family, params, seed: trialSeed, balance, keepModels: true, keepIf: book.keepThreshold(family) },
    };
  };

  const finish = ({ trial, family }: PlannedTrial, o: TrialOutcome) => {
    const setup = setups.get(trial.number)!;
    if (o.kind === 'done') {
      const s = book.record(trial.number, family, o.res, 'done', setup);
      if (Number.isFinite(s)) budgets.succeeded(family, o.res.fitS);
      study.tell(trial, Number.isFinite(s) ? s : { state: 'failed' });
    } else if (o.kind === 'out_of_time') {
      budgets.addTime(family, o.projectedS);
      book.record(trial.number, family, undefined, 'pruned', setup, { note: 'Stopped early: it would not have finished within the time budget.' });
      study.tell(trial, { state: 'failed' });
    } else if (o.kind === 'pruned') {
      book.record(trial.number, family, undefined, 'pruned', setup, { note: 'Stopped early: it was learning slower than earlier networks.' });
      study.tell(trial, { state: 'pruned' });
    } else if (o.kind === 'cancelled') {
      study.tell(trial, { state: 'failed' }); // stopped by the budget or the user; not shown
      return;
    } else {
      budgets.failed(family);
      log(`${family} trial ${trial.number} failed: ${(o.err as Error).message}`);
      book.record(trial.number, family, undefined, 'failed', setup, { note: plainFailure(o.err) });
      study.tell(trial, { state: 'failed' });
    }
    emitProgress();
  };

  const ticker = setInterval(emitProgress, 1000);
  let launched = 0;
  try {
    launched = await runSchedule({
      workUnits: opts.workUnits,
      batch: BATCH,
      deadline,
      lowerIsBetter,
      folds: plan.folds.length,
      stop: stopAll.signal,
      executor: () => executor,
      poolPending: () => poolPending,
      poolStart,
      next: nextTrial,
      finish,
    });
  } finally {
    stopped = true;
    clearInterval(ticker);
    opts.signal?.removeEventListener('abort', onCancel);
    // A pool still starting is closed as soon as it is up; the run does not wait for it.
    if (pool) await pool.close();
    else void poolStart?.then((p) => p?.close());
  }
  const cancelled = !!opts.signal?.aborted;
  log(`Search ended at ${elapsed().toFixed(1)} s after ${book.rows.length} trials.`);

  // 4. Selection and the final model. On the clock, selection stops in time to rebuild the models (a
  // multiclass score on many rows can take ~15 ms, and 40 rounds over a dozen candidates would overrun
  // the budget); work units never stop it early, so they stay reproducible.
  const selectUntil = workMode ? undefined : Math.max(performance.now() + 200, t0 + budgetS * 1000 - Math.min(1500, budgetS * 30));
  const chosen = selectFinal(book.holding(), baselineDone, { score, lowerIsBetter, tieBreak }, selectUntil);
  const final = await finalModel(chosen, baselineDone, taskInfo, plan, metric, lowerIsBetter);
  if (final.ensembleRow) book.addRow(final.ensembleRow);
  const note = runNote({ chosen: !!chosen, cancelled, families: families.length, scored: book.done.length, onClock: !workMode, launched });

  log(`Final model ready at ${elapsed().toFixed(1)} s.`);
  const { sentence, quality } = describeQuality(taskInfo, target, yValid, final.oof, plan.description);
  if (imbalanced && shares) {
    const rare = target.classes?.[shares.indexOf(minShare)] ?? 'the rarest answer';
    quality.push({
      label: 'Rare answers',
      value: `"${rare}" is ${Math.round(minShare * 100)}% of rows`,
      explanation: `Augur tried giving rare answers more weight while training and ranks models by ${metricLabel}, which is not fooled by a lopsided target.`,
    });
  }
  const leaderboard = orderedLeaderboard(book.rows, final.row, baselineDone.row, lowerIsBetter);
  const elapsedS = round2(elapsed());
  opts.onEvent?.({ type: 'progress', elapsedS, budgetS, trialsDone: book.rows.length, bestScore: final.row.score, bestModel: final.row.model });
  const encoder = prepared.encoder;
  const fitted = final.fitted;
  const foldOf = foldIndex(plan, data.nRows);
  const record: RunRecord = {
    version: RUN_RECORD_VERSION, seed, metric, budgetS, elapsedS, ...(workMode ? { workUnits: opts.workUnits } : {}),
    plan: { kind: plan.kind, seed: planSeed, options: planOptions, folds: plan.folds.length },
    trials: book.records,
    chosen: chosen
      ? { kind: 'trials', members: chosen.members.map((m, i) => ({ trial: m.trialNumber, weight: chosen.weights[i] })) }
      : { kind: 'baseline' },
  };
  return {
    summary: {
      task: taskInfo.task,
      target: target.name,
      classes: target.classes,
      metric,
      lowerIsBetter,
      leaderboard,
      modelsTried: book.rows.length,
      best: final.row,
      elapsedS,
      budgetS,
      sentence,
      quality,
      cancelled,
      note,
    },
    model: {
      encoder,
      fitted,
      taskInfo,
      target,
      metrics: { metric, valid: Number.isFinite(final.row.score) ? { [metric]: final.row.score } : {} },
      // The evidence behind the score: out-of-fold predictions of the chosen model on the checking rows.
      arrays: { 'oof.pred': final.oof, 'oof.y': yValid, 'oof.rows': Int32Array.from(plan.validRows), 'oof.fold': Int32Array.from(plan.validRows, (r) => foldOf[r]) },
    },
    evidence: { y: data.y, validRows: plan.validRows, oof: final.oof, foldOf, plan: { kind: plan.kind, folds: plan.folds.length, description: plan.description } },
    record,
  };
}

/** The fold whose validation rows hold each row (-1 for rows only ever trained on). */
export function foldIndex(plan: ValidationPlan, nRows: number): Int32Array {
  const out = new Int32Array(nRows).fill(-1);
  plan.folds.forEach((f, k) => {
    for (const r of f.valid) out[r] = k;
  });
  return out;
}

function classShares(task: TaskInfo, y: Float64Array): number[] | undefined {
  if (task.task === 'regression') return undefined;
  const c = new Array<number>(task.nClasses).fill(0);
  for (const v of y) c[v | 0]++;
  return c.map((x) => x / y.length);
}

function plainFailure(err: unknown): string {
  if (err instanceof UserError || (err as Error)?.name === 'UserError') return (err as Error).message;
  return 'This model could not be trained on this data.';
}

