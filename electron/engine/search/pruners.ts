// Asynchronous successive halving (ASHA, Li et al. 2018): rungs at minResource·η^r steps; a trial
// crossing a rung continues only if it is in the top 1/η of the trials that reached that rung
// before. Only finished trials are compared, so the decision does not depend on timing.
import type { FrozenTrial, Pruner, Study, Trial } from './study.ts';

export interface HalvingOptions {
  /** First rung, in report steps (e.g. epochs or percent of training). */
  minResource: number;
  /** Keep the top 1/reductionFactor at each rung. */
  reductionFactor?: number;
  /** Do not judge a rung until this many earlier trials reached it. */
  minCompetitors?: number;
}

export class SuccessiveHalvingPruner implements Pruner {
  private readonly minResource: number;
  private readonly eta: number;
  private readonly minCompetitors: number;

  constructor(opts: HalvingOptions) {
    this.minResource = opts.minResource;
    this.eta = opts.reductionFactor ?? 3;
    this.minCompetitors = opts.minCompetitors ?? 2;
  }

  /** Rung resources up to maxStep, e.g. [11, 33, 100] for minResource 11, η 3. */
  rungs(maxStep: number): number[] {
    const out: number[] = [];
    for (let r = this.minResource; r <= maxStep; r *= this.eta) out.push(r);
    return out;
  }

  shouldPrune(study: Study, trial: Trial, step: number): boolean {
    const rung = this.rungAt(step);
    if (rung === undefined) return false;
    // Judge only at the report that first crosses this rung.
    for (const s of trial.intermediate.keys()) if (s < step && s >= rung) return false;
    const mine = study.loss(trial.intermediate.get(step)!);
    const others: number[] = [];
    for (const t of study.trials) {
      if (t === trial || (t.state !== 'complete' && t.state !== 'pruned') || t.group !== trial.group) continue;
      const v = valueAtRung(t, rung);
      if (v !== undefined) others.push(study.loss(v));
    }
    if (others.length < this.minCompetitors) return false;
    const all = [...others, mine].sort((a, b) => a - b);
    const keep = Math.max(1, Math.floor(all.length / this.eta));
    return mine > all[keep - 1];
  }

  private rungAt(step: number): number | undefined {
    let rung: number | undefined;
    for (let r = this.minResource; r <= step; r *= this.eta) rung = r;
    return rung;
  }
}

/** The trial's value at the first report at or after `rung`. */
function valueAtRung(t: FrozenTrial, rung: number): number | undefined {
  let bestStep = Infinity;
  let v: number | undefined;
  for (const [s, val] of t.intermediate) if (s >= rung && s < bestStep) { bestStep = s; v = val; }
  return v;
}
