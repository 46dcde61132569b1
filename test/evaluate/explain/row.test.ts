import { beforeAll, describe, expect, it } from 'vitest';
import { prepareTraining, type PreparedData } from '../../../electron/engine/data/prepare.ts';
import type { Table } from '../../../electron/engine/data/table.ts';
import { columnGroups, featureColumns } from '../../../electron/engine/evaluate/explain/columns.ts';
import { logit } from '../../../electron/engine/evaluate/explain/explainer.ts';
import { explainRow, explainValues, formatAmount } from '../../../electron/engine/evaluate/explain/row.ts';
import { rowsToTable, whatIfFields } from '../../../electron/engine/evaluate/explain/what-if.ts';
import { gbdtFamily } from '../../../electron/engine/models/gbdt/index.ts';
import { linearFamily } from '../../../electron/engine/models/linear/index.ts';
import type { Fitted } from '../../../electron/engine/models/types.ts';
import { mulberry32 } from '../../../electron/engine/util/random.ts';
import { tableOf } from '../../data/helpers.ts';

/** Customers: the contract and tenure drive churn, a note's word "cancel" too; signup date and paperless are noise. */
function customersCsv(n: number, seed: number, amount = false): string {
  const r = mulberry32(seed);
  const lines = ['contract,tenure,signup,paperless,note,' + (amount ? 'spend' : 'churn')];
  for (let i = 0; i < n; i++) {
    const contract = ['Month-to-month', 'One year', 'Two year'][Math.floor(r() * 3)];
    const tenure = Math.floor(r() * 72);
    const day = 1 + Math.floor(r() * 28);
    const signup = `2023-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const paperless = r() < 0.5 ? 'Yes' : 'No';
    const cancel = r() < 0.3;
    const note = cancel ? `wants to cancel soon (call ${1000 + i})` : r() < 0.5 ? `happy customer since visit ${2000 + i}` : '';
    const risk = (contract === 'Month-to-month' ? 1.5 : contract === 'One year' ? 0 : -1.5) - tenure / 24 + (cancel ? 1.5 : 0);
    const y = amount ? (100 + 20 * tenure + (contract === 'Two year' ? 300 : 0) + (r() - 0.5) * 30).toFixed(2)
      : r() < 1 / (1 + Math.exp(-risk)) ? 'Yes' : 'No';
    lines.push([contract, i % 29 === 0 ? '' : tenure, signup, paperless, note, y].join(','));
  }
  return lines.join('\n') + '\n';
}

let table: Table;
let prepared: PreparedData;
let model: Fitted;
beforeAll(async () => {
  table = await tableOf(customersCsv(800, 1));
  prepared = prepareTraining(table, { target: 'churn' });
  model = await gbdtFamily.fit(prepared.dataset, prepared.taskInfo, { ...gbdtFamily.defaults(prepared.taskInfo, { nRows: 800, nFeatures: prepared.dataset.columns.length }), nRounds: 40 }, { seed: 1 });
});

describe('per original column', () => {
  it('maps every model feature to its column: a date\'s parts and a note\'s words belong to one column each', () => {
    const cols = featureColumns(prepared.encoder);
    expect(cols.length).toBe(prepared.dataset.columns.length);
    expect(cols.filter((c) => c === 'signup').length).toBeGreaterThan(1);
    expect(cols.filter((c) => c === 'note').length).toBeGreaterThan(1); // filled in + the word "cancel" (+ others)
    expect(columnGroups(prepared.encoder).map((g) => g.column)).toEqual(['contract', 'tenure', 'signup', 'paperless', 'note']);
  });
});

describe('explainRow', () => {
  it('gives each column\'s value and contribution, largest first, summing to the prediction in log-odds', async () => {
    for (const row of [0, 29, 100]) {
      const e = await explainRow(model, prepared.encoder, table, row);
      expect(e.contributions.map((c) => c.column).sort()).toEqual(['contract', 'note', 'paperless', 'signup', 'tenure']);
      const sum = e.contributions.reduce((s, c) => s + c.contribution, 0);
      expect(e.base + sum).toBeCloseTo(e.prediction, 9);
      const p = model.predict(prepared.encoder.encode(rowsOf(table, row)))[0];
      expect(e.prediction).toBeCloseTo(logit(p), 9);
      expect(e.shown).toBeCloseTo(p, 12);
      for (let i = 1; i < e.contributions.length; i++) expect(Math.abs(e.contributions[i - 1].contribution)).toBeGreaterThanOrEqual(Math.abs(e.contributions[i].contribution));
      expect(e.className).toBe('Yes');
      // the same contributions in chance (0..1): they add up from the average chance to this row's
      const points = e.contributions.reduce((s, c) => s + c.shown!, 0);
      expect(e.baseShown + points).toBeCloseTo(e.shown, 9);
      for (const c of e.contributions) expect(Math.sign(c.shown!)).toBe(Math.sign(c.contribution));
      expect(e.reasons.length).toBeGreaterThan(0);
      expect(e.reasons.length).toBeLessThanOrEqual(3);
    }
    const empty = await explainRow(model, prepared.encoder, table, 29); // tenure left blank
    expect(empty.contributions.find((c) => c.column === 'tenure')!.value).toBeNull();
  });

  it('says the top reasons in words, naming the value and the direction', async () => {
    // a month-to-month customer with a short tenure and "cancel" in the note: every strong reason raises churn
    const e = await explainValues(model, prepared.encoder, { contract: 'Month-to-month', tenure: 1, signup: '2023-05-02', paperless: 'No', note: 'wants to cancel soon (call 5)' });
    expect(e.shown).toBeGreaterThan(0.6);
    expect(e.reasons).toContain('“contract” is Month-to-month: raises the chance of “Yes”');
    expect(e.reasons).toContain('“tenure” is 1: raises the chance of “Yes”');
    const loyal = await explainValues(model, prepared.encoder, { contract: 'Two year', tenure: 70, signup: '2023-05-02', paperless: 'No', note: '' });
    expect(loyal.reasons[0]).toMatch(/^(“contract” is Two year|“tenure” is 70): lowers the chance of “Yes”$/);
  });

  it('what-if values give the same explanation as the same row in the file', async () => {
    const row = 7;
    const fromFile = await explainRow(model, prepared.encoder, table, row);
    const values = Object.fromEntries(fromFile.contributions.map((c) => [c.column, c.value]));
    const typed = await explainValues(model, prepared.encoder, values);
    expect(typed.prediction).toBeCloseTo(fromFile.prediction, 12);
    expect(typed.contributions).toEqual(fromFile.contributions);
  });

  it('refuses a row outside the file and a value of the wrong type in one sentence', async () => {
    await expect(explainRow(model, prepared.encoder, table, 800)).rejects.toThrow('Row 801 is not in this file, which has 800 rows.');
    await expect(explainValues(model, prepared.encoder, { tenure: 'twelve' })).rejects.toThrow('"tenure" needs a number, and "twelve" is not one.');
    await expect(explainValues(model, prepared.encoder, { signup: 'someday' })).rejects.toThrow(/"signup" needs a date/);
  });

  it('amounts: reasons say by how much, and a linear model sums exactly against its background rows', async () => {
    const t = await tableOf(customersCsv(600, 2, true));
    const prep = prepareTraining(t, { target: 'spend' });
    const lin = await linearFamily.fit(prep.dataset, prep.taskInfo, linearFamily.defaults(prep.taskInfo, { nRows: 600, nFeatures: prep.dataset.columns.length }), { seed: 0 });
    const bg = { features: prep.dataset.features, nRows: 200, columns: prep.dataset.columns.map((c) => c.slice(0, 200)) };
    const e = await explainRow(lin, prep.encoder, t, 3, { background: bg });
    expect(e.space).toBe('value');
    expect(e.base + e.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(e.shown, 6);
    expect(e.reasons[0]).toMatch(/^(“tenure” is \d+|“contract” is [\w ]+): (raises|lowers) the predicted “spend” by about [\d,.]+$/);
  });
});

describe('several classes', () => {
  it('explains the predicted class by default, or the one asked for', async () => {
    const csv = customersCsv(600, 3).replace(/^(.*),churn$/m, '$1,plan').split('\n').map((line, i) => {
      if (i === 0 || !line) return line;
      const cells = line.split(',');
      const tenure = Number(cells[1] || 0);
      cells[5] = tenure < 24 ? 'basic' : tenure < 48 ? 'plus' : 'premium';
      return cells.join(',');
    }).join('\n');
    const t = await tableOf(csv);
    const prep = prepareTraining(t, { target: 'plan' });
    expect(prep.taskInfo.task).toBe('multiclass');
    const m = await gbdtFamily.fit(prep.dataset, prep.taskInfo, { ...gbdtFamily.defaults(prep.taskInfo, { nRows: 600, nFeatures: prep.dataset.columns.length }), nRounds: 20 }, { seed: 1 });
    const e = await explainValues(m, prep.encoder, { tenure: 60, contract: 'One year' });
    expect(e.space).toBe('softmax_score');
    expect(e.className).toBe('premium');
    expect(e.contributions[0].column).toBe('tenure');
    expect(e.reasons[0]).toBe('“tenure” is 60: raises the chance of “premium”');
    const basic = await explainValues(m, prep.encoder, { tenure: 60, contract: 'One year' }, { classIndex: prep.target.classes!.indexOf('basic') });
    expect(basic.className).toBe('basic');
    expect(basic.reasons[0]).toBe('“tenure” is 60: lowers the chance of “basic”');
    await expect(explainValues(m, prep.encoder, { tenure: 1 }, { classIndex: 7 })).rejects.toThrow('That outcome is not one this model predicts.');
  });
});

describe('what-if form', () => {
  it('lists each input column with its real range, levels or common values', () => {
    const fields = whatIfFields(prepared.encoder, table);
    expect(fields.map((f) => f.column)).toEqual(['contract', 'tenure', 'signup', 'paperless', 'note']);
    const contract = fields[0];
    expect(contract.kind === 'choice' && contract.options).toEqual(['Month-to-month', 'One year', 'Two year']);
    const tenure = fields[1];
    expect(tenure).toMatchObject({ kind: 'number', min: 0, max: 71, integer: true });
    expect(tenure.kind === 'number' && tenure.typical).toBeGreaterThan(25);
    expect(fields[2]).toMatchObject({ kind: 'date', min: '2023-01-01' });
    expect(fields[3]).toMatchObject({ kind: 'choice' });
    expect(fields[4].kind).toBe('text');
  });

  it('rowsToTable reads typed numbers and text by the training columns\' types', () => {
    const t = rowsToTable(prepared.encoder, [{ tenure: '1,200', contract: 'One year' }, { tenure: 3, signup: 1.7e12 }]);
    expect(t.nRows).toBe(2);
    const tenure = t.columns.find((c) => c.name === 'tenure')!;
    expect(tenure.type).toBe('numeric');
    expect(Array.from((tenure as { values: Float64Array }).values)).toEqual([1200, 3]);
    const ds = prepared.encoder.encode(t);
    expect(ds.nRows).toBe(2);
  });

  it('formats amounts to three significant digits', () => {
    expect(formatAmount(4213.7)).toBe('4,210');
    expect(formatAmount(0.031249)).toBe('0.0312');
    expect(formatAmount(12.5)).toBe('12.5');
  });
});

function rowsOf(t: Table, row: number): Table {
  return { nRows: 1, columns: t.columns.map((c) => ('codes' in c ? { ...c, codes: c.codes.slice(row, row + 1) } : { ...c, values: c.values.slice(row, row + 1) })) };
}
