// Per-row contributions of any fitted model, per original column, additive in one stated space:
// - gradient boosting: exact path-dependent TreeSHAP in its margin (log-odds for two outcomes, softmax
//   scores for several, the value for amounts);
// - random forest / extra trees: exact TreeSHAP in their output (class probabilities, or the value);
// - linear models: exact, coefficient x (standardised value - its background mean), in the margin;
// - ensembles of such members: in the ensemble's own output, amounts or probabilities, because it
//   averages those (a weighted sum of members' log-odds would explain Σ w·margin, not the ensemble:
//   members at 50 % and 99 % average 74.5 %, log-odds 1.07, while their log-odds average 2.3). Amounts
//   and forests' probabilities combine exactly; boosted and linear members' log-odds values are carried
//   onto probabilities per row first (combinedExplainer), so the sum is still exact;
// - networks, ensembles with a network (or with boosting for several classes) and trees saved without
//   node cover: sampled (sampling.ts) in log-odds of the model's probabilities, or in the amount,
//   against background training rows.
// Every method: for each row, base + Σ contributions = the explained output of that row.
import type { Dataset, Fitted, FittedJSON } from '../../models/types.ts';
import { flatFromJSON, type FlatTrees } from '../../models/trees/flat.ts';
import { UserError } from '../../util/errors.ts';
import { type ColumnGroup } from './columns.ts';
import { isLinearJSON, LinearShap } from './linear-shap.ts';
import { type OutputFn, samplingShap } from './sampling.ts';
import { TreeShap } from './tree-shap.ts';
import type { ExplainSpace, ExplainMethod } from '../../../../shared/evaluation.ts';
export type { ExplainSpace, ExplainMethod } from '../../../../shared/evaluation.ts';

export interface Explanation {
  method: ExplainMethod;
  space: ExplainSpace;
  /** 1 for two outcomes (class 1) and amounts; the number of classes for several. */
  nOutputs: number;
  columns: string[];
  /** Expected output per output (the average the contributions start from). */
  base: Float64Array;
  /** nRows x nColumns x nOutputs. */
  values: Float64Array;
  /** Each row's explained output (base + its contributions), nRows x nOutputs. */
  output: Float64Array;
  /** Sampling only: the standard error of each value. */
  stderr?: Float64Array;
}

export interface ExplainOptions {
  /** The model's columns (columnGroups(encoder)); must cover every feature once. */
  groups: ColumnGroup[];
  /** Training rows: needed by linear models and sampling (a few hundred are plenty). */
  background?: Dataset;
  seed?: number;
  /** Sampling: model evaluations per explained row (default 40,000). */
  budget?: number;
  /** Sampling: background rows used (default 100). */
  maxBackground?: number;
  /** Sampling: force this many antithetic permutation pairs (no enumeration). */
  pairs?: number;
  /** Use sampling even where an exact method exists (for measuring sampling error). */
  forceSampling?: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** Per-feature exact contributions of a model, in one space. */
interface ExactExplainer {
  space: ExplainSpace;
  nOutputs: number;
  base: Float64Array;
  /** nRows x nFeatures x nOutputs. */
  perFeature(data: Dataset): Float64Array;
}

const PROB_FLOOR = 1e-6;

export async function explainRows(model: Fitted, data: Dataset, opts: ExplainOptions): Promise<Explanation> {
  const groups = opts.groups;
  const columns = groups.map((g) => g.column);
  const exact = opts.forceSampling ? null : exactExplainer(model, opts.background);
  const G = groups.length;
  if (exact) {
    const K = exact.nOutputs;
    const F = data.columns.length;
    const per = exact.perFeature(data);
    const values = new Float64Array(data.nRows * G * K);
    const output = new Float64Array(data.nRows * K);
    for (let i = 0; i < data.nRows; i++) {
      for (let j = 0; j < G; j++) for (const f of groups[j].features) {
        for (let k = 0; k < K; k++) values[(i * G + j) * K + k] += per[(i * F + f) * K + k];
      }
      for (let k = 0; k < K; k++) {
        let s = exact.base[k];
        for (let f = 0; f < F; f++) s += per[(i * F + f) * K + k];
        output[i * K + k] = s;
      }
    }
    opts.onProgress?.(1);
    return { method: methodOf(model), space: exact.space, nOutputs: K, columns, base: exact.base, values, output };
  }
  if (!opts.background || opts.background.nRows === 0) {
    throw new UserError('explain_unavailable', 'Augur cannot explain this model\'s predictions because it was saved without example rows to compare against.',
      'Train the model again with this version of Augur.');
  }
  const { fn, nOutputs, space } = sampledOutput(model);
  const s = await samplingShap(fn, nOutputs, data, {
    background: opts.background, groups, budget: opts.budget, maxBackground: opts.maxBackground, pairs: opts.pairs,
    seed: opts.seed, signal: opts.signal, onProgress: opts.onProgress,
  });
  const K = nOutputs;
  const output = new Float64Array(data.nRows * K);
  for (let i = 0; i < data.nRows; i++) {
    for (let k = 0; k < K; k++) {
      let v = s.base[k];
      for (let j = 0; j < G; j++) v += s.values[(i * G + j) * K + k];
      output[i * K + k] = v;
    }
  }
  return { method: s.method, space, nOutputs: K, columns, base: s.base, values: s.values, output, stderr: s.stderr };
}

function methodOf(model: Fitted): ExplainMethod {
  if (ensembleParts(model)) return 'members_combined';
  return model.family === 'linear' ? 'linear' : 'tree_shap';
}

/** The model's outputs in the space sampling explains: log-odds per class, or the amount. */
export function sampledOutput(model: Fitted): { fn: OutputFn; nOutputs: number; space: ExplainSpace } {
  const { task, nClasses } = model.taskInfo;
  if (task === 'regression') return { fn: (d) => model.predict(d), nOutputs: 1, space: 'value' };
  return {
    fn: (d) => {
      const p = model.predict(d);
      const out = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = logit(p[i]);
      return out;
    },
    nOutputs: task === 'binary' ? 1 : nClasses,
    space: 'log_odds',
  };
}

export function logit(p: number): number {
  const q = p < PROB_FLOOR ? PROB_FLOOR : p > 1 - PROB_FLOOR ? 1 - PROB_FLOOR : p;
  return Math.log(q / (1 - q));
}

// ---- exact explainers by family (read through toJSON, the stable saved form, so they survive refactors) ----

const exactCache = new WeakMap<Fitted, { background?: Dataset; explainer: ExactExplainer | null }>();

function exactExplainer(model: Fitted, background?: Dataset): ExactExplainer | null {
  const hit = exactCache.get(model);
  if (hit && hit.background === background) return hit.explainer;
  const explainer = buildExact(model, background);
  exactCache.set(model, { background, explainer });
  return explainer;
}

/** Members and weights of an ensemble (duck-typed: the ensemble class is moving between folders). */
export function ensembleParts(model: Fitted): { members: Fitted[]; weights: number[] } | null {
  const m = model as Partial<{ members: unknown; weights: unknown }>;
  if (Array.isArray(m.members) && Array.isArray(m.weights) && m.members.length === m.weights.length && m.members.length > 0) {
    return { members: m.members as Fitted[], weights: m.weights as number[] };
  }
  return null;
}

function buildExact(model: Fitted, background?: Dataset): ExactExplainer | null {
  const ens = ensembleParts(model);
  if (ens) return combinedExplainer(ens.members, ens.weights, background);
  if (model.family === 'gbdt') return gbdtExplainer(model.toJSON());
  if (model.family === 'random_forest' || model.family === 'extra_trees') return forestExplainer(model.toJSON());
  if (model.family === 'linear') {
    const json = model.toJSON();
    return background && background.nRows > 0 && isLinearJSON(json) ? linearExplainer(json, background) : null;
  }
  return null;
}

/** Trees with cover -> per-feature TreeSHAP with an affine map (init, scale) into the model's space. */
function treeExplainer(ft: FlatTrees, space: ExplainSpace, offset: number[], scale: number): ExactExplainer | null {
  if (!ft.cover) return null;
  const shap = new TreeShap(ft);
  const K = shap.nOutputs;
  const F = shap.nFeatures;
  const base = Float64Array.from({ length: K }, (_, k) => (shap.expected[k] + (offset[k] ?? 0)) * scale);
  return {
    space, nOutputs: K, base,
    perFeature(data) {
      const out = new Float64Array(data.nRows * F * K);
      const x = new Float64Array(F);
      for (let i = 0; i < data.nRows; i++) {
        for (let f = 0; f < F; f++) x[f] = data.columns[f][i];
        shap.explainRow(x, out.subarray(i * F * K, (i + 1) * F * K));
      }
      if (scale !== 1) for (let q = 0; q < out.length; q++) out[q] *= scale;
      return out;
    },
  };
}

function gbdtExplainer(json: FittedJSON): ExactExplainer | null {
  const j = json as FittedJSON & { trees: unknown; init: number[]; scale: number; objective: string };
  const ft = flatFromJSON(j.trees);
  const space: ExplainSpace = j.objective === 'binary' ? 'log_odds' : j.objective === 'multiclass' ? 'softmax_score' : 'value';
  return treeExplainer(ft, space, j.init, space === 'value' ? Number(j.scale) : 1);
}

function forestExplainer(json: FittedJSON): ExactExplainer | null {
  const j = json as FittedJSON & { trees: unknown; scale: number; taskInfo: { task: string } };
  const ft = flatFromJSON(j.trees);
  const regression = j.taskInfo.task === 'regression';
  return treeExplainer(ft, regression ? 'value' : 'probability', [], regression ? Number(j.scale) : 1);
}

function linearExplainer(json: FittedJSON, background: Dataset): ExactExplainer {
  const shap = new LinearShap(json, background);
  const loss = (json as { loss?: string }).loss;
  return {
    space: loss === 'squared' ? 'value' : loss === 'logistic' ? 'log_odds' : 'softmax_score',
    nOutputs: shap.nOutputs,
    base: shap.expected,
    perFeature: (data) => shap.explain(data),
  };
}

/**
 * An ensemble averages its members' outputs (amounts, or probabilities), so it is explained in that output:
 * amounts and forests' probabilities combine exactly (weighted sums of base and values). A member explained
 * in log-odds (boosting, linear; two outcomes) is first put into probabilities: its values are scaled, row
 * by row, by (σ(F(x)) - σ(base)) / (F(x) - base), the slope of the sigmoid between its base and the row
 * (always in (0, 1/4], so no sign flips, and σ'(base) when the two meet). Per member that is its exact
 * margin attribution carried onto the probability it adds to the average (as SHAP rescales margin values to
 * probabilities per reference row), and the sum is exact: the ensemble's probability minus the weighted
 * probabilities of the members' bases. Several classes with a margin member: null (sampled instead).
 */
function combinedExplainer(members: Fitted[], weights: number[], background?: Dataset): ExactExplainer | null {
  const parts: { e: ExactExplainer; w: number }[] = [];
  for (let m = 0; m < members.length; m++) {
    if (!(weights[m] > 0)) continue;
    const e = exactExplainer(members[m], background);
    if (!e || e.space === 'softmax_score') return null;
    parts.push({ e, w: weights[m] });
  }
  if (parts.length === 0) return null;
  const space: ExplainSpace = parts[0].e.space === 'value' ? 'value' : 'probability';
  const K = parts[0].e.nOutputs;
  if (parts.some(({ e }) => (e.space === 'value') !== (space === 'value') || e.nOutputs !== K)) return null;
  if (space === 'probability' && K > 1 && parts.some(({ e }) => e.space === 'log_odds')) return null;
  const base = new Float64Array(K);
  for (const { e, w } of parts) for (let k = 0; k < K; k++) base[k] += w * (e.space === 'log_odds' ? sigmoid(e.base[k]) : e.base[k]);
  return {
    space, nOutputs: K, base,
    perFeature(data) {
      let out: Float64Array | undefined;
      for (const { e, w } of parts) {
        const v = e.perFeature(data);
        if (e.space === 'log_odds') toProbability(v, e.base[0], data.nRows);
        out ??= new Float64Array(v.length);
        for (let q = 0; q < v.length; q++) out[q] += w * v[q];
      }
      return out!;
    },
  };
}

/** Scales each row's log-odds values (nRows x F, one output) onto the probability change they sum to. */
function toProbability(v: Float64Array, base: number, nRows: number): void {
  const F = v.length / nRows;
  const pb = sigmoid(base);
  for (let i = 0; i < nRows; i++) {
    let d = 0;
    for (let f = 0; f < F; f++) d += v[i * F + f];
    const ratio = Math.abs(d) > 1e-12 ? (sigmoid(base + d) - pb) / d : pb * (1 - pb);
    for (let f = 0; f < F; f++) v[i * F + f] *= ratio;
  }
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
