// The training run: budget and metric choices, the live leaderboard (batched: a fast search can send
// hundreds of trials a second), the score-over-time chart, and the finished run's summary.
import type { ApiEvent, LeaderboardRow } from '../../../shared/api.ts';
import { errorMessage, goalsFor, isCancelledError } from '../format.ts';
import { TRAINING_BUSY } from './data-slice.ts';
import { freshEvaluation } from './evaluation-slice.ts';
import { newJobId, type BudgetChoice, type RunSlice, type SliceContext } from './types.ts';

export const BUDGET_SECONDS: Record<Exclude<BudgetChoice, 'custom'>, number> = { quick: 60, better: 300, best: 1200 };
export const CUSTOM_MIN_S = 5;
export const CUSTOM_MAX_S = 24 * 3600;

function better(row: LeaderboardRow, a: number, b: number): boolean {
  return row.lowerIsBetter ? a < b : a > b;
}

/** Best finished trial so far (failed/pruned rows don't count). */
export function bestOf(rows: LeaderboardRow[]): LeaderboardRow | undefined {
  let best: LeaderboardRow | undefined;
  for (const r of rows) {
    if (r.status !== 'done' || !Number.isFinite(r.score)) continue;
    if (!best || better(r, r.score, best.score)) best = r;
  }
  return best;
}

/** Leaderboard order: best first, unfinished trials last. */
export function sortLeaderboard(rows: LeaderboardRow[]): LeaderboardRow[] {
  const rank = (r: LeaderboardRow) => (r.status === 'done' && Number.isFinite(r.score) ? 0 : r.status === 'pruned' ? 1 : 2);
  return [...rows].sort((a, b) => {
    const d = rank(a) - rank(b);
    if (d !== 0 || rank(a) !== 0) return d;
    return a.lowerIsBetter ? a.score - b.score : b.score - a.score;
  });
}

/** The run slice, and `onRunEvent` for the event router (trial and progress events of the live run). */
export function runSlice({ set, get, bridge, now, batchMs }: SliceContext): { slice: RunSlice; onRunEvent: (e: ApiEvent) => void } {
  let pending: ApiEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  function flush() {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    flushTimer = undefined;
    const events = pending;
    pending = [];
    const s = get();
    let live = s.train;
    if (!live || events.length === 0) return;
    const byId = new Map(s.trials.map((r) => [r.id, r]));
    const history = [...s.history];
    let best = bestOf(s.trials);
    for (const e of events) {
      if (e.type === 'run.progress' && e.jobId === live.jobId) {
        live = { ...live, elapsedS: e.elapsedS, budgetS: e.budgetS, trialsDone: e.trialsDone };
      } else if (e.type === 'run.trial' && e.jobId === live.jobId) {
        byId.set(e.row.id, e.row);
        const r = e.row;
        if (r.status === 'done' && Number.isFinite(r.score) && (!best || better(r, r.score, best.score))) {
          best = r;
          // The engine's clock (run.progress) when we have it; ours includes start-up before the search.
          // Never step back in time when the engine's clock takes over from ours.
          const t = live.elapsedS > 0 ? live.elapsedS : (now() - live.startedAt) / 1000;
          history.push({ t: Math.max(t, history.at(-1)?.t ?? 0), score: r.score });
        }
      }
    }
    set({ train: live, trials: [...byId.values()], history });
  }

  const onRunEvent = (e: ApiEvent) => {
    const live = get().train;
    if (!live || !('jobId' in e) || e.jobId !== live.jobId) return;
    pending.push(e);
    if (batchMs <= 0) flush();
    else flushTimer ??= setTimeout(flush, batchMs);
  };

  const slice: RunSlice = {
    budget: 'quick',
    customS: 30,
    trials: [],
    history: [],

    setBudget(choice, customS) {
      set({ budget: choice, ...(customS !== undefined ? { customS } : {}) });
    },

    setMetric(metric) {
      set({ metric });
    },

    chosenMetric() {
      const task = get().report?.target?.task;
      if (!task) return undefined;
      const goals = goalsFor(task);
      return goals.find((g) => g.metric === get().metric)?.metric ?? goals[0].metric;
    },

    budgetSeconds() {
      const { budget, customS } = get();
      if (budget !== 'custom') return BUDGET_SECONDS[budget];
      const s = Math.round(Number.isFinite(customS) ? customS : 30);
      return Math.min(CUSTOM_MAX_S, Math.max(CUSTOM_MIN_S, s));
    },

    async startTraining() {
      const { dataset, settings, report, train, checking } = get();
      if (!dataset || !settings.target || !report?.canTrain || train || checking) return;
      const jobId = newJobId();
      const budgetS = get().budgetSeconds();
      // A closer look at the previous model would take CPU from the search: stop it.
      if (get().deepJob) void get().cancelDeep();
      set({
        ...freshEvaluation(undefined, undefined),
        train: { jobId, startedAt: now(), budgetS, elapsedS: 0, trialsDone: 0, cancelling: false },
        trials: [],
        history: [],
        run: undefined,
        error: undefined,
        notice: undefined,
      });
      try {
        const run = await bridge().invoke('train', {
          ...settings,
          target: settings.target,
          datasetId: dataset.datasetId,
          budgetS,
          metric: get().chosenMetric(),
          jobId,
        });
        if (get().train?.jobId !== jobId) return;
        flush(); // trials still waiting in the batch belong to the chart
        // Extend the chart to the end of the run so the last flat stretch is visible.
        const history = [...get().history];
        if (run.best && Number.isFinite(run.best.score)) history.push({ t: Math.max(run.elapsedS, history.at(-1)?.t ?? 0), score: run.best.score });
        const error = get().error === TRAINING_BUSY ? undefined : get().error; // no longer true
        set({ run, trials: run.leaderboard.length ? run.leaderboard : get().trials, history, train: undefined, error, ...freshEvaluation(run.modelId, run.evaluation) });
      } catch (err) {
        if (get().train?.jobId !== jobId) return;
        if (isCancelledError(err)) set({ train: undefined, notice: 'Training stopped before any model was finished.' });
        else set({ train: undefined, error: errorMessage(err) });
      }
    },

    async cancelTraining() {
      const live = get().train;
      if (!live || live.cancelling) return;
      set({ train: { ...live, cancelling: true } });
      try {
        await bridge().invoke('cancel', { jobId: live.jobId });
      } catch (err) {
        set({ error: errorMessage(err) });
      }
      // The train call itself resolves with the best model so far (summary.cancelled = true).
    },
  };
  return { slice, onRunEvent };
}
