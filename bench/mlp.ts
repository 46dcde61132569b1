// MLP benchmarks.
//   speed   (default): train rows/s of 40→128→128→128→1, batch 512, 50,000 × 40 on our backend, then
//                      single-row predict latency and 100k-row predict rows/s, with PyTorch (1 thread,
//                      Cooperlake OpenBLAS) measured in the same run, and ratios.
//                      Options: --epochs N (default 4, the first is warm-up), --no-peer, --modelfit
//                      (also time plain tf.layers model.fit for the speed-up of our dense gradients).
//   quality [names…]:  the developers' datasets (/work/shared/datasets) with the fixed test split, mlp defaults
//                      (early stopping on 15 % of the training rows), metrics to compare with baselines.md.
// Run: node --import tsx bench/mlp.ts [speed|quality] [options]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTf } from '../electron/engine/tf/backend.ts';
import { mlpFamily, type MlpFitted, type MlpParams } from '../electron/engine/models/mlp/index.ts';
import type { Dataset, FeatureSpec, TaskInfo } from '../electron/engine/models/types.ts';

const PERF_DATA = process.env.AUGUR_PERF_DATA ?? '/tmp/perf/data';
const PEERS = process.env.AUGUR_BENCH_PEERS ?? '/work/shared/bench-peers';
const DATASETS = process.env.AUGUR_DATASETS ?? '/work/shared/datasets';

export async function benchMlp(args: string[]): Promise<void> {
  const [mode = 'speed', ...rest] = args;
  if (mode === 'quality') return benchQuality(rest);
  if (mode === 'speed' || mode.startsWith('--')) return benchSpeed(mode.startsWith('--') ? args : rest);
  throw new Error(`unknown mlp bench mode "${mode}" (speed | quality)`);
}

// ---------------------------------------------------------------- speed

function readF32(file: string): Float32Array {
  const b = fs.readFileSync(path.join(PERF_DATA, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Row-major float32 → column-major Dataset. */
function toDataset(X: Float32Array, n: number, f: number, y?: Float32Array): Dataset {
  const features: FeatureSpec[] = Array.from({ length: f }, (_, j) => ({ name: `x${j}`, kind: 'numeric' }));
  const columns = Array.from({ length: f }, (_, j) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = X[i * f + j];
    return c;
  });
  return { features, nRows: n, columns, y: y ? Float64Array.from(y) : undefined };
}

/** Same shape as the peers' data when /tmp/perf/data is absent (gen_data.py not run): a separable-ish synthetic set. */
function syntheticData(n: number, f: number, seed: number): { X: Float32Array; y: Float32Array } {
  let s = seed >>> 0;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const X = new Float32Array(n * f), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < f; j++) z += (X[i * f + j] = r()) * (j < 10 ? 1 : 0.1);
    y[i] = z + 0.3 * Math.sin(4 * X[i * f]) > 0 ? 1 : 0;
  }
  return { X, y };
}

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface PeerResult {
  train?: number;
  latencyUs?: number;
  predict100k?: number;
  note?: string;
}

function runTorchPeer(epochs: number): PeerResult {
  const script = path.join(PEERS, 'mlp_py.py');
  if (!fs.existsSync(script)) return { note: `peer script missing: ${script}` };
  const env = { ...process.env, OPENBLAS_CORETYPE: 'Cooperlake', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  const res = spawnSync('/usr/bin/python3', [script, 'torch', '1', String(epochs)], { env, encoding: 'utf8', timeout: 600_000 });
  if (res.status !== 0) return { note: `PyTorch peer failed: ${(res.stderr || '').trim().split('\n').pop()}` };
  const num = (re: RegExp) => {
    const m = res.stdout.match(re);
    return m ? Number(m[1]) : undefined;
  };
  return {
    train: num(/train_rows_per_s ([\d.]+)/),
    latencyUs: num(/predict1_latency_us ([\d.]+)/),
    predict100k: num(/predict100k_rows_per_s ([\d.]+)/),
  };
}

async function benchSpeed(args: string[]): Promise<void> {
  const opt = (name: string) => args.includes(name);
  const epochsArg = args.indexOf('--epochs');
  const epochs = epochsArg >= 0 ? Number(args[epochsArg + 1]) : 4;
  const { tf, backend, note } = await loadTf();
  console.log(`# backend ${backend}${note ? ` (${note})` : ''}`);
  const N = 50_000, F = 40;
  let X: Float32Array, y: Float32Array, X2: Float32Array;
  const peerData = fs.existsSync(path.join(PERF_DATA, 'mlp_X_50000x40.f32'));
  if (peerData) {
    X = readF32('mlp_X_50000x40.f32');
    y = readF32('mlp_y_50000.f32');
    X2 = readF32('mlp_X_100000x40.f32');
  } else {
    console.log(`# ${PERF_DATA} has no peer data (run ${PEERS}/gen_data.py for identical data); using synthetic data of the same shape`);
    ({ X, y } = syntheticData(N, F, 1));
    X2 = syntheticData(100_000, F, 2).X;
  }
  const train = toDataset(X, N, F, y);
  const task: TaskInfo = { task: 'binary', nClasses: 2 };
  const params: MlpParams = {
    layers: [128, 128, 128], activation: 'relu', dropout: 0, batchNorm: false, learningRate: 1e-3,
    batchSize: 512, epochs, patience: epochs, embeddingDim: 'onehot', weightDecay: 0, numericScaling: 'standard',
  };
  // Wall time per epoch, and process CPU time per epoch: on a shared machine the CPU figure is the
  // one that does not depend on what else is running (this loop is single-threaded).
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const stamps: number[] = [];
  const cpuStamps: number[] = [];
  const t0 = performance.now();
  const c0 = cpuMs();
  const fitted = (await mlpFamily.fit(train, task, params, {
    seed: 0,
    onProgress: () => {
      stamps.push(performance.now());
      cpuStamps.push(cpuMs());
    },
  })) as MlpFitted;
  const epochMs = stamps.map((t, i) => t - (i === 0 ? t0 : stamps[i - 1]));
  const epochCpuMs = cpuStamps.map((t, i) => t - (i === 0 ? c0 : cpuStamps[i - 1]));
  const steady = (v: number[]) => median(v.length > 1 ? v.slice(1) : v);
  const trainRows = N / (steady(epochMs) / 1000);
  console.log(`# epochs_ms=${epochMs.map((t) => t.toFixed(0)).join(',')} cpu_ms=${epochCpuMs.map((t) => t.toFixed(0)).join(',')} (first includes preprocessing + warm-up)`);
  console.log(`RESULT augur_mlp_train_rows_per_s ${trainRows.toFixed(0)} rows/s`);
  console.log(`RESULT augur_mlp_train_rows_per_cpu_s ${(N / (steady(epochCpuMs) / 1000)).toFixed(0)} rows/s`);

  // Single-row latency through the full public path (Dataset → preprocess → network → probabilities).
  const one = toDataset(X2.subarray(0, F), 1, F);
  for (let i = 0; i < 50; i++) fitted.predict(one);
  const lat: number[] = [];
  for (let i = 0; i < 300; i++) {
    const s = performance.now();
    fitted.predict(one);
    lat.push(performance.now() - s);
  }
  const latencyUs = median(lat) * 1000;
  console.log(`RESULT augur_mlp_predict1_latency_us ${latencyUs.toFixed(1)} us`);
  const big = toDataset(X2, 100_000, F);
  const tp: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    fitted.predict(big);
    tp.push(performance.now() - s);
  }
  const predictRows = 100_000 / (median(tp) / 1000);
  console.log(`RESULT augur_mlp_predict100k_rows_per_s ${predictRows.toFixed(0)} rows/s`);
  fitted.dispose();

  if (opt('--modelfit')) {
    const rows = await modelFitRowsPerS(tf, X, y, N, F);
    console.log(`RESULT tfjs_layers_modelfit_train_rows_per_s ${rows.toFixed(0)} rows/s (ours is ${(trainRows / rows).toFixed(1)}x)`);
  }
  if (!opt('--no-peer')) {
    if (!peerData) {
      console.log('# PyTorch peer skipped: it needs the peer data files');
      return;
    }
    const peer = runTorchPeer(epochs);
    if (peer.note) {
      console.log(`# ${peer.note}`);
      return;
    }
    const pct = (a?: number, b?: number) => (a && b ? `${((100 * a) / b).toFixed(1)} %` : 'n/a');
    console.log(`RESULT torch_t1_train_rows_per_s ${peer.train?.toFixed(0)} rows/s`);
    console.log(`RESULT torch_t1_predict1_latency_us ${peer.latencyUs?.toFixed(1)} us`);
    console.log(`RESULT torch_t1_predict100k_rows_per_s ${peer.predict100k?.toFixed(0)} rows/s`);
    console.log(`RATIO train rows/s: augur / torch = ${pct(trainRows, peer.train)} (goal >= 15 %, stretch 25 %)`);
    console.log(`RATIO 1-row latency: augur / torch = ${peer.latencyUs ? (latencyUs / peer.latencyUs).toFixed(2) : 'n/a'}x (goal <= 2x)`);
    console.log(`RATIO 100k predict rows/s: augur / torch = ${pct(predictRows, peer.predict100k)} (goal >= 30 %)`);
  }
}

/** Plain tf.layers + model.fit on the same net and data, one timed epoch after a warm-up epoch. */
async function modelFitRowsPerS(tf: Awaited<ReturnType<typeof loadTf>>['tf'], X: Float32Array, y: Float32Array, N: number, F: number): Promise<number> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [F], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  const xt = tf.tensor2d(X, [N, F]), yt = tf.tensor2d(y, [N, 1]);
  const times: number[] = [];
  let last = performance.now();
  await model.fit(xt, yt, { epochs: 2, batchSize: 512, shuffle: true, verbose: 0, callbacks: { onEpochEnd: async () => { const now = performance.now(); times.push(now - last); last = now; } } });
  tf.dispose([xt, yt]);
  model.optimizer.dispose();
  model.dispose();
  return N / (times[1] / 1000);
}

// ---------------------------------------------------------------- quality

interface DatasetEntry {
  name: string;
  file: string;
  target: string;
  task: 'binary' | 'multiclass' | 'regression';
  na_values: string[];
  drop_columns: string[];
}

async function benchQuality(names: string[]): Promise<void> {
  // Imported lazily: these modules belong to other areas and the speed bench must not depend on them.
  const { importCsvFile } = await import('../electron/engine/data/import.ts');
  const { prepareTraining } = await import('../electron/engine/data/prepare.ts');
  const { takeRows, complementRows } = await import('../electron/engine/data/table-ops.ts');
  const { readRowIndexFile } = await import('../electron/engine/data/row-list.ts');
  const { allMetrics } = await import('../electron/engine/evaluate/metrics.ts');
  const meta = JSON.parse(fs.readFileSync(path.join(DATASETS, 'datasets.json'), 'utf8')) as { datasets: DatasetEntry[] };
  const chosen = meta.datasets.filter((d) => names.length === 0 || names.includes(d.name));
  const overrides = parseOverrides(names);
  for (const d of chosen) {
    const { table } = await importCsvFile(path.join(DATASETS, d.file), { naValues: d.na_values });
    const testRows = readRowIndexFile(path.join(DATASETS, 'splits', `${d.name}.test-rows.txt`));
    const trainTable = takeRows(table, complementRows(table.nRows, testRows));
    const testTable = takeRows(table, testRows);
    const prepared = prepareTraining(trainTable, { target: d.target, task: d.task, ignore: d.drop_columns });
    const { dataset, taskInfo, encoder } = prepared;
    const test = encoder.encode(testTable);
    const yTest = encoder.encodeTarget(testTable);
    // 15 % of the training rows for early stopping (seeded, the test rows are never seen).
    const { fit, valid } = holdOut(dataset, 0.15, 1);
    const params = { ...mlpFamily.defaults(taskInfo, { nRows: fit.nRows, nFeatures: fit.features.length }), ...overrides };
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const fitted = (await mlpFamily.fit(fit, taskInfo, params, { seed: 0, valid })) as MlpFitted;
    const fitS = (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    const cpuS = (c1.user + c1.system) / 1e6;
    const m = allMetrics(taskInfo, yTest, fitted.predict(test));
    const show = Object.entries(m).map(([k, v]) => `${k}=${Number(v).toPrecision(4)}`).join(' ');
    console.log(`${d.name.padEnd(18)} ${taskInfo.task.padEnd(10)} fit ${fitS.toFixed(1)}s (cpu ${cpuS.toFixed(1)}s) batch ${params.batchSize} epochs ${fitted.info.epochsRun} (best ${fitted.info.bestEpoch})  ${show}`);
    fitted.dispose();
  }
}

/** "--set key=value" pairs (JSON values) override the defaults, e.g. --set layers=[256,256]. */
function parseOverrides(args: string[]): Partial<MlpParams> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--set') continue;
    const [k, v] = args[i + 1].split('=');
    out[k] = JSON.parse(v);
    args.splice(i, 2);
    i--;
  }
  return out as Partial<MlpParams>;
}

function holdOut(ds: Dataset, fraction: number, seed: number): { fit: Dataset; valid: Dataset } {
  let s = seed >>> 0;
  const r = () => (s = (s * 1664525 + 1013904223) >>> 0) / 4294967296;
  const isValid = new Uint8Array(ds.nRows);
  for (let i = 0; i < ds.nRows; i++) isValid[i] = r() < fraction ? 1 : 0;
  const pick = (want: number): Dataset => {
    const rows: number[] = [];
    for (let i = 0; i < ds.nRows; i++) if (isValid[i] === want) rows.push(i);
    return {
      features: ds.features,
      nRows: rows.length,
      columns: ds.columns.map((c) => Float64Array.from(rows, (i) => c[i])),
      y: ds.y ? Float64Array.from(rows, (i) => ds.y![i]) : undefined,
      weights: ds.weights ? Float64Array.from(rows, (i) => ds.weights![i]) : undefined,
    };
  };
  return { fit: pick(0), valid: pick(1) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchMlp(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
