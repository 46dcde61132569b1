import { describe, expect, it } from 'vitest';
import { Study } from '../../electron/engine/search/study.ts';
import { RandomSampler, TpeSampler } from '../../electron/engine/search/samplers.ts';
import { SuccessiveHalvingPruner } from '../../electron/engine/search/pruners.ts';
import type { Sampler } from '../../electron/engine/search/study.ts';

// A conditional objective shaped like a model search: a family choice with its own parameters.
function objective(t: import('../../electron/engine/search/study.ts').Trial): number {
  const fam = t.suggestCategorical('family', ['a', 'b', 'c']);
  const lr = t.suggestFloat('lr', 1e-4, 1, { log: true });
  const depth = t.suggestInt('depth', 1, 12);
  let v = (Math.log10(lr) + 1.5) ** 2 + ((depth - 7) / 3) ** 2;
  if (fam === 'b') v += 0.5 + (t.suggestFloat('b_only', 0, 1) - 0.2) ** 2;
  if (fam === 'c') v += 1;
  return v;
}

function bestAfter(sampler: Sampler, n: number): number {
  const study = new Study({ direction: 'minimize', sampler });
  for (let i = 0; i < n; i++) {
    const t = study.ask();
    study.tell(t, objective(t));
  }
  return study.bestTrial!.value!;
}

describe('study (ask/tell)', () => {
  it('records suggestions, enqueued values and the best trial', () => {
    const study = new Study({ direction: 'maximize', sampler: new RandomSampler(1) });
    study.enqueue({ x: 0.25 });
    const t0 = study.ask();
    expect(t0.suggestFloat('x', 0, 1)).toBe(0.25);
    expect(t0.suggestFloat('x', 0, 1)).toBe(0.25); // asking twice returns the same value
    study.tell(t0, 3);
    const t1 = study.ask();
    const x = t1.suggestInt('n', 2, 5);
    expect(Number.isInteger(x) && x >= 2 && x <= 5).toBe(true);
    study.tell(t1, 7);
    const t2 = study.ask();
    study.tell(t2, { state: 'failed' });
    expect(study.bestTrial?.number).toBe(1);
    expect(() => study.tell(t1, 1)).toThrow();
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'failed']);
  });

  it('is reproducible for the same seed', () => {
    const run = (seed: number) => {
      const s = new Study({ direction: 'minimize', sampler: new TpeSampler({ seed }) });
      for (let i = 0; i < 20; i++) { const t = s.ask(); s.tell(t, objective(t)); }
      return s.trials.map((t) => JSON.stringify(t.params));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('TPE finds better configurations than random search with the same number of trials', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const tpe = seeds.map((s) => bestAfter(new TpeSampler({ seed: s }), 40));
    const rnd = seeds.map((s) => bestAfter(new RandomSampler(s), 40));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(tpe)).toBeLessThan(mean(rnd) * 0.7);
  });
});

describe('successive-halving pruner', () => {
  it('stops trials whose early scores are in the bottom of their rung, keeps the good ones', () => {
    const study = new Study({ direction: 'minimize', sampler: new RandomSampler(0), pruner: new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 }) });
    // Learning curves: quality q; loss at epoch e = q + 1/e.
    const curves = [0.1, 0.2, 0.3, 0.9, 0.05, 1.5, 2.0];
    const outcome: string[] = [];
    for (const q of curves) {
      const t = study.ask();
      let pruned = false;
      for (let e = 1; e <= 9; e++) {
        t.report(q + 1 / e, e);
        if (t.shouldPrune()) { pruned = true; break; }
      }
      study.tell(t, pruned ? { state: 'pruned' } : q + 1 / 9);
      outcome.push(pruned ? 'pruned' : 'done');
    }
    // The first trials have too few competitors to be judged; later bad ones stop, the best finishes.
    expect(outcome.slice(0, 2)).toEqual(['done', 'done']);
    expect(outcome[4]).toBe('done');
    expect(outcome[5]).toBe('pruned');
    expect(outcome[6]).toBe('pruned');
    const pruned = study.trials.filter((t) => t.state === 'pruned');
    for (const t of pruned) expect(Math.max(...t.intermediate.keys())).toBeLessThan(9);
  });
});
