// The drift report: Evidently's test choice, the multiple-testing guard, missing values, new categories,
// out-of-range values, importance weighting, the CLI shape, cancelling, and the done-when checks on a
// real dataset (unchanged samples stay quiet; customers over 50 alarm and name age).
import { beforeAll, describe, expect, it } from 'vitest';
import { driftReport } from '../../electron/engine/monitor/drift.ts';
import { buildReference, referenceToJSON } from '../../electron/engine/monitor/reference.ts';
import { referenceFromJSON } from '../../electron/engine/monitor/reference-json.ts';
import { toCliJson } from '../../electron/engine/monitor/index.ts';
import { takeRows } from '../../electron/engine/data/table-ops.ts';
import { CancelledError } from '../../electron/engine/util/errors.ts';
import { mulberry32, gaussian, shuffleInPlace } from '../../electron/engine/util/random.ts';
import type { Table } from '../../electron/engine/data/table.ts';
import { coded, datasetSplit, num, table } from './helpers.ts';

/** A customer-like table: amount (continuous), visits (4 values), plan (3 levels), member (yes/no), note (text). */
function customers(n: number, seed: number, shift = { amount: 0, plan: 0, missing: 0 }): Table {
  const rnd = mulberry32(seed);
  const plans = ['basic', 'plus', 'pro'];
  return table(
    num('amount', Array.from({ length: n }, () => (rnd() < shift.missing ? NaN : 100 + 20 * gaussian(rnd) + shift.amount))),
    num('visits', Array.from({ length: n }, () => Math.floor(rnd() * 4))),
    coded('plan', Array.from({ length: n }, () => plans[rnd() < shift.plan ? 2 : Math.floor(rnd() * 3)])),
    coded('member', Array.from({ length: n }, () => (rnd() < 0.3 ? 'Yes' : 'No')), 'boolean', ['No', 'Yes']),
    coded('note', Array.from({ length: n }, () => (rnd() < 0.2 ? `note ${Math.floor(rnd() * 1e6)}` : null)), 'text'),
  );
}

const quick = { multivariate: false } as const;

describe('which test', () => {
  it('follows Evidently: KS / chi-square / z-test up to 1,000 reference rows, Wasserstein / Jensen–Shannon above', async () => {
    const small = await driftReport(customers(500, 1), customers(400, 2), quick);
    const large = await driftReport(customers(3000, 1), customers(400, 2), quick);
    const tests = (r: typeof small) => Object.fromEntries(r.columns.map((c) => [c.name, c.test]));
    expect(tests(small)).toEqual({ amount: 'ks', visits: 'chi_square', plan: 'chi_square', member: 'z_test', note: 'z_test' });
    expect(tests(large)).toEqual({ amount: 'wasserstein', visits: 'jensen_shannon', plan: 'jensen_shannon', member: 'jensen_shannon', note: 'jensen_shannon' });
    for (const c of large.columns) expect(c.threshold).toBe(0.1);
    for (const c of [...small.columns, ...large.columns]) {
      expect(c.psi).toBeGreaterThanOrEqual(0);
      expect(c.p_adjusted!).toBeGreaterThanOrEqual(c.p_value!);
    }
  });

  it('a file from the same source flags nothing; a shifted amount and plan mix are flagged and named', async () => {
    for (const size of [500, 3000]) {
      const same = await driftReport(customers(size, 3), customers(600, 4), quick);
      expect(same.n_drifted).toBe(0);
      expect(same.dataset_drift).toBe(false);
      const shifted = await driftReport(customers(size, 3), customers(600, 5, { amount: 10, plan: 0.5, missing: 0 }), quick);
      expect(shifted.columns.filter((c) => c.drifted).map((c) => c.name).sort()).toEqual(['amount', 'plan']);
      expect(shifted.columns[0].drifted).toBe(true); // drifted columns come first
      expect(shifted.share_drifted).toBeCloseTo(2 / 5, 10);
    }
  });
});

describe('what else the report says', () => {
  it('missing values, new categories, out-of-range values, missing and new columns', async () => {
    const ref = buildReference(customers(2000, 6));
    const cur = customers(500, 7, { amount: 0, plan: 0, missing: 0.3 });
    const amount = cur.columns[0] as { values: Float64Array };
    for (let i = 0; i < 20; i++) amount.values[i] = 10_000; // far above the training range
    const plan = cur.columns[2] as { codes: Int32Array; dictionary: string[] };
    plan.dictionary.push('enterprise', 'PLUS ');
    for (let i = 0; i < 40; i++) plan.codes[i] = plan.dictionary.length - 2; // a plan never seen
    for (let i = 40; i < 60; i++) plan.codes[i] = plan.dictionary.length - 1; // "plus" with other spelling
    const withExtra: Table = { nRows: cur.nRows, columns: [...cur.columns.filter((c) => c.name !== 'visits'), num('discount', new Float64Array(cur.nRows))] };
    const r = await driftReport(ref, withExtra, quick);
    const a = r.columns.find((c) => c.name === 'amount')!;
    expect(a.missing.changed).toBe(true);
    expect(a.drifted).toBe(true);
    expect(a.missing.after).toBeGreaterThan(0.25);
    expect(a.out_of_range).toMatchObject({ above: 20, below: 0 });
    const p = r.columns.find((c) => c.name === 'plan')!;
    expect(p.new_values).toMatchObject({ rows: 40, examples: ['enterprise'] });
    expect(r.missing_columns).toEqual(['visits']);
    expect(r.new_columns).toEqual(['discount']);
  });

  it('reads another file\'s words for yes/no and other spellings of a level as the same value', async () => {
    const ref = customers(2000, 16);
    const cur = customers(500, 17);
    cur.columns[3] = { ...(cur.columns[3] as object), labels: ['false', 'true'] } as Table['columns'][number];
    const plan = cur.columns[2] as { dictionary: string[] };
    plan.dictionary = plan.dictionary.map((d) => ` ${d.toUpperCase()}`);
    const r = await driftReport(ref, cur, quick);
    expect(r.n_drifted).toBe(0);
    expect(r.columns.find((c) => c.name === 'member')!.new_values!.rows).toBe(0);
    expect(r.columns.find((c) => c.name === 'plan')!.new_values!.rows).toBe(0);
  });

  it('weighs drift by importance: one important column moving is most of the file', async () => {
    const importance = new Map([['amount', 8], ['visits', 1], ['plan', 1], ['member', 0], ['note', 0]]);
    const r = await driftReport(customers(3000, 8), customers(800, 9, { amount: 15, plan: 0, missing: 0 }), { ...quick, importance });
    expect(r.weighted).toBe(true);
    expect(r.n_drifted).toBe(1);
    expect(r.share_drifted).toBeCloseTo(0.8, 10);
    expect(r.dataset_drift).toBe(true);
    expect(r.columns[0]).toMatchObject({ name: 'amount', importance: 8 });
    const unweighted = await driftReport(customers(3000, 8), customers(800, 9, { amount: 15, plan: 0, missing: 0 }), quick);
    expect(unweighted.dataset_drift).toBe(false);
  });

  it('the target is compared on its own and kept out of the verdict', async () => {
    const ref = customers(2000, 10);
    const cur = customers(500, 11, { amount: 0, plan: 0.6, missing: 0 });
    const r = await driftReport(ref, cur, { ...quick, target: 'plan' });
    expect(r.target).toMatchObject({ name: 'plan', role: 'target', drifted: true });
    expect(r.columns.map((c) => c.name)).not.toContain('plan');
    expect(r.n_drifted).toBe(0);
  });

  it('gives the same report from the table and from its saved statistics, and the CLI fields', async () => {
    const t = customers(1500, 12);
    const cur = customers(400, 13, { amount: 8, plan: 0, missing: 0 });
    const fromTable = await driftReport(t, cur, { seed: 1 });
    const fromJson = await driftReport(referenceFromJSON(referenceToJSON(buildReference(t, { seed: 1 }))), cur, { seed: 1 });
    expect(fromJson).toEqual(fromTable);
    const cli = toCliJson(fromTable);
    expect(Object.keys(cli).sort()).toEqual(['columns', 'dataset_drift', 'multivariate', 'share_drifted']);
    expect(Object.keys(cli.multivariate).sort()).toEqual(['auc', 'drifted']);
    for (const c of cli.columns) {
      for (const k of Object.keys(c)) expect(['name', 'test', 'statistic', 'p_value', 'psi', 'drifted', 'importance']).toContain(k);
      expect('p_value' in c).toBe(c.test !== 'wasserstein' && c.test !== 'jensen_shannon');
    }
    expect(JSON.parse(JSON.stringify(cli))).toEqual(cli);
  });

  it('refuses a file without rows in one sentence', async () => {
    const empty = takeRows(customers(10, 18), []);
    await expect(driftReport(customers(100, 18), empty, quick)).rejects.toThrow('The new file has no rows to compare with the training data.');
  });

  it('stops when cancelled and reports progress', async () => {
    const ctl = new AbortController();
    const seen: number[] = [];
    const run = driftReport(customers(1500, 14), customers(400, 15), {
      onProgress: (f) => {
        seen.push(f);
        if (f > 0.3) ctl.abort();
      },
      signal: ctl.signal,
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen[0]).toBe(0);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
  });
});

describe('on adult_income (done-when, quick part; 100 samples in `npm run bench -- drift`)', () => {
  let train: Table;
  let test: Table;
  let all: Table;
  beforeAll(async () => {
    ({ train, test } = await datasetSplit('adult_income', ['NA']));
    all = { nRows: train.nRows + test.nRows, columns: train.columns.map((c, k) => concat(c, test.columns[k])) };
  });

  it('unchanged samples: no dataset alarm in 20 fresh splits, columns flagged in at most 2', async () => {
    let alarms = 0;
    let flagged = 0;
    for (let s = 0; s < 20; s++) {
      const rows = Int32Array.from({ length: all.nRows }, (_, i) => i);
      shuffleInPlace(rows, mulberry32(900 + s));
      const cut = Math.floor(all.nRows * 0.8);
      const ref = buildReference(takeRows(all, rows.subarray(0, cut)), { target: 'class', seed: s });
      const r = await driftReport(ref, takeRows(all, rows.subarray(cut, cut + 500)), { seed: s, multivariate: s < 3 });
      if (r.dataset_drift) alarms++;
      if (r.n_drifted) flagged++;
    }
    expect(alarms).toBe(0);
    expect(flagged).toBeLessThanOrEqual(2);
  });

  it('customers over 50 alarm, and the report names age first', async () => {
    const ref = buildReference(train, { target: 'class' });
    const age = test.columns.find((c) => c.name === 'age') as { values: Float64Array };
    const over50 = Int32Array.from({ length: test.nRows }, (_, i) => i).filter((i) => age.values[i] > 50);
    const r = await driftReport(ref, takeRows(test, over50), { seed: 1 });
    expect(r.dataset_drift).toBe(true);
    expect(r.multivariate!.drifted).toBe(true);
    expect(r.multivariate!.topColumns[0]).toBe('age');
    const drifted = r.columns.filter((c) => c.drifted);
    expect(drifted[0].name).toBe('age');
    expect(drifted[0].median!.after).toBeGreaterThan(50);
  });
});

function concat(a: Table['columns'][number], b: Table['columns'][number]): Table['columns'][number] {
  if ('values' in a && 'values' in b) {
    const v = new Float64Array(a.values.length + b.values.length);
    v.set(a.values);
    v.set(b.values, a.values.length);
    return { ...a, values: v };
  }
  const ca = a as { codes: Int32Array };
  const cb = b as { codes: Int32Array };
  const codes = new Int32Array(ca.codes.length + cb.codes.length);
  codes.set(ca.codes);
  codes.set(cb.codes, ca.codes.length);
  return { ...(a as object), codes } as Table['columns'][number];
}
