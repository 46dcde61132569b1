// The budget policy: what each family's trial may cost, and which families still get trials. Rules
// that used to be `if (family === ...)` branches inside the search loop live here, one entry per family.
import type { Shape } from './spaces.ts';

export interface TrialBudgetContext {
  shape: Shape;
  budgetS: number;
  /** Folds each trial fits. */
  folds: number;
}

type BudgetRule = (params: Record<string, unknown>, ctx: TrialBudgetContext) => Record<string, unknown>;

/** Per family: parameters capped so one trial fits in a share of the run's budget. */
const RULES: Partial<Record<string, BudgetRule>> = {
  mlp: (params, { shape, budgetS, folds }) => ({ epochs: mlpEpochs(params.epochs, shape.nRows, budgetS, folds) }),
  gbdt: (params, { shape, budgetS, folds }) => gbdtRounds(params, shape, budgetS, folds),
};

/** `params` with the family's budget caps applied (families without a rule are unchanged). */
export function applyTrialBudget(family: string, params: Record<string, unknown>, ctx: TrialBudgetContext): Record<string, unknown> {
  const rule = RULES[family];
  return rule ? { ...params, ...rule(params, ctx) } : params;
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

/**
 * Which families still get trials: a family that keeps failing on this data (twice, never once
 * succeeding) is left out, and so is one whose fastest trial so far would not finish in the time left.
 */
export class FamilyBudgets {
  /** Seconds per trial, per family: finished trials and projections of trials stopped for time. */
  private readonly times = new Map<string, number[]>();
  private readonly fails = new Map<string, number>();
  private readonly oks = new Map<string, number>();

  constructor(private readonly onClock: boolean) {}

  addTime(family: string, seconds: number): void {
    this.times.set(family, [...(this.times.get(family) ?? []), seconds]);
  }

  succeeded(family: string, seconds: number): void {
    this.addTime(family, seconds);
    this.oks.set(family, (this.oks.get(family) ?? 0) + 1);
  }

  failed(family: string): void {
    this.fails.set(family, (this.fails.get(family) ?? 0) + 1);
  }

  /** Can a trial of this family still finish within `secondsLeft` (judged on its fastest past trial)? */
  fitsInTime(family: string, secondsLeft: number): boolean {
    if (!this.onClock) return true;
    const t = this.times.get(family);
    return !t?.length || Math.min(...t) <= secondsLeft;
  }

  allowed(families: string[], secondsLeft: number): string[] {
    return families.filter((f) => ((this.fails.get(f) ?? 0) < 2 || (this.oks.get(f) ?? 0) > 0) && this.fitsInTime(f, secondsLeft));
  }
}
