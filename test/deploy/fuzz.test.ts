// A seeded mutation fuzz test over a good package (an ensemble of boosted trees, a network and a linear
// model, with its arrays): hundreds of mutations of the .augur bytes, of each file's bytes, of JSON
// values and of zip entries. Every one must be refused with one sentence, or load and predict finite
// numbers in the right layout; none may crash (any other error) or hang.
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictTable } from '../../electron/engine/deploy/bundle.ts';
import { DAMAGED_MESSAGE } from '../../electron/engine/deploy/errors.ts';
import { loadPackage, savePackage, writeAugurFile } from '../../electron/engine/deploy/package.ts';
import type { Table } from '../../electron/engine/data/table.ts';
import { EnsembleFitted } from '../../electron/engine/models/composite/ensemble.ts';
import { UserError } from '../../electron/engine/util/errors.ts';
import { mulberry32 } from '../../electron/engine/util/random.ts';
import { bundleOf, bytesOf, fitFamily, json, prepared, readFolder, reseal, tempDir, type TaskName, writeFolder } from './helpers.ts';

const SENTENCES = new Set([DAMAGED_MESSAGE, 'This model was saved by a newer version of Augur; update Augur to open it.']);
// FUZZ_SCALE=10 FUZZ_SEED=7 npx vitest run test/deploy/fuzz.test.ts: a longer run with another seed.
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const SEED = Number(process.env.FUZZ_SEED ?? 20260101);
/** Per base package (three: binary, multiclass, regression). */
const PER_KIND = Object.fromEntries(Object.entries({ augurBytes: 40, fileBytes: 60, jsonValues: 85, zipEntries: 16 }).map(([k, v]) => [k, Math.round(v * SCALE)]));
const dir = tempDir('augur-fuzz-');
interface Base {
  files: Map<string, Uint8Array>;
  augur: Uint8Array;
  table: Table;
}
const bases: Record<TaskName, Base> = {} as Record<TaskName, Base>;

beforeAll(async () => {
  for (const task of ['binary', 'multiclass', 'regression'] as const) {
    const { table, prep } = prepared(task, 160);
    const t = prep.taskInfo;
    // Each base holds trees, a network and a composite; the others add a bag, a linear model and the baseline.
    const second = task === 'binary' ? await fitFamily('linear', prep) : new EnsembleFitted(t, [await fitFamily(task === 'multiclass' ? 'random_forest' : 'extra_trees', prep, 1), await fitFamily(task === 'multiclass' ? 'random_forest' : 'extra_trees', prep, 2)], [0.5, 0.5], 'bag');
    const third = task === 'multiclass' ? await fitFamily('baseline', prep) : await fitFamily(task === 'binary' ? 'gbdt' : 'linear', prep);
    const fitted = new EnsembleFitted(t, [await fitFamily(task === 'binary' ? 'gbdt' : 'gbdt', prep), await fitFamily('mlp', prep), second, third].slice(task === 'binary' ? 1 : 0), task === 'binary' ? [0.5, 0.3, 0.2] : [0.4, 0.3, 0.2, 0.1], 'weighted');
    const out = path.join(dir, `good-${task}`);
    await savePackage(out, bundleOf(fitted, table, prep), { created: new Date('2026-01-01T00:00:00.000Z') }); // fixed: the same bytes every run
    await writeAugurFile(out, `${out}.augur`);
    bases[task] = { files: readFolder(out), augur: new Uint8Array(fs.readFileSync(`${out}.augur`)), table };
    fitted.dispose();
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function mutateBytes(r: Rand, b: Uint8Array): Uint8Array {
  const out = b.slice();
  const op = Math.floor(r() * 4);
  if (out.length === 0 || op === 0) {
    const at = Math.floor(r() * (out.length + 1));
    return Uint8Array.from([...out.subarray(0, at), ...Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256)), ...out.subarray(at)]);
  }
  if (op === 1) return out.subarray(0, Math.floor(r() * out.length));
  if (op === 2) {
    const at = Math.floor(r() * out.length);
    out.fill(pick(r, [0, 0xff, 0x20, 0x7f]), at, Math.min(out.length, at + 1 + Math.floor(r() * 16)));
    return out;
  }
  for (let k = 0, m = 1 + Math.floor(r() * 8); k < m; k++) out[Math.floor(r() * out.length)] ^= 1 << Math.floor(r() * 8);
  return out;
}

const ODD_VALUES: unknown[] = [null, 0, -1, 1, 2, 0.5, -0.0, 1e308, -1e308, 2 ** 31, 2 ** 53, 1e-300, '', 'x', '../x', '__proto__', true, false, [], {}, [0], { a: 1 }, 'ensemble', 'mlp', 'binary', 'Lambda'];

/** Every [container, key] in a JSON value. */
function slots(v: unknown, out: [any, string | number][] = []): [any, string | number][] {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([v, i]); if (out.length < 50_000) slots(x, out); });
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) { out.push([v, k]); if (out.length < 50_000) slots((v as any)[k], out); }
  return out;
}

function mutateJson(r: Rand, value: any): any {
  const all = slots(value);
  if (!all.length) return pick(r, ODD_VALUES);
  const [c, k] = pick(r, all);
  const op = Math.floor(r() * 6);
  const cur = c[k];
  if (op === 0) c[k] = pick(r, ODD_VALUES);
  else if (op === 1) {
    if (Array.isArray(c)) c.splice(k as number, 1);
    else delete c[k];
  } else if (op === 2) {
    if (Array.isArray(c)) c.push(structuredClone(cur));
    else c[`extra${Math.floor(r() * 10)}`] = structuredClone(cur);
  } else if (op === 3 && typeof cur === 'number') c[k] = pick(r, [cur + 1, cur - 1, -cur, cur * 1e6, cur / 3, Math.floor(cur * 7)]);
  else if (op === 4 && typeof cur === 'string') c[k] = pick(r, [cur + 'x', cur.slice(1), cur.toUpperCase(), '']);
  else if (op === 5 && Array.isArray(cur)) c[k] = cur.slice(0, Math.floor(r() * cur.length));
  else c[k] = pick(r, ODD_VALUES);
  return value;
}

function mutateZip(r: Rand, z: Uint8Array): Uint8Array {
  const entries = unzipSync(z);
  const names = Object.keys(entries);
  const op = Math.floor(r() * 5);
  const n = pick(r, names);
  if (op === 0) delete entries[n];
  else if (op === 1) entries[pick(r, ['../' + n, '/' + n, n + '/../../x', 'C:\\' + n, n.toUpperCase()])] = entries[n];
  else if (op === 2) entries[n] = entries[pick(r, names)];
  else if (op === 3) {
    // a lying size in the central directory
    const out = z.slice();
    const v = new DataView(out.buffer);
    let hits = 0;
    for (let p = 0; p + 46 < out.length; p++) if (v.getUint32(p, true) === 0x02014b50 && r() < 0.5 && hits++ < 2) v.setUint32(p + 24, Math.floor(r() * 2 ** 32), true);
    return out;
  } else {
    const out = z.slice();
    const v = new DataView(out.buffer);
    for (let p = 0; p + 46 < out.length; p++) if (v.getUint32(p, true) === 0x02014b50 && r() < 0.3) v.setUint16(p + 10, pick(r, [1, 9, 12, 99]), true); // compression method
    return out;
  }
  return zipSync(entries);
}

type Outcome = 'refused' | 'loaded-finite' | 'loaded-table-refused';

async function tryOne(p: string, loader: 'app' | 'pure', table: Table): Promise<Outcome> {
  let bundle;
  try {
    bundle = await loadPackage(p, { loader });
  } catch (err) {
    if (err instanceof UserError && SENTENCES.has(err.message)) return 'refused';
    throw new Error(`${path.basename(p)}: not a clean refusal: ${(err as Error)?.stack ?? err}`);
  }
  try {
    const pred = predictTable(bundle, table);
    const k = bundle.taskInfo.task === 'multiclass' ? bundle.taskInfo.nClasses : 1;
    if (pred.length !== table.nRows * k) throw new Error(`${path.basename(p)}: ${pred.length} predictions`);
    for (const v of pred) if (!Number.isFinite(v) || (bundle.taskInfo.task !== 'regression' && !(v >= 0 && v <= 1))) throw new Error(`${path.basename(p)}: predicted ${v}`);
    return 'loaded-finite';
  } catch (err) {
    // the table itself no longer fits what the (mutated, still consistent) model expects: said in one sentence
    if (err instanceof UserError && /^[A-Z].*[.]$/.test(err.message) && !/\n/.test(err.message)) return 'loaded-table-refused';
    throw err;
  } finally {
    bundle.fitted.dispose?.();
  }
}

describe('seeded mutation fuzz over a good package', () => {
  it(`${3 * Object.values(PER_KIND).reduce((a, b) => a + b, 0)} mutations over three packages: each refused with one sentence or loaded with finite predictions`, async () => {
    const r = mulberry32(SEED);
    const counts: Record<string, Record<Outcome, number>> = {};
    let slowest = 0;
    let i = 0;
    const t0 = performance.now();
    for (const [task, base] of Object.entries(bases)) {
      for (const [kind, times] of Object.entries(PER_KIND)) {
        const c = (counts[`${task} ${kind}`] = { refused: 0, 'loaded-finite': 0, 'loaded-table-refused': 0 });
        for (let k = 0; k < times; k++, i++) {
          let target: string;
          if (kind === 'augurBytes' || kind === 'zipEntries') {
            target = path.join(dir, `m${i}.augur`);
            fs.writeFileSync(target, kind === 'augurBytes' ? mutateBytes(r, base.augur) : mutateZip(r, base.augur));
          } else {
            const files = new Map(base.files);
            const name = pick(r, [...files.keys()].filter((f) => (kind === 'jsonValues' ? f.endsWith('.json') : f !== 'README.md')));
            if (process.env.FUZZ_DEBUG) console.log(i, kind, name);
            if (kind === 'fileBytes') files.set(name, mutateBytes(r, files.get(name)!));
            else files.set(name, bytesOf(mutateJson(r, json(files.get(name)!))));
            // the checksums made to match again, so the parsers behind them see the damage (a damaged manifest stays as it is)
            try {
              reseal(files);
            } catch {
              /* manifest no longer JSON */
            }
            target = writeFolder(path.join(dir, `m${i}`), files);
          }
          const s = performance.now();
          c[await tryOne(target, i % 2 ? 'pure' : 'app', base.table)]++;
          slowest = Math.max(slowest, performance.now() - s);
          fs.rmSync(target, { recursive: true, force: true });
        }
      }
    }
    const total = Object.values(counts).reduce((acc, c) => ({ refused: acc.refused + c.refused, loaded: acc.loaded + c['loaded-finite'], table: acc.table + c['loaded-table-refused'] }), { refused: 0, loaded: 0, table: 0 });
    console.log(`fuzz: ${i} mutations in ${((performance.now() - t0) / 1000).toFixed(1)} s (slowest ${slowest.toFixed(0)} ms):`, JSON.stringify(total), JSON.stringify(counts));
    expect(total.refused + total.loaded + total.table).toBe(i);
    expect(total.refused).toBeGreaterThan(i / 2);
    expect(slowest).toBeLessThan(5000);
  }, 1_200_000);
});
