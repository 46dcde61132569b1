import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { evaluationMetricsFor, type MetricName } from '../../shared/metrics.ts';
import { computeMetric } from '../../electron/engine/evaluate/metrics.ts';
import { evaluateInto, layoutFor, layoutSize, metricValue, prepareScores } from '../../electron/engine/evaluate/kernels.ts';
import type { TaskInfo } from '../../electron/engine/models/types.ts';
import { mulberry32 } from '../../electron/engine/util/random.ts';

interface Case {
  name: string;
  task: 'binary' | 'multiclass' | 'regression';
  k: number;
  y: number[];
  pred: number[];
  metrics: Record<string, number>;
  per_class?: { precision: number[]; recall: number[]; f1: number[] };
}
const ref = JSON.parse(fs.readFileSync(new URL('./fixtures/sklearn-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const taskOf = (c: Case): TaskInfo => ({ task: c.task, nClasses: c.task === 'regression' ? 1 : c.k });
const f = (xs: number[]) => Float64Array.from(xs);
const bin: TaskInfo = { task: 'binary', nClasses: 2 };
const multi: TaskInfo = { task: 'multiclass', nClasses: 3 };
const reg: TaskInfo = { task: 'regression', nClasses: 1 };

describe('every metric against scikit-learn', () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const task = taskOf(c);
      const s = prepareScores(task, f(c.y), f(c.pred));
      const names = Object.keys(c.metrics) as MetricName[];
      // the task's full list is what sklearn computed (MAPE only where no actual is 0)
      expect(layoutFor(s).metrics.sort()).toEqual([...names].sort());
      for (const m of names) {
        expect(metricValue(s, m), `${m} (kernels)`).toBeCloseTo(c.metrics[m], 10);
        // the search's scorer gives the same numbers
        expect(computeMetric(m, task, f(c.y), f(c.pred)), `${m} (computeMetric)`).toBeCloseTo(c.metrics[m], 10);
      }
      if (c.per_class) {
        const l = layoutFor(s);
        const out = new Float64Array(layoutSize(l));
        evaluateInto(s, l, null, out);
        const at = l.metrics.length;
        for (let k = 0; k < c.k; k++) {
          expect(out[at + 3 * k]).toBeCloseTo(c.per_class.precision[k], 10);
          expect(out[at + 3 * k + 1]).toBeCloseTo(c.per_class.recall[k], 10);
          expect(out[at + 3 * k + 2]).toBeCloseTo(c.per_class.f1[k], 10);
        }
      }
    });
  }
});

describe('edge cases, by hand', () => {
  it('one class in a slice: ranking metrics are undefined, hit rates are not', () => {
    const s = prepareScores(bin, f([1, 1, 1]), f([0.2, 0.7, 0.9]));
    expect(metricValue(s, 'roc_auc')).toBeNaN();
    expect(metricValue(s, 'pr_auc')).toBeNaN(); // no negatives: the ranking cannot be judged
    expect(metricValue(s, 'accuracy')).toBeCloseTo(2 / 3, 12);
    // balanced accuracy counts only outcomes that occur: recall of class 1
    expect(metricValue(s, 'balanced_accuracy')).toBeCloseTo(2 / 3, 12);
    const neg = prepareScores(bin, f([0, 0]), f([0.2, 0.7]));
    expect(metricValue(neg, 'pr_auc')).toBeNaN();
    expect(metricValue(neg, 'accuracy')).toBe(0.5);
  });

  it('tied scores count half: AUC 0.875 for one tied pair of four', () => {
    const s = prepareScores(bin, f([0, 1, 0, 1]), f([0.5, 0.5, 0.2, 0.9]));
    expect(metricValue(s, 'roc_auc')).toBeCloseTo(0.875, 12);
    // AP: thresholds .9 (tp1 fp0 → P1 R.5), .5 (tp2 fp1 → P2/3 R1), .2 → .5·1 + .5·2/3
    expect(metricValue(s, 'pr_auc')).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
  });

  it('perfect and constant predictions', () => {
    const y = f([0, 1, 1, 0, 1]);
    const perfect = prepareScores(bin, y, f([0, 1, 1, 0, 1]));
    expect(metricValue(perfect, 'roc_auc')).toBe(1);
    expect(metricValue(perfect, 'pr_auc')).toBe(1);
    expect(metricValue(perfect, 'brier')).toBe(0);
    expect(metricValue(perfect, 'log_loss')).toBeLessThan(1e-12);
    const constant = prepareScores(bin, y, f([0.6, 0.6, 0.6, 0.6, 0.6]));
    expect(metricValue(constant, 'roc_auc')).toBe(0.5);
    expect(metricValue(constant, 'pr_auc')).toBeCloseTo(0.6, 12); // the share of positives
    expect(metricValue(constant, 'accuracy')).toBeCloseTo(0.6, 12);
    const r = prepareScores(reg, f([1, 2, 3]), f([2, 2, 2]));
    expect(metricValue(r, 'r2')).toBeCloseTo(0, 12);
    expect(metricValue(r, 'mae')).toBeCloseTo(2 / 3, 12);
    expect(metricValue(r, 'mape')).toBeCloseTo((1 + 0 + 1 / 3) / 3, 12);
  });

  it('R² of a constant outcome: 1 when exact, else 0 (scikit-learn)', () => {
    expect(metricValue(prepareScores(reg, f([4, 4]), f([4, 4])), 'r2')).toBe(1);
    expect(metricValue(prepareScores(reg, f([4, 4]), f([4, 5])), 'r2')).toBe(0);
  });

  it('multiclass ranking skips an outcome that never occurs', () => {
    const y = f([0, 1, 0, 1]);
    const p = f([0.7, 0.2, 0.1, 0.2, 0.6, 0.2, 0.5, 0.3, 0.2, 0.4, 0.5, 0.1]);
    const s = prepareScores(multi, y, p);
    // class 0: pos .7,.5 vs neg .2,.4 → 1; class 1: pos .6,.5 vs neg .2,.3 → 1; class 2 absent
    expect(metricValue(s, 'roc_auc')).toBe(1);
    expect(metricValue(s, 'accuracy')).toBe(1);
  });

  it('MAPE is left out when an actual is 0', () => {
    const s = prepareScores(reg, f([0, 2]), f([1, 2]));
    expect(layoutFor(s).metrics).not.toContain('mape');
    expect(metricValue(s, 'mape')).toBeNaN();
  });
});

describe('weights stand for repeated rows (what the bootstrap relies on)', () => {
  const tasks: [string, TaskInfo][] = [['binary', bin], ['multiclass', multi], ['regression', reg]];
  for (const [name, task] of tasks) {
    it(name, () => {
      const rnd = mulberry32(7);
      const n = 120, k = task.task === 'multiclass' ? 3 : 1;
      const y = Float64Array.from({ length: n }, () => (task.task === 'regression' ? 1 + rnd() * 10 : Math.floor(rnd() * (task.task === 'binary' ? 2 : 3))));
      const pred = Float64Array.from({ length: n * k }, () => Math.round(rnd() * 10) / 10 + 0.01);
      if (task.task === 'multiclass') for (let i = 0; i < n; i++) { let s = 0; for (let c = 0; c < k; c++) s += pred[i * k + c]; for (let c = 0; c < k; c++) pred[i * k + c] /= s; }
      const w = Float64Array.from({ length: n }, () => Math.floor(rnd() * 3));
      const rows: number[] = [];
      w.forEach((c, i) => { for (let j = 0; j < c; j++) rows.push(i); });
      const yR = Float64Array.from(rows, (i) => y[i]);
      const pR = new Float64Array(rows.length * k);
      rows.forEach((r, j) => { for (let c = 0; c < k; c++) pR[j * k + c] = pred[r * k + c]; });
      const s = prepareScores(task, y, pred), sR = prepareScores(task, yR, pR);
      for (const m of evaluationMetricsFor(task.task)) expect(metricValue(s, m, w), m).toBeCloseTo(metricValue(sR, m), 10);
    });
  }
});
