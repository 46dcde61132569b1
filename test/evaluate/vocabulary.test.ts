import { describe, expect, it } from 'vitest';
import * as vocab from '../../shared/metrics.ts';
import * as fmt from '../../renderer/src/format.ts';
import * as summary from '../../electron/engine/search/summary.ts';
import { defaultMetric, metricInfo, metricsForTask } from '../../electron/engine/evaluate/metrics.ts';
import { validateRequest } from '../../electron/api/validate.ts';

describe('one metric vocabulary', () => {
  it('is the same functions on every side (no second copy to drift)', () => {
    expect(fmt.formatScore).toBe(vocab.formatScore);
    expect(fmt.formatNumber).toBe(vocab.formatNumber);
    expect(fmt.formatPercent).toBe(vocab.formatPercent);
    expect(fmt.metricPlain).toBe(vocab.metricPlain);
    expect(summary.formatScore).toBe(vocab.formatScore);
    expect(summary.formatNumber).toBe(vocab.formatNumber);
    expect(summary.scoreText).toBe(vocab.scoreText);
  });

  it('names every metric with a direction, labels and a hint', () => {
    for (const task of ['binary', 'multiclass', 'regression'] as const) {
      for (const m of vocab.evaluationMetricsFor(task)) {
        const s = vocab.metricSpec(m);
        expect(s.label.length && s.plain.length && s.longLabel.length && s.hint.length, m).toBeTruthy();
        expect(s.hint, m).toMatch(/\.$/);
      }
      // what a run may optimise is a subset, the default first; the engine's list is the shared one
      const search = vocab.searchMetricsFor(task);
      expect(search.every((m) => vocab.evaluationMetricsFor(task).includes(m))).toBe(true);
      expect(metricsForTask({ task, nClasses: task === 'regression' ? 1 : 3 })).toEqual(search);
      expect(defaultMetric({ task, nClasses: 2 })).toBe(search[0]);
    }
    expect(metricInfo('log_loss')).toEqual({ lowerIsBetter: true, label: 'Log loss' });
    expect(vocab.metricSpec('mape').lowerIsBetter).toBe(true);
  });

  it('the API accepts exactly the search metrics', () => {
    const args = (metric: string) => ({ datasetId: 'd', target: 't', budgetS: 5, jobId: 'j', metric });
    for (const m of Object.keys(vocab.SEARCH_METRICS)) expect(() => validateRequest('train', args(m))).not.toThrow();
    // an evaluation-only metric is not something the search can optimise
    expect(() => validateRequest('train', args('pr_auc'))).toThrow(expect.objectContaining({ detail: expect.stringMatching(/^metric must be one of roc_auc, log_loss, accuracy, f1_macro, rmse, mae, r2$/) }));
  });

  it('writes scores one way', () => {
    expect(vocab.formatScore('roc_auc', 0.873)).toBe('87%');
    // the search's old copy wrote 0.996 as "100%": a near-perfect score must not read as perfect
    expect(vocab.formatScore('accuracy', 0.996)).toBe('99.6%');
    expect(vocab.formatScore('rmse', 1234.4)).toBe('± 1,234');
    expect(vocab.formatScore('mae', 6)).toBe('± 6');
    // the renderer's old copy wrote log loss to two digits (0.31 for 0.3104 and 0.3149 alike)
    expect(vocab.formatScore('log_loss', 0.3149)).toBe('0.315');
    expect(vocab.formatScore('brier', 0.10474)).toBe('0.105');
    expect(vocab.formatScore('mape', 0.123)).toBe('12%');
    expect(vocab.formatScore('log_loss', Number.NaN)).toBe('–');
    expect(vocab.formatScore('something', 2.5)).toBe('2.5');
    expect(vocab.scoreText('roc_auc', 0.853)).toBe('ROC AUC 85%');
  });

  it('writes numbers without padding zeros, and never 0 for something that is there', () => {
    expect([6, 1.5, 12.34, 1234.5, 0.00012, 0, -3.1].map(vocab.formatNumber)).toEqual(['6', '1.5', '12.3', '1,235', '0.00012', '0', '-3.1']);
  });

  it('keeps the plain words the screens showed', () => {
    expect(vocab.metricPlain('mae').label).toBe('Average error'); // the leaderboard heading the e2e test reads
    expect(vocab.metricSpec('roc_auc').longLabel).toBe('Ranking quality (ROC AUC)');
    expect(fmt.goalsFor('regression').map((g) => g.title)).toEqual([
      'Small errors, with big misses counting extra (recommended)', 'The smallest average error', 'Explaining most of the ups and downs',
    ]);
    expect(vocab.metricPlain('nope')).toEqual({ label: 'Score', hint: 'Model score (nope).', percent: false });
  });
});
