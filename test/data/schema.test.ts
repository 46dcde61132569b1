// A saved model reads later files as it read its training file: the schema pins each column's reading.
import { describe, expect, it } from 'vitest';
import { buildSchema, tableSchemaFromJSON } from '../../electron/engine/data/schema.ts';
import { isCoded } from '../../electron/engine/data/table.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { importText } from './helpers.ts';

const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

describe('the pinned schema', () => {
  it('reads a later file the way the training file was read, not as its own sample suggests', async () => {
    // Training: semicolons and decimal commas ("1,5" is one and a half), a yes/no column, a code with leading zeros.
    const train = await importText('price;member;zip;y\n' + rows(60, (i) => `${i % 7},5;${i % 2 ? 'ja' : 'nein'};0${1000 + i};${i % 3}`) + '\n');
    const schema = buildSchema(train.table, train.plans, { target: 'y' }, new Set(['price', 'member', 'zip']));
    const saved = tableSchemaFromJSON(JSON.parse(JSON.stringify(schema)));
    expect(saved).toEqual(schema);
    expect(saved.columns.find((c) => c.name === 'price')).toMatchObject({ read: 'numeric', storage: { kind: 'num', decimal: ',' }, role: 'feature' });
    // A later file whose first rows are whole numbers and whose zips lost their zeros: read alone it
    // would be guessed differently; with the schema every column means what it meant in training.
    const later = 'price;member;zip;y\n' + rows(2100, (i) => `${i < 2050 ? String(i % 9) : '3,25'};${i % 2 ? 'ja' : 'nein'};${2000 + i};1`) + '\n';
    const alone = await importText(later);
    expect(alone.table.columns.find((c) => c.name === 'zip')!.type).not.toBe('categorical');
    const pinned = await importText(later, 'later.csv', { schema: saved });
    const price = pinned.table.columns.find((c) => c.name === 'price')!;
    expect(price.type).toBe('numeric');
    expect(!isCoded(price) && price.values[2099]).toBe(3.25);
    expect(pinned.table.columns.find((c) => c.name === 'member')!.type).toBe('boolean');
    const zip = pinned.table.columns.find((c) => c.name === 'zip')!;
    expect(zip.type).toBe(saved.columns.find((c) => c.name === 'zip')!.read);
  });

  it('keeps a pinned number column as numbers and reports the cells that do not fit, instead of reading it as text', async () => {
    const train = await importText('amount,y\n' + rows(50, (i) => `${i * 1.5},${i % 2}`) + '\n');
    const schema = buildSchema(train.table, train.plans, { target: 'y' }, new Set(['amount']));
    const text = 'amount,y\n' + rows(300, (i) => (i % 3 === 0 ? 'see note' : String(i))) .replace(/\n/g, ',1\n') + ',1\n';
    const alone = await importText(text);
    expect(alone.table.columns[0].type).not.toBe('numeric');
    const pinned = await importText(text, 'p.csv', { schema });
    expect(pinned.table.columns[0].type).toBe('numeric');
    const f = pinned.summary.findings.find((x) => x.code === 'unreadable_values');
    expect(f?.message).toMatch(/100 cells in "amount" could not be read as a number/);
  });

  it('reads a word that is neither yes nor no in a pinned yes/no column as missing, not as "no"', async () => {
    const train = await importText('member,y\n' + rows(40, (i) => `${i % 2 ? 'yes' : 'no'},${i % 2}`) + '\n');
    const schema = buildSchema(train.table, train.plans, { target: 'y' }, new Set(['member']));
    const pinned = await importText('member,y\nyes,1\nmaybe,0\nno,0\n', 'later.csv', { schema });
    const member = pinned.table.columns[0];
    expect(member.type).toBe('boolean');
    expect(isCoded(member) && Array.from(member.codes)).toEqual([1, -1, 0]);
  });

  it('refuses a damaged schema in one sentence', () => {
    const bad = [null, { version: 2, columns: [] }, { version: 1, columns: [{ name: 'a', read: 'numeric', type: 'numeric', role: 'feature', storage: { kind: 'num', decimal: ';' } }] },
      { version: 1, columns: [{ name: 'a', read: 'numeric', type: 'numeric', role: 'feature', storage: { kind: 'num' } }, { name: 'a', read: 'numeric', type: 'numeric', role: 'feature', storage: { kind: 'num' } }] }];
    for (const b of bad) expect(() => tableSchemaFromJSON(b)).toThrow(UserError);
  });
});
