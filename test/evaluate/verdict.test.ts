import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/api.ts';
import { judge, shareOfPossible, type VerdictFacts } from '../../electron/engine/evaluate/verdict.ts';
import { calibrationSentence, conditionPhrase, coverageWords, rangeSentence, reasonSentence } from '../../electron/engine/evaluate/words.ts';

const good: VerdictFacts = {
  rows: 5000, metric: 'roc_auc', value: 0.86, baseline: 0.5, gain: { value: 0.36, ci: [0.34, 0.38] },
  folds: { values: [0.85, 0.86, 0.87], baseline: [0.5, 0.5, 0.5] }, ece: 0.02, weakSpots: 0,
};
const finding = (code: string, column?: string): Finding => ({ code, severity: 'warning', message: 'x', ...(column ? { column } : {}) });

describe('the ready-to-use verdict', () => {
  it('is Ready when it is clearly better than guessing and every check holds, and says why', () => {
    const v = judge(good);
    expect(v.level).toBe('ready');
    expect(v.reasons.map((r) => r.code)).toEqual(['good']);
    expect(reasonSentence(v.reasons[0], 'roc_auc')).toBe(
      'It is clearly better than guessing (ranking quality 86% against 50%) and held up in every check: use it, and check it again when your data changes.',
    );
  });

  it('is Not ready while a column that gives the outcome away is used, whatever the scores', () => {
    const v = judge({ ...good, value: 0.999, gain: { value: 0.499, ci: [0.498, 0.5] }, findings: [finding('target_leakage', 'refund_date')] });
    expect(v.level).toBe('not_ready');
    expect(v.reasons[0]).toMatchObject({ code: 'leak', column: 'refund_date' });
    expect(reasonSentence(v.reasons[0], 'roc_auc')).toMatch(/^“refund_date” gives the outcome away, .*: leave it out and train again/);
    // once the column is left out it no longer counts
    expect(judge({ ...good, findings: [finding('target_leakage', 'refund_date')], usedColumns: ['age', 'plan'] }).level).toBe('ready');
  });

  it('is Not ready when the gain over guessing may be nothing', () => {
    const v = judge({ ...good, value: 0.52, gain: { value: 0.02, ci: [-0.01, 0.05] } });
    expect(v.level).toBe('not_ready');
    expect(v.reasons[0].code).toBe('no_gain');
  });

  it('is Use with care for a small gain, unsteady folds, off percentages, weak spots, personal data or few rows', () => {
    const cases: [Partial<VerdictFacts>, string][] = [
      [{ value: 0.51, gain: { value: 0.01, ci: [0.005, 0.015] }, folds: undefined }, 'small_gain'],
      [{ folds: { values: [0.7, 0.86, 0.95], baseline: [0.5, 0.5, 0.5] } }, 'unsteady'],
      [{ folds: { values: [0.45, 0.86, 0.87], baseline: [0.5, 0.5, 0.5] } }, 'unsteady'],
      [{ ece: 0.14 }, 'percentages_off'],
      [{ weakSpots: 2 }, 'weak_spots'],
      [{ findings: [finding('pii', 'email')] }, 'personal_data'],
      [{ findings: [finding('few_rows', 'churned')], rows: 80 }, 'few_rows'],
    ];
    for (const [change, code] of cases) {
      const v = judge({ ...good, ...change });
      expect(v.level, code).toBe('care');
      expect(v.reasons.map((r) => r.code), code).toContain(code);
      expect(v.reasons.map((r) => r.code), code).not.toContain('good');
      for (const r of v.reasons) expect(reasonSentence(r, 'roc_auc')).toMatch(/^[A-Z“][^\n]+[.]$/);
    }
  });

  it('turns the learning curve into advice without changing the level', () => {
    const more = judge({ ...good, learningCurve: { gainIfDoubled: 0.02 } });
    expect(more.level).toBe('ready');
    expect(reasonSentence(more.reasons.find((r) => r.code === 'more_rows_help')!, 'roc_auc')).toBe('More rows would likely help: about 2.0 points better ranking quality with twice as many.');
    expect(judge({ ...good, learningCurve: { gainIfDoubled: 0.0005 } }).reasons.map((r) => r.code)).toContain('more_rows_wont_help');
    // with the learning curve's own reading, the verdict says what the "More data?" section says
    const little = judge({ ...good, learningCurve: { gainIfDoubled: 0.004, verdict: 'a_little' } });
    expect(reasonSentence(little.reasons.find((r) => r.code === 'more_rows_help')!, 'roc_auc')).toBe('More rows might help a little: about 0.4 points better ranking quality with twice as many.');
    expect(judge({ ...good, learningCurve: { gainIfDoubled: 0.004, verdict: 'hardly' } }).reasons.map((r) => r.code)).toContain('more_rows_wont_help');
    expect(judge({ ...good, learningCurve: { verdict: 'unclear' } }).reasons.map((r) => r.code).filter((c) => c.startsWith('more_rows'))).toEqual([]);
  });

  it('measures the gain as the share of the way from guessing to perfect', () => {
    expect(shareOfPossible('roc_auc', 0.75, 0.5)).toBeCloseTo(0.5, 12);
    expect(shareOfPossible('rmse', 50, 100)).toBeCloseTo(0.5, 12);
    expect(shareOfPossible('log_loss', 0.3, 0.6)).toBeCloseTo(0.5, 12);
  });
});

describe('sentences', () => {
  it('conditions read like a person wrote them', () => {
    expect(conditionPhrase({ column: 'Contract', op: 'is', category: 'Month-to-month' })).toBe('Contract is “Month-to-month”');
    expect(conditionPhrase({ column: 'tenure', op: 'under', threshold: 6 })).toBe('tenure is under 6');
    expect(conditionPhrase({ column: 'income', op: 'at_least', threshold: 48000 })).toBe('income is 48,000 or more');
    expect(conditionPhrase({ column: 'signup', op: 'under', threshold: Date.UTC(2021, 2, 1), isDate: true })).toBe('signup is before 2021-03-01');
    expect(conditionPhrase({ column: 'phone', op: 'missing' })).toBe('phone is empty');
  });

  it('ranges and coverage', () => {
    expect(coverageWords(0.9)).toBe('9 times in 10');
    expect(coverageWords(0.95)).toBe('19 times in 20');
    expect(coverageWords(0.8)).toBe('8 times in 10');
    expect(coverageWords(0.99)).toBe('99 times in 100');
    expect(rangeSentence(0.9, 410.2, 529.7, 'price')).toBe('9 times in 10 the real “price” is between 410 and 530.');
  });

  it('calibration, with a well-filled bin near 70 %', () => {
    const bins = [
      { predicted: 0.12, observed: 0.1, rows: 500 }, { predicted: 0.68, observed: 0.71, rows: 300 }, { predicted: 0.73, observed: 0.2, rows: 3 },
    ];
    expect(calibrationSentence(0.03, bins, false)).toBe('Its percentages can be trusted: when it says 68%, it happens about 71% of the time.');
    expect(calibrationSentence(0.12, bins, false)).toMatch(/^Its percentages are off by 12 points on average: when it says 68%/);
    expect(calibrationSentence(0.02, bins, true, 0.09)).toBe("Augur corrects the model's percentages (they were off by 9 points on average); now when it says 68%, it happens about 71% of the time.");
  });
});
