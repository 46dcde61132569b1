// The one way a saved model answers for new rows, used by the app, the CLI's `predict`, monitoring and
// the web scorer (it bundles this file: pure, no Node): the saved settings' preparation (type overrides,
// spellings), the encoder, the model (calibrated when a correction was kept), then the decision
// threshold for two outcomes and the conformal range or answer set when the model has them.
import { prepareTable } from '../data/prepare.ts';
import type { Table } from '../data/table.ts';
import { applyInterval, applySet, conformalFromJSON, type ConformalRecipe } from '../evaluate/conformal-recipe.ts';
import type { ModelBundle } from './bundle.ts';

export type ScoringModel = Pick<ModelBundle, 'encoder' | 'fitted' | 'taskInfo' | 'target' | 'settings' | 'postprocess'>;

export interface Scores {
  rows: number;
  /** Fitted.predict layout: P(class 1), n × k probabilities, or the amount. */
  raw: Float64Array;
  /** The answer per row: a class label, or (amounts) the value as a number. */
  answers: (string | number)[];
  /** Categories: the classes, in the order of `probabilities` (n × k, row-major; binary too). */
  classes?: string[];
  probabilities?: Float64Array;
  /** Amounts with a conformal recipe: the range holding the real value at `coverage`. */
  interval?: { lo: Float64Array; hi: Float64Array; coverage: number };
  /** Categories with a conformal recipe: the answers that together hold the real one at `coverage`. */
  sets?: { answers: string[][]; coverage: number };
}

/** The decision threshold for two outcomes (the chance of the second class at which it is the answer). */
export function decisionThreshold(model: Pick<ScoringModel, 'postprocess'>): number {
  const t = model.postprocess?.threshold;
  return typeof t === 'number' && t > 0 && t < 1 ? t : 0.5;
}

const recipes = new WeakMap<object, ConformalRecipe | null>();
function recipeOf(model: ScoringModel): ConformalRecipe | null {
  const json = model.postprocess?.conformal;
  if (!json) return null;
  let r = recipes.get(json);
  if (r === undefined) {
    r = conformalFromJSON(json);
    recipes.set(json, r);
  }
  return r;
}

/** Scores every row of `table` (a file read with the model's schema, or rowsToTable's output). */
export function scoreTable(model: ScoringModel, table: Table): Scores {
  const { settings, taskInfo } = model;
  // The saved settings without the target: new rows have no outcome (or it is ignored here).
  const prepared = prepareTable(table, { typeOverrides: settings.typeOverrides, ignore: settings.ignore });
  const raw = model.fitted.predict(model.encoder.encode(prepared.table));
  const n = table.nRows;
  const out: Scores = { rows: n, raw, answers: new Array(n) };
  const recipe = recipeOf(model);
  if (taskInfo.task === 'regression') {
    for (let i = 0; i < n; i++) out.answers[i] = raw[i];
    if (recipe?.kind === 'interval') out.interval = { ...applyInterval(recipe, raw), coverage: recipe.coverage };
    return out;
  }
  const classes = model.target.classes ?? [];
  const k = taskInfo.nClasses;
  const probs = new Float64Array(n * k);
  if (taskInfo.task === 'binary') {
    const t = decisionThreshold(model);
    for (let i = 0; i < n; i++) {
      probs[i * 2] = 1 - raw[i];
      probs[i * 2 + 1] = raw[i];
      out.answers[i] = classes[raw[i] >= t ? 1 : 0];
    }
  } else {
    probs.set(raw);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (raw[i * k + c] > raw[i * k + best]) best = c;
      out.answers[i] = classes[best];
    }
  }
  out.classes = classes;
  out.probabilities = probs;
  if (recipe?.kind === 'set') {
    const member = applySet(recipe, raw);
    const sets: string[][] = [];
    for (let i = 0; i < n; i++) sets.push(classes.filter((_, c) => member[i * k + c] === 1));
    out.sets = { answers: sets, coverage: recipe.coverage };
  }
  return out;
}
