import { describe, expect, it } from 'vitest';
import {
  errorMessage,
  formatBytes,
  formatDuration,
  formatEta,
  formatInt,
  formatPercent,
  formatScore,
  formatScoreColumn,
  formatShare,
  goalsFor,
  isCancelledError,
  moreModelsLine,
  plural,
} from '../../renderer/src/format.ts';

describe('numbers for people', () => {
  it('groups thousands and pluralises', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(plural(2000, 'row')).toBe('2,000 rows');
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(1, 'column')).toBe('1 column');
  });

  it('shows sizes, percents and durations the way people say them', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(2_500)).toBe('2.4 KB');
    expect(formatBytes(35 * 1024 * 1024)).toBe('35 MB');
    expect(formatPercent(0.8612)).toBe('86%');
    expect(formatPercent(0.995)).toBe('99.5%');
    expect(formatPercent(0.99996)).toBe('100%');
    expect(formatShare(9 / 2000)).toBe('< 1%');
    expect(formatShare(0.06)).toBe('6%');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(80)).toBe('1 min 20 s');
    expect(formatDuration(1200)).toBe('20 min');
    expect(formatEta(37)).toBe('about 40 s left');
    expect(formatEta(130)).toBe('about 3 min left');
    expect(formatEta(1)).toBe('almost done');
    expect(formatEta(5.4)).toBe('about 6 s left');
  });

  it('shows scores in plain terms per metric', () => {
    expect(formatScore('roc_auc', 0.873)).toBe('87%');
    expect(formatScore('accuracy', 0.5)).toBe('50%');
    expect(formatScore('rmse', 1234.4)).toBe('± 1,234');
    expect(formatScore('r2', 0.72)).toBe('72%');
    expect(formatScore('log_loss', Number.NaN)).toBe('–');
  });

  it('shows a leaderboard column with as many decimals as it takes to tell different scores apart', () => {
    expect(formatScoreColumn('roc_auc', [0.9134, 0.8712, Number.NaN])).toEqual(['91%', '87%', '–']);
    // a dozen models at "91%" ranked apart: one decimal on every row; exact ties stay equal
    expect(formatScoreColumn('roc_auc', [0.9134, 0.9134, 0.9121, 0.87])).toEqual(['91.3%', '91.3%', '91.2%', '87.0%']);
    expect(formatScoreColumn('roc_auc', [0.91342, 0.91338, 0.9])).toEqual(['91.34%', '91.34%', '90.00%']);
    expect(formatScoreColumn('rmse', [1234.4, 1234.6])).toEqual(['± 1,234', '± 1,235']);
  });

  it('never wraps tiny fit times into nonsense', async () => {
    const { formatSeconds } = await import('../../renderer/src/format.ts');
    expect(formatSeconds(0.02)).toBe('< 0.1 s');
    expect(formatSeconds(3.25)).toBe('3.3 s');
    expect(formatSeconds(75)).toBe('1 min 15 s');
  });
});

describe('what the search may optimise', () => {
  it('offers the task\'s default first, and only scores that fit the task', () => {
    expect(goalsFor('binary').map((g) => g.metric)).toEqual(['roc_auc', 'log_loss', 'accuracy', 'f1_macro']);
    expect(goalsFor('multiclass')[0].title).toMatch(/recommended/);
    expect(goalsFor('regression').map((g) => g.metric)).toEqual(['rmse', 'mae', 'r2']);
  });
});

describe('the line under a shortened leaderboard', () => {
  it('says how many more there are and, when a run kept only its best, that the rest cannot be shown', () => {
    expect(moreModelsLine(74, 0, 89, true)).toBe('and 74 more ');
    expect(moreModelsLine(86, 61, 101, true)).toBe('and 147 more. Augur keeps the best 101 of the 162 models: ');
    expect(moreModelsLine(0, 61, 101, true)).toBe('and 61 more, not kept: Augur keeps the best 101 of the 162 models.');
    expect(moreModelsLine(91, 1180, 101, false)).toBe('and 1,271 more. Augur keeps the best 101 of the 1,281 models.');
  });
});

describe('errors become one plain sentence', () => {
  it('passes the engine sentence through', () => {
    expect(errorMessage({ code: 'empty_file', message: 'This file is empty.' })).toBe('This file is empty.');
  });

  it('never shows a stack trace or a bare programmer error', () => {
    const e = new TypeError("Cannot read properties of undefined (reading 'x')");
    expect(errorMessage(e)).toMatch(/^Something went wrong/);
    expect(errorMessage({ message: 'boom\n    at foo (file.ts:1:1)' })).toMatch(/^Something went wrong/);
    expect(errorMessage(undefined)).toMatch(/^Something went wrong/);
  });

  it('recognises a cancelled job', () => {
    expect(isCancelledError({ code: 'cancelled', message: 'Stopped.' })).toBe(true);
    expect(isCancelledError({ code: 'empty_file', message: 'x' })).toBe(false);
  });
});

describe('score chart axis', async () => {
  const { yAxis } = await import('../../renderer/src/components/ScoreChart.tsx');
  it('uses round ticks and keeps percents within 0–100%', () => {
    const p = yAxis([50, 91], true);
    expect(p.domain[0]).toBeGreaterThanOrEqual(0);
    expect(p.domain[1]).toBeLessThanOrEqual(100);
    expect(p.ticks.every((t) => t% 5 === 0)).toBe(true);
    const e = yAxis([29.3, 27.0], false);
    expect(e.ticks).toEqual([24, 26, 28, 30, 32]);
    expect(e.domain[0]).toBeLessThanOrEqual(27);
    expect(e.domain[1]).toBeGreaterThanOrEqual(29.3);
  });
});
