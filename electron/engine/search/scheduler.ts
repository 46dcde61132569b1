// The scheduler: ask the study for a trial, run it on an executor, tell the result, until the deadline
// (or a fixed number of work units), a cancel, or nothing is left to try. A trial that will not finish
// before the deadline is stopped as soon as its pace says so; networks report validation losses to the
// halving pruner. What a finished trial means for the leaderboard is the caller's `finish`.
import { isCancelled } from '../util/errors.ts';
import type { TrialExecutor } from './executor.ts';
import type { Trial } from './study.ts';
import type { TrialRequest, TrialResult } from './trial.ts';

export interface PlannedTrial {
  trial: Trial;
  family: string;
  req: TrialRequest;
  /** Steps of the halving pruner per fold (epochs), when the family reports validation losses. */
  fidelity?: number;
}

export type TrialOutcome =
  | { kind: 'done'; res: TrialResult }
  /** Stopped because it would not have finished before the deadline; its projected length. */
  | { kind: 'out_of_time'; projectedS: number }
  | { kind: 'pruned' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; err: unknown };

export interface ScheduleOptions {
  /** Fixed work: exactly this many trials, in synchronous batches, told in trial order (reproducible). */
  workUnits?: number;
  /** Trials per batch in work-unit mode (fixed, so results do not depend on the core count). */
  batch: number;
  /** performance.now() time after which no trial starts and running ones stop. */
  deadline: number;
  lowerIsBetter: boolean;
  folds: number;
  stop: AbortSignal;
  /** The executor to use now (the in-process one until the worker pool is up). */
  executor: () => TrialExecutor;
  /** While the pool starts, only one trial runs in this thread (a long fit here would hold up cancel). */
  poolPending: () => boolean;
  poolStart?: Promise<unknown>;
  next: () => PlannedTrial | undefined;
  finish: (p: PlannedTrial, outcome: TrialOutcome) => void;
}

/** Runs trials until the budget is spent; returns how many were launched. */
export async function runSchedule(o: ScheduleOptions): Promise<number> {
  let launched = 0;
  const start = (p: PlannedTrial) => {
    launched++;
    return runOne(p, o);
  };
  if (o.workUnits !== undefined) {
    let remaining = o.workUnits;
    while (remaining > 0 && !o.stop.aborted) {
      await yieldToEventLoop();
      if (o.stop.aborted) break;
      const items: PlannedTrial[] = [];
      for (let i = 0; i < Math.min(o.batch, remaining); i++) {
        const it = o.next();
        if (it) items.push(it);
      }
      if (!items.length) break;
      remaining -= items.length;
      const outcomes = await Promise.all(items.map(start));
      items.forEach((it, i) => o.finish(it, outcomes[i]));
    }
    return launched;
  }
  const running = new Map<number, { controller: AbortController; promise: Promise<void> }>();
  let bootstrapped = false;
  while (!o.stop.aborted) {
    await yieldToEventLoop(); // in-process fits resolve as microtasks; let timers and cancel run
    if (o.stop.aborted || performance.now() >= o.deadline) break;
    while (running.size < o.executor().slots && !o.stop.aborted && !(o.poolPending() && bootstrapped)) {
      const item = o.next();
      if (!item) break;
      if (o.poolPending()) bootstrapped = true;
      const controller = new AbortController();
      const promise = (launched++, runOne(item, o, controller))
        .then((outcome) => o.finish(item, outcome))
        .finally(() => running.delete(item.trial.number));
      running.set(item.trial.number, { controller, promise });
    }
    if (running.size === 0 && !o.poolPending()) break;
    const wait = Math.max(10, Math.min(250, o.deadline - performance.now()));
    await Promise.race([...[...running.values()].map((r) => r.promise), sleep(wait), ...(o.poolPending() && o.poolStart ? [o.poolStart] : [])]);
  }
  // Out of time (or cancelled): stop what is still running; their work is lost.
  for (const r of running.values()) r.controller.abort();
  await Promise.race([Promise.allSettled([...running.values()].map((r) => r.promise)), sleep(1000)]);
  return launched;
}

/** One trial on the current executor, with deadline projection and pruning. Never rejects. */
async function runOne(p: PlannedTrial, o: ScheduleOptions, controller = new AbortController()): Promise<TrialOutcome> {
  const onClock = o.workUnits === undefined;
  const signal = AbortSignal.any([controller.signal, o.stop]);
  let pruned = false;
  let projectedS = 0;
  let first: { t: number; f: number } | undefined;
  const onProgress = (pr: { fraction: number; validLoss?: number }) => {
    // A trial that will not finish before the deadline is stopped now, not at the deadline. The
    // rate is measured from its first progress report, so start-up costs do not count.
    if (onClock && !pruned) {
      const now = performance.now();
      if (!first) first = { t: now, f: pr.fraction };
      else if (pr.fraction - first.f >= 0.1) {
        const remainingMs = ((now - first.t) / (pr.fraction - first.f)) * (1 - pr.fraction);
        if (now + remainingMs > o.deadline + 1000) {
          projectedS = (now - first.t + remainingMs) / 1000;
          pruned = true;
          controller.abort();
          return;
        }
      }
    }
    if (pr.validLoss === undefined || !p.fidelity || pruned) return;
    const step = Math.round(pr.fraction * o.folds * p.fidelity);
    p.trial.report(o.lowerIsBetter ? pr.validLoss : -pr.validLoss, step);
    if (p.trial.shouldPrune()) {
      pruned = true;
      controller.abort();
    }
  };
  try {
    return { kind: 'done', res: await o.executor().run(p.req, { signal, onProgress }) };
  } catch (err) {
    if (projectedS > 0) return { kind: 'out_of_time', projectedS };
    if (pruned) return { kind: 'pruned' };
    if (isCancelled(err)) return { kind: 'cancelled' };
    return { kind: 'failed', err };
  }
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
