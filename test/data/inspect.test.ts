import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectCommand } from '../../electron/cli/inspect.ts';
import { DATASETS, fixture } from './helpers.ts';

interface InspectOut {
  rows: number;
  delimiter: string | null;
  encoding: string | null;
  columns: { name: string; type: string; missing: number }[];
  target?: { name: string; task: string; classes?: string[] };
  issues: { code: string; severity: string; column?: string; message: string }[];
}

async function inspect(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await inspectCommand.run(args);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

async function inspectJson(args: string[]): Promise<{ code: number; json: InspectOut }> {
  const { code, out } = await inspect([...args, '--json']);
  return { code, json: JSON.parse(out) as InspectOut };
}

afterEach(() => vi.restoreAllMocks());

describe('inspect command', () => {
  it('prints the agreed JSON shape and exits 0 for a usable file', async () => {
    const { code, json } = await inspectJson([fixture('basic.csv')]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ rows: 5, delimiter: ',', encoding: 'utf-8' });
    expect(json.target).toBeUndefined();
    expect(json.columns[1]).toEqual({ name: 'age', type: 'numeric', missing: 0 });
    // With a target on a 5-row file: the target is described, but training is refused (exit 2).
    const t = await inspectJson([fixture('basic.csv'), '--target', 'active']);
    expect(t.code).toBe(2);
    expect(t.json.target).toMatchObject({ name: 'active', task: 'binary' });
    const few = t.json.issues.find((i) => i.code === 'too_few_rows')!;
    expect(few).toMatchObject({ severity: 'error', column: 'active' });
    expect(Object.keys(few)).toEqual(expect.arrayContaining(['code', 'severity', 'message']));
  });

  it('exits 2 with the reason in the JSON when the file is refused', async () => {
    const { code, json } = await inspectJson([fixture('spreadsheet.csv')]);
    expect(code).toBe(2);
    expect(json.rows).toBe(0);
    expect(json.issues[0]).toMatchObject({ code: 'excel_file', severity: 'error' });
    expect(json.issues[0].message).toMatch(/Excel file/);
  });

  it('exits 2 when the target cannot be trained on, and names close columns', async () => {
    const { code, json } = await inspectJson([fixture('basic.csv'), '--target', 'activ']);
    expect(code).toBe(2);
    expect(json.issues.find((i) => i.code === 'unknown_target')?.message).toContain('"activ"');
  });

  it('prints a readable report without --json, no stack traces', async () => {
    const { code, out } = await inspect([fixture('ragged.csv')]);
    expect(code).toBe(0);
    expect(out).toContain('ragged.csv: 5 rows, 3 columns');
    expect(out).toMatch(/fewer values than there are columns/);
    const refused = await inspect([fixture('empty.csv')]);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/^Augur cannot use this file\.\n {2}The file "empty.csv" is empty\./);
    expect(refused.out).not.toMatch(/ at .*:\d+/);
  });
});

describe.skipIf(!fs.existsSync(`${DATASETS}/telco_churn.csv`))('inspect on the shared datasets', () => {
  const types = (j: InspectOut) => Object.fromEntries(j.columns.map((c) => [c.name, c.type]));
  const missing = (j: InspectOut, name: string) => j.columns.find((c) => c.name === name)!.missing;

  it('telco: TotalCharges numeric with 11 missing, customerID an id, Churn binary', async () => {
    const { code, json } = await inspectJson([`${DATASETS}/telco_churn.csv`, '--target', 'Churn']);
    expect(code).toBe(0);
    expect(json.rows).toBe(7043);
    expect(types(json)).toMatchObject({ TotalCharges: 'numeric', customerID: 'id', tenure: 'numeric', Contract: 'categorical' });
    expect(missing(json, 'TotalCharges')).toBe(11);
    expect(json.target).toEqual({ name: 'Churn', task: 'binary', classes: ['No', 'Yes'] });
  });

  it('adult: NA markers are missing values; >50K is the positive class', async () => {
    const { json } = await inspectJson([`${DATASETS}/adult_income.csv`, '--target', 'class']);
    expect(json.rows).toBe(32561);
    const na = ['workclass', 'occupation', 'native_country'].reduce((s, c) => s + missing(json, c), 0);
    expect(na).toBe(4262);
    expect(json.target?.classes).toEqual(['<=50K', '>50K']);
  });

  it('german_credit: class 1/2 asks category or amount, binary when a category', async () => {
    const { code, json } = await inspectJson([`${DATASETS}/german_credit.csv`, '--target', 'class']);
    expect(code).toBe(0);
    expect(json.rows).toBe(1000);
    expect(json.target).toMatchObject({ task: 'binary', classes: ['1', '2'] });
    expect(json.issues.find((i) => i.code === 'target_is_code')?.column).toBe('class');
  });

  it.each([
    ['bank_marketing', 'y', 45211, 'binary'],
    ['diamonds', 'price', 53940, 'regression'],
    ['insurance_charges', 'charges', 1338, 'regression'],
    ['penguins', 'species', 344, 'multiclass'],
    ['titanic', 'Survived', 891, 'binary'],
  ])('%s: %i rows, target %s', async (name, target, rows, task) => {
    const { code, json } = await inspectJson([`${DATASETS}/${name}.csv`, '--target', target]);
    expect(code).toBe(0);
    expect(json.rows).toBe(rows);
    expect(json.target?.task).toBe(task);
  });

  it('titanic and penguins: empty cells counted, ids and names recognised', async () => {
    const { json } = await inspectJson([`${DATASETS}/titanic.csv`]);
    expect(['Age', 'Cabin', 'Embarked'].reduce((s, c) => s + missing(json, c), 0)).toBe(866);
    expect(types(json)).toMatchObject({ PassengerId: 'id', Name: 'text', Sex: 'categorical', Fare: 'numeric' });
    expect(json.issues.find((i) => i.code === 'pii')?.column).toBe('Name');
    const p = await inspectJson([`${DATASETS}/penguins.csv`]);
    expect(p.json.columns.reduce((s, c) => s + c.missing, 0)).toBe(19);
  });
});

describe('the bundled sample', () => {
  it('customers.csv imports cleanly with churned as a binary target', async () => {
    const { code, json } = await inspectJson([new URL('../../assets/samples/customers.csv', import.meta.url).pathname, '--target', 'churned']);
    expect(code).toBe(0);
    expect(json.rows).toBe(2000);
    expect(json.target).toEqual({ name: 'churned', task: 'binary', classes: ['no', 'yes'] });
    expect(json.columns.find((c) => c.name === 'monthly_fee')?.type).toBe('numeric');
    expect(json.issues.find((i) => i.code === 'pii')?.column).toBe('email');
  });
});
