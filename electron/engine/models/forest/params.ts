import type { TaskInfo } from '../types.ts';

export interface ForestParams {
  nTrees: number;
  /** Features tried per split: 'sqrt' of the count, or a fraction in (0, 1]. */
  maxFeatures: 'sqrt' | number;
  minSamplesLeaf: number;
  /** 0 = grow until leaves are pure or minSamplesLeaf stops them. */
  maxDepth: number;
  /** Sample rows with replacement per tree (random forest) or use all rows (extra trees). */
  bootstrap: boolean;
  /** Value bins per feature (<= 255). */
  maxBins: number;
  /** Reserved: forests train on one thread for now (the search runs trials in parallel instead). */
  threads: number;
}

/**
 * scikit-learn's defaults (sqrt features for classification, all for regression), except that leaves
 * keep ~1 row per 10k training rows: fully grown trees on big tables cost time and model size
 * (millions of nodes) for a negligible gain.
 */
export function forestDefaults(kind: 'random_forest' | 'extra_trees', task: TaskInfo, shape?: { nRows: number }): ForestParams {
  return {
    nTrees: 100,
    maxFeatures: task.task === 'regression' ? 1 : 'sqrt',
    minSamplesLeaf: Math.max(1, Math.round((shape?.nRows ?? 0) / 10_000)),
    maxDepth: 0,
    bootstrap: kind === 'random_forest',
    maxBins: 255,
    threads: 1,
  };
}

export function resolveForestParams(kind: 'random_forest' | 'extra_trees', p: Partial<ForestParams>, task: TaskInfo,
  shape?: { nRows: number }): ForestParams {
  const d = forestDefaults(kind, task, shape);
  const r = { ...d, ...Object.fromEntries(Object.entries(p ?? {}).filter(([, v]) => v !== undefined)) } as ForestParams;
  const num = (v: number, lo: number, hi: number, dflt: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : dflt);
  r.nTrees = Math.floor(num(r.nTrees, 1, 10_000, d.nTrees));
  if (r.maxFeatures !== 'sqrt') r.maxFeatures = num(Number(r.maxFeatures), 1e-6, 1, 1);
  r.minSamplesLeaf = num(r.minSamplesLeaf, 1, Infinity, 1);
  r.maxDepth = Math.floor(num(r.maxDepth, 0, 256, 0));
  r.bootstrap = Boolean(r.bootstrap);
  r.maxBins = Math.floor(num(r.maxBins, 2, 255, 255));
  r.threads = Math.floor(num(r.threads, 1, 64, 1));
  return r;
}
