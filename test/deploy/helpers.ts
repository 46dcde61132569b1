// Bundles of every family (and ensembles) on a small mixed table, for the model package tests.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareTraining, type PreparedData } from '../../electron/engine/data/prepare.ts';
import type { Table } from '../../electron/engine/data/table.ts';
import { completeBundle, type ModelBundle } from '../../electron/engine/deploy/bundle.ts';
import { CalibratedFitted } from '../../electron/engine/models/composite/calibrated.ts';
import { plattCalibrator, temperatureCalibrator } from '../../electron/engine/models/composite/calibrators.ts';
import { EnsembleFitted } from '../../electron/engine/models/composite/ensemble.ts';
import { conformanceParams } from '../../electron/engine/models/conformance.ts';
import { familyByName } from '../../electron/engine/models/registry.ts';
import type { Fitted } from '../../electron/engine/models/types.ts';
import { mulberry32 } from '../../electron/engine/util/random.ts';

export type TaskName = 'binary' | 'multiclass' | 'regression';

/** Numbers with gaps, a category, a yes/no column, a date, free text and an id; the target follows `task`. */
export function mixedTable(task: TaskName, n = 240, seed = 1): Table {
  const rand = mulberry32(seed);
  const size = new Float64Array(n), when = new Float64Array(n), y = new Float64Array(n);
  const colour = new Int32Array(n), member = new Int32Array(n), note = new Int32Array(n), id = new Int32Array(n), yc = new Int32Array(n);
  const notes = ['late delivery', 'great service', 'refund asked', '', 'late again'];
  for (let i = 0; i < n; i++) {
    size[i] = i % 11 === 4 ? NaN : rand() * 100;
    when[i] = Date.UTC(2024, 0, 1) + Math.floor(rand() * 365) * 86_400_000;
    colour[i] = i % 29 === 7 ? -1 : Math.floor(rand() * 3);
    member[i] = rand() < 0.5 ? 1 : 0;
    note[i] = i % 5 === 3 ? -1 : Math.floor(rand() * 5);
    id[i] = i;
    const z = (size[i] === size[i] ? size[i] / 25 : 2) + (colour[i] === 2 ? 1.5 : 0) + member[i] - 2.5 + (rand() - 0.5);
    y[i] = 7 * z + 100;
    yc[i] = task === 'binary' ? (z > 0 ? 1 : 0) : z < -0.7 ? 0 : z < 0.8 ? 1 : 2;
  }
  return {
    nRows: n,
    columns: [
      { name: 'customer id', type: 'id', codes: id, dictionary: Array.from({ length: n }, (_, i) => `C${1000 + i}`) },
      { name: 'size', type: 'numeric', values: size },
      { name: 'colour', type: 'categorical', codes: colour, dictionary: ['red', 'green', 'blue'] },
      { name: 'member', type: 'boolean', codes: member, dictionary: ['false', 'true'], labels: ['No', 'Yes'] },
      { name: 'ordered', type: 'date', values: when },
      { name: 'note', type: 'text', codes: note, dictionary: notes },
      task === 'regression'
        ? { name: 'outcome', type: 'numeric', values: y }
        : { name: 'outcome', type: 'categorical', codes: yc, dictionary: task === 'binary' ? ['stayed', 'left'] : ['low', 'mid', 'high'] },
    ],
  };
}

export function prepared(task: TaskName, n?: number, seed?: number): { table: Table; prep: PreparedData } {
  const table = mixedTable(task, n, seed);
  return { table, prep: prepareTraining(table, { target: 'outcome' }) };
}

export async function fitFamily(name: string, prep: PreparedData, seed = 1): Promise<Fitted> {
  const fam = familyByName(name);
  const d = prep.dataset;
  return fam.fit(d, prep.taskInfo, conformanceParams(fam, prep.taskInfo, { nRows: d.nRows, nFeatures: d.features.length }), { seed });
}

/** The composites the run builds: a k-fold bag, a weighted blend, and a weighted blend holding a bag and a network. */
export async function fitComposite(kind: 'bag' | 'weighted' | 'nested' | 'calibrated', prep: PreparedData): Promise<Fitted> {
  const t = prep.taskInfo;
  if (kind === 'calibrated') {
    // a calibrated ensemble, as a run keeps one when the correction lowers held-out log loss
    const inner = await fitComposite('weighted', prep);
    return new CalibratedFitted(inner, t.task === 'binary' ? plattCalibrator(0.8, 0.1) : temperatureCalibrator(1.4, t.nClasses));
  }
  if (kind === 'bag') return new EnsembleFitted(t, [await fitFamily('gbdt', prep, 1), await fitFamily('gbdt', prep, 2), await fitFamily('gbdt', prep, 3)], [1 / 3, 1 / 3, 1 / 3], 'bag');
  if (kind === 'weighted') return new EnsembleFitted(t, [await fitFamily('gbdt', prep), await fitFamily('linear', prep), await fitFamily('random_forest', prep)], [0.5, 0.3, 0.2], 'weighted');
  const bag = new EnsembleFitted(t, [await fitFamily('extra_trees', prep, 1), await fitFamily('extra_trees', prep, 2)], [0.5, 0.5], 'bag');
  return new EnsembleFitted(t, [bag, await fitFamily('mlp', prep), await fitFamily('baseline', prep)], [0.6, 0.3, 0.1], 'weighted');
}

export function bundleOf(fitted: Fitted, table: Table, prep: PreparedData): ModelBundle {
  const oofRows = Int32Array.from({ length: 40 }, (_, i) => i * 3);
  return completeBundle(
    {
      encoder: prep.encoder,
      fitted,
      taskInfo: prep.taskInfo,
      target: prep.target,
      metrics: { metric: prep.taskInfo.task === 'regression' ? 'rmse' : 'roc_auc', valid: prep.taskInfo.task === 'regression' ? { rmse: 3.25 } : { roc_auc: 0.875 } },
      arrays: { 'oof.rows': oofRows, 'oof.y': Float64Array.from(oofRows, (r) => prep.dataset.y![r]), 'oof.pred': new Float64Array(40 * (prep.taskInfo.task === 'multiclass' ? 3 : 1)).fill(0.25) },
    },
    table,
    { target: 'outcome' },
  );
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---- editing packages by hand (the broken-package corpus and the fuzz test) ----

/** Every file of a package folder (path -> bytes), links left out. */
export function readFolder(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(p, new Uint8Array(fs.readFileSync(path.join(dir, p))));
    }
  };
  walk('');
  return out;
}

export function writeFolder(dir: string, files: Map<string, Uint8Array>): string {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [p, b] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), b);
  }
  return dir;
}

export const json = (b: Uint8Array): any => JSON.parse(new TextDecoder().decode(b));
export const bytesOf = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

/** After editing files by hand: the manifest's sizes and sha256s made to match them again (so the deeper checks are reached). */
export function reseal(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const m = json(files.get('manifest.json')!);
  for (const f of m.files ?? []) {
    const b = files.get(f.path);
    if (!b) continue;
    f.bytes = b.byteLength;
    f.sha256 = createHash('sha256').update(b).digest('hex');
  }
  files.set('manifest.json', bytesOf(m));
  return files;
}

/** A copy with one file replaced (JSON values are serialised), resealed unless `seal` is false. */
export function edit(files: Map<string, Uint8Array>, p: string, change: (v: any) => unknown, seal = true): Map<string, Uint8Array> {
  const out = new Map(files);
  const isJson = p.endsWith('.json');
  const next = change(isJson ? json(files.get(p)!) : files.get(p)!.slice());
  out.set(p, next instanceof Uint8Array ? next : bytesOf(next ?? null));
  return seal ? reseal(out) : out;
}
