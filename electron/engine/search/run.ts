// The AutoML run: baseline first, then the portfolio, then TPE over all families (ASHA-pruned
// NAS for the networks), trials spread over worker threads, and a Caruana ensemble of the best
// trials at the end. Stops on the wall-clock budget (or after a fixed number of work units, which
// makes the leaderboard reproducible on any machine) and on cancel, keeping the best so far.
import type { LeaderboardRow, RunSummary } from '../../../shared/api.ts';
import { RARE_SHARE_FOR_WEIGHT_SEARCH, type PreparedData } from '../data/features.ts';
import type { RunModel } from '../deploy/bundle.ts';
import { computeMetric, defaultMetric, metricInfo, metricsForTask, tieBreakMetric, type MetricName } from '../evaluate/metrics.ts';
import { allFamilies, familyByName } from '../models/registry.ts';
import type { Fitted, FittedJSON, ModelFamily, TaskInfo } from '../models/types.ts';
import { UserError, isCancelled } from '../util/errors.ts';
import { blend, caruanaSelect, EnsembleFitted } from './ensemble.ts';
import { bestFirst, keepBar, keepSet } from './keep.ts';
import { defaultWorkerCount, InProcessExecutor, PoolExecutor, type TrialExecutor } from './executor.ts';
import { SuccessiveHalvingPruner } from './pruners.ts';
import { hashSeed } from './rng.ts';
import { TpeSampler } from './samplers.ts';
import { FAMILY_ORDER, portfolioOrder, SPACES, type Shape } from './spaces.ts';
import { Study, type ParamValue, type Trial } from './study.ts';
import { describeQuality, scoreText } from './summary.ts';
import type { RunData, TrialRequest, TrialResult } from './trial.ts';
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
  onLog?: (message: string) => void;
}

/**
 * The run's model and what it measured, the part of a ModelBundle (deploy/bundle.ts) the run knows:
 * the caller adds the table and settings (completeBundle) and saves it (deploy/package.ts).
 */
export type TrainedModel = RunModel;

export interface RunResult {
  summary: Omit<RunSummary, 'runId'>;
  model: TrainedModel;
}

/** Leaderboard rows kept in the summary (the baseline is always listed). */
const MAX_ROWS = 100;
/** Trials per synchronous batch in work-unit mode (fixed, so results do not depend on core count). */
const BATCH = 2;

interface Done {
  row: LeaderboardRow;
  trialNumber: number;
  family: string;
  score: number;
  /** The tie-break metric on the validation rows (lower is better), when the run's metric has one. */
  tie?: number;
  oof: Float64Array;
  models?: FittedJSON[];
}

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
  const plan: ValidationPlan = planValidation(data.y, taskInfo, hashSeed(seed, 1), { kfoldMaxRows: kfoldRowLimit(budgetS, taskInfo), ...opts.validation });
  const yValid = new Float64Array(plan.validRows.length);
  plan.validRows.forEach((r, i) => (yValid[i] = data.y![r]));
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
  for (const p of portfolioOrder(families, taskInfo, shape)) study.enqueue(imbalanced ? { ...p, balance: false } : p);

  const rows: LeaderboardRow[] = [];
  const done: Done[] = [];
  const familyCount = new Map<string, number>();
  const familyFails = new Map<string, number>();
  /** Seconds per trial, per family: finished trials and projections of trials stopped for time. */
  const familyTimes = new Map<string, number[]>();
  const familyOk = new Map<string, number>();
  const addTime = (family: string, s: number) => familyTimes.set(family, [...(familyTimes.get(family) ?? []), s]);
  let best: Done | undefined;
  let note: string | undefined;
  const better = (a: number, b: number) => (lowerIsBetter ? a < b : a > b);
  const displayName = (family: string) => {
    const n = (familyCount.get(family) ?? 0) + 1;
    familyCount.set(family, n);
    const name = family === 'baseline' ? 'Baseline' : familyByName(family).displayName;
    return family === 'baseline' ? name : `${name} #${n}`;
  };
  const emitProgress = () =>
    opts.onEvent?.({ type: 'progress', elapsedS: round2(elapsed()), budgetS, trialsDone: rows.length, bestScore: best?.score, bestModel: best?.row.model });

  const record = (trialNumber: number, family: string, res: TrialResult | undefined, status: LeaderboardRow['status'], extra: { note?: string; fitS?: number } = {}) => {
    const s = res ? score(res.oof) : NaN;
    const ok = status === 'done' && Number.isFinite(s);
    const row: LeaderboardRow = {
      id: trialNumber < 0 ? 'baseline' : `t${trialNumber}`,
      model: displayName(family),
      family,
      score: ok ? s : NaN,
      metric,
      lowerIsBetter,
      fitS: round2(res?.fitS ?? extra.fitS ?? 0),
      status: ok ? 'done' : status === 'done' ? 'failed' : status,
      note: extra.note ?? (status === 'done' && !ok ? 'Its score could not be computed on the checking rows.' : undefined),
    };
    rows.push(row);
    opts.onEvent?.({ type: 'trial', row });
    if (ok && res) {
      const d: Done = { row, trialNumber, family, score: s, tie: tieBreak?.(res.oof), oof: res.oof, models: res.models };
      done.push(d);
      if (!best || better(s, best.score)) best = d;
      addTime(family, res.fitS);
      familyOk.set(family, (familyOk.get(family) ?? 0) + 1);
      // Keep models only for the best few (memory).
      const holding = done.filter((x) => x.models && x.family !== 'baseline');
      const keep = keepSet(holding, better);
      for (const x of holding) if (!keep.has(x)) x.models = undefined;
    }
    emitProgress();
    return ok ? s : NaN;
  };

  // 1. Baseline, in this thread: a model always exists, even if everything else fails or is cancelled.
  const baselineRes = await new InProcessExecutor(runData, familyByName).run(
    { trialId: -1, family: 'baseline', params: {}, seed, keepModels: true },
    {},
  );
  record(-1, 'baseline', baselineRes, 'done');
  const baselineDone = done[0];

  // 2. Executor: workers when there is more than one core to use. While they start (a second or
  // two), trials run in this thread so the portfolio is not kept waiting.
  const wantWorkers = opts.workers ?? defaultWorkerCount();
  const inProcess = new InProcessExecutor(runData, familyByName);
  let executor: TrialExecutor = inProcess;
  let pool: PoolExecutor | undefined;
  let stopped = false;
  let poolStart: Promise<PoolExecutor | undefined> | undefined;
  let poolPending = false;
  if (wantWorkers > 1 && families.length > 0 && !opts.signal?.aborted) {
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
    poolPending = true;
    if (workMode) await poolStart;
  }
  // While workers start, only one (cheap, first-in-portfolio) trial runs here: a long fit in this
  // thread would hold up cancel and the deadline.
  let bootstrapped = false;

  // 3. Search.
  // Reserve time after the search for the ensemble and for rebuilding the chosen models.
  const deadline = t0 + budgetS * 1000 * 0.97 - Math.min(3000, budgetS * 70);
  const running = new Map<number, { trial: Trial; family: string; controller: AbortController; promise: Promise<void> }>();
  const stopAll = new AbortController();
  const onCancel = () => stopAll.abort();
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  if (opts.signal?.aborted) stopAll.abort(); // a Stop pressed while the baseline or workers were starting
  let launched = 0;

  /** What a trial of `family` must score for its models to be kept (see keep.ts). */
  const keepThreshold = (family: string) => {
    const threshold = keepBar(done.filter((d) => d.models && d.family !== 'baseline'), family, better);
    return threshold === undefined ? undefined : { metric, lowerIsBetter, threshold };
  };

  /** Can a trial of this family still finish before the deadline (judged on its fastest past trial)? */
  const fitsInTime = (f: string) => {
    if (workMode) return true;
    const times = familyTimes.get(f);
    return !times?.length || Math.min(...times) <= (deadline - performance.now()) / 1000;
  };

  const nextTrial = (): { trial: Trial; family: string; req: TrialRequest; fidelity?: number } | undefined => {
    // Families that keep failing on this data, or are too slow for the time left, are left out.
    const allowed = families.filter((f) => ((familyFails.get(f) ?? 0) < 2 || (familyOk.get(f) ?? 0) > 0) && fitsInTime(f));
    if (allowed.length === 0) return undefined;
    let trial = study.ask();
    let family = trial.suggestCategorical('family', families);
    if (!allowed.includes(family)) {
      // Give the slot to the best allowed family so far, with the sampler choosing its parameters.
      study.tell(trial, { state: 'failed' });
      const scoreOf = (f: string) => done.filter((d) => d.family === f).reduce((b, d) => (Number.isNaN(b) || better(d.score, b) ? d.score : b), NaN);
      const pick = allowed.reduce((a, b) => (Number.isNaN(scoreOf(a)) || (!Number.isNaN(scoreOf(b)) && better(scoreOf(b), scoreOf(a))) ? b : a));
      trial = study.ask({ family: pick });
      family = trial.suggestCategorical('family', families);
    }
    const fam: ModelFamily = familyByName(family);
    trial.group = family;
    const params = { ...(fam.defaults(taskInfo, shape) as Record<string, unknown>), ...SPACES[family].suggest(trial, taskInfo, shape) };
    if (family === 'mlp') params.epochs = mlpEpochs(params.epochs, shape.nRows, budgetS, plan.folds.length);
    if (family === 'gbdt') Object.assign(params, gbdtRounds(params, shape, budgetS, plan.folds.length));
    const balance = imbalanced ? Boolean(trial.suggestCategorical('balance', [false, true] as ParamValue[])) : false;
    launched++;
    return {
      trial,
      family,
      fidelity: SPACES[family].fidelity?.(params),
      req: { trialId: trial.number, family, params, seed: hashSeed(seed, 1000 + trial.number), balance, keepModels: true, keepIf: keepThreshold(family) },
    };
  };

  const launch = (item: NonNullable<ReturnType<typeof nextTrial>>, tellNow: boolean): Promise<() => void> => {
    const { trial, family, req, fidelity } = item;
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, stopAll.signal]);
    let pruned = false;
    let projectedS = 0;
    let first: { t: number; f: number } | undefined;
    const onProgress = (p: { fraction: number; validLoss?: number }) => {
      // A trial that will not finish before the deadline is stopped now, not at the deadline. The
      // rate is measured from its first progress report, so start-up costs do not count.
      if (!workMode && !pruned) {
        const now = performance.now();
        if (!first) first = { t: now, f: p.fraction };
        else if (p.fraction - first.f >= 0.1) {
          const remainingMs = ((now - first.t) / (p.fraction - first.f)) * (1 - p.fraction);
          if (now + remainingMs > deadline + 1000) {
            projectedS = (now - first.t + remainingMs) / 1000;
            pruned = true;
            controller.abort();
            return;
          }
        }
      }
      if (p.validLoss === undefined || !fidelity || pruned) return;
      const step = Math.round(p.fraction * plan.folds.length * fidelity);
      trial.report(lowerIsBetter ? p.validLoss : -p.validLoss, step);
      if (trial.shouldPrune()) {
        pruned = true;
        controller.abort();
      }
    };
    const outcome = executor.run(req, { signal, onProgress }).then(
      (res) => () => {
        const s = record(trial.number, family, res, 'done');
        study.tell(trial, Number.isFinite(s) ? s : { state: 'failed' });
      },
      (err) => () => {
        if (projectedS > 0) {
          addTime(family, projectedS);
          record(trial.number, family, undefined, 'pruned', { note: 'Stopped early: it would not have finished within the time budget.' });
          study.tell(trial, { state: 'failed' });
        } else if (pruned) {
          record(trial.number, family, undefined, 'pruned', { note: 'Stopped early: it was learning slower than earlier networks.' });
          study.tell(trial, { state: 'pruned' });
        } else if (isCancelled(err)) {
          study.tell(trial, { state: 'failed' }); // stopped by the budget or the user; not shown
        } else {
          familyFails.set(family, (familyFails.get(family) ?? 0) + 1);
          log(`${family} trial ${trial.number} failed: ${(err as Error).message}`);
          record(trial.number, family, undefined, 'failed', { note: plainFailure(err) });
          study.tell(trial, { state: 'failed' });
        }
      },
    );
    if (tellNow) {
      const p = outcome.then((finish) => finish()).finally(() => running.delete(trial.number));
      running.set(trial.number, { trial, family, controller, promise: p });
    }
    return outcome;
  };

  const ticker = setInterval(emitProgress, 1000);
  try {
    if (workMode) {
      // Synchronous batches of BATCH trials, told in trial order: the same sequence on any machine.
      let remaining = opts.workUnits!;
      while (remaining > 0 && !stopAll.signal.aborted) {
        await yieldToEventLoop();
        if (stopAll.signal.aborted) break;
        const items: NonNullable<ReturnType<typeof nextTrial>>[] = [];
        for (let i = 0; i < Math.min(BATCH, remaining); i++) {
          const it = nextTrial();
          if (it) items.push(it);
        }
        if (!items.length) break;
        remaining -= items.length;
        const finishes = await Promise.all(items.map((it) => launch(it, false)));
        for (const f of finishes) f();
      }
    } else {
      while (!stopAll.signal.aborted) {
        await yieldToEventLoop(); // in-process fits resolve as microtasks; let timers and cancel run
        if (stopAll.signal.aborted) break;
        const now = performance.now();
        if (now >= deadline) break;
        while (running.size < executor.slots && !stopAll.signal.aborted && !(poolPending && bootstrapped)) {
          const item = nextTrial();
          if (!item) break;
          if (poolPending) bootstrapped = true;
          launch(item, true);
        }
        if (running.size === 0 && !poolPending) break;
        const wait = Math.max(10, Math.min(250, deadline - performance.now()));
        await Promise.race([...[...running.values()].map((r) => r.promise), sleep(wait), ...(poolPending && poolStart ? [poolStart] : [])]);
      }
      // Out of time (or cancelled): stop what is still running; their work is lost.
      for (const r of running.values()) r.controller.abort();
      await Promise.race([Promise.allSettled([...running.values()].map((r) => r.promise)), sleep(1000)]);
    }
  } finally {
    stopped = true;
    clearInterval(ticker);
    opts.signal?.removeEventListener('abort', onCancel);
    // A pool still starting is closed as soon as it is up; the run does not wait for it.
    if (pool) await pool.close();
    else void poolStart?.then((p) => p?.close());
  }
  const cancelled = !!opts.signal?.aborted;
  log(`Search ended at ${elapsed().toFixed(1)} s after ${rows.length} trials.`);

  // 4. Ensemble selection over the kept trials' validation predictions.
  const candidates = bestFirst(done.filter((d) => d.models && d.family !== 'baseline'), better);
  let chosen: { members: Done[]; weights: number[]; score: number } | undefined;
  if (candidates.length) chosen = { members: [candidates[0]], weights: [1], score: candidates[0].score };
  if (candidates.length > 1) {
    // On the clock, selection stops in time to rebuild the models (a multiclass score on many rows can
    // take ~15 ms, and 40 rounds over a dozen candidates would overrun the budget); work units never stop
    // it early, so they stay reproducible.
    const selectUntil = workMode ? undefined : Math.max(performance.now() + 200, t0 + budgetS * 1000 - Math.min(1500, budgetS * 30));
    const sel = caruanaSelect(candidates.map((c) => c.oof), { score, lowerIsBetter, tieBreak }, 40, selectUntil);
    if (sel.improved) {
      const members = candidates.filter((_, i) => sel.weights[i] > 0);
      chosen = { members, weights: sel.weights.filter((w) => w > 0), score: sel.score };
    }
  }
  if (chosen && !better(chosen.score, baselineDone.score) && Number.isFinite(baselineDone.score)) chosen = undefined;
  let bestRow: LeaderboardRow;
  let fitted: Fitted;
  let bestPred: Float64Array;
  if (!chosen) {
    bestRow = baselineDone.row;
    bestPred = baselineDone.oof;
    fitted = await buildModel(baselineDone, taskInfo, plan);
    note = cancelled
      ? 'The run was stopped before any model finished, so Augur kept the simple baseline.'
      : families.length === 0
        ? 'No model types are available, so Augur kept the simple baseline.'
        : done.length > 1
          ? 'No model beat the simple baseline on the checking rows, so Augur kept the baseline; the columns may not say much about the target.'
          : 'No model finished within the time budget, so Augur kept the simple baseline. Give the run more time.';
  } else if (chosen.members.length === 1) {
    bestRow = chosen.members[0].row;
    bestPred = chosen.members[0].oof;
    fitted = await buildModel(chosen.members[0], taskInfo, plan);
  } else {
    const members = await Promise.all(chosen.members.map((m) => buildModel(m, taskInfo, plan)));
    fitted = new EnsembleFitted(taskInfo, members, chosen.weights, 'weighted');
    bestPred = blend(chosen.members.map((m) => m.oof), chosen.weights);
    bestRow = {
      id: 'ensemble',
      model: `Ensemble of ${chosen.members.length} models`,
      family: 'ensemble',
      score: chosen.score,
      metric,
      lowerIsBetter,
      fitS: round2(chosen.members.reduce((s, m) => s + m.row.fitS, 0)),
      status: 'done',
      note: chosen.members.map((m, i) => `${m.row.model} ${Math.round(chosen!.weights[i] * 100)}%`).join(', '),
    };
    rows.push(bestRow);
    opts.onEvent?.({ type: 'trial', row: bestRow });
  }
  if (cancelled && chosen) note = 'The run was stopped early; this is the best model found until then.';
  if (!workMode && !cancelled && launched === 0 && families.length > 0) note ??= 'The time budget was too short to try any model.';

  log(`Final model ready at ${elapsed().toFixed(1)} s.`);
  const { sentence, quality } = describeQuality(taskInfo, target, yValid, bestPred, plan.description);
  if (imbalanced && shares) {
    const rare = target.classes?.[shares.indexOf(minShare)] ?? 'the rarest answer';
    quality.push({
      label: 'Rare answers',
      value: `"${rare}" is ${Math.round(minShare * 100)}% of rows`,
      explanation: `Augur tried giving rare answers more weight while training and ranks models by ${metricLabel}, which is not fooled by a lopsided target.`,
    });
  }
  // Best first; a long run on a tiny file can try hundreds of models, so the summary keeps the top ones.
  // The chosen model heads the list even when others share its score (ties are decided by log loss, which
  // the list does not show): otherwise the list's first row and the "best model" would differ.
  const ordered = [bestRow, ...rows.filter((r) => r !== bestRow).sort(rowOrder(lowerIsBetter))].slice(0, MAX_ROWS);
  if (!ordered.includes(baselineDone.row)) ordered.push(baselineDone.row);
  const elapsedS = round2(elapsed());
  opts.onEvent?.({ type: 'progress', elapsedS, budgetS, trialsDone: rows.length, bestScore: bestRow.score, bestModel: bestRow.model });
  const encoder = prepared.encoder;
  return {
    summary: {
      task: taskInfo.task,
      target: target.name,
      classes: target.classes,
      metric,
      lowerIsBetter,
      leaderboard: ordered,
      modelsTried: rows.length,
      best: bestRow,
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
      metrics: { metric, valid: Number.isFinite(bestRow.score) ? { [metric]: bestRow.score } : {} },
      // The evidence behind the score: out-of-fold predictions of the chosen model on the checking rows.
      arrays: { 'oof.pred': bestPred, 'oof.y': yValid, 'oof.rows': Int32Array.from(plan.validRows) },
    },
  };
}

/** A trial's model for prediction: its single model (holdout) or the bag of its fold models (k-fold). */
async function buildModel(d: Done, taskInfo: TaskInfo, plan: ValidationPlan): Promise<Fitted> {
  const fam = familyByName(d.family);
  const models = await Promise.all(d.models!.map((j) => fam.fromJSON(j)));
  if (models.length === 1) return models[0];
  return new EnsembleFitted(taskInfo, models, models.map(() => 1 / models.length), plan.kind === 'kfold' ? 'bag' : 'weighted');
}

function classShares(task: TaskInfo, y: Float64Array): number[] | undefined {
  if (task.task === 'regression') return undefined;
  const c = new Array<number>(task.nClasses).fill(0);
  for (const v of y) c[v | 0]++;
  return c.map((x) => x / y.length);
}

/** Epochs for a network trial: its default, capped so one trial fits in a fraction of the budget. */
function mlpEpochs(epochs: unknown, nRows: number, budgetS: number, folds: number): number {
  const base = typeof epochs === 'number' ? epochs : 50;
  // ~5k rows/s per fold (wasm, small nets), one network may use ~40% of the budget.
  const cap = Math.floor((budgetS * 0.4 * 5000) / Math.max(1, nRows * folds));
  return Math.max(3, Math.min(base, cap));
}

/**
 * Boosting rounds a trial can afford in ~30% of the budget (assuming a conservative 10M
 * row·feature·rounds per second, counting only the features a tree samples), with the learning rate
 * raised so that few rounds still converge (learning rate × rounds ≥ 20) — a cheap first model on big
 * data, as FLAML starts.
 */
function gbdtRounds(params: Record<string, unknown>, shape: Shape, budgetS: number, folds: number): { nRounds: number; learningRate: number } {
  const rounds = typeof params.nRounds === 'number' ? params.nRounds : 500;
  const lr = typeof params.learningRate === 'number' ? params.learningRate : 0.1;
  const colsample = typeof params.colsampleByTree === 'number' ? params.colsampleByTree : 1;
  const cells = shape.nRows * Math.max(1, shape.nFeatures * colsample) * folds;
  const cap = Math.floor((0.3 * budgetS * 1e7) / Math.max(1, cells));
  const nRounds = Math.max(10, Math.min(rounds, cap));
  return { nRounds, learningRate: Math.min(0.3, Math.max(lr, 20 / nRounds)) };
}

function plainFailure(err: unknown): string {
  if (err instanceof UserError || (err as Error)?.name === 'UserError') return (err as Error).message;
  return 'This model could not be trained on this data.';
}

function rowOrder(lowerIsBetter: boolean) {
  return (a: LeaderboardRow, b: LeaderboardRow) => {
    const fa = Number.isFinite(a.score), fb = Number.isFinite(b.score);
    if (fa !== fb) return fa ? -1 : 1;
    if (!fa) return 0;
    return lowerIsBetter ? a.score - b.score : b.score - a.score;
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

