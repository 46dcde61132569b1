import { describe, expect, it } from 'vitest';
import { FeatureEncoder, OTHER_LEVEL } from '../../electron/engine/data/features.ts';
import { prepareTraining } from '../../electron/engine/data/prepare.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { tableOf } from './helpers.ts';

const TRAIN = `id,plan,fee,active,signup,comment,churned
1,basic,$10,yes,2024-01-15,hello there friend,No
2,pro,$25,no,2024-02-20,,Yes
3,basic,$10,yes,2024-03-05,call back later,No
4,team,$40,yes,2024-04-11,,No
5,pro,$25,no,2024-05-30,angry customer,Yes
6,basic,$12,yes,2023-06-02,,No
7,pro,,no,2023-07-09,,
`;

describe('prepareTraining', () => {
  it('encodes numeric, boolean, categorical and date columns; leaves out ignored columns and the target', async () => {
    const p = prepareTraining(await tableOf(TRAIN), { target: 'churned', ignore: ['id', 'comment'] });
    expect(p.taskInfo).toEqual({ task: 'binary', nClasses: 2 });
    expect(p.target.classes).toEqual(['No', 'Yes']);
    const names = p.dataset.features.map((f) => f.name);
    expect(names).toEqual(['plan', 'fee', 'active', 'signup (year)', 'signup (month)', 'signup (day of year)', 'signup (weekday)', 'signup (days since 1970)']);
    // Row 7 has no target: left out.
    expect(p.dataset.nRows).toBe(6);
    expect(Array.from(p.dataset.y!)).toEqual([0, 1, 0, 0, 1, 0]);
    const plan = p.dataset.features[0];
    expect(plan).toMatchObject({ kind: 'categorical', categories: ['basic', 'pro', 'team'] });
    expect(Array.from(p.dataset.columns[0])).toEqual([0, 1, 0, 2, 1, 0]);
    expect(Array.from(p.dataset.columns[1])).toEqual([10, 25, 10, 40, 25, 12]);
    expect(Array.from(p.dataset.columns[2])).toEqual([1, 0, 1, 1, 0, 1]);
    expect(p.dataset.columns[3][0]).toBe(2024);
    expect(p.dataset.columns[4][0]).toBe(1);
    expect(p.dataset.columns[5][1]).toBe(51); // 20 February
    expect(p.dataset.columns[6][0]).toBe(0); // 2024-01-15 was a Monday
    expect(p.dataset.columns[7][0]).toBe(Date.UTC(2024, 0, 15) / 86_400_000);
  });

  it('leaves out id-like and free-text columns', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `C-${100 + i},${i % 4},the customer wrote a long note number ${i},${i % 2 ? 'yes' : 'no'}`);
    const p = prepareTraining(await tableOf('code,visits,note,y\n' + rows.join('\n')), { target: 'y' });
    expect(p.dataset.features.map((f) => f.name)).toEqual(['visits']);
  });

  it('turns a sometimes-empty text column into a "filled in" feature that survives a save and reload', async () => {
    // A cabin number is only recorded for some passengers; whether it is there carries the signal.
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 3 === 0 ? `C${100 + i} deck note ${i}` : ''},${i % 3 === 0 ? 'yes' : 'no'}`);
    const table = await tableOf('visits,cabin,y\n' + rows.join('\n'));
    const p = prepareTraining(table, { target: 'y' });
    expect(p.dataset.features.map((f) => f.name)).toEqual(['visits', 'cabin (filled in)']);
    expect(Array.from(p.dataset.columns[1].slice(0, 4))).toEqual([1, 0, 0, 1]);
    const back = FeatureEncoder.fromJSON(JSON.parse(JSON.stringify(p.encoder.toJSON())));
    expect(Array.from(back.encode(table).columns[1])).toEqual(Array.from(p.dataset.columns[1]));
    // Ignoring the column removes the indicator too.
    expect(prepareTraining(table, { target: 'y', ignore: ['cabin'] }).dataset.features.map((f) => f.name)).toEqual(['visits']);
  });

  it('learns from whether a "yes or blank" column is filled in (a ticked box), as a mark, a word or a number', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 3 === 0 ? 'X' : ''},${i % 4 === 0 ? 'yes' : ''},${i % 2 === 0 ? 1 : ''},${i % 3 === 0 ? 'yes' : 'no'}`);
    const table = await tableOf('visits,mark,word,one,y\n' + rows.join('\n'));
    const p = prepareTraining(table, { target: 'y' });
    expect(p.dataset.features.map((f) => f.name)).toEqual(['visits', 'mark (filled in)', 'word (filled in)', 'one (filled in)']);
    expect(Array.from(p.dataset.columns[1].slice(0, 4))).toEqual([1, 0, 0, 1]);
    const back = FeatureEncoder.fromJSON(JSON.parse(JSON.stringify(p.encoder.toJSON())));
    expect(Array.from(back.encode(table).columns[3])).toEqual(Array.from(p.dataset.columns[3]));
    // the same value on every row (nothing empty) still carries nothing
    const full = await tableOf('visits,same,y\n' + Array.from({ length: 40 }, (_, i) => `${i % 5},X,${i % 2 ? 'yes' : 'no'}`).join('\n'));
    expect(prepareTraining(full, { target: 'y' }).dataset.features.map((f) => f.name)).toEqual(['visits']);
  });

  it('counts values that differ only in capitals or spaces as one, in the outcome and the features, also in new files', async () => {
    const status = ['active', 'Active', 'cancelled', 'CANCELLED ', 'active'];
    const plan = ['Basic', 'basic', 'Pro', 'pro', 'Basic'];
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${plan[i % 5]},${status[i % 5]}`);
    const p = prepareTraining(await tableOf('visits,plan,status\n' + rows.join('\n')), { target: 'status' });
    expect(p.target.classes).toEqual(['active', 'cancelled']);
    expect(p.dataset.features[1]).toMatchObject({ name: 'plan', categories: ['Basic', 'Pro'] });
    // a later file spells them its own way: same levels, same classes
    const later = await tableOf('visits,plan,status\n1,BASIC,Active\n2, pro,cancelled\n3,Team,active\n');
    const back = FeatureEncoder.fromJSON(JSON.parse(JSON.stringify(p.encoder.toJSON())));
    expect(Array.from(back.encode(later).columns[1])).toEqual([0, 1, NaN]);
    expect(Array.from(back.encodeTarget(later))).toEqual([0, 1, 0]);
  });

  it('turns the most common words of free text into features that survive a save and reload', async () => {
    // Passenger names: the title ("Mr.", "Mrs.", "Master") is the useful part; the rest is unique.
    const titles = ['Mr.', 'Mrs.', 'Miss', 'Master'];
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 7},"Surname${i}, ${titles[i % 4]} Given${i}",${i % 4 === 0 ? 'no' : 'yes'}`);
    const table = await tableOf('visits,name,y\n' + rows.join('\n'));
    const p = prepareTraining(table, { target: 'y' });
    const names = p.dataset.features.map((f) => f.name);
    expect(names).toEqual(['visits', 'name contains "master"', 'name contains "miss"', 'name contains "mr"', 'name contains "mrs"']);
    // row 0 is "Mr.", row 1 "Mrs.": each sets only its own word
    expect(p.dataset.columns.slice(1).map((c) => c[0])).toEqual([0, 0, 1, 0]);
    expect(p.dataset.columns.slice(1).map((c) => c[1])).toEqual([0, 0, 0, 1]);
    // the same words on new rows after a save and reload; unseen words set nothing
    const back = FeatureEncoder.fromJSON(JSON.parse(JSON.stringify(p.encoder.toJSON())));
    const fresh = back.encode(await tableOf('visits,name,y\n3,"Smith, Master Tom",no\n1,"Doe, Dr. Jane",yes\n2,,no'));
    expect(fresh.columns.slice(1).map((c) => Array.from(c))).toEqual([[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    // a damaged word list is refused in plain words
    const json = JSON.parse(JSON.stringify(p.encoder.toJSON()));
    json.sources.find((s: { kind: string }) => s.kind === 'words').words = [1, 2];
    expect(() => FeatureEncoder.fromJSON(json)).toThrow(/damaged/);
  });

  it('keeps only the words of free text that go with the outcome, for classes and for amounts', async () => {
    // Titles decide the outcome; first names are common but unrelated to it (noise on a small file).
    const titles = ['Mr.', 'Mrs.', 'Miss', 'Master'];
    const firsts = ['William', 'John', 'Mary', 'Anna', 'George', 'Henry'];
    let s = 7;
    const r = () => ((s = (s * 48271) % 2147483647) / 2147483647);
    const rows = Array.from({ length: 400 }, (_, i) => {
      const t = i % 4;
      return `"Surname${i}, ${titles[t]} ${firsts[Math.floor(r() * 6)]}",${r() < (t === 0 ? 0.15 : 0.7) ? 'yes' : 'no'}`;
    });
    const table = await tableOf('name,y\n' + rows.join('\n'));
    const p = prepareTraining(table, { target: 'y' });
    expect(p.dataset.features.map((f) => f.name)).toEqual(['name contains "master"', 'name contains "miss"', 'name contains "mr"', 'name contains "mrs"']);
    // Amounts: "premium" raises the price, "blue" and "red" do not.
    const notes = Array.from({ length: 300 }, (_, i) => `${i % 3 === 0 ? 'premium ' : ''}${r() < 0.5 ? 'blue' : 'red'} item ${i},${(i % 3 === 0 ? 100 : 60) + Math.round(r() * 40)}`);
    const priced = prepareTraining(await tableOf('note,price\n' + notes.join('\n')), { target: 'price' });
    expect(priced.dataset.features.map((f) => f.name)).toEqual(['note contains "premium"']);
  });

  it('gives values that several rows share (a ticket bought together) their own category, which survives a save and reload', async () => {
    // Tickets: most passengers have their own, some share one with family; the shared ones say who travelled together.
    const rows = Array.from({ length: 120 }, (_, i) => `${i % 5},${i < 24 ? `T-${100 + (i >> 2)}` : `T-${500 + i}`},${i % 2 ? 'yes' : 'no'}`);
    const table = await tableOf('visits,ticket,y\n' + rows.join('\n') + '\n3,,no');
    const p = prepareTraining(table, { target: 'y' });
    const spec = p.dataset.features.find((f) => f.name === 'ticket (shared values)')!;
    expect(spec.kind).toBe('categorical');
    expect(spec.categories).toEqual(['T-100', 'T-101', 'T-102', 'T-103', 'T-104', 'T-105', OTHER_LEVEL]);
    const col = p.dataset.columns[p.dataset.features.indexOf(spec)];
    expect([col[0], col[5], col[30], col[120]]).toEqual([0, 1, 6, NaN]); // shared, shared, own ticket -> (other), empty
    // after a save and reload: a new passenger's unseen ticket is "(other)" too, not missing
    const back = FeatureEncoder.fromJSON(JSON.parse(JSON.stringify(p.encoder.toJSON())));
    const fresh = back.encode(await tableOf('visits,ticket,y\n1,T-102,no\n2,T-999,yes'));
    expect(Array.from(fresh.columns[p.dataset.features.indexOf(spec)])).toEqual([2, 6]);
    // a column of (nearly) all-different values gets no such feature
    const unique = await tableOf('visits,ticket,y\n' + Array.from({ length: 120 }, (_, i) => `${i % 5},T-${i},${i % 2 ? 'yes' : 'no'}`).join('\n'));
    expect(prepareTraining(unique, { target: 'y' }).dataset.features.map((f) => f.name)).toEqual(['visits']);
    // a damaged level list is refused in plain words
    const json = JSON.parse(JSON.stringify(p.encoder.toJSON()));
    json.sources.find((s: { kind: string }) => s.kind === 'groups').levels = 'T-100';
    expect(() => FeatureEncoder.fromJSON(json)).toThrow(/damaged/);
  });

  it('makes the interesting outcome class 1', async () => {
    const mk = (labels: string[]) => tableOf('x,y\n' + labels.map((l, i) => `${i % 3},${l}`).join('\n'));
    const cls = async (labels: string[]) => prepareTraining(await mk(labels), { target: 'y' }).target.classes;
    expect(await cls(['>50K', '<=50K', '<=50K', '<=50K'])).toEqual(['<=50K', '>50K']);
    expect(await cls(['yes', 'no', 'no', 'no'])).toEqual(['no', 'yes']);
    expect(await cls(['1', '2', '1', '1'])).toEqual(['1', '2']);
    expect(await cls(['good', 'bad', 'good', 'bad', 'good'])).toEqual(['good', 'bad']);
    // No word decides: the rarer class is class 1.
    expect(await cls(['red', 'blue', 'red', 'red'])).toEqual(['red', 'blue']);
  });

  it('weights classes when they are clearly uneven', async () => {
    const t = await tableOf('x,y\n' + Array.from({ length: 100 }, (_, i) => `${i % 7},${i % 10 === 0 ? 'yes' : 'no'}`).join('\n'));
    const p = prepareTraining(t, { target: 'y' });
    const w = p.dataset.weights!;
    expect(w[0] / w[1]).toBeCloseTo(9, 5); // 10 yes vs 90 no
    expect(p.target.classShares).toEqual([0.9, 0.1]);
  });

  it('handles multiclass and regression targets and task overrides', async () => {
    const t = await tableOf('x,kind,price\n' + Array.from({ length: 30 }, (_, i) => `${i},${['b', 'a', 'c'][i % 3]},${i * 2.5}`).join('\n'));
    const m = prepareTraining(t, { target: 'kind' });
    expect(m.taskInfo).toEqual({ task: 'multiclass', nClasses: 3 });
    expect(m.target.classes).toEqual(['a', 'b', 'c']);
    const r = prepareTraining(t, { target: 'price', ignore: ['x'] });
    expect(r.taskInfo).toEqual({ task: 'regression', nClasses: 1 });
    expect(r.dataset.features.map((f) => f.name)).toEqual(['kind']);
    expect(r.dataset.y![3]).toBe(7.5);
    expect(() => prepareTraining(t, { target: 'kind', task: 'regression' })).toThrow(/does not hold amounts/);
  });

  it('applies type overrides (a numeric code as categories)', async () => {
    const t = await tableOf('zip,y\n' + Array.from({ length: 40 }, (_, i) => `${[1000, 2000, 3000][i % 3]},${i % 2}`).join('\n'));
    const p = prepareTraining(t, { target: 'y', typeOverrides: { zip: 'categorical' } });
    expect(p.dataset.features[0]).toMatchObject({ name: 'zip', kind: 'categorical', categories: ['1000', '2000', '3000'] });
  });

  it('treats __proto__ and constructor as ordinary column names, also in settings from JSON', async () => {
    const t = await tableOf('__proto__,constructor,y\n' + Array.from({ length: 30 }, (_, i) => `${i % 3},${i % 4},${i % 2}`).join('\n'));
    const settings = JSON.parse('{"target":"y","typeOverrides":{"__proto__":"categorical"},"ignore":["constructor"]}');
    const p = prepareTraining(t, settings);
    expect(p.dataset.features).toEqual([{ name: '__proto__', kind: 'categorical', categories: ['0', '1', '2'] }]);
    expect(({} as Record<string, unknown>).categorical).toBeUndefined();
  });

  it('refuses unusable targets in one sentence', async () => {
    const t = await tableOf('customer,x,y\n' + Array.from({ length: 30 }, (_, i) => `c${i},${i},same`).join('\n'));
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as UserError;
      }
      throw new Error('no error');
    };
    expect(err(() => prepareTraining(t, { target: 'y' })).code).toBe('single_class');
    const unknown = err(() => prepareTraining(t, { target: 'Customr' }));
    expect(unknown).toBeInstanceOf(UserError);
    expect(unknown.message).toBe('There is no column called "Customr" in this file.');
    expect(unknown.suggestion).toContain('"customer"');
  });

  it('merges rare categories into "(other)"', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i < 180 ? ['a', 'b', 'c'][i % 3] : `rare${i}`},${i % 2}`);
    const p = prepareTraining(await tableOf('cat,y\n' + rows.join('\n')), { target: 'y' });
    expect(p.dataset.features[0].categories).toEqual(['a', 'b', 'c', OTHER_LEVEL]);
    expect(p.dataset.columns[0][199]).toBe(3);
  });
});

describe('FeatureEncoder at prediction time', () => {
  it('matches columns by name, maps unseen categories to NaN, and survives a JSON round trip', async () => {
    const p = prepareTraining(await tableOf(TRAIN), { target: 'churned', ignore: ['id', 'comment'] });
    const enc = FeatureEncoder.fromJSON(JSON.parse(JSON.stringify(p.encoder.toJSON())));
    // Different column order, an extra column, a new plan, booleans spelled differently.
    const fresh = await tableOf('extra,active,churned,signup,fee,plan\nz,Yes,Yes,2024-02-20,30,enterprise\nz,no,No,15/01/2024,$10,basic\n');
    const d = enc.encode(fresh);
    expect(d.features).toEqual(p.dataset.features);
    expect(d.nRows).toBe(2);
    expect(Number.isNaN(d.columns[0][0])).toBe(true); // unseen plan
    expect(d.columns[0][1]).toBe(0);
    expect(Array.from(d.columns[1])).toEqual([30, 10]);
    expect(Array.from(d.columns[2])).toEqual([1, 0]);
    expect(d.columns[7][1]).toBe(Date.UTC(2024, 0, 15) / 86_400_000);
    expect(Array.from(enc.encodeTarget(fresh))).toEqual([1, 0]);
  });

  it('says which columns are missing', async () => {
    const p = prepareTraining(await tableOf(TRAIN), { target: 'churned', ignore: ['id', 'comment'] });
    const t = await tableOf('plan,active\nbasic,yes\npro,no\n');
    expect(() => p.encoder.encode(t)).toThrow('This file is missing columns "fee", "signup" that the model needs.');
  });

  it('rejects a damaged saved encoder', () => {
    expect(() => FeatureEncoder.fromJSON({ kind: 'augur-feature-encoder', formatVersion: 1, sources: [{ kind: 'eval', column: 'x' }] })).toThrow(UserError);
    expect(() => FeatureEncoder.fromJSON('nope')).toThrow(UserError);
  });
});
