// manifest.json: what a model package is (format and version, made by which Augur and when), what the
// model predicts (target, classes, task), the input schema and the user's settings, the feature encoder,
// the scores, a fingerprint of the training data, every file with its size and sha256, the arrays of
// arrays.bin, and the optional slots. Reading is strict: schema first (schemas.ts), then every cross-check
// (classes against the task, the encoder's columns against the schema, files against the list).
import type { ColumnType, TargetInfo } from '../../../shared/api.ts';
import { FeatureEncoder } from '../data/features.ts';
import { type TableSchema, tableSchemaFromJSON } from '../data/schema.ts';
import { conformalFromJSON } from '../evaluate/conformal-recipe.ts';
import { metricsForTask } from '../evaluate/metrics.ts';
import { calibratorFromJSON } from '../models/composite/calibrators.ts';
import { runRecordFromJSON } from '../search/record.ts';
import type { TaskInfo } from '../models/types.ts';
import type { ArrayEntry } from './arrays.ts';
import type { DataFingerprint, ModelBundle, ModelMetrics, ModelSettings, PostprocessSlot, SlotObject, SmallVersionSlot } from './bundle.ts';
import { damaged, newerFormat } from './errors.ts';
import { MAX_JSON_DEPTH, MAX_MANIFEST_BYTES } from './limits.ts';
import { isSafePackagePath } from './paths.ts';
import { parseJsonBytes } from './safe-json.ts';
import { schemaError } from './schemas.ts';

export const PACKAGE_FORMAT = 'augur-model';
/** Bump when a change would make an older Augur misread a package; keep reading older versions (test/deploy/fixtures). */
export const FORMAT_VERSION = 1;
export const OLDEST_FORMAT_VERSION = 1;

export interface FileEntry {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof PACKAGE_FORMAT;
  formatVersion: number;
  appVersion: string;
  /** ISO time, UTC. */
  created: string;
  taskInfo: TaskInfo;
  target: TargetInfo;
  schema: TableSchema;
  /** ColumnSettings with the type overrides as a list (column names are never keys in a package). */
  settings: { target: string; task?: ModelSettings['task']; ignore: string[]; typeOverrides: { column: string; type: ColumnType }[] };
  encoder: object;
  model: { recipe: string; family: string; description: string };
  metrics: ModelMetrics;
  fingerprint: DataFingerprint;
  files: FileEntry[];
  arrays: ArrayEntry[];
  postprocess?: PostprocessSlot;
  reference?: SlotObject;
  evaluation?: SlotObject;
  run?: SlotObject;
  smallVersion?: SmallVersionSlot;
}

/** JSON without undefined fields (and a copy, so a bundle's objects are never shared with a manifest). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function buildManifest(
  b: ModelBundle,
  model: Manifest['model'],
  files: FileEntry[],
  arrays: ArrayEntry[],
  meta: { appVersion: string; created: string },
): Manifest {
  const finite = (s: Record<string, number | undefined>) => Object.fromEntries(Object.entries(s).filter(([, v]) => Number.isFinite(v)));
  const m: Manifest = {
    format: PACKAGE_FORMAT,
    formatVersion: FORMAT_VERSION,
    appVersion: meta.appVersion,
    created: meta.created,
    taskInfo: { task: b.taskInfo.task, nClasses: b.taskInfo.nClasses },
    target: plain(b.target),
    schema: plain(b.schema),
    settings: {
      target: b.settings.target,
      ...(b.settings.task ? { task: b.settings.task } : {}),
      ignore: [...b.settings.ignore],
      typeOverrides: Object.entries(b.settings.typeOverrides ?? {}).map(([column, type]) => ({ column, type })),
    },
    encoder: plain(b.encoder.toJSON()),
    model,
    metrics: {
      metric: b.metrics.metric,
      valid: finite(b.metrics.valid),
      ...(b.metrics.test ? { test: { ...finite(b.metrics.test), rows: b.metrics.test.rows } } : {}),
    },
    fingerprint: plain(b.fingerprint),
    files,
    arrays,
  };
  if (b.postprocess) m.postprocess = plain(b.postprocess);
  if (b.reference) m.reference = plain(b.reference);
  if (b.evaluation) m.evaluation = plain(b.evaluation);
  if (b.run) m.run = plain(b.run);
  if (b.smallVersion) m.smallVersion = plain(b.smallVersion);
  return m;
}

/** The manifest of a package (untrusted): a newer format asks for an update; anything else malformed is "damaged". */
export function readManifest(bytes: Uint8Array): Manifest {
  const json = parseJsonBytes(bytes, 'manifest.json', MAX_MANIFEST_BYTES, MAX_JSON_DEPTH) as Record<string, unknown>;
  if (!json || typeof json !== 'object' || Array.isArray(json) || json.format !== PACKAGE_FORMAT) damaged('not an Augur manifest');
  const v = json.formatVersion;
  if (Number.isInteger(v) && (v as number) > FORMAT_VERSION) throw newerFormat();
  if (!Number.isInteger(v) || (v as number) < OLDEST_FORMAT_VERSION) damaged('unsupported format version');
  const err = schemaError('manifest', json);
  if (err) damaged(err);
  const m = json as unknown as Manifest;
  checkManifest(m);
  return m;
}

function checkManifest(m: Manifest): void {
  const { taskInfo: t, target } = m;
  const k = target.classes?.length ?? 0;
  if (target.task !== t.task || (t.task === 'regression' ? k !== 0 || t.nClasses !== 1 : k !== t.nClasses || k < 2)) damaged('target and task disagree');
  if (t.task === 'binary' && t.nClasses !== 2) damaged('binary task with other than two classes');
  if (m.settings.target !== target.name) damaged('settings name another target');
  if (!metricsForTask(t).includes(m.metrics.metric)) damaged('metric does not fit the task');
  const paths = new Set<string>();
  for (const f of m.files) {
    if (!isSafePackagePath(f.path) || paths.has(f.path) || f.path === 'manifest.json' || f.path === 'README.md') damaged(`bad file entry ${f.path}`);
    paths.add(f.path);
  }
  if (!paths.has(m.model.recipe)) damaged('the recipe is not listed');
  if (m.arrays.length > 0 !== paths.has('arrays.bin')) damaged('arrays.bin and the array list disagree');
  if (m.fingerprint.columns !== m.schema.columns.length) damaged('fingerprint and schema disagree');
  const overridden = new Set<string>();
  for (const o of m.settings.typeOverrides) {
    if (overridden.has(o.column)) damaged('a type override is repeated');
    overridden.add(o.column);
  }
  checkSlots(m, k);
}

/** The slots whose owners read them strictly: a kept calibration, conformal ranges, the run record. */
function checkSlots(m: Manifest, classes: number): void {
  const slot = (what: string, read: () => void) => {
    try {
      read();
    } catch {
      damaged(`the ${what} is malformed`);
    }
  };
  const pp = m.postprocess;
  if (pp?.calibration) slot('calibration', () => calibratorFromJSON(pp.calibration));
  if (pp?.conformal) {
    slot('conformal recipe', () => {
      const r = conformalFromJSON(pp.conformal);
      if ((r.kind === 'interval') !== (m.taskInfo.task === 'regression')) throw new Error('a recipe for another task');
      if (r.kind === 'set' && r.classes !== classes) throw new Error('a recipe for another number of classes');
    });
  }
  if (m.run) slot('run record', () => runRecordFromJSON(m.run));
}

/** Encoder, schema and settings of a checked manifest, cross-checked against each other. */
export function manifestParts(m: Manifest): Pick<ModelBundle, 'encoder' | 'schema' | 'settings' | 'target' | 'taskInfo' | 'metrics' | 'fingerprint'> {
  let encoder: FeatureEncoder;
  let schema: TableSchema;
  try {
    encoder = FeatureEncoder.fromJSON(m.encoder);
    schema = tableSchemaFromJSON(m.schema);
  } catch {
    damaged('the encoder or the schema is malformed');
  }
  const role = new Map(schema.columns.map((c) => [c.name, c.role]));
  if (role.get(m.target.name) !== 'target' || schema.columns.filter((c) => c.role === 'target').length !== 1) damaged('the schema does not name the target');
  for (const s of encoder.sources) if (role.get(s.column) !== 'feature') damaged(`encoder column ${s.column} is not a feature of the schema`);
  if (!encoder.target || encoder.target.name !== m.target.name || encoder.target.task !== m.target.task) damaged('the encoder names another target');
  if (JSON.stringify(encoder.target.classes ?? null) !== JSON.stringify(m.target.classes ?? null)) damaged('the encoder has other classes');
  if (encoder.features.length === 0) damaged('the encoder has no features');
  const typeOverrides: Record<string, ColumnType> = Object.create(null);
  for (const o of m.settings.typeOverrides) typeOverrides[o.column] = o.type;
  const settings: ModelSettings = { target: m.settings.target, ignore: m.settings.ignore.slice(), typeOverrides: { ...typeOverrides } };
  if (m.settings.task) settings.task = m.settings.task;
  return { encoder, schema, settings, target: m.target, taskInfo: m.taskInfo, metrics: m.metrics, fingerprint: m.fingerprint };
}
