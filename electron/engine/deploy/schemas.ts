// The strict JSON schemas of a model package's files (ajv, compiled once from these constants; no
// package content ever reaches the compiler). Unknown keys are refused everywhere (additionalProperties:
// false); free-form maps are only the optional slots other parts of Augur fill, and those accept safe
// key names only. Semantic checks (indices in range, shapes against bytes, names against the encoder)
// follow in the readers; these schemas make sure every value has the type and bounds they expect.
import Ajv, { type ValidateFunction } from 'ajv';
import { LAYER_CLASSES } from '../models/mlp/layers-model.ts';
import { MLP_ACTIVATIONS } from '../models/mlp/params.ts';
import { ARRAY_DTYPES, ARRAY_NAME } from './arrays.ts';
import { MAX_ARRAYS, MAX_ENTRIES } from './limits.ts';

type S = Record<string, unknown>;

const TASKS = ['binary', 'multiclass', 'regression'];
const METRICS = ['roc_auc', 'log_loss', 'accuracy', 'f1_macro', 'rmse', 'mae', 'r2'];
const COLUMN_TYPES = ['numeric', 'categorical', 'boolean', 'date', 'text', 'id'];
const BIG = 100_000_000;

const str = (maxLength = 1000): S => ({ type: 'string', maxLength });
const num: S = { type: 'number' };
const int = (minimum: number, maximum: number): S => ({ type: 'integer', minimum, maximum });
const arr = (items: S, maxItems = BIG): S => ({ type: 'array', items, maxItems });
const obj = (properties: Record<string, S>, required: string[] = Object.keys(properties)): S => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
const withOptional = (properties: Record<string, S>, required: string[]): S => obj(properties, required);
/** Key names Augur writes in free-form slots: never one that reaches a prototype. */
const SAFE_KEY: S = { type: 'string', pattern: '^(?!(__proto__|constructor|prototype)$)[A-Za-z_][A-Za-z0-9_]{0,63}$' };
const PATH: S = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$' };

/**
 * A slot whose shape another part of Augur defines (calibration, conformal ranges, drift reference,
 * evaluation, the run record): an object with at most 256 safe keys and any JSON below them (nesting
 * and size are bounded by the JSON reader). The owner's schema replaces this one: see SLOT_SCHEMAS.
 */
const PLACEHOLDER_SLOT: S = { type: 'object', maxProperties: 256, propertyNames: SAFE_KEY };

/**
 * The optional slots of the manifest. Each owner plugs its own strict schema in here (and its semantic
 * validator in manifest.ts `checkSlots`); until then the placeholder keeps them bounded and safe.
 */
export const SLOT_SCHEMAS: Record<'calibration' | 'conformal' | 'reference' | 'evaluation' | 'run', S> = {
  calibration: PLACEHOLDER_SLOT,
  conformal: PLACEHOLDER_SLOT,
  reference: PLACEHOLDER_SLOT,
  evaluation: PLACEHOLDER_SLOT,
  run: PLACEHOLDER_SLOT,
};

const taskInfo = obj({ task: { enum: TASKS }, nClasses: int(1, 1000) });
const classes = arr(str(), 1000);
const target = withOptional({ name: str(), task: { enum: TASKS }, classes, classShares: arr(num, 1000) }, ['name', 'task']);
const metricScores = (extra: Record<string, S> = {}): S => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...Object.fromEntries(METRICS.map((m) => [m, num])), ...extra },
});

const columnSchema = withOptional(
  {
    name: str(),
    read: { enum: COLUMN_TYPES },
    type: { enum: COLUMN_TYPES },
    storage: withOptional(
      { kind: { enum: ['num', 'date', 'str'] }, decimal: { enum: ['.', ','] }, unit: str(40), dateFormat: obj({ order: { enum: ['ymd', 'dmy', 'mdy', 'dMony', 'Mondy'] } }) },
      ['kind'],
    ),
    labels: { type: 'array', items: str(), minItems: 2, maxItems: 2 },
    role: { enum: ['feature', 'target', 'ignored'] },
  },
  ['name', 'read', 'type', 'storage', 'role'],
);

const encoderSource: S = {
  anyOf: [
    obj({ kind: { const: 'numeric' }, column: str() }),
    obj({ kind: { const: 'filled' }, column: str() }),
    obj({ kind: { const: 'boolean' }, column: str(), labels: arr(str(), 2) }),
    obj({ kind: { const: 'categorical' }, column: str(), levels: arr(str(), 10_000), merged: arr(str(), 10_000) }),
    obj({ kind: { const: 'words' }, column: str(), words: arr(str(), 100) }),
    obj({ kind: { const: 'groups' }, column: str(), levels: arr(str(), 10_000) }),
    obj({ kind: { const: 'date' }, column: str(), parts: arr({ enum: ['year', 'month', 'weekday', 'day of year', 'hour', 'days since 1970'] }, 6) }),
  ],
};
const encoder = obj({
  kind: { const: 'augur-feature-encoder' },
  formatVersion: int(1, 1000),
  sources: arr(encoderSource, 100_000),
  target: { anyOf: [{ type: 'null' }, withOptional({ name: str(), task: { enum: TASKS }, classes }, ['name', 'task'])] },
});

/** deploy/shrink's note on a small version (bundle.ts SmallVersionSlot). */
const nonNegative: S = { type: 'number', minimum: 0 };
const SMALL_VERSION_SCHEMA: S = withOptional(
  {
    formatVersion: { const: 1 },
    kind: { enum: ['quantised', 'distilled'] },
    of: str(2000),
    ofCreated: str(40),
    student: str(200),
    metric: { enum: METRICS },
    before: num,
    after: num,
    lossPoints: num,
    maxLossPoints: nonNegative,
    rows: int(0, 1e12),
    learnedRows: int(0, 1e12),
    syntheticRows: int(0, 1e12),
    modelBytesBefore: int(0, 2 ** 42),
    modelBytesAfter: int(0, 2 ** 42),
    latencyUsBefore: nonNegative,
    latencyUsAfter: nonNegative,
  },
  ['formatVersion', 'kind', 'of', 'metric', 'before', 'after', 'lossPoints', 'maxLossPoints', 'rows', 'learnedRows', 'syntheticRows', 'modelBytesBefore', 'modelBytesAfter', 'latencyUsBefore', 'latencyUsAfter'],
);

export const MANIFEST_SCHEMA: S = withOptional(
  {
    format: { const: 'augur-model' },
    formatVersion: int(1, 1_000_000),
    appVersion: str(40),
    created: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$' },
    taskInfo,
    target,
    schema: obj({ version: int(1, 1000), columns: arr(columnSchema, 100_000) }),
    settings: withOptional(
      { target: str(), task: { enum: TASKS }, ignore: arr(str(), 100_000), typeOverrides: arr(obj({ column: str(), type: { enum: COLUMN_TYPES } }), 100_000) },
      ['target', 'ignore', 'typeOverrides'],
    ),
    encoder,
    model: obj({ recipe: PATH, family: str(40), description: str(2000) }),
    metrics: withOptional({ metric: { enum: METRICS }, valid: metricScores(), test: metricScores({ rows: int(0, 1e12) }) }, ['metric', 'valid']),
    fingerprint: obj({ rows: int(0, 1e12), columns: int(0, 1e7), sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } }),
    files: arr(obj({ path: PATH, bytes: int(0, 2 ** 31), sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } }), MAX_ENTRIES),
    arrays: arr(obj({ name: { type: 'string', pattern: ARRAY_NAME.source }, dtype: { enum: ARRAY_DTYPES }, offset: int(0, 2 ** 31), length: int(0, 2 ** 31) }), MAX_ARRAYS),
    postprocess: withOptional({ threshold: { type: 'number', minimum: 0, maximum: 1 }, calibration: SLOT_SCHEMAS.calibration, conformal: SLOT_SCHEMAS.conformal }, []),
    reference: SLOT_SCHEMAS.reference,
    evaluation: SLOT_SCHEMAS.evaluation,
    run: SLOT_SCHEMAS.run,
    smallVersion: SMALL_VERSION_SCHEMA,
  },
  ['format', 'formatVersion', 'appVersion', 'created', 'taskInfo', 'target', 'schema', 'settings', 'encoder', 'model', 'metrics', 'fingerprint', 'files', 'arrays'],
);

// ---- model files ----

const features = arr(withOptional({ name: str(), kind: { enum: ['numeric', 'categorical'] }, categories: arr(str(), 100_000), indicator: { type: 'boolean' } }, ['name', 'kind']), 1_000_000);
const numbers = arr(num);
const flatTrees = withOptional(
  {
    nTrees: int(0, BIG), nOut: int(1, 1024), roots: numbers, outOffset: numbers, feature: numbers, threshold: numbers, left: numbers, right: numbers,
    defaultLeft: numbers, catIndex: numbers, catBits: numbers, value: numbers, featureBins: numbers, featureIsCat: numbers, cover: numbers,
  },
  ['nTrees', 'nOut', 'roots', 'outOffset', 'feature', 'threshold', 'left', 'right', 'defaultLeft', 'catIndex', 'catBits', 'value', 'featureBins', 'featureIsCat'],
);
const version = int(1, 1_000_000);

const FAMILY_SCHEMAS: Record<string, S> = {
  baseline: obj({ family: { const: 'baseline' }, formatVersion: version, taskInfo, features, value: arr(num, 1000) }),
  gbdt: obj({
    family: { const: 'gbdt' }, formatVersion: version, taskInfo, objective: { enum: ['binary', 'multiclass', 'squared_error', 'huber'] }, features,
    init: arr(num, 1000), scale: num, rounds: int(0, BIG), bestValidLoss: { type: ['number', 'null'] }, importance: numbers, trees: flatTrees,
  }),
  random_forest: obj({ family: { const: 'random_forest' }, formatVersion: version, taskInfo, features, scale: num, importance: numbers, trees: flatTrees }),
  extra_trees: obj({ family: { const: 'extra_trees' }, formatVersion: version, taskInfo, features, scale: num, importance: numbers, trees: flatTrees }),
  linear: obj({
    family: { const: 'linear' }, formatVersion: version, taskInfo, features,
    recipe: obj({
      steps: arr({
        anyOf: [
          obj({ kind: { const: 'numeric' }, feature: int(0, BIG), mean: num, std: num, lo: num, hi: num }),
          obj({ kind: { const: 'missing' }, feature: int(0, BIG) }),
          obj({ kind: { const: 'onehot' }, feature: int(0, BIG), slotOfCode: numbers, nLevels: int(0, BIG) }),
          obj({ kind: { const: 'bins' }, feature: int(0, BIG), edges: numbers }),
        ],
      }),
    }),
    loss: { enum: ['logistic', 'softmax', 'squared'] }, K: int(1, 1000), coef: numbers, yMean: num, yStd: num, importance: numbers, iterations: int(0, BIG),
  }),
};

const layer = obj({
  name: str(100),
  class_name: { enum: [...LAYER_CLASSES] },
  config: { type: 'object', maxProperties: 40, propertyNames: SAFE_KEY },
  inbound_nodes: arr({ type: 'array' }, 4),
});
const mlpMeta = withOptional(
  {
    family: { const: 'mlp' },
    formatVersion: version,
    taskInfo,
    features: arr(obj({ name: str(), kind: { enum: ['numeric', 'categorical'] } }), 1_000_000),
    arch: obj({
      numericWidth: int(0, BIG), nCat: int(0, BIG), tableRows: int(0, BIG), embeddingDim: int(0, 4096), hidden: arr(int(1, 1 << 16), 64),
      activation: { enum: [...MLP_ACTIVATIONS] }, batchNorm: { type: 'boolean' }, dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, outputs: int(1, 1000),
    }),
    prep: obj({
      mode: { enum: ['embedding', 'onehot'] },
      nFeatures: int(0, BIG),
      numeric: arr(withOptional({ index: int(0, BIG), mean: num, std: num, indicator: { type: 'boolean' }, knots: obj({ values: arr(num, 100_000), levels: arr(num, 100_000) }) }, ['index', 'mean', 'std', 'indicator'])),
      categorical: arr(obj({ index: int(0, BIG), levels: int(0, BIG), offset: int(0, BIG) })),
      numericWidth: int(0, BIG),
      tableRows: int(0, BIG),
    }),
    target: obj({ mean: num, std: num }),
    targetFolded: { type: 'boolean' },
    info: withOptional(
      { epochsRun: int(0, BIG), bestEpoch: int(0, BIG), bestValidLoss: num, lrDrops: arr(int(0, BIG), 10_000), diverged: { type: 'boolean' }, backend: str(40), note: str(1000) },
      ['epochsRun', 'bestEpoch', 'diverged', 'backend'],
    ),
  },
  ['family', 'formatVersion', 'taskInfo', 'features', 'arch', 'prep', 'targetFolded', 'info'],
);
/** One weight of weights.bin: float32, or 8 bits with tfjs's uint8 quantisation (value = code * scale + min). */
const weightSpec = withOptional(
  {
    name: str(200),
    shape: arr(int(0, 1 << 26), 4),
    dtype: { const: 'float32' },
    quantization: obj({ dtype: { const: 'uint8' }, min: num, scale: { type: 'number', exclusiveMinimum: 0 } }),
  },
  ['name', 'shape', 'dtype'],
);
/** A TensorFlow.js Layers model.json as export.ts writes it (layer classes allow-listed). */
export const LAYERS_MODEL_SCHEMA: S = withOptional(
  {
    modelTopology: withOptional(
      {
        class_name: { const: 'Model' },
        config: obj({ name: str(100), layers: arr(layer, 1000), input_layers: arr({ type: 'array' }, 4), output_layers: arr({ type: 'array' }, 4) }),
        keras_version: str(100),
        backend: str(100),
      },
      ['class_name', 'config'],
    ),
    format: { const: 'layers-model' },
    generatedBy: str(100),
    convertedBy: { type: ['string', 'null'], maxLength: 100 },
    weightsManifest: arr(obj({ paths: arr(str(100), 1), weights: arr(weightSpec, 10_000) }), 1),
    userDefinedMetadata: obj({ augur: mlpMeta }),
  },
  ['modelTopology', 'format', 'weightsManifest', 'userDefinedMetadata'],
);

/** The ensemble recipe: composites with their members, leaves naming the file of one saved model. */
export const RECIPE_SCHEMA: S = {
  $id: 'recipe',
  anyOf: [
    obj({ family: { enum: ['baseline', 'gbdt', 'random_forest', 'extra_trees', 'linear', 'mlp'] }, file: PATH }),
    obj({ family: { const: 'ensemble' }, formatVersion: version, kind: { enum: ['bag', 'weighted'] }, taskInfo, weights: arr(num, 1000), members: arr({ $ref: 'recipe' }, 1000) }),
    // calibratorFromJSON checks the calibrator's own fields strictly when the model loads
    obj({ family: { const: 'calibrated' }, formatVersion: version, calibrator: { type: 'object' }, members: { type: 'array', items: { $ref: 'recipe' }, minItems: 1, maxItems: 1 } }),
  ],
};

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validator(key: string, schema: S): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    // ownProperties: keys are looked up on the object itself, never on its prototype chain.
    ajv ??= new Ajv({ allErrors: false, strict: true, ownProperties: true, allowUnionTypes: true });
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}

/** The first schema error in words for the log (never shown to users), or null when the value fits. */
export function schemaError(kind: 'manifest' | 'recipe' | 'layers-model' | string, value: unknown): string | null {
  const schema = kind === 'manifest' ? MANIFEST_SCHEMA : kind === 'recipe' ? RECIPE_SCHEMA : kind === 'layers-model' ? LAYERS_MODEL_SCHEMA : FAMILY_SCHEMAS[kind];
  if (!schema) return `no schema for ${kind}`;
  const v = validator(kind, schema);
  if (v(value)) return null;
  const e = v.errors?.[0];
  return e ? `${kind}${e.instancePath} ${e.message ?? 'is not valid'}` : `${kind} is not valid`;
}
