// Plain words and the traffic light for real reports, and the history series built from them.
import { describe, expect, it } from 'vitest';
import { driftReport, type DriftReport } from '../../electron/engine/monitor/drift.ts';
import { verdict } from '../../electron/engine/monitor/words.ts';
import { historySeries, monitorRecord, monitorRecordsFromJSON, type MonitorRecord } from '../../electron/engine/monitor/history.ts';
import type { PerformanceEstimate } from '../../electron/engine/monitor/performance.ts';
import { mulberry32, gaussian } from '../../electron/engine/util/random.ts';
import { coded, num, table } from './helpers.ts';

function contracts(n: number, seed: number, monthly: number, charges = 0) {
  const rnd = mulberry32(seed);
  return table(
    coded('Contract', Array.from({ length: n }, () => (rnd() < monthly ? 'Month-to-month' : rnd() < 0.5 ? 'One year' : 'Two year'))),
    num('MonthlyCharges', Array.from({ length: n }, () => 65 + 30 * gaussian(rnd) + charges)),
    coded('Partner', Array.from({ length: n }, () => (rnd() < 0.5 ? 'Yes' : 'No')), 'boolean', ['No', 'Yes']),
  );
}

const quick = { multivariate: false } as const;

describe('verdict', () => {
  it('green: the new file looks like the training data', async () => {
    const r = await driftReport(contracts(3000, 1, 0.45), contracts(800, 2, 0.45), quick);
    const v = verdict(r);
    expect(v).toMatchObject({ light: 'green', headline: 'The new file looks like the training data.', advice: 'No action needed.' });
  });

  it('names how many columns changed, the most important first, with before and after', async () => {
    const importance = new Map([['Contract', 5], ['MonthlyCharges', 1], ['Partner', 1]]);
    const r = await driftReport(contracts(3000, 3, 0.45), contracts(800, 4, 0.8, 25), { ...quick, importance });
    const v = verdict(r);
    expect(v.light).toBe('red'); // the most important column moved: most of the weighted file drifted
    expect(v.headline).toMatch(/^2 of 3 columns changed; the most important of them is Contract: [78]\d% Month-to-month now, 4\d% before\.$/);
    expect(v.details[1]).toMatch(/^MonthlyCharges: typically 9\d(\.\d)? now, 6\d(\.\d)? before\.$/);
    expect(v.advice).toMatch(/retrain/);
  });

  it('missing columns are red and say what to do', async () => {
    const cur = contracts(300, 5, 0.45);
    cur.columns.splice(1, 1);
    const v = verdict(await driftReport(contracts(3000, 5, 0.45), cur, quick));
    expect(v.light).toBe('red');
    expect(v.headline).toBe('The new file has no "MonthlyCharges" column, which the model needs.');
    expect(v.advice).toMatch(/^Add the missing columns/);
  });

  it('new values and out-of-range values are told in rows and shares', async () => {
    const cur = contracts(500, 6, 0.45);
    const c = cur.columns[0] as { codes: Int32Array; dictionary: string[] };
    c.dictionary.push('Weekly');
    for (let i = 0; i < 25; i++) c.codes[i] = c.dictionary.length - 1;
    (cur.columns[1] as { values: Float64Array }).values[0] = 10_000;
    const v = verdict(await driftReport(contracts(3000, 6, 0.45), cur, quick));
    expect(v.details).toContain('Contract has values the training data never had (for example "Weekly"), in 5% of rows.');
    expect(v.details.some((d) => /^\d rows? \(< 1%\) of MonthlyCharges (is|are) (above anything in|outside) the training/.test(d))).toBe(true);
    expect(v.light).toBe('amber'); // 5 % of rows with a value never seen
    expect(v.headline).toBe('The new file looks like the training data, except for values the model has never seen.');
  });

  it('performance: the estimate with its interval against training, and a clear drop turns the light red', () => {
    const report = { columns: [], missing_columns: [], dataset_drift: false, n_columns: 3, multivariate: null, weighted: false } as unknown as DriftReport;
    const perf: PerformanceEstimate = {
      task: 'binary',
      rows: 800,
      estimated: {
        accuracy: { value: 0.71, ci: [0.68, 0.74], reference: 0.84, lower: 0.8, upper: 0.88, alert: true, worse: true },
        roc_auc: { value: 0.8, ci: [0.77, 0.83], reference: 0.85, lower: 0.81, upper: 0.89, alert: true, worse: true },
      },
    };
    const v = verdict(report, perf);
    expect(v.details[0]).toBe('Augur estimates the model is right 71% of the time on this file (likely between 68% and 74%), against 84% in training. That is a clear drop.');
    expect(v.details[1]).toMatch(/^Augur estimates its ranking quality is 80% on this file/);
    expect(v.light).toBe('red');
    expect(v.advice).toBe('Retrain the model on recent data before relying on its predictions.');
  });
});

describe('history', () => {
  const rec = (i: number, acc: number, alert: boolean, drifted: string[]): MonitorRecord => ({
    id: `f${i}`,
    checked: new Date(Date.UTC(2025, i, 1)).toISOString(),
    label: `month ${i}.csv`,
    rows: 500,
    light: alert ? 'red' : 'green',
    dataset_drift: alert,
    share_drifted: drifted.length / 4,
    drifted_columns: drifted,
    multivariate: { auc: 0.5 + i / 100, upper: 0.55, drifted: false },
    metrics: [{ name: 'accuracy', estimated: acc, ci: [acc - 0.02, acc + 0.02], reference: 0.84, lower: 0.8, upper: 0.88, alert }],
  });

  it('turns records into a chart series with thresholds and trend sentences, oldest first', () => {
    const records = [rec(3, 0.78, true, ['Contract']), rec(1, 0.83, false, ['Contract']), rec(2, 0.81, false, ['Contract', 'Age']), rec(4, 0.76, true, ['Contract'])];
    const s = historySeries(records, 'accuracy');
    expect(s.points.map((p) => p.id)).toEqual(['f1', 'f2', 'f3', 'f4']);
    expect(s.points[0]).toMatchObject({ estimated: 0.83, lower: 0.8, upper: 0.88, share_threshold: 0.5, auc: 0.51, auc_upper: 0.55 });
    expect(s.notes).toEqual([
      'The model has been outside its usual range on the last two files.',
      'Accuracy has got worse on each of the last three files, from 81% to 76%.',
      'Contract has changed in each of the last three files.',
    ]);
  });

  it('a record made from real results survives JSON; damaged history is refused', async () => {
    const r = await driftReport(contracts(2000, 7, 0.45), contracts(400, 8, 0.7), quick);
    const record = monitorRecord('a1', 'may.csv', new Date(Date.UTC(2025, 4, 2)), verdict(r).light, r);
    expect(record).toMatchObject({ rows: 400, light: 'amber', drifted_columns: ['Contract'] });
    const back = monitorRecordsFromJSON(JSON.parse(JSON.stringify([record])));
    expect(back).toEqual([record]);
    for (const broken of [{}, [{ ...record, light: 'blue' }], [{ ...record, metrics: [{ name: 'speed' }] }], [{ ...record, rows: 'many' }]]) {
      expect(() => monitorRecordsFromJSON(broken)).toThrow(/damaged/);
    }
  });
});
