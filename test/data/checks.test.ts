import { describe, expect, it } from 'vitest';
import { checkData } from '../../electron/engine/data/checks.ts';
import type { Finding } from '../../shared/api.ts';
import { keptWords } from '../../electron/engine/data/features.ts';
import { cells, tableOf } from './helpers.ts';

/** A seeded pseudo-random generator so the generated tables are the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function csv(header: string[], n: number, row: (i: number, r: () => number) => (string | number)[], seed = 1): string {
  const r = rng(seed);
  return [header.join(','), ...Array.from({ length: n }, (_, i) => row(i, r).join(','))].join('\n') + '\n';
}

const find = (fs: Finding[], code: string, column?: string) => fs.find((f) => f.code === code && (column === undefined || f.column === column));

describe('checkData: column problems', () => {
  it('finds constant, empty, mostly-empty, id-like and free-text columns', async () => {
    const t = await tableOf(
      csv(['cust_id', 'same', 'empty', 'sparse', 'note', 'x', 'y'], 200, (i, r) => [
        `K${10000 + i}`,
        'A',
        '',
        i % 4 === 0 ? Math.round(r() * 9) : '',
        `customer said something about item ${i} today`,
        Math.round(r() * 100),
        r() < 0.5 ? 'yes' : 'no',
      ]),
    );
    const rep = checkData(t, { target: 'y' });
    expect(find(rep.findings, 'constant_column', 'same')?.actions?.[0]).toMatchObject({ kind: 'ignore_column', column: 'same' });
    expect(find(rep.findings, 'all_missing', 'empty')).toBeTruthy();
    expect(find(rep.findings, 'mostly_missing', 'sparse')?.message).toContain('75%');
    expect(find(rep.findings, 'id_column', 'cust_id')?.actions).toBeUndefined();
    // the same words on every row: nothing to learn from, and the finding says so
    expect(find(rep.findings, 'high_cardinality_text', 'note')?.suggestion).toMatch(/^Augur leaves it out: no word or value in it is common enough/);
    expect(find(rep.findings, 'constant_column', 'x')).toBeUndefined();
    expect(rep.canTrain).toBe(true);
  });

  it('names the words of a text column that go with the outcome, and says when its common words do not', async () => {
    const t = await tableOf(
      csv(['note', 'y'], 300, (i, r) => {
        const late = r() < 0.3;
        return [`${late ? 'paid late' : 'paid'} ${r() < 0.5 ? 'by card' : 'by transfer'} ref ${i}`, r() < (late ? 0.8 : 0.2) ? 'yes' : 'no'];
      }),
    );
    const note = (target?: string) => find(checkData(t, { target }).findings, 'high_cardinality_text', 'note')?.suggestion;
    expect(note('y')).toMatch(/^Augur learns from the words in it that go with the outcome \("late"\)\./);
    // before a target is chosen, its common words are what it has
    expect(note()).toMatch(/^Augur learns from its most common words \("transfer", "card", "late"\)\./);
    // a note whose words are all unrelated to the outcome: said so, not "not common enough"
    const noise = await tableOf(csv(['note', 'y'], 300, (i, r) => [`${r() < 0.5 ? 'by card' : 'by transfer'} ref ${i}`, r() < 0.5 ? 'yes' : 'no']));
    expect(find(checkData(noise, { target: 'y' }).findings, 'high_cardinality_text', 'note')?.suggestion).toMatch(
      /^Augur leaves it out: none of its common words \("(card|transfer)", "(card|transfer)"\) goes with the outcome clearly enough to help/,
    );
  });

  it('says a "yes or blank" column is used through whether it is filled in, not that it cannot help', async () => {
    const t = await tableOf(csv(['followup', 'rare_blank', 'x', 'y'], 200, (i, r) => [i % 3 === 0 ? 'yes' : '', i === 7 ? '' : 'A', Math.round(r() * 100), r() < 0.5 ? 'yes' : 'no']));
    const rep = checkData(t, { target: 'y' });
    const f = find(rep.findings, 'filled_or_empty', 'followup');
    expect(f?.message).toBe('"followup" is either "yes" or empty, so Augur learns from whether it is filled in.');
    expect(f?.actions?.[0]).toMatchObject({ kind: 'ignore_column', column: 'followup' });
    expect(find(rep.findings, 'constant_column', 'followup')).toBeUndefined();
    // one empty cell in 200 is too few to learn from: that column is constant
    expect(find(rep.findings, 'constant_column', 'rare_blank')?.message).toContain('that has one');
  });

  it('says which values it counts as one because they differ only in capitals or spaces', async () => {
    const t = await tableOf(csv(['plan', 'y'], 60, (i) => [['Basic', 'basic', 'Pro'][i % 3], ['won', 'lost', 'Won', 'lost'][i % 4]]));
    const rep = checkData(t, { target: 'y' });
    expect(rep.target?.classes).toHaveLength(2);
    expect(find(rep.findings, 'respelled_values', 'y')?.message).toBe('"y" has values that differ only in capital letters or spaces: "won" and "Won".');
    expect(find(rep.findings, 'respelled_values', 'plan')?.message).toContain('"Basic" and "basic"');
    expect(find(rep.findings, 'rare_class')).toBeUndefined();
  });

  it('warns about a totals row at the end that has an outcome, not about one without', async () => {
    const body = Array.from({ length: 40 }, (_, i) => `S${i},${['North', 'South'][i % 2]},${i % 7},${100 + ((i * 37) % 50) * 3}`).join('\n');
    const t = await tableOf(`store,region,staff,sales\n${body}\n,Grand Total,120,6340\n`);
    const f = find(checkData(t, { target: 'sales' }).findings, 'totals_row');
    expect(f?.message).toBe('Row 41 of 41 looks like a totals row ("Grand Total" in "region"), and Augur would learn from it as one more case.');
    const noOutcome = await tableOf(`store,region,staff,won\n${body.replace(/,\d+$/gm, (m) => (Number(m.slice(1)) % 2 ? ',yes' : ',no'))}\nTOTAL,,120,\n`);
    expect(find(checkData(noOutcome, { target: 'won' }).findings, 'totals_row')).toBeUndefined();
  });

  it('offers to use a numbered id column as a number', async () => {
    const t = await tableOf(csv(['day', 'y'], 50, (i) => [i + 1, i % 2]));
    const f = find(checkData(t, { target: 'y' }).findings, 'id_column', 'day')!;
    expect(f.actions).toEqual([{ kind: 'set_type', column: 'day', type: 'numeric', label: 'Use it as a number' }]);
    // Applying the action makes it a feature again.
    expect(find(checkData(t, { target: 'y', typeOverrides: { day: 'numeric' } }).findings, 'id_column', 'day')).toBeUndefined();
  });

  it('refuses in one sentence to treat a column of words as a number, instead of showing it as empty', async () => {
    const t = await tableOf(csv(['weight', 'zip', 'y'], 40, (i) => [i % 2 ? `${i * 10} g` : `${i / 10} kg`, String(i).padStart(5, '0'), i % 3 ? 'a' : 'b']));
    const rep = checkData(t, { target: 'y', typeOverrides: { weight: 'numeric' } });
    expect(find(rep.findings, 'not_numbers')?.message).toBe('Most values in "weight" are not numbers ("0 kg", "10 g", "0.2 kg"), so Augur cannot use it as a number.');
    expect(find(rep.findings, 'all_missing', 'weight')).toBeUndefined();
    expect(rep.canTrain).toBe(false);
    expect(find(rep.findings, 'not_numbers', 'weight')?.actions).toEqual([{ kind: 'set_type', column: 'weight', type: 'text', label: 'Read it as text again' }]);
    // codes with leading zeros are numbers when the user says so
    expect(find(checkData(t, { target: 'y', typeOverrides: { zip: 'numeric' } }).findings, 'not_numbers')).toBeUndefined();
  });

  it('counts duplicate rows', async () => {
    const t = await tableOf(csv(['a', 'b', 'y'], 100, (i) => [i % 90, `v${i % 90}`, i % 2]));
    const rep = checkData(t, { target: 'y' });
    // rows 90..99 repeat rows 0..9 only where y matches too: i%2 == (i-90)%2 holds for all.
    expect(find(rep.findings, 'duplicate_rows')?.message).toMatch(/^10 rows are exact copies/);
  });

  it('flags personal data: e-mails, phones, names, addresses, card numbers', async () => {
    const first = ['Anna', 'Ben', 'Carla', 'David', 'Eva', 'Felix'];
    const last = ['Meyer', 'Smith', 'Rossi', 'Novak', 'Jensen', 'Brown'];
    const t = await tableOf(
      csv(['contact', 'mobile', 'full_name', 'home', 'card', 'spend', 'y'], 60, (i, r) => [
        `${first[i % 6].toLowerCase()}.${i}@example.com`,
        `+44 20 7946 ${String(1000 + i).slice(-4)}`,
        `${first[i % 6]} ${last[(i * 5) % 6]}`,
        `${10 + i} High Street`,
        ['4111 1111 1111 1111', '5500 0000 0000 0004', '3400 0000 0000 009'][i % 3],
        Math.round(r() * 500),
        i % 2,
      ]),
    );
    const rep = checkData(t, { target: 'y' });
    for (const c of ['contact', 'mobile', 'full_name', 'home', 'card']) expect(find(rep.findings, 'pii', c), c).toBeTruthy();
    expect(find(rep.findings, 'pii', 'spend')).toBeUndefined();
    expect(find(rep.findings, 'pii', 'contact')!.message).toContain('e-mail');
  });

  it('says which words of a names column it learns from when they go with the outcome, and why one might leave them out', async () => {
    const titles = ['Mr.', 'Mrs.', 'Miss', 'Master'];
    const last = ['Smith', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Clark', 'Hall', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Moore', 'Allen'];
    const first = ['John', 'Mary', 'Anna', 'George', 'Henry', 'Alice', 'Peter', 'Laura', 'James', 'Emma', 'Karl', 'Rosa'];
    const t = await tableOf(
      csv(['passenger_name', 'fare', 'survived'], 300, (i, r) => [
        `"${last[Math.floor(r() * 20)]}, ${titles[i % 4]} ${first[Math.floor(r() * 12)]} ${String.fromCharCode(65 + Math.floor(r() * 26))}."`,
        Math.round(r() * 80),
        r() < [0.1, 0.9, 0.7, 0.95][i % 4] ? 1 : 0, // by title: Mr., Mrs., Miss, Master
      ]),
    );
    const f = find(checkData(t, { target: 'survived' }).findings, 'pii', 'passenger_name')!;
    expect(f.message).toBe('"passenger_name" seems to hold people\'s names. Augur learns from the words in it that go with the outcome ("master", "mr", "mrs").');
    expect(keptWords(t.columns[0], t.nRows, { y: Float64Array.from(cells(t, 'survived') as number[]), task: 'binary', nClasses: 2 })).toEqual(['master', 'mr', 'mrs']); // not "miss" (0.7 against 0.66 overall), nor any first name
    expect(f.suggestion).toMatch(/^Leave it out if the model should not use these words: they can stand for things like sex, age or family\./);
    expect(f.actions?.[0]).toMatchObject({ kind: 'ignore_column', column: 'passenger_name' });
    // before an outcome is chosen: the plain warning
    expect(find(checkData(t, {}).findings, 'pii', 'passenger_name')!.message).toBe('"passenger_name" seems to hold people\'s names, which identify people and rarely help a prediction.');
  });

  it('warns about dates in the future and far-out numbers', async () => {
    const t = await tableOf(
      csv(['when', 'amount', 'y'], 100, (i, r) => [i === 7 ? '2199-03-01' : `2023-0${1 + (i % 9)}-1${i % 10}`, i === 50 ? 99999 : Math.round(20 + r() * 10), i % 2]),
    );
    const rep = checkData(t, { target: 'y' });
    expect(find(rep.findings, 'future_dates', 'when')?.message).toContain('2199-03-01');
    expect(find(rep.findings, 'outliers', 'amount')?.message).toContain('99,999');
  });
});

describe('checkData: target', () => {
  it('explains class imbalance, and that the search tries weighting the classes only when it does', async () => {
    const t = await tableOf(csv(['x', 'fraud'], 400, (i) => [i % 17, i % 10 === 0 ? 'yes' : 'no']));
    const rep = checkData(t, { target: 'fraud' });
    expect(rep.target).toMatchObject({ name: 'fraud', task: 'binary', classes: ['no', 'yes'] });
    const f = find(rep.findings, 'class_imbalance')!;
    expect(f.message).toContain('10%');
    expect(f.suggestion).toBe('By default Augur judges models by how well they rank cases, which a lopsided outcome cannot fool the way plain accuracy can; it also tries giving the rarer outcome more weight while training.');
    // 22 % is uneven enough to say, but a run does not try weights there: the note does not promise them
    const t22 = await tableOf(csv(['x', 'won'], 400, (i) => [i % 17, i % 9 < 2 ? 'yes' : 'no']));
    expect(find(checkData(t22, { target: 'won' }).findings, 'class_imbalance')!.suggestion).not.toMatch(/weight/);
  });

  it('refuses a target with one class', async () => {
    const t = await tableOf(csv(['x', 'y'], 50, (i) => [i, 'same']));
    const rep = checkData(t, { target: 'y' });
    expect(rep.canTrain).toBe(false);
    expect(rep.blockingReason).toMatch(/same value/);
    expect(find(rep.findings, 'single_class')?.severity).toBe('error');
  });

  it('warns with the number when there are few rows, refuses when there are almost none', async () => {
    const few = checkData(await tableOf(csv(['x', 'y'], 40, (i) => [i * 3 % 7, i % 2])), { target: 'y' });
    expect(find(few.findings, 'few_rows')?.message).toContain('40 rows');
    expect(few.canTrain).toBe(true);
    const tiny = checkData(await tableOf(csv(['x', 'y'], 6, (i) => [i * 3 % 7, i % 2])), { target: 'y' });
    expect(tiny.canTrain).toBe(false);
    expect(find(tiny.findings, 'too_few_rows')?.message).toContain('Only 6 rows');
  });

  it('asks whether a numeric code is a category or an amount, and respects the answer', async () => {
    const t = await tableOf(csv(['x', 'class'], 100, (i) => [i % 13, i % 3 === 0 ? 2 : 1]));
    const rep = checkData(t, { target: 'class' });
    expect(rep.target?.task).toBe('binary');
    const f = find(rep.findings, 'target_is_code')!;
    expect(f.actions?.map((a) => a.kind === 'set_task' && a.task)).toEqual(['binary', 'regression']);
    const asAmount = checkData(t, { target: 'class', task: 'regression' });
    expect(asAmount.target?.task).toBe('regression');
    expect(find(asAmount.findings, 'target_is_code')).toBeUndefined();
  });

  it('detects leakage: a copy of the target and a near-perfect predictor, and offers to drop them', async () => {
    const t = await tableOf(
      csv(['noise', 'status_code', 'refund_amount', 'churned'], 300, (_i, r) => {
        const y = r() < 0.4;
        return [Math.round(r() * 50), y ? 'C' : 'A', y ? Math.round(50 + r() * 100) : 0, y ? 'yes' : 'no'];
      }),
    );
    const rep = checkData(t, { target: 'churned' });
    const leaks = rep.findings.filter((f) => f.code === 'target_copy' || f.code === 'target_leakage').map((f) => f.column).sort();
    expect(leaks).toEqual(['refund_amount', 'status_code']);
    // status_code is a recoding of the outcome: a copy (the app leaves it out by default)
    expect(find(rep.findings, 'target_copy', 'status_code')!.actions?.[0]).toMatchObject({ kind: 'ignore_column', column: 'status_code' });
    // left out (as the app does by default), the copy is still named, with a way to use it anyway
    const without = checkData(t, { target: 'churned', ignore: ['status_code'] });
    expect(find(without.findings, 'target_copy', 'status_code')).toBeUndefined();
    const left = find(without.findings, 'leak_left_out', 'status_code')!;
    expect(left.message).toMatch(/^"status_code" is left out: it gives away "churned" completely/);
    expect(left.actions?.[0]).toMatchObject({ kind: 'use_column', column: 'status_code' });
  });

  it('does not call a column of nearly unique values a leak on a small table, but finds a real one there', async () => {
    // 40 customers, 3 outcomes: every amount is different, so each one "names" its row's outcome by chance
    const t = await tableOf(csv(['amount', 'code', 'status'], 40, (i, r) => {
      const y = ['active', 'paused', 'cancelled'][i % 3];
      return [(100 + r() * 900).toFixed(2), `${y.slice(0, 2).toUpperCase()}`, y];
    }));
    const rep = checkData(t, { target: 'status' });
    expect(find(rep.findings, 'target_leakage', 'amount')).toBeUndefined();
    expect(find(rep.findings, 'target_copy', 'code')?.message).toMatch(/^"code" gives away "status" completely/);
  });

  it('detects a transform of a regression target', async () => {
    const t = await tableOf(csv(['a', 'price_with_tax', 'price'], 200, (_i, r) => {
      const p = Math.round(r() * 1000);
      return [Math.round(r() * 10), (p * 1.2).toFixed(2), p];
    }));
    const rep = checkData(t, { target: 'price' });
    expect(find(rep.findings, 'target_leakage', 'price_with_tax') ?? find(rep.findings, 'target_copy', 'price_with_tax')).toBeTruthy();
    expect(find(rep.findings, 'target_leakage', 'a')).toBeUndefined();
  });

  it('says rows without a target are left out, and unknown target names get suggestions', async () => {
    const t = await tableOf(csv(['x', 'Outcome'], 60, (i) => [i % 5, i % 6 === 0 ? '' : i % 2 ? 'win' : 'loss']));
    const rep = checkData(t, { target: 'Outcome' });
    expect(find(rep.findings, 'target_missing')?.message).toMatch(/^10 rows have no value/);
    const bad = checkData(t, { target: 'outcom' });
    expect(bad.canTrain).toBe(false);
    expect(find(bad.findings, 'unknown_target')?.suggestion).toContain('"Outcome"');
  });

  it('cannot train without a target, and keeps import findings in the report', async () => {
    const t = await tableOf(csv(['x', 'y'], 30, (i) => [i % 4, i % 2]));
    const imported: Finding = { code: 'ragged_rows_short', severity: 'warning', message: 'm' };
    const rep = checkData(t, {}, [imported]);
    expect(rep.canTrain).toBe(false);
    expect(rep.blockingReason).toBe('Choose the column you want Augur to predict.');
    expect(rep.findings).toContainEqual(imported);
    // Nothing picked yet in the UI (empty name) is the same as no target, not an unknown column.
    expect(checkData(t, { target: '' }).findings.map((f) => f.code)).not.toContain('unknown_target');
  });
});
