// What a web export embeds (model-data.js): everything scoreTable needs, the form's fields and the words
// the page shows. Plain JSON, written by export.ts from a loaded (already validated) model package.
import type { TargetInfo } from '../../../../../shared/api.ts';
import type { TableSchema } from '../../../data/schema.ts';
import type { FittedJSON, TaskInfo } from '../../../models/types.ts';
import type { ModelSettings, PostprocessSlot } from '../../bundle.ts';

export const WEB_MODEL_FORMAT = 'augur-web-model';
export const WEB_MODEL_VERSION = 1;
/** The global a classic `<script src="model-data.js">` sets, and scorer.js reads after importing it. */
export const WEB_MODEL_GLOBAL = 'AugurModelData';

/** One input of the form: the what-if fields (evaluate/explain/what-if.ts), with where their range came from. */
export type WebField =
  | { column: string; kind: 'number'; min: number | null; max: number | null; typical: number | null; integer: boolean }
  | { column: string; kind: 'date'; min: string; max: string; typical: string }
  | { column: string; kind: 'choice'; options: string[]; typical: string | null }
  | { column: string; kind: 'text'; typical: string | null; examples: string[] };

export interface WebModelInfo {
  /** The page's heading ("Churn predictor"). */
  title: string;
  /** What it predicts, in words ("Whether Churn is Yes or No"). */
  predicts: string;
  /** How good, in words, or null when the package has no score. */
  quality: string | null;
  /** The kind of model ("an ensemble of 3 models: ..."). */
  description: string;
  /** When the model was made (ISO) and with which Augur. */
  created: string | null;
  appVersion: string | null;
  /** Where the form's ranges come from: the training rows, the rows kept with the model, or only the model. */
  fieldsFrom: 'training' | 'background' | 'model';
}

export interface WebModelData {
  format: typeof WEB_MODEL_FORMAT;
  version: number;
  info: WebModelInfo;
  schema: TableSchema;
  settings: ModelSettings;
  taskInfo: TaskInfo;
  target: TargetInfo;
  /** FeatureEncoder.toJSON(). */
  encoder: unknown;
  /** The whole model tree (composites with their members inline), each family's own toJSON. */
  model: FittedJSON;
  postprocess?: PostprocessSlot;
  fields: WebField[];
  /** Encoded training rows for explanations that compare with them (BackgroundJSON), when the model kept some. */
  background?: { kind: 'augur-background'; formatVersion: 1; columns: (number | null)[][] };
  /**
   * Whether the page can give reasons: 'exact' (trees, linear models and ensembles of them: fast, on every
   * change), 'sampled' (compared with the background rows: seconds, on request), or null (neither).
   */
  reasons: 'exact' | 'sampled' | null;
  /** Sampled reasons: the model evaluations and background rows one explanation uses (fixed at export). */
  sampling?: { budget: number; backgroundRows: number };
}
