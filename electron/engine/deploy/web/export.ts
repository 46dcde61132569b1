// "Export for a web page": a model package as a folder a web developer can put on any static host or
// open from file://. The CLI (`export-web`) and the API call exportWeb.
//
//   index.html      the form, the answer, its range, the chances and the reasons (classic scripts only)
//   page.css        its look (no inline style or script: a strict Content-Security-Policy allows it)
//   page.js         the scorer and the form, as a classic script (pages from file:// cannot load modules)
//   scorer.js       the same scorer as an ES module: import { predict } from './scorer.js'
//   model-data.js   the model itself (sets globalThis.AugurModelData): both scripts read it, nothing is fetched
//   package.json    {"type": "module"}, so Node imports scorer.js as the module it is
//   README.md       for developers: predict(rows), the input and output shapes
//   model/mN/...    networks only: the standard TensorFlow.js Layers files (model.json + weights.bin)
//   augur-web.json  what this folder is (a later export may replace it; nothing else is overwritten)
//
// The folder is written into a temp folder beside the target and renamed into place; the scorer is
// rebuilt from the written model data and answers for a typical row before anything is put in place.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { prepareTable } from '../../data/prepare.ts';
import type { Table } from '../../data/table.ts';
import { backgroundFromJSON, backgroundToJSON, type BackgroundJSON } from '../../evaluate/explain/background.ts';
import type { Dataset, Fitted } from '../../models/types.ts';
import { isTempName, processAlive, syncDir, tempPathFor, writeError, swapFolderIntoPlace } from '../../util/atomic-file.ts';
import { CancelledError, UserError } from '../../util/errors.ts';
import type { ModelBundle } from '../bundle.ts';
import { describeModel } from '../model-card.ts';
import { writeModelFiles } from '../model-files.ts';
import { loadPackage } from '../package.ts';
import { webFields } from './fields.ts';
import { indexHtml, PAGE_CSS } from './page-template.ts';
import { developerReadme } from './readme.ts';
import { webRuntime } from './runtime-bundle.ts';
import { createScorer } from './runtime/scorer.ts';
import { WEB_MODEL_FORMAT, WEB_MODEL_GLOBAL, WEB_MODEL_VERSION, type WebModelData, type WebModelInfo } from './runtime/web-model.ts';
import { modelInfo } from './words.ts';

export const WEB_MARKER = 'augur-web.json';
const MARKER_FORMAT = 'augur-web-export';

export interface WebExportOptions {
  /** The training table as imported (the project's table): the form then shows its real ranges and typical values. */
  training?: Table;
  /** Encoded training rows for explanations (otherwise those kept with the model, or a sample of `training`). */
  background?: Dataset;
  /** The page's heading (default: "<Target> predictor"). */
  title?: string;
  signal?: AbortSignal;
  /** 0..1 and what is being done, in words. */
  onProgress?: (fraction: number, message: string) => void;
  /** Tests: a fixed creation time for the marker file. */
  created?: Date;
}

export interface WebExportResult {
  out: string;
  /** Every file written, relative to `out`, sorted. */
  files: string[];
  bytes: number;
  /** Where the form's ranges came from, and how the page gives reasons (WebModelData.reasons). */
  fieldsFrom: WebModelInfo['fieldsFrom'];
  reasons: WebModelData['reasons'];
}

/** Writes the web export of `source` (a loaded bundle, or a package folder / .augur file) into `outDir`. */
export async function exportWeb(source: ModelBundle | string, outDir: string, opts: WebExportOptions = {}): Promise<WebExportResult> {
  const target = path.resolve(outDir);
  await assertReplaceable(target);
  const made = await webExportFiles(source, opts);
  opts.onProgress?.(0.6, 'Writing the files');
  await writeFolder(target, made.files, opts.signal);
  opts.onProgress?.(1, 'Done');
  let bytes = 0;
  for (const b of made.files.values()) bytes += b.byteLength;
  return { out: target, files: [...made.files.keys()].sort(), bytes, fieldsFrom: made.fieldsFrom, reasons: made.reasons };
}

/**
 * The export's files (path -> bytes) without writing them: for a download in browser mode (zip them),
 * or any other place. Progress runs 0..0.6 here.
 */
export async function webExportFiles(source: ModelBundle | string, opts: WebExportOptions = {}): Promise<{ files: Map<string, Uint8Array> } & Pick<WebExportResult, 'fieldsFrom' | 'reasons'>> {
  const progress = opts.onProgress ?? (() => undefined);
  const check = () => { if (opts.signal?.aborted) throw new CancelledError(); };
  progress(0, 'Reading the model');
  const bundle = typeof source === 'string' ? await loadPackage(source, { loader: 'pure' }) : source;
  try {
    check();
    progress(0.2, 'Preparing the page');
    const { data, files } = await buildExport(bundle, opts);
    check();
    progress(0.4, 'Checking the page answers like the app');
    Object.assign(data, await smokeTest(data));
    check();
    files.set('model-data.js', modelDataJs(data));
    files.set(WEB_MARKER, json({ format: MARKER_FORMAT, version: WEB_MODEL_VERSION, created: (opts.created ?? new Date()).toISOString(), files: [...files.keys(), WEB_MARKER].sort() }));
    return { files, fieldsFrom: data.info.fieldsFrom, reasons: data.reasons };
  } finally {
    if (typeof source === 'string') bundle.fitted.dispose?.();
  }
}

const enc = new TextEncoder();
const json = (v: unknown): Uint8Array => enc.encode(`${JSON.stringify(v, null, 2)}\n`);

/** The model data and every file but model-data.js and the marker. */
async function buildExport(bundle: ModelBundle, opts: WebExportOptions): Promise<{ data: WebModelData; files: Map<string, Uint8Array> }> {
  const background = opts.background ?? keptBackground(bundle) ?? sampleOf(bundle, opts.training);
  const { fields, from } = webFields(bundle.encoder, bundle.settings, { training: opts.training, background });
  const info = modelInfo(bundle, { title: opts.title, description: describeModel(bundle.fitted), fieldsFrom: from });
  const data: WebModelData = {
    format: WEB_MODEL_FORMAT,
    version: WEB_MODEL_VERSION,
    info,
    schema: bundle.schema,
    settings: bundle.settings,
    taskInfo: bundle.taskInfo,
    target: bundle.target,
    encoder: bundle.encoder.toJSON(),
    model: bundle.fitted.toJSON(),
    fields,
    reasons: null,
  };
  if (bundle.postprocess) data.postprocess = bundle.postprocess;
  if (background) data.background = backgroundToJSON(background, 1, background.nRows) as BackgroundJSON & { formatVersion: 1 };
  const runtime = await webRuntime();
  const files = new Map<string, Uint8Array>([
    ['index.html', enc.encode(indexHtml(info))],
    ['page.css', enc.encode(PAGE_CSS)],
    ['page.js', enc.encode(runtime['page.js'])],
    ['scorer.js', enc.encode(runtime['scorer.js'])],
    ['package.json', json({ type: 'module', private: true, description: 'An Augur web scorer: import { predict } from "./scorer.js".' })],
  ]);
  const networks = await networkFiles(bundle.fitted);
  for (const [p, b] of networks) files.set(p, b);
  files.set('README.md', enc.encode(developerReadme(data, [...networks.keys()], describeModel(bundle.fitted))));
  return { data, files };
}

/** Background rows the package keeps for explanations: `explain.background`, features column-major (nRows × features). */
function keptBackground(bundle: ModelBundle): Dataset | undefined {
  const a = bundle.arrays?.['explain.background'] ?? bundle.arrays?.background;
  const F = bundle.encoder.features.length;
  if (!(a instanceof Float64Array) || F === 0 || a.length === 0 || a.length % F !== 0) return undefined;
  const n = a.length / F;
  return { features: bundle.encoder.features, nRows: n, columns: Array.from({ length: F }, (_, f) => a.slice(f * n, (f + 1) * n)) };
}

/** 200 seeded training rows (the number a saved model keeps for explanations), encoded. */
function sampleOf(bundle: ModelBundle, training: Table | undefined): Dataset | undefined {
  if (!training || training.nRows === 0) return undefined;
  const prepared = prepareTable(training, { typeOverrides: bundle.settings.typeOverrides, ignore: bundle.settings.ignore }).table;
  return backgroundFromJSON(backgroundToJSON(bundle.encoder.encode(prepared), 1), bundle.encoder.features);
}

/** Networks as the package keeps them (TensorFlow.js Layers files), for developers who use tfjs. */
async function networkFiles(fitted: Fitted): Promise<Map<string, Uint8Array>> {
  const hasNetwork = (f: Fitted): boolean => f.family === 'mlp' || (f.members ?? []).some(hasNetwork);
  const out = new Map<string, Uint8Array>();
  if (!hasNetwork(fitted)) return out;
  const all = new Map<string, Uint8Array>();
  await writeModelFiles(fitted, all);
  for (const [p, b] of all) if (/^model\/m\d+\/(model\.json|weights\.bin)$/.test(p)) out.set(p, b);
  return out;
}

/** The embedded model as a script: valid both as a classic script and as an ES module. */
function modelDataJs(data: WebModelData): Uint8Array {
  // '<' escaped so the text can never close a <script> element if someone inlines it
  const text = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return enc.encode(`// The model of this Augur web export (made by Augur; editing it changes the answers).\nglobalThis.${WEB_MODEL_GLOBAL} = ${text};\n`);
}

const EXACT_METHODS = new Set(['tree_shap', 'linear', 'members_combined']);

/**
 * The page's scorer rebuilt from the data as a page will (the same pure code) must answer for the
 * typical row; returns how it can give reasons there (a quick sampled explanation, 5 background rows
 * and the fewest permutations, proves the sampled path works without paying for a full one) and, for
 * sampled ones, the budget that fits ~2 s with the page's own model code.
 */
async function smokeTest(data: WebModelData): Promise<Pick<WebModelData, 'reasons' | 'sampling'>> {
  const roundTrip = JSON.parse(JSON.stringify(data)) as WebModelData;
  roundTrip.reasons = 'sampled';
  const scorer = await createScorer(roundTrip);
  const row: Record<string, string | number | null> = {};
  for (const f of data.fields) row[f.column] = f.kind === 'number' ? f.typical : f.typical === '' ? null : f.typical;
  const [p] = scorer.predict([row]);
  const bad = (x: unknown) => typeof x === 'number' && !Number.isFinite(x);
  if (!p || bad(p.prediction) || Object.values(p.probabilities ?? {}).some(bad) || (p.interval ?? []).some(bad)) {
    throw new UserError('cannot_export', 'Augur could not make a web page of this model: the page did not answer like the app.');
  }
  try {
    const e = await scorer.explain(row, { backgroundRows: 5, budget: 1 });
    if (e === null) return { reasons: null };
    if (EXACT_METHODS.has(e.method)) return { reasons: 'exact' };
    const sampling = scorer.timeSampling();
    return sampling ? { reasons: 'sampled', sampling } : { reasons: 'sampled' };
  } catch (err) {
    if (err instanceof UserError && err.code === 'explain_unavailable') return { reasons: null };
    throw err;
  }
}

// ---- writing the folder ----

/** Removes temp folders a killed export of `target` left beside it (its own name only; other saves sweep theirs). */
export async function sweepWebTemps(target: string): Promise<string[]> {
  const parent = path.dirname(path.resolve(target));
  const base = path.basename(target);
  const removed: string[] = [];
  for (const name of await fsp.readdir(parent).catch(() => [] as string[])) {
    const m = /\.augur-tmp-(\d+)-\d+$/.exec(name);
    if (!m || !isTempName(name) || name.slice(0, m.index) !== base || processAlive(Number(m[1]))) continue;
    await fsp.rm(path.join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** A target that exists must be an earlier web export or an empty folder: never replace someone's other files. */
async function assertReplaceable(target: string): Promise<void> {
  const st = await fsp.lstat(target).catch(() => undefined);
  if (!st) return;
  const refuse = () => new UserError('folder_not_empty', `The folder "${path.basename(target)}" already holds other files, so Augur will not write a web page over it.`, 'Choose an empty folder or a new name.');
  if (!st.isDirectory()) throw new UserError('not_a_folder', `"${path.basename(target)}" is a file, so Augur cannot write a web page folder there.`, 'Choose a new folder name.');
  const entries = await fsp.readdir(target);
  if (entries.length === 0) return;
  if (!entries.includes(WEB_MARKER)) throw refuse();
  const marker = await fsp.readFile(path.join(target, WEB_MARKER), 'utf8').then((t) => JSON.parse(t) as { format?: unknown }, () => null);
  if (marker?.format !== MARKER_FORMAT) throw refuse();
}

async function writeFolder(target: string, files: Map<string, Uint8Array>, signal?: AbortSignal): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.mkdir(tmp);
    const dirs = new Set<string>([tmp]);
    for (const [p, bytes] of files) {
      if (signal?.aborted) throw new CancelledError();
      const file = path.join(tmp, ...p.split('/'));
      if (!dirs.has(path.dirname(file))) {
        await fsp.mkdir(path.dirname(file), { recursive: true });
        dirs.add(path.dirname(file));
      }
      const fh = await fsp.open(file, 'w');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) await syncDir(d);
    await assertReplaceable(target); // again: something may have appeared there meanwhile
    await swapFolderIntoPlace(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof CancelledError) throw err;
    throw writeError(err, path.join(target, 'index.html'));
  }
}

