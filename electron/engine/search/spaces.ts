// Search spaces and the strong-start portfolio, per model family. A trial's parameters live in
// one joint space: 'family' is the root choice and every family parameter is conditional on it
// (define-by-run: only the chosen family's suggest() runs). Portfolio entries are fixed values in
// the same space, so TPE learns from them like from any other trial.
import type { TaskInfo } from '../models/types.ts';
import type { ParamValue, Trial } from './study.ts';

export interface Shape {
  nRows: number;
  nFeatures: number;
}

export interface FamilySpace {
  family: string;
  /** Known-good configurations, cheapest first (values in the joint space, 'family' included). */
  portfolio(task: TaskInfo, shape: Shape): Record<string, ParamValue>[];
  /** Family parameters for this trial (merged over family.defaults). */
  suggest(trial: Trial, task: TaskInfo, shape: Shape): Record<string, unknown>;
  /** Steps per trial for the halving pruner (e.g. epochs), when the family reports validation loss. */
  fidelity?(params: Record<string, unknown>): number | undefined;
}

const linear: FamilySpace = {
  family: 'linear',
  portfolio: (_task, shape) => {
    const entries: Record<string, ParamValue>[] = [
      { family: 'linear', 'linear.l2': 1, 'linear.sparse': false, 'linear.bins': 0 },
      { family: 'linear', 'linear.l2': 30, 'linear.sparse': false, 'linear.bins': 0 },
      { family: 'linear', 'linear.l2': 10, 'linear.sparse': false, 'linear.bins': 8 },
    ];
    // Many columns for the rows (or just many): an L1 part that zeroes the columns carrying nothing, as
    // glmnet's lasso does. Tried early, because on such tables few other trials finish in a minute.
    if (isWide(shape)) entries.push({ family: 'linear', 'linear.l2': 1, 'linear.sparse': true, 'linear.l1': 10, 'linear.bins': 0 });
    return entries;
  },
  suggest(t) {
    // an L1 part (elastic net) zeroes columns that carry nothing, e.g. the rarer words of a text column
    const sparse = t.suggestCategorical('linear.sparse', [false, true]) === true;
    return {
      l2: t.suggestFloat('linear.l2', 1e-3, 1e3, { log: true }),
      l1: sparse ? t.suggestFloat('linear.l1', 1e-2, 1e2, { log: true }) : 0,
      bins: t.suggestCategorical('linear.bins', [0, 8]) as number,
      classWeight: 'none',
    };
  },
};

/** At least 100 feature columns, or one for every 5 rows. */
function isWide(shape: Shape): boolean {
  return shape.nFeatures >= 100 || shape.nFeatures * 5 >= shape.nRows;
}

/** Histogram GBDT (LightGBM / XGBoost-style); rounds come from early stopping on the validation fold. */
const gbdt: FamilySpace = {
  family: 'gbdt',
  portfolio: (_task, shape) => [
    // LightGBM-like default, then a slower-learning bigger one, then a shallow strongly regularised one.
    { family: 'gbdt', 'gbdt.learningRate': 0.1, 'gbdt.maxLeaves': 31, 'gbdt.minDataInLeaf': Math.max(2, Math.min(20, Math.floor(shape.nRows / 50))), 'gbdt.colsampleByTree': 1, 'gbdt.subsample': 1, 'gbdt.lambda': 1 },
    { family: 'gbdt', 'gbdt.learningRate': 0.05, 'gbdt.maxLeaves': 8, 'gbdt.minDataInLeaf': 30, 'gbdt.colsampleByTree': 0.5, 'gbdt.subsample': 0.8, 'gbdt.lambda': 10 },
    { family: 'gbdt', 'gbdt.learningRate': 0.05, 'gbdt.maxLeaves': 63, 'gbdt.minDataInLeaf': shape.nRows > 10000 ? 40 : 10, 'gbdt.colsampleByTree': 0.7, 'gbdt.subsample': 0.8, 'gbdt.lambda': 3 },
  ],
  suggest(t) {
    return {
      learningRate: t.suggestFloat('gbdt.learningRate', 0.01, 0.3, { log: true }),
      maxLeaves: t.suggestInt('gbdt.maxLeaves', 4, 128, { log: true }),
      minDataInLeaf: t.suggestInt('gbdt.minDataInLeaf', 2, 100, { log: true }),
      colsampleByTree: t.suggestFloat('gbdt.colsampleByTree', 0.3, 1),
      subsample: t.suggestFloat('gbdt.subsample', 0.5, 1),
      lambda: t.suggestFloat('gbdt.lambda', 1e-3, 30, { log: true }),
    };
  },
};

const forest = (name: 'random_forest' | 'extra_trees'): FamilySpace => ({
  family: name,
  // Forests are the slowest family here; moderate tree counts and leaf sizes keep a trial affordable.
  portfolio: (task) => [{ family: name, [`${name}.maxFeatures`]: task.task === 'regression' ? 0.5 : 'sqrt', [`${name}.minSamplesLeaf`]: 5, [`${name}.nTrees`]: 50 }],
  suggest(t) {
    return {
      maxFeatures: t.suggestCategorical(`${name}.maxFeatures`, ['sqrt', 0.2, 0.35, 0.5, 0.7, 1] as ParamValue[]),
      minSamplesLeaf: t.suggestInt(`${name}.minSamplesLeaf`, 1, 40, { log: true }),
      nTrees: t.suggestInt(`${name}.nTrees`, 20, 150, { log: true }),
    };
  },
});

/** NAS over tfjs MLPs: depth, widths, activation, dropout, batch norm, embeddings, lr, batch size. */
const mlp: FamilySpace = {
  family: 'mlp',
  portfolio: (_task, shape) => [
    { family: 'mlp', 'mlp.depth': 2, 'mlp.width': shape.nRows < 2000 ? 64 : 128, 'mlp.shape': 'flat', 'mlp.activation': 'relu', 'mlp.dropout': 0.1, 'mlp.batchNorm': false, 'mlp.embeddingDim': 8, 'mlp.learningRate': 1e-3, 'mlp.batchSize': shape.nRows < 5000 ? 64 : 256, 'mlp.weightDecay': 1e-4 },
  ],
  suggest(t) {
    const depth = t.suggestInt('mlp.depth', 1, 4);
    const width = t.suggestCategorical('mlp.width', [32, 64, 128, 256, 512]);
    const shape = depth > 1 ? t.suggestCategorical('mlp.shape', ['flat', 'funnel']) : 'flat';
    const layers: number[] = [];
    for (let i = 0; i < depth; i++) layers.push(shape === 'funnel' ? Math.max(8, width >> i) : width);
    return {
      layers,
      activation: t.suggestCategorical('mlp.activation', ['relu', 'gelu', 'selu', 'tanh', 'swish']),
      dropout: t.suggestFloat('mlp.dropout', 0, 0.5),
      batchNorm: t.suggestCategorical('mlp.batchNorm', [false, true]),
      embeddingDim: t.suggestCategorical('mlp.embeddingDim', [4, 8, 16, 'onehot']),
      learningRate: t.suggestFloat('mlp.learningRate', 1e-4, 1e-2, { log: true }),
      batchSize: t.suggestCategorical('mlp.batchSize', [32, 64, 128, 256, 512]),
      weightDecay: t.suggestFloat('mlp.weightDecay', 1e-6, 1e-2, { log: true }),
    };
  },
  fidelity: (params) => (typeof params.epochs === 'number' ? params.epochs : undefined),
};

export const SPACES: Record<string, FamilySpace> = {
  linear,
  gbdt,
  random_forest: forest('random_forest'),
  extra_trees: forest('extra_trees'),
  mlp,
};

/** Portfolio order: cheap and strong first, every family early; `family:index` into its portfolio. */
const PORTFOLIO_RANK = ['linear:0', 'linear:3', 'gbdt:0', 'gbdt:1', 'linear:1', 'mlp:0', 'random_forest:0', 'gbdt:2', 'extra_trees:0', 'linear:2'];

/** The portfolio across the available families, in PORTFOLIO_RANK order (unranked entries last). */
export function portfolioOrder(families: string[], task: TaskInfo, shape: Shape): Record<string, ParamValue>[] {
  const entries: { rank: number; params: Record<string, ParamValue> }[] = [];
  for (const f of families) {
    if (!SPACES[f]) continue;
    SPACES[f].portfolio(task, shape).forEach((params, i) => {
      const r = PORTFOLIO_RANK.indexOf(`${f}:${i}`);
      entries.push({ rank: r >= 0 ? r : 100 + i, params });
    });
  }
  return entries.sort((a, b) => a.rank - b.rank).map((e) => e.params);
}

/** Families in a stable order (the 'family' parameter's choices). */
export const FAMILY_ORDER = ['linear', 'gbdt', 'random_forest', 'extra_trees', 'mlp'];
