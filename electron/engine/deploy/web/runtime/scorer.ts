// The web scorer: a model export (model-data.js) turned back into the app's own scoring path. Pure (it
// runs in a page and in Node): rows as objects -> rowsToTable by the model's schema -> scoreTable (the
// saved settings' preparation, encoder, model, threshold, conformal range) -> one plain object per row.
// Networks predict with the plain-JS forward pass (models/mlp/model.ts), so a page gives the same
// numbers as Augur's pure loader, bit for bit.
import { FeatureEncoder } from '../../../data/features.ts';
import { rowsToTable, type RowObject } from '../../../data/rows-table.ts';
import { backgroundFromJSON } from '../../../evaluate/explain/background.ts';
import { columnGroups } from '../../../evaluate/explain/columns.ts';
import { explainRow } from '../../../evaluate/explain/row.ts';
import { pickBackground } from '../../../evaluate/explain/sampling.ts';
import { loadPureModel } from '../../../models/loaders.ts';
import type { Dataset, Fitted } from '../../../models/types.ts';
import { prepareTable } from '../../../data/prepare.ts';
import type { DateOrder } from '../../../data/values.ts';
import { decisionThreshold, scoreTable, type Scores, type ScoringModel } from '../../scoring.ts';
import { WEB_MODEL_FORMAT, WEB_MODEL_VERSION, type WebField, type WebModelData, type WebModelInfo } from './web-model.ts';

/** What `predict(rows)` returns per row (the CLI contract). */
export interface WebPrediction {
  prediction: string | number;
  probabilities?: Record<string, number>;
  interval?: [number, number];
}

/** More than the contract, for the page: the conformal answer set and the coverage of a range or set. */
export interface WebDetail extends WebPrediction {
  coverage?: number;
  set?: string[];
}

export interface WebReasons {
  /** How the contributions were found (evaluate/explain/explainer.ts ExplainMethod). */
  method: string;
  /** Up to three sentences, largest effect first. */
  reasons: string[];
  /** Each column's effect in the units people read (chance 0..1 or the amount), largest first. */
  contributions: { column: string; value: string | null; shown: number | null }[];
  className?: string;
}

export interface WebScorer {
  info: WebModelInfo;
  fields: WebField[];
  task: 'binary' | 'multiclass' | 'regression';
  target: string;
  classes: string[];
  /** Two outcomes: the chance of the second class from which it is the answer. */
  threshold: number;
  /** Whether explain() gives reasons: fast and exact, by sampling against background rows (seconds), or not at all. */
  reasons: 'exact' | 'sampled' | null;
  /** How the training file wrote a date column's dates (predict reads them the same way). */
  dateOrder(column: string): DateOrder;
  predict(rows: readonly RowObject[]): WebPrediction[];
  detail(rows: readonly RowObject[]): WebDetail[];
  /** Sampled reasons: the budget that fits ~2 s on this machine (the export fixes it in the data), or null without background rows. */
  timeSampling(): { budget: number; backgroundRows: number } | null;
  /** The row's reasons, or null when this model cannot explain itself on a page. */
  explain(row: RowObject, opts?: ExplainOptions): Promise<WebReasons | null>;
}

export interface ExplainOptions {
  /** Sampled explanations: background rows compared with and model evaluations (default: what fits `seconds`). */
  backgroundRows?: number;
  budget?: number;
  /** Sampled explanations: roughly how long one may take on this device (default 2 s). */
  seconds?: number;
}

/** The sampling budget for this model: what fits in `seconds` on the machine that runs this. */
export function timeSampling(fitted: Fitted, bg: Dataset, groups: number, seconds = 2): { budget: number; backgroundRows: number } {
  const probe = pickBackground(bg, MAX_PAGE_BACKGROUND, 1);
  const t0 = performance.now();
  fitted.predict(probe);
  const perRow = Math.max(1e-4, (performance.now() - t0) / Math.max(1, probe.nRows));
  const budget = Math.round(Math.min(MAX_PAGE_BUDGET, Math.max(MIN_PAGE_BUDGET, (seconds * 1000) / perRow)));
  return { budget, backgroundRows: Math.min(MAX_PAGE_BACKGROUND, Math.max(MIN_PAGE_BACKGROUND, Math.floor(budget / (8 * Math.max(1, groups))))) };
}

/**
 * A sampled explanation costs about `budget` model evaluations (rows); the app spends 40,000 against 100
 * background rows. The export times the model on the background rows and fixes what fits in ~2 s here,
 * between 1,000 and 20,000 evaluations, with as many background rows (5..50) as keep 4 permutation pairs
 * in it (WebModelData.sampling), so a row gets the same reasons on every device.
 */
const MAX_PAGE_BUDGET = 20_000;
const MIN_PAGE_BUDGET = 1_000;
const MAX_PAGE_BACKGROUND = 50;
const MIN_PAGE_BACKGROUND = 5;

function sampledPlan(fitted: Fitted, bg: Dataset, groups: number, fixed: WebModelData['sampling'], opts: ExplainOptions): { background: Dataset; budget: number } {
  const timed = opts.budget !== undefined && opts.backgroundRows !== undefined ? undefined : fixed ?? timeSampling(fitted, bg, groups, opts.seconds);
  return { background: pickBackground(bg, opts.backgroundRows ?? timed!.backgroundRows, 1), budget: opts.budget ?? timed!.budget };
}

const fail = (msg: string): never => {
  throw new TypeError(msg);
};

/** Rebuilds the scorer from the embedded data (checked again here: a page's data can be edited by anyone). */
export async function createScorer(data: unknown): Promise<WebScorer> {
  const d = data as WebModelData | null;
  if (!d || typeof d !== 'object' || d.format !== WEB_MODEL_FORMAT) fail('model-data.js is missing or is not an Augur web export.');
  if (d!.version > WEB_MODEL_VERSION) fail('This web export was made by a newer Augur; export it again with this version.');
  const encoder = FeatureEncoder.fromJSON(d!.encoder);
  const fitted: Fitted = await loadPureModel(d!.model);
  const model: ScoringModel = { encoder, fitted, taskInfo: d!.taskInfo, target: d!.target, settings: d!.settings, postprocess: d!.postprocess };
  const schema = d!.schema;
  const task = d!.taskInfo.task;
  const classes = d!.target.classes ?? [];
  let background: Dataset | undefined;
  const groups = columnGroups(encoder).length;
  const table = (rows: readonly RowObject[]) => {
    if (!Array.isArray(rows)) fail('predict(rows) needs an array of objects keyed by the column names.');
    for (const r of rows) if (!r || typeof r !== 'object' || Array.isArray(r)) fail('Each row given to predict(rows) must be an object keyed by the column names.');
    return rowsToTable(rows, schema);
  };
  const detail = (rows: readonly RowObject[]): WebDetail[] => toDetails(scoreTable(model, table(rows)));
  return {
    info: d!.info,
    fields: d!.fields,
    task,
    target: d!.target.name,
    classes,
    threshold: decisionThreshold(model),
    reasons: d!.reasons === 'exact' || d!.reasons === 'sampled' ? d!.reasons : null,
    dateOrder: (column) => schema.columns.find((c) => c.name === column)?.storage.dateFormat?.order ?? 'ymd',
    predict: (rows) => detail(rows).map(({ prediction, probabilities, interval }) => {
      const p: WebPrediction = { prediction };
      if (probabilities) p.probabilities = probabilities;
      if (interval) p.interval = interval;
      return p;
    }),
    detail,
    timeSampling() {
      if (!d!.background) return null;
      background ??= backgroundFromJSON(d!.background, encoder.features);
      return timeSampling(fitted, background, groups);
    },
    async explain(row, opts = {}) {
      if (!d!.reasons) return null;
      if (d!.background && !background) background = backgroundFromJSON(d!.background, encoder.features);
      const prepared = prepareTable(table([row]), { typeOverrides: d!.settings.typeOverrides, ignore: d!.settings.ignore }).table;
      // exact methods ignore the budget (and use the background only for linear means)
      const plan = background ? sampledPlan(fitted, background, groups, d!.sampling, opts) : undefined;
      const e = await explainRow(fitted, encoder, prepared, 0, { background: plan?.background, seed: 1, budget: plan?.budget });
      return {
        method: e.method,
        reasons: e.reasons,
        className: e.className,
        contributions: e.contributions.map((c) => ({ column: c.column, value: c.value, shown: c.shown ?? null })),
      };
    },
  };
}

/** scoreTable's columns as one object per row (probabilities keyed by class name). */
export function toDetails(s: Scores): WebDetail[] {
  const out: WebDetail[] = [];
  const k = s.classes?.length ?? 0;
  for (let i = 0; i < s.rows; i++) {
    const p: WebDetail = { prediction: s.answers[i] };
    if (s.probabilities && s.classes) {
      // fromEntries defines own properties: a class named "__proto__" stays a class
      p.probabilities = Object.fromEntries(s.classes.map((c, j) => [c, s.probabilities![i * k + j]]));
    }
    if (s.interval) {
      p.interval = [s.interval.lo[i], s.interval.hi[i]];
      p.coverage = s.interval.coverage;
    }
    if (s.sets) {
      p.set = s.sets.answers[i];
      p.coverage = s.sets.coverage;
    }
    out.push(p);
  }
  return out;
}
