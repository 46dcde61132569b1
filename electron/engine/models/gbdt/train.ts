import type { Dataset, FitContext, TaskInfo } from '../types.ts';
import { applyBinMapper, BIN_STRIDE, type BinMapper, type BinnedMatrix, fitBinMapper } from '../trees/binning.ts';
import { BoostEngine, type Maxima, OBJ_BINARY, OBJ_HUBER, OBJ_SQUARED } from '../trees/boost-engine.ts';
import { plainKernels } from '../trees/kernels.ts';
import { HistThreads, shareCopy } from '../trees/parallel.ts';
import { checkTrainData, targetScale, Yielder } from '../trees/checks.ts';
import { FlatBuilder, gainImportance } from '../trees/flat-builder.ts';
import { type BuiltTree, growTree, leafOfBinnedRow, leafRanges, type PackedGradients } from '../trees/grow.ts';
import { childSeed, makeRng, type Rng, sampleWithoutReplacement } from '../trees/rng.ts';
import { GbdtModel } from './model.ts';
import {
  binaryGradients, huberDelta, huberGradients, initialScores, multiclassGradients, type ObjectiveName, softmaxRows,
  squaredGradients, validLoss,
} from './objectives.ts';
import type { GbdtParams } from './params.ts';

/** Histogram gradient boosting (LightGBM / XGBoost-hist style) on typed arrays. */
export async function trainGbdt(train: Dataset, task: TaskInfo, p: GbdtParams, ctx: FitContext): Promise<GbdtModel> {
  const yRaw = checkTrainData(train, task);
  const yielder = new Yielder(ctx.signal);
  await yielder.tick();
  const n = train.nRows;
  const F = train.columns.length;
  const obj: ObjectiveName = task.task === 'binary' ? 'binary' : task.task === 'multiclass' ? 'multiclass' : p.objective;
  const K = obj === 'multiclass' ? task.nClasses : 1;
  const scale = task.task === 'regression' ? targetScale(yRaw) : 1;
  const y = scale === 1 ? yRaw : yRaw.map((v) => v / scale);
  const w = train.weights;
  const rng = makeRng(ctx.seed);

  const init = initialScores(obj, y, w, K);
  // with helper threads, the arrays the histogram loop and the row tasks read live on shared memory
  const useThreads = p.threads > 1 && n >= PARALLEL_MIN_ROWS;
  const f64 = (len: number): Float64Array => (useThreads ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len));
  const u8 = (len: number): Uint8Array => (useThreads ? new Uint8Array(new SharedArrayBuffer(len)) : new Uint8Array(len));
  const score = f64(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) score[i * K + k] = init[k];
  const prob = K > 1 ? new Float64Array(n * K) : undefined;
  const gh = f64(n * 2);
  const rows = useThreads ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
  // bins row-major (histograms) and column-major (partitions), filled by the binning below
  const bins = u8(n * F);
  const binCols = u8(n * F);
  const nBins = useThreads ? new Int32Array(new SharedArrayBuffer(F * 4)) : new Int32Array(F);
  const inSample = new Uint8Array(n);
  // every tree's starting row order without row subsampling
  const identity = p.subsample >= 1 ? Int32Array.from({ length: n }, (_, i) => i) : undefined;
  const allFeatures = Int32Array.from({ length: F }, (_, i) => i);
  // the boosting engine (with helper threads if asked) unless its histograms would not fit; else helpers
  // only build histograms
  const numericOnly = !train.features.some((f) => f?.kind === 'categorical');
  const quantize = p.quantizedGradients && n >= QUANTIZE_MIN_ROWS && numericOnly;
  const qArr = quantize || useThreads ? f64(n) : undefined;
  const q = quantize ? qArr : undefined;
  const nSlots = Math.min(p.maxLeaves + 2, Math.floor(ENGINE_MEMORY / (F * BIN_STRIDE * 2 * 8)));
  const useEngine = nSlots >= p.maxLeaves + 2;
  // validation rows: binned and scored by the engine's threads too
  const valid = ctx.valid && ctx.valid.nRows > 0 && ctx.valid.y ? ctx.valid : undefined;
  const nValid = valid?.nRows ?? 0;
  const vBins = u8(nValid * F);
  const vScore = f64(nValid * K);
  for (let i = 0; i < nValid; i++) for (let k = 0; k < K; k++) vScore[i * K + k] = init[k];
  const engineArrays = { bins, binCols, nRows: n, nFeatures: F, nBins, rows, gh, q: qArr ?? new Float64Array(0),
    score, y: useThreads ? shareCopy(y) : y, w: w && useThreads ? shareCopy(w) : w, vBins, vScore, nValid };
  // the helpers start while this thread bins the data (they read the arrays only once given a task);
  // helpers that cannot start (restricted environment) only cost speed: train on this thread
  const engineStart = useEngine
    ? BoostEngine.create(engineArrays, nSlots, useThreads ? p.threads : 1)
      .catch(() => BoostEngine.create(engineArrays, nSlots, 1))
      .catch(() => undefined) // no engine at all: the plain path below
    : undefined;
  let mapper: BinMapper;
  let binned: BinnedMatrix;
  let engine: BoostEngine | undefined;
  try {
    mapper = fitBinMapper(train, p.maxBins, rng);
    nBins.set(mapper.nBins);
    binned = applyBinMapper(mapper, train, { bins, cols: binCols });
    if (valid) applyBinMapper(mapper, valid, { bins: vBins, cols: new Uint8Array(nValid * F) });
    engine = await engineStart;
    await yielder.tick();
  } catch (err) {
    void engineStart?.then((e) => e?.close());
    throw err;
  }
  const vy = valid ? (scale === 1 ? valid.y! : valid.y!.map((v) => v / scale)) : undefined;
  const threads = useThreads && !engine
    ? await HistThreads.start(p.threads, { bins, nFeatures: F, rows, gh, q: qArr! }, F * BIN_STRIDE * 2).catch(() => undefined)
    : undefined;

  const builder = new FlatBuilder(mapper, 1);
  const built: BuiltTree[] = [];
  let bestLoss = Infinity;
  let bestRound = -1;
  let roundsDone = 0;
  const esr = valid ? p.earlyStoppingRounds : 0;

  try {
    for (let round = 0; round < p.nRounds; round++) {
      await yielder.tick();
      const roundRng = makeRng(childSeed(rng));
      // row subsample (without replacement) and per-tree column subsample
      let nSample = n;
      if (p.subsample < 1) {
        nSample = 0;
        inSample.fill(0);
        for (let i = 0; i < n; i++) if (roundRng() < p.subsample) { rows[nSample++] = i; inSample[i] = 1; }
        if (nSample === 0) { rows[0] = 0; inSample[0] = 1; nSample = 1; }
      }
      if (K > 1) softmaxRows(score, K, prob!);

      for (let k = 0; k < K; k++) {
        if (identity) rows.set(identity);
        // maxima of the gradients (the packing's scales) come with them when every row is in the sample
        let maxima: Maxima | undefined;
        if (engine && K === 1) {
          const m = engine.gradients(OBJ_CODE[obj], obj === 'huber' ? huberDelta(score, y, p.huberQuantile) : 0);
          if (nSample === n) maxima = m;
        } else if (obj === 'binary') binaryGradients(score, y, w, gh);
        else if (obj === 'multiclass') multiclassGradients(prob!, K, k, y, w, gh);
        else if (obj === 'huber') huberGradients(score, y, w, gh, p.huberQuantile);
        else squaredGradients(score, y, w, gh);

        const features = p.colsampleByTree < 1
          ? sampleWithoutReplacement(allFeatures, Math.max(1, Math.round(F * p.colsampleByTree)), roundRng)
            .subarray(0, Math.max(1, Math.round(F * p.colsampleByTree))).sort()
          : allFeatures;
        const pq = q ? packGradients(gh, rows, nSample, q, roundRng, engine, maxima) : undefined;
        const packed = pq?.packed;
        let rootSums = pq?.sums;
        if (!rootSums && engine) { rootSums = new Float64Array(3); engine.sums([0], [nSample], null, rootSums); }
        const tree = growTree(
          {
            bins, binColumns: binned.byColumn, nFeatures: F, mapper, gh, nChannels: 1, rows, nRows: nSample, packed, parallel: threads, engine,
            rootSums: rootSums && { H: rootSums[0], G: rootSums[1], Q: rootSums[2] },
          },
          {
            maxDepth: p.maxDepth, maxLeaves: p.maxLeaves, minChildWeight: p.minChildWeight, minDataInLeaf: p.minDataInLeaf,
            minSplitGain: p.minSplitGain, lambda: p.lambda, alpha: p.alpha, catL2: p.catL2, catSmooth: p.catSmooth,
            maxCatOneHot: p.maxCatOneHot, features, featuresPerNode: 0, randomSplits: false, rng: roundRng,
          },
        );
        const lr = p.learningRate;
        for (let i = 0; i < tree.value.length; i++) tree.value[i] *= lr;
        builder.add(tree, 1, k);
        built.push(tree);

        // update training scores: sampled rows by their leaf's row range, the others by walking the tree
        if (engine) addLeafScores(engine, tree, K, k);
        else {
          for (let node = 0; node < tree.nNodes; node++) {
            if (tree.feature[node] >= 0) continue;
            const v = tree.value[node];
            for (let i = tree.begin[node]; i < tree.end[node]; i++) score[rows[i] * K + k] += v;
          }
        }
        // the engine walks numeric splits only
        const walker = engine && !tree.catBits.some((b) => b !== null) ? engine : undefined;
        if (nSample < n) {
          if (walker) walker.walkScores(tree, K, k, false);
          else for (let i = 0; i < n; i++) if (!inSample[i]) score[i * K + k] += tree.value[leafOfBinnedRow(tree, bins, F, i)];
        }
        if (valid) {
          if (walker) walker.walkScores(tree, K, k, true);
          else for (let i = 0; i < nValid; i++) vScore[i * K + k] += tree.value[leafOfBinnedRow(tree, vBins, F, i)];
        }
      }
      roundsDone = round + 1;

      let vLoss: number | undefined;
      if (valid) {
        vLoss = validLoss(obj, vScore, vy!, K);
        if (bestRound < 0 || vLoss < bestLoss - 1e-12 * Math.abs(bestLoss)) { bestLoss = vLoss; bestRound = round; }
      }
      ctx.onProgress?.({ fraction: roundsDone / p.nRounds, message: `round ${roundsDone}`, validLoss: vLoss });
      if (esr > 0 && round - bestRound >= esr) break;
    }
  } finally {
    threads?.close();
    engine?.close();
  }

  const keepRounds = valid && bestRound >= 0 ? bestRound + 1 : roundsDone;
  builder.truncate(keepRounds * K);
  const importance = gainImportance(built.slice(0, keepRounds * K), F);
  return new GbdtModel({
    taskInfo: task,
    objective: obj,
    features: train.features.map((f) => ({ ...f })),
    init: Array.from(init),
    scale,
    trees: builder.build(),
    importance,
    rounds: keepRounds,
    bestValidLoss: Number.isFinite(bestLoss) ? bestLoss : undefined,
  });
}

const QUANTIZE_MIN_ROWS = 20_000;
/** Bytes of histogram slots the boosting engine may hold (one per open leaf); deeper trees use the plain path. */
const ENGINE_MEMORY = 64 * 1024 * 1024;

/** Below this, waking helper threads costs more than it saves. */
const PARALLEL_MIN_ROWS = 30_000;

const OBJ_CODE: Record<ObjectiveName, number> = { binary: OBJ_BINARY, squared_error: OBJ_SQUARED, huber: OBJ_HUBER, multiclass: -1 };

/** score += leaf value for every row of every leaf (rows by leaf range), on the engine's threads. */
function addLeafScores(engine: BoostEngine, tree: BuiltTree, K: number, k: number): void {
  const leaves = leafRanges(tree.feature, tree.begin, tree.end, tree.nNodes);
  engine.addScores(leaves.begin, leaves.end, leaves.nodes.map((n) => tree.value[n]), K, k);
}

/**
 * Stochastically rounds [h, g] to small integers and packs them as gq * shift + hq (kernels.ts sumRange),
 * on the engine's threads if given. Bits are chosen so that any sum over the sample stays an exact integer
 * below 2^52 (8-bit levels at 100k rows, 4-bit at 1M). Also returns the sample's sums [H, G, Q].
 */
export function packGradients(gh: Float64Array, rows: Int32Array, nSample: number, q: Float64Array, rng: Rng, engine?: BoostEngine,
  maxima?: Maxima): { packed: PackedGradients; sums: Float64Array } | undefined {
  const budget = 52 - 2 * Math.log2(nSample + 1);
  const hBits = Math.min(8, Math.floor(budget / 2));
  const gBits = Math.min(15, Math.floor(budget - hBits) - 2);
  const K = engine ? null : plainKernels();
  if (gBits < 4 || hBits < 3 || (!engine && !K)) return undefined;
  const hMax = 2 ** hBits - 1;
  const gMax = 2 ** gBits - 1;
  const shift = 2 ** Math.ceil(Math.log2(nSample * hMax + 1));
  const sums = new Float64Array(3);
  let maxG: number;
  let maxH: number;
  if (maxima) ({ maxG, maxH } = maxima);
  else if (engine) ({ maxG, maxH } = engine.maxima(nSample));
  else { K!.maxRange(gh, rows, 0, nSample, sums, 0); maxG = sums[0]; maxH = sums[1]; }
  if (!(maxH > 0)) return undefined;
  const gScale = maxG > 0 ? maxG / gMax : 1;
  const hScale = maxH / hMax;
  const pk = { seed: Math.floor(rng() * 4294967296) | 0, gInv: 1 / gScale, hInv: 1 / hScale, gMax, hMax, shift };
  if (engine) engine.sums([0], [nSample], pk, sums);
  else K!.sumRange(gh, rows, q, Float64Array.of(pk.seed, pk.gInv, pk.hInv, gMax, hMax, shift), 0, nSample, sums, 0);
  return { packed: { q, shift, gScale, hScale }, sums };
}
