import type { Dataset, FitContext, TaskInfo } from '../types.ts';
import { applyBinMapper, fitBinMapper } from '../trees/binning.ts';
import { checkTrainData, targetScale, Yielder } from '../trees/checks.ts';
import { FlatBuilder, gainImportance } from '../trees/flat-builder.ts';
import { type BuiltTree, growTree } from '../trees/grow.ts';
import { childSeed, makeRng } from '../trees/rng.ts';
import { ForestModel } from './model.ts';
import type { ForestParams } from './params.ts';

/**
 * Random forest / extra trees on the histogram tree core. Each tree fits the target's mean (one channel
 * per class for multiclass, so the variance reduction summed over classes is the Gini decrease).
 * Bootstrap draws become row multiplicities in the hessian channel: no copied rows.
 */
export async function trainForest(kind: 'random_forest' | 'extra_trees', train: Dataset, task: TaskInfo,
  p: ForestParams, ctx: FitContext): Promise<ForestModel> {
  const yRaw = checkTrainData(train, task);
  const yielder = new Yielder(ctx.signal);
  await yielder.tick();
  const n = train.nRows;
  const F = train.columns.length;
  const C = task.task === 'multiclass' ? task.nClasses : 1;
  const S = C + 1;
  const scale = task.task === 'regression' ? targetScale(yRaw) : 1;
  const y = scale === 1 ? yRaw : yRaw.map((v) => v / scale);
  const w = train.weights;
  const rng = makeRng(ctx.seed);
  const mapper = fitBinMapper(train, p.maxBins, rng);
  const binned = applyBinMapper(mapper, train);
  const features = Int32Array.from({ length: F }, (_, i) => i);
  const perNode = p.maxFeatures === 'sqrt' ? Math.max(1, Math.round(Math.sqrt(F))) : Math.max(1, Math.round(F * p.maxFeatures));

  const gh = new Float64Array(n * S);
  const counts = new Float64Array(n);
  const rows = new Int32Array(n);
  const builder = new FlatBuilder(mapper, C);
  const built: BuiltTree[] = [];
  for (let t = 0; t < p.nTrees; t++) {
    await yielder.tick();
    const treeRng = makeRng(childSeed(rng));
    if (p.bootstrap) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[Math.floor(treeRng() * n)]++;
    } else counts.fill(1);
    let m = 0;
    gh.fill(0);
    for (let i = 0; i < n; i++) {
      const c = counts[i] * (w ? w[i] : 1);
      if (c <= 0) continue;
      rows[m++] = i;
      const o = i * S;
      gh[o] = c;
      if (C === 1) gh[o + 1] = -c * y[i];
      else gh[o + 1 + y[i]] = -c;
    }
    if (m === 0) { rows[0] = 0; gh[0] = 1; m = 1; }
    const tree = growTree(
      { bins: binned.bins, binColumns: binned.byColumn, nFeatures: F, mapper, gh, nChannels: C, rows, nRows: m },
      {
        maxDepth: p.maxDepth, maxLeaves: Infinity, minChildWeight: p.minSamplesLeaf, minDataInLeaf: 0,
        minSplitGain: 0, lambda: 0, alpha: 0, catL2: 0, catSmooth: 1, maxCatOneHot: C > 1 ? 64 : 4,
        features, featuresPerNode: perNode, randomSplits: kind === 'extra_trees', stopWhenPure: task.task !== 'regression', rng: treeRng,
      },
    );
    builder.add(tree, 1 / p.nTrees, 0);
    built.push(tree);
    ctx.onProgress?.({ fraction: (t + 1) / p.nTrees, message: `tree ${t + 1}` });
  }
  return new ForestModel({
    family: kind,
    taskInfo: task,
    features: train.features.map((f) => ({ ...f })),
    scale,
    trees: builder.build(),
    importance: gainImportance(built, F),
  });
}
