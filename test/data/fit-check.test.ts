// A new file against a saved model: which columns match, which look renamed, what the model never saw.
import { describe, expect, it } from 'vitest';
import { matchColumns, matchingFindings, unseenValueFindings } from '../../electron/engine/data/fit-check.ts';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { buildSchema } from '../../electron/engine/data/schema.ts';
import { importText } from './helpers.ts';

const TRAIN = 'Monthly Charges,contract,tenure,notes,churned\n' +
  Array.from({ length: 80 }, (_, i) => `${20 + i},${['month', 'year', 'two years'][i % 3]},${i % 40},x,${i % 2 ? 'yes' : 'no'}`).join('\n') + '\n';

async function model() {
  const t = await importText(TRAIN);
  const p = prepareTraining(t.table, { target: 'churned' });
  const used = new Set(p.encoder.sources.map((s) => s.column));
  return { schema: buildSchema(t.table, t.plans, { target: 'churned' }, used), encoder: p.encoder };
}

describe('fit check', () => {
  it('matches columns by name, spots a renamed one, lists extras, and knows whether the outcome is there', async () => {
    const { schema } = await model();
    const m = matchColumns(schema, ['monthly_charges', 'Contract type', 'tenure', 'region']);
    expect(m.matches.find((x) => x.column === 'Monthly Charges')!.from).toBe('monthly_charges');
    expect(m.matches.find((x) => x.column === 'contract')).toMatchObject({ from: null, suggestion: 'Contract type' });
    expect(m.missing).toEqual(['contract']);
    expect(m.extra).toEqual(['Contract type', 'region']);
    expect(m.targetPresent).toBe(false);
    const words = matchingFindings(m, 'churned').map((f) => f.message);
    expect(words).toContain('The model needs the column "contract"; this file has "Contract type" instead, which may be the same column renamed.');
    expect(words.some((w) => /no "churned" column/.test(w))).toBe(true);
    // The user confirms the suggestion in the mapping step: nothing is missing any more.
    const mapped = matchColumns(schema, ['monthly_charges', 'Contract type', 'tenure', 'region', 'churned'], { contract: 'Contract type' });
    expect(mapped.missing).toEqual([]);
    expect(mapped.extra).toEqual(['region']);
    expect(mapped.targetPresent).toBe(true);
  });

  it('reads a renamed column under the model’s name and names values the model never saw', async () => {
    const { schema, encoder } = await model();
    const later = 'monthly charges,Contract type,tenure\n' + Array.from({ length: 40 }, (_, i) => `${30 + i},${i < 30 ? 'month' : 'weekly'},${i}`).join('\n') + '\n';
    const { table } = await importText(later, 'later.csv', { schema, rename: { 'monthly charges': 'Monthly Charges', 'Contract type': 'contract' } });
    expect(table.columns.map((c) => c.name)).toEqual(['Monthly Charges', 'contract', 'tenure']);
    const f = unseenValueFindings(encoder, table);
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe('10 rows have a value in "contract" the model never saw ("weekly"); the model scores those rows as if that value were missing.');
    expect(f[0].severity).toBe('warning');
  });
});
