// The run's book of trials: every finished, pruned or failed trial as a leaderboard row (sent to the
// screen as it happens) and as a run-record entry; the scored ones with their validation predictions;
// and which of them go on holding their fitted models for the ensemble (keep.ts).
import type { LeaderboardRow } from '../../../shared/api.ts';
import type { MetricName } from '../evaluate/metrics.ts';
import type { FittedJSON } from '../models/types.ts';
import { familyByName } from '../models/registry.ts';
import { keepBar, keepSet } from './keep.ts';
import type { TrialRecord } from './record.ts';
import type { ParamValue } from './study.ts';
import type { TrialResult } from './trial.ts';

export interface Done {
  row: LeaderboardRow;
  trialNumber: number;
  family: string;
  score: number;
  /** The tie-break metric on the validation rows (lower is better), when the run's metric has one. */
  tie?: number;
  oof: Float64Array;
  models?: FittedJSON[];
}

/** What the run record keeps of a trial besides its result. */
export interface TrialSetup {
  space: Record<string, ParamValue>;
  params: Record<string, unknown>;
  seed: number;
  balance: boolean;
}

export interface TrialBookOptions {
  metric: MetricName;
  lowerIsBetter: boolean;
  score: (pred: Float64Array) => number;
  tieBreak?: (pred: Float64Array) => number;
  onRow?: (row: LeaderboardRow) => void;
}

export class TrialBook {
  readonly rows: LeaderboardRow[] = [];
  readonly done: Done[] = [];
  readonly records: TrialRecord[] = [];
  best?: Done;
  private readonly familyCount = new Map<string, number>();

  constructor(private readonly o: TrialBookOptions) {}

  better = (a: number, b: number): boolean => (this.o.lowerIsBetter ? a < b : a > b);

  private displayName(family: string): string {
    if (family === 'baseline') return 'Baseline';
    const n = (this.familyCount.get(family) ?? 0) + 1;
    this.familyCount.set(family, n);
    return `${familyByName(family).displayName} #${n}`;
  }

  /** Books one trial's outcome; returns its score (NaN unless it finished with a finite score). */
  record(trialNumber: number, family: string, res: TrialResult | undefined, status: LeaderboardRow['status'], setup: TrialSetup, extra: { note?: string; fitS?: number } = {}): number {
    const s = res ? this.o.score(res.oof) : NaN;
    const ok = status === 'done' && Number.isFinite(s);
    const row: LeaderboardRow = {
      id: trialNumber < 0 ? 'baseline' : `t${trialNumber}`,
      model: this.displayName(family),
      family,
      score: ok ? s : NaN,
      metric: this.o.metric,
      lowerIsBetter: this.o.lowerIsBetter,
      fitS: round2(res?.fitS ?? extra.fitS ?? 0),
      status: ok ? 'done' : status === 'done' ? 'failed' : status,
      note: extra.note ?? (status === 'done' && !ok ? 'Its score could not be computed on the checking rows.' : undefined),
    };
    this.rows.push(row);
    this.records.push({
      number: trialNumber, family, space: setup.space, params: setup.params, seed: setup.seed, balance: setup.balance,
      state: row.status, ...(ok ? { score: s } : {}), fitS: res?.fitS ?? extra.fitS ?? 0,
    });
    this.o.onRow?.(row);
    if (ok && res) {
      const d: Done = { row, trialNumber, family, score: s, tie: this.o.tieBreak?.(res.oof), oof: res.oof, models: res.models };
      this.done.push(d);
      if (!this.best || this.better(s, this.best.score)) this.best = d;
      // Keep models only for the best few (memory).
      const holding = this.holding();
      const keep = keepSet(holding, this.better);
      for (const x of holding) if (!keep.has(x)) x.models = undefined;
    }
    return ok ? s : NaN;
  }

  /** A row that is not a trial (the ensemble), listed and sent like one. */
  addRow(row: LeaderboardRow): void {
    this.rows.push(row);
    this.o.onRow?.(row);
  }

  /** Scored trials (baseline excluded) that still hold their fitted models. */
  holding(): Done[] {
    return this.done.filter((x) => x.models && x.family !== 'baseline');
  }

  /** What a trial of `family` must score for its models to be kept (see keep.ts). */
  keepThreshold(family: string): { metric: MetricName; lowerIsBetter: boolean; threshold: number } | undefined {
    const threshold = keepBar(this.holding(), family, this.better);
    return threshold === undefined ? undefined : { metric: this.o.metric, lowerIsBetter: this.o.lowerIsBetter, threshold };
  }

  /** The best score of a family so far (NaN when it has none). */
  bestOf(family: string): number {
    return this.done.filter((d) => d.family === family).reduce((b, d) => (Number.isNaN(b) || this.better(d.score, b) ? d.score : b), NaN);
  }
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;
