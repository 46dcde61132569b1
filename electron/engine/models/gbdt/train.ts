import type { Dataset, FitContext, TaskInfo } from '../types.ts';
import { applyBinMapper, BIN_STRIDE, fitBinMapper } from '../trees/binning.ts';
import { BoostEngine } from '../trees/boost-engine.ts';
import { HistThreads, shareCopy } from '../trees/parallel.ts';
import { checkTrainData, targetScale, Yielder } from '../trees/checks.ts';
import { FlatBuilder, gainImportance } from '../trees/flat.ts';
import { type BuiltTree, growTree, leafOfBinnedRow, type PackedGradients } from '../trees/grow.ts';
import { childSeed, makeRng, type Rng, sampleWithoutReplacement } from '../trees/rng.ts';
import { GbdtModel } from './model.ts';
import {
  binaryGradients, huberGradients, initialScores, multiclassGradients, type ObjectiveName, softmaxRows,
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

  const mapper = fitBinMapper(train, p.maxBins, rng);
  const binned = applyBinMapper(mapper, train);
  const valid = ctx.valid && ctx.valid.nRows > 0 && ctx.valid.y ? ctx.valid : undefined;
  const vBinned = valid ? applyBinMapper(mapper, valid) : undefined;
  const vy = valid ? (scale === 1 ? valid.y! : valid.y!.map((v) => v / scale)) : undefined;
  await yielder.tick();

  const init = initialScores(obj, y, w, K);
  const score = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) score[i * K + k] = init[k];
  const vScore = valid ? new Float64Array(valid.nRows * K) : undefined;
  if (vScore) for (let i = 0; i < valid!.nRows; i++) for (let k = 0; k < K; k++) vScore[i * K + k] = init[k];
  const prob = K > 1 ? new Float64Array(n * K) : undefined;
  // with helper threads, the arrays the histogram loop reads live on shared memory
  const useThreads = p.threads > 1 && n >= PARALLEL_MIN_ROWS;
  const f64 = (len: number): Float64Array => (useThreads ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len));
  const gh = f64(n * 2);
  const rows = useThreads ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
  const bins = useThreads ? shareCopy(binned.bins) : binned.bins;
  const inSample = new Uint8Array(n);
  const allFeatures = Int32Array.from({ length: F }, (_, i) => i);
  const quantize = p.quantizedGradients && n >= QUANTIZE_MIN_ROWS && !mapper.isCat.some((c) => c === 1);
  const qArr = quantize || useThreads ? f64(n) : undefined;
  const q = quantize ? qArr : undefined;
  // numeric tables: the boosting engine (with helper threads if asked); else helpers only build histograms
  const numericOnly = !mapper.isCat.some((c) => c === 1);
  const nSlots = Math.min(p.maxLeaves + 2, Math.floor(ENGINE_MEMORY / (F * BIN_STRIDE * 2 * 8)));
  const useEngine = numericOnly && nSlots >= p.maxLeaves + 2;
  let engine: BoostEngine | undefined;
  if (useEngine) {
    const engineArrays = { bins, binCols: columnMajor(binned.byColumn, n, useThreads), nRows: n, nFeatures: F,
      nBins: useThreads ? shareCopy(mapper.nBins) : mapper.nBins, rows, gh, q: qArr ?? new Float64Array(0) };
    // helpers that cannot start (restricted environment) only cost speed: train on this thread
    engine = await BoostEngine.create(engineArrays, nSlots, useThreads ? p.threads : 1)
      .catch(() => BoostEngine.create(engineArrays, nSlots, 1))
      .catch(() => undefined); // no engine at all: the plain path below
  }
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
        if (p.subsample >= 1) for (let i = 0; i < n; i++) rows[i] = i;
        if (obj === 'binary') binaryGradients(score, y, w, gh);
        else if (obj === 'multiclass') multiclassGradients(prob!, K, k, y, w, gh);
        else if (obj === 'huber') huberGradients(score, y, w, gh, p.huberQuantile);
        else squaredGradients(score, y, w, gh);

        const features = p.colsampleByTree < 1
          ? sampleWithoutReplacement(allFeatures, Math.max(1, Math.round(F * p.colsampleByTree)), roundRng)
            .subarray(0, Math.max(1, Math.round(F * p.colsampleByTree))).sort()
          : allFeatures;
        const packed = q ? packGradients(gh, rows, nSample, q, roundRng) : undefined;
        const tree = growTree(
          { bins, binColumns: binned.byColumn, nFeatures: F, mapper, gh, nChannels: 1, rows, nRows: nSample, packed, parallel: threads, engine },
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
        for (let node = 0; node < tree.nNodes; node++) {
          if (tree.feature[node] >= 0) continue;
          const v = tree.value[node];
          for (let i = tree.begin[node]; i < tree.end[node]; i++) score[rows[i] * K + k] += v;
        }
        if (nSample < n) {
          for (let i = 0; i < n; i++) if (!inSample[i]) score[i * K + k] += tree.value[leafOfBinnedRow(tree, binned.bins, F, i)];
        }
        if (vScore) {
          for (let i = 0; i < valid!.nRows; i++) vScore[i * K + k] += tree.value[leafOfBinnedRow(tree, vBinned!.bins, F, i)];
        }
      }
      roundsDone = round + 1;

      let vLoss: number | undefined;
      if (vScore) {
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

/** One column-major copy of the bins (a feature's bins by row at f * n), on shared memory for helpers. */
function columnMajor(byColumn: Uint8Array[], n: number, shared: boolean): Uint8Array {
  const out = new Uint8Array(shared ? new SharedArrayBuffer(n * byColumn.length) : new ArrayBuffer(n * byColumn.length));
  for (let f = 0; f < byColumn.length; f++) out.set(byColumn[f], f * n);
  return out;
}
/** Below this, waking helper threads costs more than it saves. */
const PARALLEL_MIN_ROWS = 30_000;

/**
 * Stochastically rounds [h, g] to small integers and packs them as gq * shift + hq. Bits are chosen so
 * that any sum over the sample stays an exact integer below 2^52 (8-bit levels at 100k rows, 4-bit at 1M).
 */
export function packGradients(gh: Float64Array, rows: Int32Array, nSample: number, q: Float64Array, rng: Rng): PackedGradients | undefined {
  const budget = 52 - 2 * Math.log2(nSample + 1);
  const hBits = Math.min(8, Math.floor(budget / 2));
  const gBits = Math.min(15, Math.floor(budget - hBits) - 2);
  if (gBits < 4 || hBits < 3) return undefined;
  const hMax = 2 ** hBits - 1;
  const gMax = 2 ** gBits - 1;
  const shift = 2 ** Math.ceil(Math.log2(nSample * hMax + 1));
  let maxG = 0;
  let maxH = 0;
  for (let i = 0; i < nSample; i++) {
    const r = rows[i];
    const g = Math.abs(gh[2 * r + 1]);
    if (g > maxG) maxG = g;
    if (gh[2 * r] > maxH) maxH = gh[2 * r];
  }
  if (!(maxH > 0)) return undefined;
  const gScale = maxG > 0 ? maxG / gMax : 1;
  const hScale = maxH / hMax;
  const gInv = 1 / gScale;
  const hInv = 1 / hScale;
  // the rounding noise of row r is a hash of (seed, r): a quarter cheaper than two generator draws per
  // row and independent of the order rows are visited; 16 bits per draw are plenty for 4-8 bit levels
  const seed = Math.floor(rng() * 4294967296) | 0;
  const U = 1 / 65536;
  for (let i = 0; i < nSample; i++) {
    const r = rows[i];
    let x = Math.imul(r ^ seed, 0x9e3779b1);
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    const gq = Math.min(gMax, Math.max(-gMax, Math.floor(gh[2 * r + 1] * gInv + ((x & 0xffff) + 0.5) * U)));
    const hq = Math.min(hMax, Math.floor(gh[2 * r] * hInv + ((x >>> 16) + 0.5) * U));
    q[r] = gq * shift + hq;
  }
  return { q, shift, gScale, hScale };
}
