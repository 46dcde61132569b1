// A real run's model, understood: the fast evaluation at the run's end keeps a calibration and ranges
// with the model when they help, the deep part adds slices, importance and the learning curve, and a
// row's explanation adds up from the average row to that row's answer.
import { describe, expect, it } from 'vitest';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { completeBundle } from '../../electron/engine/deploy/bundle.ts';
import { scoreTable } from '../../electron/engine/deploy/scoring.ts';
import { evaluateAndKeep, evaluateDeep, evidenceOf, explainTrainingRow, explainTypedValues, formFields } from '../../electron/engine/evaluate/understand.ts';
import { runAutoML } from '../../electron/engine/search/run.ts';
import { syntheticTable } from '../search/helpers.ts';

async function trained(task: 'binary' | 'regression') {
  const table = syntheticTable(500, 11, task);
  const settings = { target: 'bought' };
  const prepared = prepareTraining(table, settings);
  const run = await runAutoML(prepared, { budgetS: 30, workUnits: 4, seed: 1, workers: 0, families: ['linear', 'gbdt'] });
  const bundle = completeBundle(run.model, table, settings);
  const ev = evidenceOf(prepared, run, []);
  return { table, bundle, ev, run };
}

describe('understanding a trained model', () => {
  it('two outcomes: a verdict, kept ranges, a deep report, and explanations that add up', async () => {
    const { table, bundle, ev } = await trained('binary');
    const fast = await evaluateAndKeep(bundle, ev);
    expect(['ready', 'care', 'not_ready']).toContain(fast.verdict.level);
    expect(fast.metrics.roc_auc!.value).toBeGreaterThan(0.8);
    expect(bundle.postprocess?.conformal).toBeDefined();
    // the saved model's answers come with sets of answers now
    expect(scoreTable(bundle, table).sets?.coverage).toBeCloseTo(0.9, 5);
    const progress: number[] = [];
    const deep = await evaluateDeep(bundle, ev, fast, { onProgress: (f) => progress.push(f), learningCapS: 20 });
    expect(deep.slow.slices.length).toBeGreaterThan(0);
    expect(deep.importance!.columns[0].column).toBe('x1'); // the strongest signal in the synthetic table
    expect(deep.learning!.points.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toBe(1);
    const e = await explainTrainingRow(bundle, ev, 7);
    const sum = e.contributions.reduce((s, c) => s + (c.shown ?? 0), 0);
    expect(e.baseShown + sum).toBeCloseTo(e.shown, 6);
    expect(e.reasons.length).toBeGreaterThan(0);
    // the what-if form: its fields come from the training rows, and typed values get an answer
    const fields = formFields(bundle, ev);
    expect(fields.map((f) => f.column).sort()).toEqual(['colour', 'x1', 'x2']);
    const w = await explainTypedValues(bundle, ev, { x1: 2.5, x2: -1, colour: 'blue' });
    expect(w.shown).toBeGreaterThan(0.9);
  }, 60_000);

  it('amounts: ranges in the model, importance by original column', async () => {
    const { table, bundle, ev } = await trained('regression');
    const fast = await evaluateAndKeep(bundle, ev);
    expect(fast.conformal?.coverage).toBeCloseTo(0.9, 5);
    const s = scoreTable(bundle, table);
    expect(s.interval).toBeDefined();
    let inside = 0;
    const y = (table.columns[3] as { values: Float64Array }).values;
    for (let i = 0; i < table.nRows; i++) if (y[i] >= s.interval!.lo[i] && y[i] <= s.interval!.hi[i]) inside++;
    expect(inside / table.nRows).toBeGreaterThan(0.85);
    const e = await explainTrainingRow(bundle, ev, 3);
    expect(e.baseShown + e.contributions.reduce((a, c) => a + (c.shown ?? c.contribution), 0)).toBeCloseTo(e.shown, 6);
  }, 60_000);
});
